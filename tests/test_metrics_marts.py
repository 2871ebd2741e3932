"""order_facts (metrics.marts): its rows by hand, view and table alike, reset by every change,
never left stale by a concurrent refresh; and every metric equal whether orders come from the
lines, the order_facts view or the built table."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from fixture_rows import insert

from ingest import catalog
from ingest.db import connect_engine
from metrics import base, marts
from metrics.filters import Filters, Params

# Current customers: c1's later row wins (South, store, bob, K2); c2 is East, web, ann, no campaign.
CUSTOMERS = [
    {"customer_id": "c1", "region": "North", "channel": "web", "owner": "ann", "campaign_id": "K1"},
    {"customer_id": "c1", "region": "South", "channel": "store", "owner": "bob", "campaign_id": "K2"},
    {"customer_id": "c2", "region": "East", "channel": "web", "owner": "ann"},
]


def ln(order_id, at, customer, amount, **more):
    return {"order_id": order_id, "ordered_at": at, "customer_id": customer, "line_amount": amount,
            **more}


LINES = [
    ln("o1", datetime(2024, 3, 1, 9), "c1", 10, region="North", cost_amount=4, product_name="Tea"),
    ln("o1", datetime(2024, 3, 1, 10), "c1", 5, product_name="Cup"),  # region: c1's South
    ln("o2", datetime(2024, 3, 1, 23), "c2", 8, cost_amount=3, campaign_id="K9", product_name="Tea"),
    ln("o2", datetime(2024, 3, 2, 1), "c2", 2, cost_amount=1, product_name="Cup"),  # next day
    ln("o3", datetime(2024, 4, 10, 12), "c1", -6, product_name="Tea"),  # a return
    ln("o4", datetime(2024, 4, 11), "c2", 3, product_name="Tea"),
    ln("o4", datetime(2024, 4, 11), "c2", -3, product_name="Tea"),  # o4 totals zero
    ln(None, datetime(2024, 5, 1), None, 7, product_name="Tea"),  # its own order: row-1-8
    ln("o5", datetime(2024, 5, 2), "c1", 4, product_name="Cup"),
    ln("o5", datetime(2024, 5, 2), None, 6, owner="cat", product_name="Tea"),  # no customer
    ln("o6", None, "c1", 9),  # no date: not a sale line
    ln("o7", datetime(2024, 5, 3), "c2", None),  # no amount: not a sale line
]

FACT_COLUMNS = ["order_number", "order_key", "order_date", "customer_number", "customer_id",
                "region", "channel", "owner", "campaign_id", "own_campaign_id", "line_amount",
                "cost_amount", "fact_rows"]
# Worked out by hand from LINES and CUSTOMERS: one row per order, day, customer and dimensions.
EXPECTED_FACTS = [
    (1, "o1", date(2024, 3, 1), 1, "c1", "North", "store", "bob", "K2", None, 10, 4, 2),
    (1, "o1", date(2024, 3, 1), 1, "c1", "South", "store", "bob", "K2", None, 5, None, 2),
    (2, "o2", date(2024, 3, 1), 2, "c2", "East", "web", "ann", "K9", "K9", 8, 3, 2),
    (2, "o2", date(2024, 3, 2), 2, "c2", "East", "web", "ann", None, None, 2, 1, 2),
    (3, "o3", date(2024, 4, 10), 1, "c1", "South", "store", "bob", "K2", None, -6, None, 1),
    (4, "o4", date(2024, 4, 11), 2, "c2", "East", "web", "ann", None, None, 0, None, 1),
    (5, "o5", date(2024, 5, 2), 1, "c1", "South", "store", "bob", "K2", None, 4, None, 2),
    (5, "o5", date(2024, 5, 2), None, None, None, None, "cat", None, None, 6, None, 2),
    (6, "row-1-8", date(2024, 5, 1), None, None, None, None, None, None, None, 7, None, 1),
]


@pytest.fixture
def shop(con):
    insert(con, "customers", CUSTOMERS)
    insert(con, "order_lines", LINES)
    return con


def _facts(con) -> list[tuple]:
    cols = ", ".join(FACT_COLUMNS)
    rows = con.execute(f"select {cols} from order_facts "
                       "order by order_number, order_date, customer_number nulls last, "
                       "region nulls last").fetchall()
    return [tuple(int(v) if isinstance(v, Decimal) else v for v in row) for row in rows]


@pytest.mark.parametrize("built", [False, True], ids=["view", "table"])
def test_order_facts_rows_by_hand(shop, built):
    assert marts.kind(shop) == "view"
    if built:
        assert marts.refresh(shop) is True
        assert marts.kind(shop) == "table"
    assert _facts(shop) == EXPECTED_FACTS
    first = shop.execute("select min(ordered_at) from order_facts where order_key = 'o1' "
                         "and region = 'South'").fetchone()[0]
    assert first == datetime(2024, 3, 1, 10)


def _orders(con, filters: Filters) -> list[tuple]:
    params = Params()
    sql = (f"select order_key, customer_id, order_date, order_total, cost_total, own_campaign_id, "
           f"is_sale from ({base.orders_sql(filters, params)}) o order by order_key")
    return [tuple(float(v) if isinstance(v, Decimal) else v for v in row)
            for row in con.execute(sql, params).fetchall()]


@pytest.mark.parametrize("built", [False, True], ids=["view", "table"])
@pytest.mark.parametrize(("filters", "expected"), [
    # o4 totals zero and goes; o5's customer is c1 (the null customer's line does not count).
    (Filters(), [("o1", "c1", date(2024, 3, 1), 15.0, 4.0, None, True),
                 ("o2", "c2", date(2024, 3, 1), 10.0, 4.0, "K9", True),
                 ("o3", "c1", date(2024, 4, 10), -6.0, None, None, False),
                 ("o5", "c1", date(2024, 5, 2), 10.0, None, None, True),
                 ("row-1-8", None, date(2024, 5, 1), 7.0, None, None, True)]),
    # Only o1's own North line is in the North.
    (Filters(regions=("North",)), [("o1", "c1", date(2024, 3, 1), 10.0, 4.0, None, True)]),
    # From March 2: o2 keeps its second line, dated that day.
    (Filters(start_date=date(2024, 3, 2), end_date=date(2024, 4, 30)),
     [("o2", "c2", date(2024, 3, 2), 2.0, 1.0, None, True),
      ("o3", "c1", date(2024, 4, 10), -6.0, None, None, False)]),
    # bob owns c1's lines (the customer's owner); cat's line of o5 is not his.
    (Filters(owner_scope=("bob",)), [("o1", "c1", date(2024, 3, 1), 15.0, 4.0, None, True),
                                     ("o3", "c1", date(2024, 4, 10), -6.0, None, None, False),
                                     ("o5", "c1", date(2024, 5, 2), 4.0, None, None, True)]),
    (Filters(owners=("cat",)), [("o5", None, date(2024, 5, 2), 6.0, None, None, True)]),
    # K9 is only o2's first line's own campaign.
    (Filters(campaigns=("K9",)), [("o2", "c2", date(2024, 3, 1), 8.0, 3.0, "K9", True)]),
    (Filters(owner_scope=()), []),
], ids=["none", "north", "march-2-on", "scope-bob", "owner-cat", "campaign-k9", "scope-empty"])
def test_orders_from_order_facts_by_hand(shop, filters, expected, built):
    if built:
        marts.refresh(shop)
    assert _orders(shop, filters) == expected


def test_refresh_twice_builds_once(shop):
    assert marts.refresh(shop) is True
    assert marts.refresh(shop) is False
    assert marts.kind(shop) == "table"
    assert _facts(shop) == EXPECTED_FACTS


def test_reset_turns_a_built_table_back_into_the_view(shop):
    marts.refresh(shop)
    marts.reset(shop)
    assert marts.kind(shop) == "view"
    marts.reset(shop)  # a view stays a view
    assert marts.kind(shop) == "view"


def _db(path):
    con = connect_engine(str(path))
    catalog.init_db(con)
    return con


def test_init_db_creates_the_view(tmp_path):
    con = _db(tmp_path / "crm.duckdb")
    assert marts.kind(con) == "view"
    assert con.execute("select count(*) from order_facts").fetchone()[0] == 0
    con.close()


def test_reopening_keeps_a_table_built_by_this_code_and_replaces_any_other(tmp_path):
    con = _db(tmp_path / "crm.duckdb")
    assert marts.refresh(con) is True
    catalog.init_db(con)  # opening the database again: the build is still good
    assert marts.kind(con) == "table"
    # A table built by another version of the definition is not read.
    con.execute("comment on table order_facts is 'order_facts 0123456789abcdef'")
    catalog.init_db(con)
    assert marts.kind(con) == "view"
    con.execute("drop view order_facts")
    catalog.init_db(con)
    assert marts.kind(con) == "view"
    con.close()


def _change(con, amount):
    """A change of stored data as the store makes it: rows, then bump_version, one transaction."""
    insert(con, "order_lines", [ln(f"x{amount}", datetime(2024, 6, 1, 10), None, amount)],
           dataset_id=amount)
    catalog.bump_version(con)


def _total(con):
    return float(con.execute("select coalesce(sum(line_amount), 0) from order_facts").fetchone()[0])


def test_a_change_resets_the_built_table_in_its_own_transaction(tmp_path):
    con = _db(tmp_path / "crm.duckdb")
    marts.refresh(con)
    con.begin()
    _change(con, 11)
    con.rollback()
    # Rolled back with the change: the built table stays, with the old rows.
    assert marts.kind(con) == "table"
    assert _total(con) == 0
    con.begin()
    _change(con, 11)
    con.commit()
    assert marts.kind(con) == "view"
    assert _total(con) == 11
    assert marts.refresh(con) is True
    assert _total(con) == 11
    con.close()


def test_a_refresh_loses_to_a_change_in_progress(tmp_path):
    root = _db(tmp_path / "crm.duckdb")
    loader, app = root.cursor(), root.cursor()
    loader.begin()
    _change(loader, 5)
    assert marts.refresh(app) is False  # the uncommitted change holds order_facts
    loader.commit()
    assert marts.kind(app) == "view"
    assert marts.refresh(app) is True
    assert _total(app) == 5
    root.close()


def test_a_change_committed_during_a_refresh_is_never_hidden(tmp_path, monkeypatch):
    root = _db(tmp_path / "crm.duckdb")
    loader, app = root.cursor(), root.cursor()
    definition = marts.order_facts_sql

    def change_then_define():
        # Runs inside the refresh's transaction, after its snapshot: a load commits meanwhile
        # (its own reset asks for the definition too: plain then).
        monkeypatch.setattr(marts, "order_facts_sql", definition)
        loader.begin()
        _change(loader, 7)
        loader.commit()
        return definition()

    monkeypatch.setattr(marts, "order_facts_sql", change_then_define)
    assert marts.refresh(app) is False
    assert marts.order_facts_sql is definition  # the change did run inside the refresh
    assert marts.kind(app) == "view"
    assert _total(app) == 7
    root.close()


def test_refresh_on_a_read_only_database_keeps_the_view(tmp_path):
    path = tmp_path / "crm.duckdb"
    _db(path).close()
    con = connect_engine(str(path), read_only=True)
    assert marts.refresh(con) is False
    assert marts.kind(con) == "view"
    con.close()
