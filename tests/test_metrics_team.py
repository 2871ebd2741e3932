"""Reps leaderboard and activities by type, worked out by hand on tiny fixtures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_funnel import CUSTOMERS, DEALS, ORDER

from metrics.filters import Filters
from metrics.team import REP_COLUMNS, rep_activities, reps

NAN = float("nan")

# Deals as in test_metrics_funnel: ann won D7 (700, 10 days, closed 2024-03-11), lost D5
# (closed 2024-02-04), open D1 100, D2 200, D8 50; bob won D4 (400, 30 days, closed
# 2024-02-19), lost D6 (closed 2024-02-10, owner from customer C2), open D3 300.
ACTIVITIES = [
    {"activity_id": "A1", "activity_type": "call", "owner": "ann", "customer_id": "C1",
     "occurred_at": pd.Timestamp("2024-01-10 10:00"), "duration_minutes": 15},
    {"activity_id": "A2", "activity_type": "email", "owner": "ann", "customer_id": "C1",
     "occurred_at": pd.Timestamp("2024-01-11 09:00")},
    {"activity_id": "A3", "activity_type": "call", "owner": "ann", "customer_id": "C1",
     "occurred_at": pd.Timestamp("2024-02-01 16:00"), "duration_minutes": 20},
    {"activity_id": "A4", "activity_type": "meeting", "owner": "bob", "customer_id": "C2",
     "occurred_at": pd.Timestamp("2024-01-12 11:00"), "duration_minutes": 60},
    # No owner: customer C2's owner bob.
    {"activity_id": "A5", "activity_type": "call", "customer_id": "C2",
     "occurred_at": pd.Timestamp("2024-02-15 08:00"), "duration_minutes": 5},
]
# ann: January (period_end missing -> Jan 31) and February targets of 1000 each;
# bob: 900 for Jan 1 - Mar 31 2024 (91 days).
TARGETS = [
    {"owner": "ann", "period_start": date(2024, 1, 1), "target_amount": 1000},
    {"owner": "ann", "period_start": date(2024, 2, 1), "period_end": date(2024, 2, 29),
     "target_amount": 1000},
    {"owner": "bob", "period_start": date(2024, 1, 1), "period_end": date(2024, 3, 31),
     "target_amount": 900},
]
# One sale each: ann 150 on Jan 15, carl (no deals) 80 on Feb 10.
ORDER_LINES = [
    {"order_id": "O1", "ordered_at": pd.Timestamp("2024-01-15"), "line_amount": 150,
     "owner": "ann"},
    {"order_id": "O2", "ordered_at": pd.Timestamp("2024-02-10"), "line_amount": 80,
     "owner": "carl"},
]


@pytest.fixture
def team(con):
    insert(con, "deals", DEALS)
    insert(con, "customers", CUSTOMERS)
    insert(con, "activities", ACTIVITIES)
    insert(con, "targets", TARGETS)
    insert(con, "order_lines", ORDER_LINES)
    return con


def reps_frame(rows):
    return pd.DataFrame(rows, columns=REP_COLUMNS)


def check(actual, expected):
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, atol=0.005)


# columns: owner, won, lost, open, win_rate, revenue_won, mean_deal, mean_days_to_close,
# open_value, activities, sales, sales_revenue, target_amount, attainment
REPS_CASES = {
    # Targets in full: ann 2000, bob 900. Attainment on won deals (deals are stored):
    # ann 700 / 2000, bob 400 / 900. Best first by that revenue.
    "all": (Filters(), "auto", [
        ("ann", 1, 1, 3, 0.5, 700.0, 700.0, 10.0, 350.0, 3, 1, 150.0, 2000.0, 0.35),
        ("bob", 1, 1, 1, 0.5, 400.0, 400.0, 30.0, 300.0, 2, 0, 0.0, 900.0, 400 / 900),
        ("carl", 0, 0, 0, NAN, 0.0, NAN, NAN, 0.0, 0, 1, 80.0, NAN, NAN),
    ]),
    # February: closed D5 (ann lost), D4 (bob won), D6 (bob lost); ann's Feb target 1000,
    # bob's 900 x 29 / 91 = 286.81; activities A3 (ann), A5 (bob); carl's sale.
    "february": (Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29)), "auto", [
        ("bob", 1, 1, 1, 0.5, 400.0, 400.0, 30.0, 300.0, 1, 0, 0.0, 900 * 29 / 91,
         400 / (900 * 29 / 91)),
        ("ann", 0, 1, 3, 0.0, 0.0, NAN, NAN, 350.0, 1, 0, 0.0, 1000.0, 0.0),
        ("carl", 0, 0, 0, NAN, 0.0, NAN, NAN, 0.0, 0, 1, 80.0, NAN, NAN),
    ]),
    # Attainment on gross sales: ann 150 / 2000, bob 0 / 900; order: ann, carl, bob.
    "attainment_on_orders": (Filters(), "orders", [
        ("ann", 1, 1, 3, 0.5, 700.0, 700.0, 10.0, 350.0, 3, 1, 150.0, 2000.0, 0.075),
        ("carl", 0, 0, 0, NAN, 0.0, NAN, NAN, 0.0, 0, 1, 80.0, NAN, NAN),
        ("bob", 1, 1, 1, 0.5, 400.0, 400.0, 30.0, 300.0, 2, 0, 0.0, 900.0, 0.0),
    ]),
    "owner_scope_ann": (Filters(owner_scope=("ann",)), "auto", [
        ("ann", 1, 1, 3, 0.5, 700.0, 700.0, 10.0, 350.0, 3, 1, 150.0, 2000.0, 0.35),
    ]),
    # The owners filter restricts deals, activities, sales and targets alike.
    "owners_filter_bob": (Filters(owners=("bob",)), "auto", [
        ("bob", 1, 1, 1, 0.5, 400.0, 400.0, 30.0, 300.0, 2, 0, 0.0, 900.0, 400 / 900),
    ]),
}


@pytest.mark.parametrize("filters, source, rows", REPS_CASES.values(), ids=REPS_CASES.keys())
def test_reps(team, filters, source, rows):
    check(reps(team, filters, attainment_from=source, stage_order=ORDER), reps_frame(rows))


def test_auto_attainment_uses_sales_without_deals(con):
    # A shop with no deals: targets are measured against gross sales (150 of 600).
    insert(con, "order_lines", ORDER_LINES[:1])
    insert(con, "targets", [{"owner": "ann", "period_start": date(2024, 1, 1),
                             "target_amount": 600}])
    got = reps(con, Filters())
    assert got[["owner", "sales_revenue", "target_amount", "attainment"]].values.tolist() == [
        ["ann", 150.0, 600.0, 0.25]]


def test_rep_totals_match_pipeline(team):
    # Invariant: summed over reps, won and lost equal the pipeline summary's.
    from metrics.funnel import pipeline

    board = reps(team, Filters(), stage_order=ORDER)
    summary = pipeline(team, Filters(), stage_order=ORDER).iloc[0]
    assert board["won"].sum() == summary["won"] and board["lost"].sum() == summary["lost"]
    assert board["revenue_won"].sum() == pytest.approx(summary["won_value"])


ACTIVITY_CASES = {
    # ann: calls A1 15 min + A3 20 min, email A2 (no duration); bob: meeting A4, call A5.
    "all": (Filters(), [
        ("ann", "call", 2, 1, 35.0), ("ann", "email", 1, 1, 0.0),
        ("bob", "call", 1, 1, 5.0), ("bob", "meeting", 1, 1, 60.0),
    ]),
    "january": (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)), [
        ("ann", "call", 1, 1, 15.0), ("ann", "email", 1, 1, 0.0), ("bob", "meeting", 1, 1, 60.0),
    ]),
    "owner_scope_bob": (Filters(owner_scope=("bob",)), [
        ("bob", "call", 1, 1, 5.0), ("bob", "meeting", 1, 1, 60.0),
    ]),
}


@pytest.mark.parametrize("filters, rows", ACTIVITY_CASES.values(), ids=ACTIVITY_CASES.keys())
def test_rep_activities(team, filters, rows):
    expected = pd.DataFrame(rows, columns=["owner", "activity_type", "activities", "customers",
                                           "duration_minutes"])
    check(rep_activities(team, filters), expected)


@pytest.mark.parametrize("metric", [reps, rep_activities], ids=["reps", "rep_activities"])
def test_empty_tables(con, metric):
    got = metric(con, Filters(owner_scope=("ann",)))
    assert got.empty
    assert list(got.columns) == (REP_COLUMNS if metric is reps else
                                 ["owner", "activity_type", "activities", "customers",
                                  "duration_minutes"])


def test_unknown_attainment_source_is_refused(team):
    with pytest.raises(ValueError, match="attainment_from"):
        reps(team, Filters(), attainment_from="hope")
