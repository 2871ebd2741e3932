"""Drill-down lists: the deals behind a funnel stage or a rep, a rep's sales, the saved stage
order. Worked out by hand on the eight deals of test_metrics_funnel."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_funnel import CUSTOMERS, DEALS, HISTORY, ORDER

from ingest.store import init_db
from metrics.deal_lists import (
    DEAL_LIST_COLUMNS,
    SALE_LIST_COLUMNS,
    deals_loaded,
    funnel_stage_order,
    merge_stage_order,
    rep_deals,
    rep_sales,
    revenue_basis,
    saved_stage_order,
    stage_deals,
    team_data_loaded,
)
from metrics.filters import Filters
from metrics.funnel import funnel
from metrics.team import reps

JANUARY = Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31))
FEBRUARY = Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29))


@pytest.fixture
def deals(con):
    insert(con, "deals", DEALS)
    insert(con, "customers", CUSTOMERS)
    insert(con, "deal_stage_history",
           [{"deal_id": d, "stage": s, "entered_at": pd.Timestamp(t)} for d, s, t in HISTORY])
    return con


def ids(frame: pd.DataFrame) -> list[str]:
    return frame["deal_id"].tolist()


# Reached ranks (Lead 1 .. Won 4): D1 1, D2 2, D3 3, D4 4, D5 3, D6 1, D7 4, D8 2.
# Amounts: D1 100, D2 200, D3 300, D4 400, D5 500, D6 600, D7 700, D8 50; largest first.
STAGE_CASES = {
    "qualified_all": (Filters(), "Qualified", {}, ["D7", "D5", "D4", "D3", "D2", "D8"]),
    "won_row": (Filters(), "Won", {}, ["D7", "D4"]),
    # A won stage spelled otherwise still means the won row.
    "won_stage_other_spelling": (Filters(), "Closed Won", {}, ["D7", "D4"]),
    # Created in January (D1..D5), reached Proposal: D3, D4, D5.
    "proposal_created_january": (JANUARY, "Proposal", {}, ["D5", "D4", "D3"]),
    # bob's deals (D6 through customer C2): D3, D4, D6 all reached Lead.
    "lead_owner_bob": (Filters(), "Lead", {"by": "owner", "group": "bob"}, ["D6", "D4", "D3"]),
    # product A: D1 1, D5 3, D7 4, D8 2 -> Qualified: D7, D5, D8.
    "qualified_product_a": (Filters(), "Qualified", {"by": "product", "group": "A"},
                            ["D7", "D5", "D8"]),
    "unknown_stage": (Filters(), "Negotiation", {}, []),
    "owner_scope_nobody": (Filters(owner_scope=()), "Lead", {}, []),
}


@pytest.mark.parametrize("filters, stage, group, expected", STAGE_CASES.values(),
                         ids=STAGE_CASES.keys())
def test_stage_deals(deals, filters, stage, group, expected):
    got = stage_deals(deals, filters, stage, stage_order=ORDER, **group)
    assert list(got.columns) == DEAL_LIST_COLUMNS
    assert ids(got) == expected
    assert (got["total_rows"] == len(expected)).all()


def test_stage_deals_whole_rows(deals):
    got = stage_deals(deals, Filters(), "Won", stage_order=ORDER)
    expected = pd.DataFrame([
        ("D7", None, "C1", "ann", "fair", "A", "Won", "won", 700.0, 1.0,
         pd.Timestamp("2024-03-01"), pd.Timestamp("2024-03-11"), 10, 2),
        ("D4", None, "C2", "bob", "fair", "B", "Won", "won", 400.0, 1.0,
         pd.Timestamp("2024-01-20"), pd.Timestamp("2024-02-19"), 30, 2),
    ], columns=DEAL_LIST_COLUMNS)
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


def test_stage_deals_pages(deals):
    # Qualified, largest first: D7 D5 | D4 D3 | D2 D8.
    pages = [ids(stage_deals(deals, Filters(), "Qualified", stage_order=ORDER, limit=2,
                             offset=offset)) for offset in (0, 2, 4, 6)]
    assert pages == [["D7", "D5"], ["D4", "D3"], ["D2", "D8"], []]


@pytest.mark.parametrize("filters", [Filters(), JANUARY, Filters(owner_scope=("bob",))],
                         ids=["all", "january", "scope_bob"])
def test_stage_deals_count_what_the_funnel_counts(deals, filters):
    stages = funnel(deals, filters, stage_order=ORDER)
    for stage, count in zip(stages["stage"], stages["deals"], strict=True):
        got = stage_deals(deals, filters, stage, stage_order=ORDER, limit=100)
        assert len(got) == count, stage


@pytest.mark.parametrize("limit, offset", [(0, 0), (1001, 0), (10, -1)],
                         ids=["zero", "too_many", "negative_offset"])
def test_page_bounds_are_refused(deals, limit, offset):
    with pytest.raises(ValueError, match="limit must be"):
        stage_deals(deals, Filters(), "Lead", stage_order=ORDER, limit=limit, offset=offset)


def test_hostile_stage_and_group_are_values(deals):
    hostile = "x'); drop table deals; --"
    assert stage_deals(deals, Filters(), hostile, stage_order=ORDER).empty
    assert stage_deals(deals, Filters(), "Lead", by="owner", group=hostile,
                       stage_order=ORDER).empty
    assert deals.execute("select count(*) from deals").fetchone()[0] == 8


REP_CASES = {
    # ann: won D7; open D2 200, D1 100, D8 50; lost D5.
    "ann_all": (Filters(), "ann", ["D7", "D2", "D1", "D8", "D5"]),
    # February: bob won D4 (Feb 19), lost D6 (Feb 10, owner from customer C2); open D3
    # (created Jan 15, before the period's end).
    "bob_february": (FEBRUARY, "bob", ["D4", "D3", "D6"]),
    # December 2023: only D8 was created by the end; nothing closed.
    "ann_december": (Filters(start_date=date(2023, 12, 1), end_date=date(2023, 12, 31)), "ann",
                     ["D8"]),
    "scope_hides_ann": (Filters(owner_scope=("bob",)), "ann", []),
}


@pytest.mark.parametrize("filters, owner, expected", REP_CASES.values(), ids=REP_CASES.keys())
def test_rep_deals(deals, filters, owner, expected):
    got = rep_deals(deals, filters, owner, stage_order=ORDER)
    assert ids(got) == expected
    assert (got["total_rows"] == len(expected)).all()


@pytest.mark.parametrize("filters", [Filters(), FEBRUARY], ids=["all", "february"])
def test_rep_deals_count_what_the_leaderboard_counts(deals, filters):
    board = reps(deals, filters, stage_order=ORDER)
    for row in board.itertuples():
        status = rep_deals(deals, filters, row.owner, stage_order=ORDER)["status"]
        assert (status == "won").sum() == row.won
        assert (status == "lost").sum() == row.lost
        assert (status == "open").sum() == row.open


def test_rep_deals_without_owner(con):
    insert(con, "deals", [{"deal_id": "X", "stage": "Lead", "deal_amount": 5},
                          {"deal_id": "Y", "stage": "Lead", "owner": "ann", "deal_amount": 9}])
    assert ids(rep_deals(con, Filters(), "(not set)", stage_order=ORDER)) == ["X"]


@pytest.fixture
def sales(con):
    insert(con, "customers", [{"customer_id": "K1", "customer_name": "Kiwi 有限公司",
                               "owner": "dan"}])
    insert(con, "order_lines", [
        # S1: two lines, 100 + 50, dan's.
        {"order_id": "S1", "ordered_at": pd.Timestamp("2024-03-01 10:00"), "line_amount": 100,
         "customer_id": "K1", "owner": "dan"},
        {"order_id": "S1", "ordered_at": pd.Timestamp("2024-03-01 10:00"), "line_amount": 50,
         "customer_id": "K1", "owner": "dan"},
        # S2: a return, not a sale.
        {"order_id": "S2", "ordered_at": pd.Timestamp("2024-03-05"), "line_amount": -30,
         "customer_id": "K1", "owner": "dan"},
        # S3: no owner on the line, so the customer's (dan).
        {"order_id": "S3", "ordered_at": pd.Timestamp("2024-04-01"), "line_amount": 20,
         "customer_id": "K1"},
        # S4: eve's.
        {"order_id": "S4", "ordered_at": pd.Timestamp("2024-03-02"), "line_amount": 70,
         "owner": "eve"},
    ])
    return con


def test_rep_sales(sales):
    expected = pd.DataFrame([
        ("S3", pd.Timestamp("2024-04-01"), "K1", "Kiwi 有限公司", 20.0, 2),
        ("S1", pd.Timestamp("2024-03-01"), "K1", "Kiwi 有限公司", 150.0, 2),
    ], columns=SALE_LIST_COLUMNS)
    pd.testing.assert_frame_equal(rep_sales(sales, Filters(), "dan"), expected, check_dtype=False)


def test_rep_sales_in_march_match_the_leaderboard(sales):
    march = Filters(start_date=date(2024, 3, 1), end_date=date(2024, 3, 31))
    assert rep_sales(sales, march, "dan")["order_id"].tolist() == ["S1"]
    board = reps(sales, march).set_index("owner")
    assert board.loc["dan", "sales"] == 1 and board.loc["eve", "sales"] == 1


def test_revenue_basis(con, sales):
    assert revenue_basis(con) == "orders"
    insert(con, "deals", [{"deal_id": "X", "stage": "Lead"}])
    assert revenue_basis(con) == "deals"


def _dataset(con, dataset_id, table, stage_order, status="loaded"):
    mapping = {"table": table, "columns": {}, "stage_order": stage_order}
    con.execute("insert into datasets (dataset_id, name, table_name, mapping_json, status) "
                "values (?, ?, ?, ?, ?)", [dataset_id, f"d{dataset_id}", table,
                                           json.dumps(mapping), status])


SAVED_CASES = {
    "none_loaded": ([], None),
    "newest_deals_with_an_order": ([(1, "deals", ["A", "B"]), (2, "deals", None),
                                    (3, "deals", ["C"], "deleted")], ("A", "B")),
    "newer_deals_win": ([(1, "deals", ["A"]), (2, "deals", ["B", "A"])], ("B", "A")),
    "history_when_deals_have_none": ([(1, "deal_stage_history", ["H1", "H2"]),
                                      (2, "deals", None)], ("H1", "H2")),
    "deals_before_history": ([(1, "deals", ["A"]), (2, "deal_stage_history", ["H"])], ("A",)),
}


@pytest.mark.parametrize("datasets, expected", SAVED_CASES.values(), ids=SAVED_CASES.keys())
def test_saved_stage_order(con, datasets, expected):
    init_db(con)
    for dataset in datasets:
        _dataset(con, *dataset)
    assert saved_stage_order(con) == expected


MERGE_CASES = {
    # A preview that saw only closed deals: the stored open stages come first, in data order.
    "preview_saw_only_closed": (["Closed Won", "Closed Lost"],
                                ["Prospecting", "Qualification", "Closed Won", "Closed Lost"],
                                ["Prospecting", "Qualification", "Closed Won", "Closed Lost"]),
    # A person put B before A: C (after A and B in the data) goes after both.
    "reordered_by_hand": (["B", "A"], ["A", "B", "C"], ["B", "A", "C"]),
    "gap_filled_in_place": (["A", "C"], ["A", "B", "C", "D"], ["A", "B", "C", "D"]),
    "names_match_normalised": (["qualified", "Lead"], ["Lead", "Qualified"], ["qualified", "Lead"]),
    # A saved stage with no deals keeps its place after the stored ones placed before it.
    "saved_stage_not_stored": (["X"], ["A", "B"], ["A", "B", "X"]),
    "duplicates_once": (["A", "A", "B"], ["A", "B"], ["A", "B"]),
}


@pytest.mark.parametrize("saved, stored, expected", MERGE_CASES.values(), ids=MERGE_CASES.keys())
def test_merge_stage_order(saved, stored, expected):
    assert merge_stage_order(saved, stored) == expected


def test_funnel_stage_order(deals):
    init_db(deals)
    assert funnel_stage_order(deals) is None  # nothing saved: metrics guess
    # The deals file's preview saw only won and lost deals.
    _dataset(deals, 1, "deals", ["Won", "Lost"])
    assert funnel_stage_order(deals) == ("Lead", "Qualified", "Proposal", "Won", "Lost")


def test_deals_loaded(con):
    assert not deals_loaded(con)
    insert(con, "deals", [{"deal_id": "X", "stage": "Lead"}])
    assert deals_loaded(con)


@pytest.mark.parametrize("table, row", [
    ("deals", {"deal_id": "X", "stage": "Lead"}),
    ("order_lines", {"ordered_at": pd.Timestamp("2024-01-01"), "line_amount": 1}),
    ("activities", {"activity_type": "call", "occurred_at": pd.Timestamp("2024-01-01")}),
    ("targets", {"owner": "ann", "period_start": date(2024, 1, 1), "target_amount": 1}),
], ids=["deals", "orders", "activities", "targets"])
def test_team_data_loaded(con, table, row):
    assert not team_data_loaded(con)
    insert(con, "customers", [{"customer_id": "C1", "owner": "ann"}])
    assert not team_data_loaded(con)  # customers alone make no team report
    insert(con, table, [row])
    assert team_data_loaded(con)
