"""Customer profile distributions and the 360-degree view of one customer."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_funnel import DEALS
from test_metrics_service import ACTIVITIES, CUSTOMERS, TICKETS

from metrics.customers import (
    DEAL_COLUMNS,
    ORDER_COLUMNS,
    PROFILE_COLUMNS,
    SUMMARY_COLUMNS,
    customer_360,
    profile,
)
from metrics.filters import Filters

T = pd.Timestamp
NAN = float("nan")

# Customers (test_metrics_service): C1 North web ann 2023-06-01; C2 South fair bob 2023-07-01;
# C4 North (no channel) bob 2024-03-01; C5 (no region) web ann (no signup date).
# Sales: C5 10 (Jan 7); C1 100 = 60 Pen + 40 Ink (Jan 10) and 70 (Feb 5), a -20 return
# (Feb 6); C2 50 (Jan 20) and 30 Ink (Jan 25).
ORDER_LINES = [
    {"order_id": "S1", "customer_id": "C5", "ordered_at": T("2024-01-07"), "line_amount": 10,
     "product_name": "Pen", "quantity": 1},
    {"order_id": "S2", "customer_id": "C1", "ordered_at": T("2024-01-10 14:00"), "line_amount": 60,
     "product_name": "Pen", "quantity": 2},
    {"order_id": "S2", "customer_id": "C1", "ordered_at": T("2024-01-10 14:00"), "line_amount": 40,
     "product_name": "Ink", "quantity": 1},
    {"order_id": "S3", "customer_id": "C2", "ordered_at": T("2024-01-20"), "line_amount": 50,
     "product_name": "Pen", "quantity": 1},
    {"order_id": "S4", "customer_id": "C2", "ordered_at": T("2024-01-25"), "line_amount": 30,
     "product_name": "Ink", "quantity": 1},
    {"order_id": "S5", "customer_id": "C1", "ordered_at": T("2024-02-05"), "line_amount": 70,
     "product_name": "Pen", "quantity": 1},
    {"order_id": "S6", "customer_id": "C1", "ordered_at": T("2024-02-06"), "line_amount": -20,
     "product_name": "Pen", "quantity": -1},
]
# bob once called ann's customer C1.
BOB_CALL = {"activity_id": "A6", "activity_type": "call", "owner": "bob", "customer_id": "C1",
            "occurred_at": T("2024-01-20 09:30")}


@pytest.fixture
def world(con):
    insert(con, "customers", CUSTOMERS)
    insert(con, "order_lines", ORDER_LINES)
    insert(con, "activities", ACTIVITIES + [BOB_CALL])
    insert(con, "tickets", TICKETS)
    insert(con, "deals", DEALS)
    return con


def check(actual, rows, columns):
    expected = pd.DataFrame(rows, columns=columns)
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected, check_dtype=False,
                                  atol=0.0005)


PROFILE_CASES = {
    # North: C1 (170) and C4 (no sale); C5 10; South: C2 80. Largest first, then by name.
    "region": (Filters(), "region", [
        ("North", 2, 0.5, 1, 170.0), ("(not set)", 1, 0.25, 1, 10.0), ("South", 1, 0.25, 1, 80.0),
    ]),
    # January: C4 signed up in March, so the base is C1, C2, C5; C1 bought 100 in January.
    "region_january": (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)),
                       "region", [
        ("(not set)", 1, 1 / 3, 1, 10.0), ("North", 1, 1 / 3, 1, 100.0),
        ("South", 1, 1 / 3, 1, 80.0),
    ]),
    # The product filter restricts the revenue, not the base: Ink is C1's 40 and C2's 30.
    "region_product_ink": (Filters(products=("Ink",)), "region", [
        ("North", 2, 0.5, 1, 40.0), ("(not set)", 1, 0.25, 0, 0.0), ("South", 1, 0.25, 1, 30.0),
    ]),
    "signup_month": (Filters(), "signup_month", [
        ("(not set)", 1, 0.25, 1, 10.0), ("2023-06", 1, 0.25, 1, 170.0),
        ("2023-07", 1, 0.25, 1, 80.0), ("2024-03", 1, 0.25, 0, 0.0),
    ]),
    "channel": (Filters(), "channel", [
        ("web", 2, 0.5, 2, 180.0), ("(not set)", 1, 0.25, 0, 0.0), ("fair", 1, 0.25, 1, 80.0),
    ]),
    "owner_scope_ann": (Filters(owner_scope=("ann",)), "region", [
        ("(not set)", 1, 0.5, 1, 10.0), ("North", 1, 0.5, 1, 170.0),
    ]),
}


@pytest.mark.parametrize("filters, by, rows", PROFILE_CASES.values(), ids=PROFILE_CASES.keys())
def test_profile(world, filters, by, rows):
    check(profile(world, filters, by=by), rows, [by] + PROFILE_COLUMNS)


@pytest.mark.parametrize("by", ["region", "city", "industry", "channel", "owner", "signup_month"])
def test_profile_shares_sum_to_one(world, by):
    got = profile(world, Filters(), by=by)
    assert got["customers"].sum() == 4
    assert got["share"].sum() == pytest.approx(1.0)


def test_customer_360(world):
    view = customer_360(world, "C1", Filters())
    summary = view["summary"].iloc[0].to_dict()
    assert {k: summary[k] for k in ("customer_id", "customer_name", "region", "channel",
                                    "owner")} == {
        "customer_id": "C1", "customer_name": "Acme", "region": "North", "channel": "web",
        "owner": "ann"}
    assert pd.Timestamp(summary["signup_date"]) == T("2023-06-01")
    assert pd.Timestamp(summary["first_sale_date"]) == T("2024-01-10")
    assert pd.Timestamp(summary["last_sale_date"]) == T("2024-02-05")
    # 2 sales: 100 + 70; the -20 return; AOV 170 / 2. Deals D1, D2 open, D7 won 700, D5 lost.
    # Activities A1, A2, A4 and bob's A6, last A4; tickets T1, T2, both resolved.
    assert {k: summary[k] for k in ("sales", "gross_revenue", "returns", "net_revenue", "aov",
                                    "open_deals", "won_deals", "won_value", "activities",
                                    "tickets", "open_tickets")} == {
        "sales": 2, "gross_revenue": 170.0, "returns": -20.0, "net_revenue": 150.0, "aov": 85.0,
        "open_deals": 2, "won_deals": 1, "won_value": 700.0, "activities": 4, "tickets": 2,
        "open_tickets": 0}
    assert pd.Timestamp(summary["last_activity_at"]) == T("2024-02-01 16:00")
    check(view["orders"].assign(order_date=pd.to_datetime(view["orders"]["order_date"])), [
        ("S6", T("2024-02-06"), -20.0, 1, -1.0, "Pen"),
        ("S5", T("2024-02-05"), 70.0, 1, 1.0, "Pen"),
        ("S2", T("2024-01-10"), 100.0, 2, 3.0, "Ink, Pen"),
    ], ORDER_COLUMNS)
    assert view["deals"]["deal_id"].tolist() == ["D7", "D5", "D2", "D1"]
    assert view["deals"]["status"].tolist() == ["won", "lost", "open", "open"]
    assert view["activities"]["occurred_at"].tolist() == [
        T("2024-02-01 16:00"), T("2024-01-20 09:30"), T("2024-01-11 09:00"), T("2024-01-10 10:00")]
    assert view["tickets"]["ticket_id"].tolist() == ["T2", "T1"]
    # RFM among C5 (10 on 01-07), C2 (50, 30; last 01-25) and C1 (100, 70; last 02-05); as-of
    # 02-06. Three customers: rank 1 -> 1, rank 2 -> 1 + floor(2.5) = 3, rank 3 -> 5.
    # C1: recency 1 ranks 3rd -> R5; 2 sales tie with C2 at rank 2 -> F3; 170 ranks 3rd -> M5.
    assert view["segment"][["recency_days", "frequency", "monetary", "r_score", "f_score",
                            "m_score", "segment"]].values.tolist() == [
        [1, 2, 170.0, 5, 3, 5, "Potential Loyalists"]]
    # Historical value: 170 of sales, the -20 return; no cost known.
    clv = view["clv"].iloc[0]
    assert (clv["sales"], clv["gross_revenue"], clv["returns"], clv["net_revenue"]) == (
        2, 170.0, -20.0, 150.0)
    assert pd.isna(clv["cost"]) and pd.isna(clv["margin"])


def test_customer_360_rep_sees_only_own_rows(world):
    # bob holds one call with C1: he sees C1's details and that call, none of ann's rows.
    view = customer_360(world, "C1", Filters(owner_scope=("bob",)))
    summary = view["summary"].iloc[0].to_dict()
    assert summary["customer_name"] == "Acme"
    assert {k: summary[k] for k in ("sales", "gross_revenue", "returns", "open_deals",
                                    "activities", "tickets")} == {
        "sales": 0, "gross_revenue": 0.0, "returns": 0.0, "open_deals": 0, "activities": 1,
        "tickets": 0}
    assert summary["aov"] is None
    assert view["activities"]["occurred_at"].tolist() == [T("2024-01-20 09:30")]
    assert view["orders"].empty and view["deals"].empty and view["tickets"].empty


@pytest.mark.parametrize("customer_id, filters", [
    ("C1", Filters(owner_scope=("carl",))),  # carl holds nothing of C1
    ("C1", Filters(owner_scope=())),
    ("nobody", Filters()),
], ids=["other_rep", "empty_scope", "unknown_customer"])
def test_customer_360_nothing_visible(world, customer_id, filters):
    view = customer_360(world, customer_id, filters)
    assert view["summary"].empty and list(view["summary"].columns) == SUMMARY_COLUMNS
    assert all(view[k].empty for k in ("orders", "deals", "activities", "tickets"))
    assert list(view["deals"].columns) == DEAL_COLUMNS


def test_customer_360_hostile_id(world):
    # The id is bound, never formatted into SQL.
    view = customer_360(world, "C1' or '1'='1", Filters())
    assert view["summary"].empty and view["orders"].empty


@pytest.mark.parametrize("by", ["region", "signup_month"])
def test_profile_on_empty_tables(con, by):
    got = profile(con, Filters(owner_scope=("ann",)), by=by)
    assert got.empty and list(got.columns) == [by] + PROFILE_COLUMNS


# RFM over the world's sales (as-of Feb 6, the day after the last sale):
# C1 recency 1, 2 sales -> R5 F3 "Potential Loyalists"; C2 recency 12, 2 sales -> R3 F3
# "Need Attention"; C5 recency 30, 1 sale -> R1 F1 "Hibernating".
def test_segment_filter_on_profile(world):
    got = profile(world, Filters(segments=("Potential Loyalists",)), by="region")
    check(got, [("North", 1, 1.0, 1, 170.0)], ["region"] + PROFILE_COLUMNS)


def test_segment_filter_on_deals(world):
    from metrics.funnel import funnel

    # C1's deals: D1 Lead 1, D2 Qualified 2, D5 lost without history here 1, D7 won 4.
    got = funnel(world, Filters(segments=("Potential Loyalists",)),
                 stage_order=["Lead", "Qualified", "Proposal", "Won", "Lost"])
    assert got[["stage", "deals"]].values.tolist() == [
        ["Lead", 4], ["Qualified", 2], ["Proposal", 1], ["Won", 1]]
