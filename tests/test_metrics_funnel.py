"""Funnel, pipeline summary, velocity and stage durations on a hand-typed set of eight deals."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.deals_base import deals_sql, stage_rules
from metrics.filters import Filters, Params
from metrics.funnel import (
    DURATION_COLUMNS,
    FUNNEL_COLUMNS,
    PIPELINE_COLUMNS,
    funnel,
    pipeline,
    stage_durations,
    velocity,
)

ORDER = ["Lead", "Qualified", "Proposal", "Won", "Lost"]
NAN = float("nan")

# Stage ranks: Lead 1, Qualified 2, Proposal 3, final row Won 4.
# deal  owner        source product customer amount  prob created     closed      stage -> reached
# D1    ann          web    A       C1       100     0.1  2024-01-05  -           Lead -> 1
# D2    ann          web    B       C1       200     0.3  2024-01-10  -           Qualified -> 2
# D3    bob          fair   B       C2       300     0.6  2024-01-15  -           Proposal -> 3
# D4    bob          fair   B       C2       400     1.0  2024-01-20  2024-02-19  won, 30 days -> 4
# D5    ann          web    A       C1       500     0    2024-01-25  2024-02-04  lost, history -> 3
# D6    (C2's: bob)  web    B       C2       600     0    2024-02-03  2024-02-10  lost -> 1
# D7    ann          fair   A       C1       700     1.0  2024-03-01  2024-03-11  won, 10 days -> 4
# D8    ann          web    A       -        50      -    2023-12-01  -           Qualified -> 2
# (D8 has its own region, South.)
DEALS = [
    {"deal_id": "D1", "stage": "Lead", "owner": "ann", "source": "web", "product_name": "A",
     "customer_id": "C1", "deal_amount": 100, "probability": 0.1, "created_date": date(2024, 1, 5),
     "is_closed": False, "is_won": False},
    {"deal_id": "D2", "stage": "Qualified", "owner": "ann", "source": "web", "product_name": "B",
     "customer_id": "C1", "deal_amount": 200, "probability": 0.3,
     "created_date": date(2024, 1, 10), "is_closed": False, "is_won": False},
    {"deal_id": "D3", "stage": "Proposal", "owner": "bob", "source": "fair", "product_name": "B",
     "customer_id": "C2", "deal_amount": 300, "probability": 0.6,
     "created_date": date(2024, 1, 15), "is_closed": False, "is_won": False},
    {"deal_id": "D4", "stage": "Won", "owner": "bob", "source": "fair", "product_name": "B",
     "customer_id": "C2", "deal_amount": 400, "probability": 1.0,
     "created_date": date(2024, 1, 20), "close_date": date(2024, 2, 19), "is_closed": True,
     "is_won": True},
    {"deal_id": "D5", "stage": "Lost", "owner": "ann", "source": "web", "product_name": "A",
     "customer_id": "C1", "deal_amount": 500, "probability": 0.0,
     "created_date": date(2024, 1, 25), "close_date": date(2024, 2, 4), "is_closed": True,
     "is_won": False},
    {"deal_id": "D6", "stage": "Lost", "owner": None, "source": "web", "product_name": "B",
     "customer_id": "C2", "deal_amount": 600, "probability": 0.0, "created_date": date(2024, 2, 3),
     "close_date": date(2024, 2, 10), "is_closed": True, "is_won": False},
    {"deal_id": "D7", "stage": "Won", "owner": "ann", "source": "fair", "product_name": "A",
     "customer_id": "C1", "deal_amount": 700, "probability": 1.0, "created_date": date(2024, 3, 1),
     "close_date": date(2024, 3, 11), "is_closed": True, "is_won": True},
    {"deal_id": "D8", "stage": "Qualified", "owner": "ann", "source": "web", "product_name": "A",
     "region": "South", "deal_amount": 50, "created_date": date(2023, 12, 1), "is_closed": False,
     "is_won": False},
]
CUSTOMERS = [
    {"customer_id": "C1", "region": "North", "owner": "ann"},
    {"customer_id": "C2", "region": "South", "owner": "bob"},
]
# Days per stage: D3 Lead 1+1=2, Qualified 2+6=8; D4 Lead 2.5, Proposal 27.5 (to Won);
# D5 Lead 3, Qualified 4. The last entry of each deal is still running or terminal: not timed.
HISTORY = [
    ("D3", "Lead", "2024-01-15"), ("D3", "Qualified", "2024-01-16"), ("D3", "Lead", "2024-01-18"),
    ("D3", "Qualified", "2024-01-19"), ("D3", "Proposal", "2024-01-25"),
    ("D4", "Lead", "2024-01-20"), ("D4", "Proposal", "2024-01-22 12:00"),
    ("D4", "Won", "2024-02-19"),
    ("D5", "Lead", "2024-01-25"), ("D5", "Qualified", "2024-01-28"),
    ("D5", "Proposal", "2024-02-01"),
]


@pytest.fixture
def deals(con):
    insert(con, "deals", DEALS)
    insert(con, "customers", CUSTOMERS)
    insert(con, "deal_stage_history",
           [{"deal_id": d, "stage": s, "entered_at": pd.Timestamp(t)} for d, s, t in HISTORY])
    return con


def funnel_frame(rows, by=None):
    """Expected rows typed as (stage, deals, amount, conversion_from_previous,
    conversion_from_top, drop_off), in the function's column order."""
    lead = [by] if by else []
    typed = lead + ["stage", "deals", "amount", "conversion_from_previous",
                    "conversion_from_top", "drop_off"]
    frame = pd.DataFrame(rows, columns=typed)[lead + FUNNEL_COLUMNS]
    return frame.astype({"deals": "int64", "drop_off": "int64"})


def check(actual: pd.DataFrame, expected: pd.DataFrame):
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected, check_dtype=False,
                                  atol=0.005)


FUNNEL_CASES = {
    # All 8: reached 1,2,3,4,3,1,4,2 -> Lead 8, Qualified 6, Proposal 4, Won 2.
    "all": (Filters(), [
        ("Lead", 8, 2850.0, NAN, 1.0, 0),
        ("Qualified", 6, 2150.0, 0.75, 0.75, 2),
        ("Proposal", 4, 1900.0, 4 / 6, 0.5, 2),
        ("Won", 2, 1100.0, 0.5, 0.25, 2),
    ]),
    # Created in January: D1..D5 reached 1,2,3,4,3.
    "created_in_january": (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)), [
        ("Lead", 5, 1500.0, NAN, 1.0, 0),
        ("Qualified", 4, 1400.0, 0.8, 0.8, 1),
        ("Proposal", 3, 1200.0, 0.75, 0.6, 1),
        ("Won", 1, 400.0, 1 / 3, 0.2, 2),
    ]),
    # Product A: D1 1, D5 3, D7 4, D8 2.
    "product_A": (Filters(products=("A",)), [
        ("Lead", 4, 1350.0, NAN, 1.0, 0),
        ("Qualified", 3, 1250.0, 0.75, 0.75, 1),
        ("Proposal", 2, 1200.0, 2 / 3, 0.5, 1),
        ("Won", 1, 700.0, 0.5, 0.25, 1),
    ]),
    # Channel = lead source "fair": D3 3, D4 4, D7 4.
    "source_fair": (Filters(channels=("fair",)), [
        ("Lead", 3, 1400.0, NAN, 1.0, 0),
        ("Qualified", 3, 1400.0, 1.0, 1.0, 0),
        ("Proposal", 3, 1400.0, 1.0, 1.0, 0),
        ("Won", 2, 1100.0, 2 / 3, 2 / 3, 1),
    ]),
    # Region North comes from customer C1 (deals have none): D1 1, D2 2, D5 3, D7 4.
    "region_from_customer": (Filters(regions=("North",)), [
        ("Lead", 4, 1500.0, NAN, 1.0, 0),
        ("Qualified", 3, 1400.0, 0.75, 0.75, 1),
        ("Proposal", 2, 1200.0, 2 / 3, 0.5, 1),
        ("Won", 1, 700.0, 0.5, 0.25, 1),
    ]),
    # bob owns D3, D4 and (through customer C2) D6: reached 3, 4, 1.
    "owner_scope_bob": (Filters(owner_scope=("bob",)), [
        ("Lead", 3, 1300.0, NAN, 1.0, 0),
        ("Qualified", 2, 700.0, 2 / 3, 2 / 3, 1),
        ("Proposal", 2, 700.0, 1.0, 2 / 3, 0),
        ("Won", 1, 400.0, 0.5, 1 / 3, 1),
    ]),
}


@pytest.mark.parametrize("filters, rows", FUNNEL_CASES.values(), ids=FUNNEL_CASES.keys())
def test_funnel(deals, filters, rows):
    check(funnel(deals, filters, stage_order=ORDER), funnel_frame(rows))


def test_funnel_by_owner(deals):
    # ann: D1 1, D2 2, D5 3, D7 4, D8 2; bob: D3 3, D4 4, D6 1.
    expected = funnel_frame([
        ("ann", "Lead", 5, 1550.0, NAN, 1.0, 0),
        ("ann", "Qualified", 4, 1450.0, 0.8, 0.8, 1),
        ("ann", "Proposal", 2, 1200.0, 0.5, 0.4, 2),
        ("ann", "Won", 1, 700.0, 0.5, 0.2, 1),
        ("bob", "Lead", 3, 1300.0, NAN, 1.0, 0),
        ("bob", "Qualified", 2, 700.0, 2 / 3, 2 / 3, 1),
        ("bob", "Proposal", 2, 700.0, 1.0, 2 / 3, 0),
        ("bob", "Won", 1, 400.0, 0.5, 1 / 3, 1),
    ], by="owner")
    check(funnel(deals, Filters(), by="owner", stage_order=ORDER), expected)


def test_funnel_guesses_order_from_stage_names(con):
    # Salesforce names without flags: order comes from ingest.stages, status from the names.
    insert(con, "deals", [
        {"deal_id": "1", "stage": "Value Proposition", "deal_amount": 10},
        {"deal_id": "2", "stage": "Prospecting", "deal_amount": 20},
        {"deal_id": "3", "stage": "Closed Won", "deal_amount": 30},
        {"deal_id": "4", "stage": "Closed Lost", "deal_amount": 40},
    ])
    # Prospecting: all 4; Value Proposition: deals 1 and 3; Closed Won: deal 3.
    expected = funnel_frame([
        ("Prospecting", 4, 100.0, NAN, 1.0, 0),
        ("Value Proposition", 2, 40.0, 0.5, 0.5, 2),
        ("Closed Won", 1, 30.0, 0.5, 0.25, 1),
    ])
    check(funnel(con, Filters()), expected)


@pytest.mark.parametrize("by", ["owner", "source", "product", "region"])
def test_funnel_invariants(deals, by):
    grouped = funnel(deals, Filters(), by=by, stage_order=ORDER)
    for _, rows in grouped.groupby(by):
        assert rows["deals"].is_monotonic_decreasing  # a funnel never widens
        assert rows["conversion_from_top"].iloc[0] == 1.0
        assert (rows["drop_off"].iloc[1:].to_numpy()
                == -rows["deals"].diff().iloc[1:].to_numpy()).all()
    # The groups partition the deals: per-stage sums equal the overall funnel.
    overall = funnel(deals, Filters(), stage_order=ORDER).set_index("stage")["deals"]
    summed = grouped.groupby("stage")["deals"].sum().reindex(overall.index)
    pd.testing.assert_series_equal(summed, overall, check_dtype=False)


STATUS_CASES = {
    "won_flag": (True, None, "Proposal", "won"),
    "flags_win_over_name": (False, False, "Closed Won", "open"),
    "open_flag_over_lost_name": (None, False, "Closed Lost", "open"),
    "won_name_without_flags": (None, None, "Closed Won", "won"),
    "lost_internal_id": (None, None, "closedlost", "lost"),
    "closed_not_won": (None, True, "Proposal", "lost"),
    "not_won_not_closed_flag": (False, None, "Proposal", "open"),
    "no_flags_open_stage": (None, None, "Proposal", "open"),
}


@pytest.mark.parametrize("is_won, is_closed, stage, status", STATUS_CASES.values(),
                         ids=STATUS_CASES.keys())
def test_deal_status(con, is_won, is_closed, stage, status):
    insert(con, "deals", [{"deal_id": "x", "stage": stage, "is_won": is_won,
                           "is_closed": is_closed}])
    params = Params()
    sql = deals_sql(Filters(), params, stage_rules(con, ORDER))
    assert con.execute(f"select status from ({sql}) d", params).fetchall() == [(status,)]


def pipeline_frame(rows, by=None):
    return pd.DataFrame(rows, columns=([by] if by else []) + PIPELINE_COLUMNS)


PIPELINE_CASES = {
    # Open: D1, D2, D3, D8 = 650, weighted 10 + 60 + 180 + 0 (no probability) = 250.
    # Closed: D4 won 400 in 30 days, D7 won 700 in 10 days, D5 and D6 lost.
    # Velocity = 4 open x 0.5 x 550 / 20 days = 55 per day.
    "all": (Filters(), [(4, 650.0, 250.0, 2, 2, 0.5, 1100.0, 550.0, 20.0, 20.0, 55.0)]),
    # Closed in February: D4 won, D5 and D6 lost. Open deals created by Feb 29: all four.
    # Velocity = 4 x 1/3 x 400 / 30 = 17.78.
    "february": (Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29)),
                 [(4, 650.0, 250.0, 1, 2, 1 / 3, 400.0, 400.0, 30.0, 30.0, 4 / 3 * 400 / 30)]),
    # Created by 2023-12-31: only D8 is open; nothing closed in December.
    "december": (Filters(start_date=date(2023, 12, 1), end_date=date(2023, 12, 31)),
                 [(1, 50.0, 0.0, 0, 0, NAN, 0.0, NAN, NAN, NAN, NAN)]),
    # bob: open D3 300 (weighted 180); D4 won, D6 lost. 1 x 0.5 x 400 / 30.
    "owner_scope_bob": (Filters(owner_scope=("bob",)),
                        [(1, 300.0, 180.0, 1, 1, 0.5, 400.0, 400.0, 30.0, 30.0, 0.5 * 400 / 30)]),
}


@pytest.mark.parametrize("filters, rows", PIPELINE_CASES.values(), ids=PIPELINE_CASES.keys())
def test_pipeline(deals, filters, rows):
    check(pipeline(deals, filters, stage_order=ORDER), pipeline_frame(rows))


def test_pipeline_by_owner(deals):
    # ann: open D1, D2, D8 = 350 (weighted 10 + 60); D7 won 700 in 10 days, D5 lost:
    #   velocity 3 x 0.5 x 700 / 10 = 105. bob as in owner_scope_bob.
    expected = pipeline_frame([
        ("ann", 3, 350.0, 70.0, 1, 1, 0.5, 700.0, 700.0, 10.0, 10.0, 105.0),
        ("bob", 1, 300.0, 180.0, 1, 1, 0.5, 400.0, 400.0, 30.0, 30.0, 0.5 * 400 / 30),
    ], by="owner")
    check(pipeline(deals, Filters(), by="owner", stage_order=ORDER), expected)


def test_velocity_columns(deals):
    got = velocity(deals, Filters(), stage_order=ORDER)
    assert list(got.columns) == ["open_deals", "win_rate", "mean_won_deal", "mean_days_to_close",
                                 "velocity_per_day"]
    assert got["velocity_per_day"].iloc[0] == pytest.approx(55.0)


def test_negative_days_to_close_are_ignored(con):
    # Salesforce's sample: created (an import date) after the close date.
    insert(con, "deals", [
        {"deal_id": "a", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 10,
         "created_date": date(2006, 6, 15), "close_date": date(2005, 11, 9)},
        {"deal_id": "b", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 30,
         "created_date": date(2024, 1, 1), "close_date": date(2024, 1, 5)},
    ])
    got = pipeline(con, Filters(), stage_order=ORDER)
    assert got["won"].iloc[0] == 2
    assert got["mean_won_deal"].iloc[0] == pytest.approx(20.0)
    assert got["mean_days_to_close"].iloc[0] == pytest.approx(4.0)


def duration_frame(rows):
    return pd.DataFrame(rows, columns=DURATION_COLUMNS)


DURATION_CASES = {
    # Lead: 2, 2.5, 3; Qualified: 8, 4; Proposal: 27.5.
    "all": (Filters(), [("Lead", 3, 2.5, 2.5), ("Qualified", 2, 6.0, 6.0),
                        ("Proposal", 1, 27.5, 27.5)]),
    # Created Jan 1-20: D3 and D4.
    "created_by_jan_20": (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 20)),
                          [("Lead", 2, 2.25, 2.25), ("Qualified", 1, 8.0, 8.0),
                           ("Proposal", 1, 27.5, 27.5)]),
    # ann owns D5 only among the deals with history.
    "owner_scope_ann": (Filters(owner_scope=("ann",)),
                        [("Lead", 1, 3.0, 3.0), ("Qualified", 1, 4.0, 4.0)]),
}


@pytest.mark.parametrize("filters, rows", DURATION_CASES.values(), ids=DURATION_CASES.keys())
def test_stage_durations(deals, filters, rows):
    check(stage_durations(deals, filters, stage_order=ORDER), duration_frame(rows))


@pytest.mark.parametrize("metric, columns", [
    (lambda con: funnel(con, Filters(), stage_order=ORDER), FUNNEL_COLUMNS),
    (lambda con: funnel(con, Filters(), by="owner"), ["owner"] + FUNNEL_COLUMNS),
    (lambda con: pipeline(con, Filters()), PIPELINE_COLUMNS),
    (lambda con: pipeline(con, Filters(owner_scope=())), PIPELINE_COLUMNS),
    (lambda con: stage_durations(con, Filters()), DURATION_COLUMNS),
], ids=["funnel", "funnel_by_owner", "pipeline", "pipeline_no_scope", "durations"])
def test_empty_tables(con, metric, columns):
    got = metric(con)
    assert got.empty and list(got.columns) == columns


def test_empty_owner_scope_sees_nothing(deals):
    assert funnel(deals, Filters(owner_scope=()), stage_order=ORDER).empty


def test_unknown_group_is_refused(deals):
    with pytest.raises(ValueError, match="by must be one of"):
        funnel(deals, Filters(), by="colour", stage_order=ORDER)


def test_order_without_open_stages_counts_only_won_deals(deals):
    # Only a won stage in the order: the funnel is the single won row (D4, D7).
    check(funnel(deals, Filters(), stage_order=["Won"]),
          funnel_frame([("Won", 2, 1100.0, NAN, 1.0, 0)]))


def test_unknown_stages_are_ordered_by_history(con):
    # No known order has these names; deals list Beta first, but history shows Alpha -> Beta.
    insert(con, "deals", [{"deal_id": "1", "stage": "Beta Stage", "deal_amount": 10},
                          {"deal_id": "2", "stage": "Alpha Stage", "deal_amount": 20}])
    insert(con, "deal_stage_history", [
        {"deal_id": "1", "stage": "Alpha Stage", "entered_at": pd.Timestamp("2024-01-01")},
        {"deal_id": "1", "stage": "Beta Stage", "entered_at": pd.Timestamp("2024-01-05")}])
    # Alpha: both deals (30); Beta: deal 1 (10); nobody won.
    check(funnel(con, Filters()), funnel_frame([
        ("Alpha Stage", 2, 30.0, NAN, 1.0, 0),
        ("Beta Stage", 1, 10.0, 0.5, 0.5, 1),
        ("Won", 0, 0.0, 0.0, 0.0, 1),
    ]))
