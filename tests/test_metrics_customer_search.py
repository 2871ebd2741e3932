"""Finding a customer by id or name for the 360-degree view; whether data is loaded at all."""

from __future__ import annotations

import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_customers import world  # noqa: F401  (a fixture)

from metrics.customer_search import (
    SEARCH_COLUMNS,
    customer_view,
    customers_loaded,
    find_customers,
    orders_loaded,
)
from metrics.filters import Filters

# world (test_metrics_customers): C1 Acme (ann), C2 Globex (bob), C4 Initech (bob),
# C5 Umbrella (ann) in the customers table. Added here: C22, only on an order line of bob's,
# named there "Aaron 上海咖啡".


@pytest.fixture
def shop(world):  # noqa: F811
    insert(world, "order_lines", [{"order_id": "X1", "customer_id": "C22", "owner": "bob",
                                   "customer_name": "Aaron 上海咖啡", "line_amount": 5,
                                   "ordered_at": pd.Timestamp("2024-02-01")}], dataset_id=9)
    return world


@pytest.mark.parametrize("text, filters, limit, rows, total", [
    ("ac", Filters(), 20, [("C1", "Acme")], 1),
    # every id holds a "c": by name, C22's "Aaron" first.
    (" c ", Filters(), 20, [("C22", "Aaron 上海咖啡"), ("C1", "Acme"), ("C2", "Globex"),
                           ("C4", "Initech"), ("C5", "Umbrella")], 5),
    ("c", Filters(), 2, [("C22", "Aaron 上海咖啡"), ("C1", "Acme")], 5),
    # The exact id comes before a longer one, whatever the names.
    ("C2", Filters(), 20, [("C2", "Globex"), ("C22", "Aaron 上海咖啡")], 2),
    ("上海", Filters(), 20, [("C22", "Aaron 上海咖啡")], 1),
    ("UMBR", Filters(), 20, [("C5", "Umbrella")], 1),
    ("c", Filters(owner_scope=("ann",)), 20, [("C1", "Acme"), ("C5", "Umbrella")], 2),
    ("c", Filters(owner_scope=("bob",)), 20, [("C22", "Aaron 上海咖啡"), ("C2", "Globex"),
                                              ("C4", "Initech")], 3),
    ("c", Filters(owner_scope=()), 20, [], 0),
    ("%' or '1'='1", Filters(), 20, [], 0),
    ("", Filters(), 20, [], 0),
], ids=["name", "all-by-name", "limited", "exact-id-first", "chinese", "ignores-case",
        "ann", "bob", "empty-scope", "hostile", "empty-text"])
def test_find_customers(shop, text, filters, limit, rows, total):
    got = find_customers(shop, filters, text, limit=limit)
    want = pd.DataFrame([(*r, total) for r in rows], columns=SEARCH_COLUMNS)
    assert list(got.columns) == SEARCH_COLUMNS
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False)


def test_find_customers_refuses_a_huge_limit(shop):
    with pytest.raises(ValueError):
        find_customers(shop, Filters(), "c", limit=5000)


def test_customer_view_is_the_360(shop):
    view = customer_view(shop, Filters(), "C1")
    assert view["summary"]["customer_name"].tolist() == ["Acme"]
    assert view["segment"]["customer_id"].tolist() == ["C1"]


def test_loaded_flags(con):
    assert not orders_loaded(con) and not customers_loaded(con)
    insert(con, "customers", [{"customer_id": "C1"}])
    assert customers_loaded(con) and not orders_loaded(con)
    insert(con, "order_lines", [{"ordered_at": pd.Timestamp("2024-01-01"), "line_amount": 1}])
    assert orders_loaded(con, Filters(owner_scope=())) and customers_loaded(con)
