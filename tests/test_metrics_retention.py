"""Cohorts, retention curve, churn and time between purchases, worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.filters import Filters
from metrics.kpis import kpis
from metrics.retention import (
    CHURN_COLUMNS,
    COHORT_COLUMNS,
    CURVE_COLUMNS,
    GAP_COLUMNS,
    churn,
    cohorts,
    curve_from_cohorts,
    retention_curve,
    time_between_purchases,
)

ANN = {"c1", "c2"}


def sales(customer, *dated_amounts):
    owner = "ann" if customer in ANN else "bob"
    return [{"order_id": f"{customer}-{day}", "ordered_at": f"{day} 14:00:00",
             "customer_id": customer, "line_amount": amount, "owner": owner}
            for day, amount in dated_amounts]


@pytest.fixture
def shop(con):
    insert(con, "order_lines", [
        *sales("c1", ("2024-01-05", 100), ("2024-02-10", 50), ("2024-04-01", 30)),
        *sales("c2", ("2024-01-20", 200), ("2024-03-15", 100)),
        *sales("c3", ("2024-02-03", 80), ("2024-02-20", 20), ("2024-03-01", 40)),
        *sales("c4", ("2024-03-10", 60)),
        *sales("c5", ("2024-01-15", -25)),  # only a return: never a customer
        *sales(None, ("2024-04-20", 500)),  # anonymous
        *sales("c6", ("2023-12-20", 10), ("2024-02-05", 10)),
    ])
    return con


def cells(rows):
    """Rows of (cohort, start, period, size, customers, rate, revenue, revenue retention)."""
    return pd.DataFrame([[c, pd.Timestamp(s), *rest] for c, s, *rest in rows], columns=COHORT_COLUMNS)


def assert_frame(got, want):
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False, atol=0.0005)


# Monthly cohorts; the last sale with a customer is in April, so every cohort runs to April.
DEC = [["2023-12", "2023-12-01", 0, 1, 1, 1.0, 10, 1.0],  # c6
       ["2023-12", "2023-12-01", 1, 1, 0, 0.0, 0, 0.0],
       ["2023-12", "2023-12-01", 2, 1, 1, 1.0, 10, 1.0],
       ["2023-12", "2023-12-01", 3, 1, 0, 0.0, 0, 0.0],
       ["2023-12", "2023-12-01", 4, 1, 0, 0.0, 0, 0.0]]
JAN = [["2024-01", "2024-01-01", 0, 2, 2, 1.0, 300, 1.0],  # c1 100 + c2 200
       ["2024-01", "2024-01-01", 1, 2, 1, 0.5, 50, 50 / 300],
       ["2024-01", "2024-01-01", 2, 2, 1, 0.5, 100, 100 / 300],
       ["2024-01", "2024-01-01", 3, 2, 1, 0.5, 30, 30 / 300]]
FEB = [["2024-02", "2024-02-01", 0, 1, 1, 1.0, 100, 1.0],  # c3 80 + 20
       ["2024-02", "2024-02-01", 1, 1, 1, 1.0, 40, 0.4],
       ["2024-02", "2024-02-01", 2, 1, 0, 0.0, 0, 0.0]]
MAR = [["2024-03", "2024-03-01", 0, 1, 1, 1.0, 60, 1.0],  # c4
       ["2024-03", "2024-03-01", 1, 1, 0, 0.0, 0, 0.0]]
Q1_ONLY = Filters(start_date=date(2024, 1, 1), end_date=date(2024, 3, 31))


@pytest.mark.parametrize("filters, rows", [
    pytest.param(Filters(), DEC + JAN + FEB + MAR, id="all"),
    # Cohorts from January; activity and periods stop at the end date (last sale Mar 15).
    pytest.param(Q1_ONLY, JAN[:3] + FEB[:2] + MAR[:1], id="date-filter"),
    pytest.param(Filters(owner_scope=("ann",)), JAN, id="owner-scope"),
])
def test_monthly_cohorts(shop, filters, rows):
    assert_frame(cohorts(shop, filters), cells(rows))


def test_quarterly_cohorts(shop):
    # 2023-Q4: c6 (10), back in Q1 (10). 2024-Q1: c1 150, c2 300, c3 140, c4 60 = 650;
    # in Q2 only c1 returns (30).
    assert_frame(cohorts(shop, Filters(), "quarter"), cells([
        ["2023-Q4", "2023-10-01", 0, 1, 1, 1.0, 10, 1.0],
        ["2023-Q4", "2023-10-01", 1, 1, 1, 1.0, 10, 1.0],
        ["2023-Q4", "2023-10-01", 2, 1, 0, 0.0, 0, 0.0],
        ["2024-Q1", "2024-01-01", 0, 4, 4, 1.0, 650, 1.0],
        ["2024-Q1", "2024-01-01", 1, 4, 1, 0.25, 30, 30 / 650],
    ]))


def test_weekly_cohorts_count_whole_weeks(con):
    # Wed Jan 3 is in the week of Mon Jan 1; Mon Jan 15 starts the week two weeks later.
    insert(con, "order_lines", sales("c1", ("2024-01-03", 5), ("2024-01-15", 7)))
    assert_frame(cohorts(con, Filters(), "week"), cells([
        ["2024-01-01", "2024-01-01", 0, 1, 1, 1.0, 5, 1.0],
        ["2024-01-01", "2024-01-01", 1, 1, 0, 0.0, 0, 0.0],
        ["2024-01-01", "2024-01-01", 2, 1, 1, 1.0, 7, 1.4],
    ]))


def test_segment_filter(shop):
    # RFM of all data (as-of Apr 2): recency c1 1, c2 18, c3 32, c4 23, c6 57; frequency
    # 3, 2, 3, 1, 2. Five customers: rank r scores r. c1 (5,4) Champions, c3 (2,4) At Risk.
    assert_frame(cohorts(shop, Filters(segments=("Champions", "At Risk"))), cells([
        ["2024-01", "2024-01-01", 0, 1, 1, 1.0, 100, 1.0],
        ["2024-01", "2024-01-01", 1, 1, 1, 1.0, 50, 0.5],
        ["2024-01", "2024-01-01", 2, 1, 0, 0.0, 0, 0.0],
        ["2024-01", "2024-01-01", 3, 1, 1, 1.0, 30, 0.3],
        *FEB,
    ]))


def test_cohort_sizes_add_up_to_new_customers(shop):
    # Q1: first sales of c1, c2 (Jan), c3 (Feb), c4 (Mar); c6 bought in Q1 but started in Dec.
    got = cohorts(shop, Q1_ONLY)
    sizes = got[got["period"] == 0]["cohort_size"].sum()
    new = kpis(shop, Q1_ONLY).set_index("metric").loc["new_customers", "value"]
    assert sizes == new == 4


def test_period_zero_is_always_full(shop):
    got = cohorts(shop, Filters())
    assert (got[got["period"] == 0]["retention_rate"] == 1.0).all()
    assert (got["customers"] <= got["cohort_size"]).all()


def test_retention_curve_weights_cohorts_that_reach_each_period(shop):
    # Period 1: all four cohorts (5 customers), 0 + 1 + 1 + 0 back; revenue 50 + 40 of 470.
    # Period 2: Dec, Jan, Feb (4 customers): 1 + 1 + 0; revenue 10 + 100 of 10 + 300 + 100.
    # Period 3: Dec, Jan (3): 0 + 1; revenue 30 of 310. Period 4: Dec alone.
    assert_frame(retention_curve(shop, Filters()), pd.DataFrame([
        [0, 4, 5, 5, 1.0, 470, 1.0],
        [1, 4, 5, 2, 0.4, 90, 90 / 470],
        [2, 3, 4, 2, 0.5, 110, 110 / 410],
        [3, 2, 3, 1, 1 / 3, 30, 30 / 310],
        [4, 1, 1, 0, 0.0, 0, 0.0],
    ], columns=CURVE_COLUMNS))


@pytest.mark.parametrize("filters, rows", [
    # ann: only the January cohort, so the curve is that cohort's row by row.
    pytest.param(Filters(owner_scope=("ann",)), [
        [0, 1, 2, 2, 1.0, 300, 1.0],
        [1, 1, 2, 1, 0.5, 50, 50 / 300],
        [2, 1, 2, 1, 0.5, 100, 100 / 300],
        [3, 1, 2, 1, 0.5, 30, 0.1],
    ], id="owner-scope"),
    # Q1: cohorts Jan (2), Feb (1), Mar (1); period 1 reached by Jan and Feb: 1 + 1 of 3,
    # revenue 50 + 40 of 300 + 100; period 2 by Jan alone.
    pytest.param(Q1_ONLY, [
        [0, 3, 4, 4, 1.0, 460, 1.0],
        [1, 2, 3, 2, 2 / 3, 90, 90 / 400],
        [2, 1, 2, 1, 0.5, 100, 100 / 300],
    ], id="date-filter"),
])
def test_retention_curve_filters(shop, filters, rows):
    assert_frame(retention_curve(shop, filters), pd.DataFrame(rows, columns=CURVE_COLUMNS))
    # The page derives the curve from its cohorts frame: the same hand-worked rows.
    assert_frame(curve_from_cohorts(cohorts(shop, filters)),
                 pd.DataFrame(rows, columns=CURVE_COLUMNS))


@pytest.mark.parametrize("grain", ["week", "month", "quarter"])
def test_curve_from_cohorts_equals_retention_curve(shop, grain):
    # Invariant: the curve summed in pandas from the cells is the SQL curve, dtypes included.
    pd.testing.assert_frame_equal(curve_from_cohorts(cohorts(shop, Filters(), grain)),
                                  retention_curve(shop, Filters(), grain))


# As-of Apr 2 (the day after c1's Apr 1 sale). Recency: c1 1, c2 18, c3 32, c4 23, c6 57.
# Lifetime revenue: c3 140, c6 20. Churned = last sale more than the window before as-of.
@pytest.mark.parametrize("filters, window, as_of, row", [
    pytest.param(Filters(), 30, None, ["2024-04-02", 30, 5, 3, 2, 0.4, 160], id="window-30"),
    pytest.param(Filters(), 32, None, ["2024-04-02", 32, 5, 4, 1, 0.2, 20], id="exactly-window-is-active"),
    pytest.param(Filters(), 31, None, ["2024-04-02", 31, 5, 3, 2, 0.4, 160], id="window-31"),
    # Before Mar 1: c1 (Feb 10) 20, c2 (Jan 20) 41, c3 (Feb 20) 10, c6 (Feb 5) 25; c4 not yet.
    pytest.param(Filters(), 30, date(2024, 3, 1), ["2024-03-01", 30, 4, 3, 1, 0.25, 200],
                 id="given-as-of"),
    # bob: c3 (Mar 1), c4 (Mar 10), c6 (Feb 5); as-of Mar 11: recency 10, 1, 35.
    pytest.param(Filters(owner_scope=("bob",)), 30, None, ["2024-03-11", 30, 3, 2, 1, 1 / 3, 20],
                 id="owner-scope"),
    # Through Feb: as-of Feb 21; recency c1 11, c2 32 (Jan 20), c3 1, c6 16; c2 churned (200).
    pytest.param(Filters(end_date=date(2024, 2, 29)), 30, None,
                 ["2024-02-21", 30, 4, 3, 1, 0.25, 200], id="date-filter"),
])
def test_churn(shop, filters, window, as_of, row):
    want = pd.DataFrame([[pd.Timestamp(row[0]), *row[1:]]], columns=CHURN_COLUMNS)
    assert_frame(churn(shop, filters, window_days=window, as_of=as_of), want)


def test_time_between_purchases(shop):
    # Gaps: c1 36 (Jan 5 -> Feb 10), 51 (-> Apr 1); c2 55; c3 17, 10; c6 47.
    # 1-2: 17, 36, 47, 55 -> mean 38.75, median 41.5, p25 17 + .75 * 19, p75 47 + .25 * 8.
    # 2-3: 10, 51. All: 10, 17, 36, 47, 51, 55 -> mean 36, p25 at 1.25 -> 21.75, p75 at 3.75 -> 50.
    assert_frame(time_between_purchases(shop, Filters()), pd.DataFrame([
        ["1-2", 4, 4, 38.75, 41.5, 31.25, 49.0],
        ["2-3", 2, 2, 30.5, 30.5, 20.25, 40.75],
        ["all", 6, 4, 36.0, 41.5, 21.75, 50.0],
    ], columns=GAP_COLUMNS))


def test_time_between_purchases_groups_later_gaps(con):
    # Sales on Jan 1, 2, 4, 7, 11, 16 and a second sale on Jan 16: gaps 1, 2, 3, 4, 5, 0.
    insert(con, "order_lines", [
        *sales("c1", *[(f"2024-01-{d:02d}", 10) for d in (1, 2, 4, 7, 11, 16)]),
        {"order_id": "late", "ordered_at": "2024-01-16 18:00:00", "customer_id": "c1",
         "line_amount": 5, "owner": "bob"},
    ])
    assert_frame(time_between_purchases(con, Filters()), pd.DataFrame([
        ["1-2", 1, 1, 1.0, 1.0, 1.0, 1.0],
        ["2-3", 1, 1, 2.0, 2.0, 2.0, 2.0],
        ["3-4", 1, 1, 3.0, 3.0, 3.0, 3.0],
        ["4+", 3, 1, 3.0, 4.0, 2.0, 4.5],  # 4, 5, 0
        ["all", 6, 1, 2.5, 2.5, 1.25, 3.75],  # 0, 1, 2, 3, 4, 5
    ], columns=GAP_COLUMNS))


def test_time_between_purchases_owner_scope(shop):
    # ann: c1 36, 51 and c2 55.
    got = time_between_purchases(shop, Filters(owner_scope=("ann",)))
    assert got.set_index("transition").loc["all", ["gaps", "customers", "mean_days"]].tolist() == [
        3, 2, pytest.approx(142 / 3)]


def test_time_between_purchases_date_filter(shop):
    # From Feb 1: c1 Feb 10 -> Apr 1 (51); c3 Feb 3 -> Feb 20 (17) -> Mar 1 (10); others once.
    assert_frame(time_between_purchases(shop, Filters(start_date=date(2024, 2, 1))), pd.DataFrame([
        ["1-2", 2, 2, 34.0, 34.0, 25.5, 42.5],
        ["2-3", 1, 1, 10.0, 10.0, 10.0, 10.0],
        ["all", 3, 2, 26.0, 17.0, 13.5, 34.0],
    ], columns=GAP_COLUMNS))


@pytest.mark.parametrize("fn, columns", [
    pytest.param(lambda con: cohorts(con, Filters()), COHORT_COLUMNS, id="cohorts"),
    pytest.param(lambda con: retention_curve(con, Filters()), CURVE_COLUMNS, id="curve"),
    pytest.param(lambda con: churn(con, Filters()), CHURN_COLUMNS, id="churn"),
    pytest.param(lambda con: time_between_purchases(con, Filters()), GAP_COLUMNS, id="gaps"),
])
def test_empty_tables_give_empty_frames(con, fn, columns):
    got = fn(con)
    assert got.empty
    assert list(got.columns) == columns
