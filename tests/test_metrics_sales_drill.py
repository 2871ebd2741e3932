"""The orders behind a breakdown bar, a page at a time, from the rows of builder_rows.py."""

from __future__ import annotations

import pandas as pd
import pytest
from builder_rows import TABLES
from fixture_rows import insert

from metrics.filters import Filters
from metrics.sales_drill import ORDER_COLUMNS, orders_behind

O2 = ("o2", pd.Timestamp("2024-01-20 11:00:00"), "c2", "Beta")
O4 = ("o4", pd.Timestamp("2024-02-10 13:00:00"), "c3", "Gamma")
O5 = ("o5", pd.Timestamp("2024-02-15 14:00:00"), "c2", "Beta")
O6 = ("o6", pd.Timestamp("2024-03-01 15:00:00"), None, "Walk-in")  # name from its lines
O1 = ("o1", pd.Timestamp("2024-01-05 10:00:00"), "c1", "Alpha")
O3 = ("o3", pd.Timestamp("2024-02-03 12:00:00"), "c1", "Alpha")


@pytest.fixture
def book(con):
    for table in ("customers", "order_lines"):
        insert(con, table, TABLES[table])
    return con


def rows(*orders):
    """Expected rows: (order, lines, amount of these lines, order total, total_rows)."""
    return pd.DataFrame([[*o[:4], *rest] for o, *rest in orders], columns=ORDER_COLUMNS)


@pytest.mark.parametrize("dimension, value, limit, offset, expected", [
    pytest.param("region", "south", 25, 0, rows((O6, 2, 50, 50, 3), (O5, 2, 50, 50, 3),
                                                (O2, 1, 80, 80, 3)), id="newest-first"),
    pytest.param("region", "south", 2, 2, rows((O2, 1, 80, 80, 3)), id="second-page"),
    # Only C's lines count in amount; the order total holds every line.
    pytest.param("product", "C", 25, 0, rows((O6, 1, 20, 50, 2), (O5, 1, -10, 50, 2)),
                 id="part-of-orders"),
    pytest.param("region", "(not set)", 25, 0, rows((O4, 1, -30, -30, 1)), id="not-set"),
    pytest.param("industry", "retail", 25, 0, rows((O4, 1, -30, -30, 3), (O3, 1, 40, 40, 3),
                                                   (O1, 2, 150, 150, 3)), id="customer-industry"),
    pytest.param("region", "x' or '1'='1", 25, 0, rows(), id="hostile-value-matches-nothing"),
])
def test_orders_behind(book, dimension, value, limit, offset, expected):
    got = orders_behind(book, Filters(), dimension, value, limit=limit, offset=offset)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)


def test_filters_and_scope_apply(book):
    # ann's south orders: none (o2 o5 o6 are bob's); bob's channel store: o5 o2.
    assert orders_behind(book, Filters(owner_scope=("ann",)), "region", "south").empty
    got = orders_behind(book, Filters(owners=("bob",)), "channel", "store")
    assert got["order_key"].tolist() == ["o5", "o2"]


@pytest.mark.parametrize("kwargs", [
    pytest.param({"dimension": "colour"}, id="unknown-dimension"),
    pytest.param({"limit": 0}, id="limit-zero"),
    pytest.param({"limit": 501}, id="limit-too-large"),
    pytest.param({"offset": -1}, id="negative-offset"),
])
def test_bad_arguments(book, kwargs):
    args = {"dimension": "region", "value": "south", **kwargs}
    with pytest.raises(ValueError):
        orders_behind(book, Filters(), **args)
