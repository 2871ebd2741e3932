"""The line path of orders (product filters, and the reference of order_facts) skips the customers
join when no filter reads a customer attribute: same orders."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from fixture_rows import insert

from metrics import base
from metrics.filters import Filters, Params

LINES = [
    # o1: two lines of c1 (10 + 5 = 15, a sale); o2: c2's return (-4); o3: zero total (dropped);
    # a line without order id is its own order (anonymous sale of 7); o4 is in 2025.
    {"order_id": "o1", "ordered_at": datetime(2024, 3, 1, 9), "customer_id": "c1",
     "product_name": "Tea", "line_amount": 10, "cost_amount": 4},
    {"order_id": "o1", "ordered_at": datetime(2024, 3, 1, 10), "customer_id": "c1",
     "product_name": "Cup", "line_amount": 5},
    {"order_id": "o2", "ordered_at": datetime(2024, 3, 2), "customer_id": "c2",
     "product_id": "SKU-9", "line_amount": -4, "cost_amount": -1},
    {"order_id": "o3", "ordered_at": datetime(2024, 3, 3), "customer_id": "c2",
     "product_name": "Tea", "line_amount": 0},
    {"ordered_at": datetime(2024, 3, 4), "product_name": "Tea", "line_amount": 7},
    {"order_id": "o4", "ordered_at": datetime(2025, 1, 5), "customer_id": "c1",
     "product_name": "Tea", "line_amount": 3},
    {"order_id": "o5", "ordered_at": None, "customer_id": "c1", "line_amount": 9},
]
# c1 loaded twice: two customer rows for one id must not double any order.
CUSTOMERS = [{"customer_id": "c1", "region": "North", "owner": "ann"},
             {"customer_id": "c1", "region": "South", "owner": "bob"},
             {"customer_id": "c2", "region": "North", "owner": "bob"}]


def _orders(con, filters: Filters):
    params = Params()
    sql = f"select * from ({base.line_orders_sql(filters, params)}) o order by order_key"
    return con.execute(sql, params).df()


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(start_date=date(2024, 1, 1), end_date=date(2024, 12, 31)),
    Filters(products=("Tea", "SKU-9")),
], ids=["none", "year-2024", "products"])
def test_plain_path_gives_the_joined_paths_orders(con, monkeypatch, filters):
    insert(con, "order_lines", LINES)
    insert(con, "customers", CUSTOMERS)
    assert not base._needs_customers(filters)
    plain = _orders(con, filters)
    monkeypatch.setattr(base, "_needs_customers", lambda f: True)
    joined = _orders(con, filters)
    assert list(plain.columns) == list(joined.columns)
    assert plain.equals(joined)


def test_plain_path_orders_by_hand(con):
    insert(con, "order_lines", LINES)
    insert(con, "customers", CUSTOMERS)
    orders = _orders(con, Filters())
    # o1 15, o2 -4, o4 3, the anonymous row-1-5 7; o3 (zero) and o5 (no date) are gone.
    assert list(orders["order_key"]) == ["o1", "o2", "o4", "row-1-5"]
    assert [float(v) for v in orders["order_total"]] == [15.0, -4.0, 3.0, 7.0]
    assert list(orders["is_sale"]) == [True, False, True, True]


@pytest.mark.parametrize("filters", [
    Filters(regions=("North",)), Filters(channels=("web",)), Filters(owners=("ann",)),
    Filters(campaigns=("c",)), Filters(segments=("Champions",)), Filters(owner_scope=()),
    Filters(owner_scope=("ann",)),
], ids=["region", "channel", "owner", "campaign", "segment", "scope-none", "scope-ann"])
def test_customer_filters_keep_the_join(filters):
    assert base._needs_customers(filters)
