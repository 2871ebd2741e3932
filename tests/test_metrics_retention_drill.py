"""The customers behind a cohort cell (paged) and the histogram of days between purchases."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.filters import Filters
from metrics.retention import cohorts
from metrics.retention_drill import (
    CELL_COLUMNS,
    GAP_BUCKET_COLUMNS,
    cohort_customers,
    purchase_gap_distribution,
)

OWNERS = {"a": "ann", "b": "ann", "c": "bob", "d": "bob", "e": "ann", "f": "bob"}
SALES = [
    ("a", "2024-01-05", 100), ("a", "2024-02-10", 50), ("a", "2024-02-20", 30),
    ("a", "2024-04-01", 20),
    ("b", "2024-01-20", 80), ("b", "2024-02-15", -30), ("b", "2024-03-03", 40),
    ("c", "2024-02-01", 60), ("c", "2024-03-15", 25),
    ("d", "2023-12-30", 10), ("d", "2024-02-05", 70),
    ("e", "2024-01-31", 5),
    ("f", "2024-03-01", 15), ("f", "2024-03-01", 15), ("f", "2025-06-01", 10),
]


@pytest.fixture
def shop(con):
    insert(con, "order_lines", [
        {"order_id": f"{c}-{i}", "ordered_at": f"{day} 10:00:00", "customer_id": c,
         "line_amount": amount, "owner": OWNERS[c]}
        for i, (c, day, amount) in enumerate(SALES)])
    insert(con, "customers", [{"customer_id": "a", "customer_name": "Alpha 阿尔法"}], dataset_id=2)
    return con


def cell(rows, total=None):
    """The expected page; total_rows is the whole list's length (the page's, unless given)."""
    total = len(rows) if total is None else total
    return pd.DataFrame([r + [total] for r in rows], columns=CELL_COLUMNS)


def assert_frame(got, want):
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False, atol=0.005)


A = ["a", "Alpha 阿尔法", date(2024, 1, 5)]
B = ["b", None, date(2024, 1, 20)]
C = ["c", None, date(2024, 2, 1)]
D = ["d", None, date(2023, 12, 30)]
E = ["e", None, date(2024, 1, 31)]
F = ["f", None, date(2024, 3, 1)]


@pytest.mark.parametrize("filters, kwargs, expected", [
    # January cohort (a, b, e): in February only a came back (2 sales, 50 + 30); b's February
    # order is a return, not a sale.
    (Filters(), {"cohort_start": date(2024, 1, 1), "period": 1}, cell([A + [2, 80]])),
    (Filters(), {"cohort_start": date(2024, 1, 1), "period": 2}, cell([B + [1, 40]])),
    (Filters(), {"cohort_start": date(2024, 1, 1), "period": 0},
     cell([A + [1, 100], B + [1, 80], E + [1, 5]])),
    (Filters(), {"cohort_start": date(2023, 12, 1), "period": 2}, cell([D + [1, 70]])),
    (Filters(), {"cohort_start": date(2023, 12, 1), "period": 1}, cell([])),
    # From January on, d's December cohort is not shown at all.
    (Filters(start_date=date(2024, 1, 1)), {"cohort_start": date(2023, 12, 1), "period": 2}, cell([])),
    # Quarters: Q1 2024 is a (180), b (120), c (85), f (30, two orders on one day), e (5).
    (Filters(), {"cohort_start": date(2024, 1, 1), "period": 0, "grain": "quarter"},
     cell([A + [3, 180], B + [2, 120], C + [2, 85], F + [2, 30], E + [1, 5]])),
    (Filters(), {"cohort_start": date(2024, 1, 1), "period": 0, "grain": "quarter", "limit": 2,
                 "offset": 1}, cell([B + [2, 120], C + [2, 85]], total=5)),
    (Filters(), {"cohort_start": date(2024, 1, 1), "period": 1, "grain": "quarter"},
     cell([A + [1, 20]])),
    # bob's customers only: c, d, f; d was acquired in Q4 2023, so Q1 2024 holds c and f.
    (Filters(owner_scope=("bob",)), {"cohort_start": date(2024, 1, 1), "period": 0,
                                     "grain": "quarter"}, cell([C + [2, 85], F + [2, 30]])),
], ids=["jan-p1", "jan-p2", "jan-p0", "dec-p2", "dec-p1-nobody", "dec-outside-period",
        "q1-p0", "q1-p0-page", "q1-p1", "rep-scope"])
def test_cohort_cell_customers(shop, filters, kwargs, expected):
    assert_frame(cohort_customers(shop, filters, **kwargs), expected)


@pytest.mark.parametrize("grain", ["month", "quarter"])
@pytest.mark.parametrize("filters", [Filters(), Filters(start_date=date(2024, 1, 1)),
                                     Filters(owner_scope=("ann",))],
                         ids=["all", "from-2024", "ann"])
def test_cell_counts_equal_the_cohort_table(shop, grain, filters):
    table = cohorts(shop, filters, grain=grain)
    assert not table.empty
    for _, row in table.iterrows():
        members = cohort_customers(shop, filters, cohort_start=row["cohort_start"].date(),
                                   period=row["period"], grain=grain, limit=1000)
        assert len(members) == row["customers"]
        assert (members["total_rows"] == row["customers"]).all()
        assert members["revenue"].sum() == pytest.approx(row["revenue"])


def test_cohort_cell_hostile_and_bad_arguments(shop):
    with pytest.raises(ValueError):
        cohort_customers(shop, Filters(), cohort_start=date(2024, 1, 1), period=-1)
    with pytest.raises(ValueError):
        cohort_customers(shop, Filters(), cohort_start=date(2024, 1, 1), period=0, limit=0)
    with pytest.raises(ValueError):
        cohort_customers(shop, Filters(), cohort_start=date(2024, 1, 1), period=0,
                         grain="month'; drop table order_lines; --")


def test_cohort_cell_on_empty_tables(con):
    got = cohort_customers(con, Filters(), cohort_start=date(2024, 1, 1), period=0)
    assert got.empty and list(got.columns) == CELL_COLUMNS


# Gaps: a 36 (Jan 5 -> Feb 10), 10, 41 (Feb 20 -> Apr 1, 2024 is a leap year); b 43 (the
# return does not count); c 43; d 37 (Dec 30 -> Feb 5); f 0 (same day) and 457 (Mar 1 2024 ->
# Jun 1 2025 = 365 + 92). Eight gaps.
BUCKETS = ["0–7", "8–14", "15–30", "31–60", "61–90", "91–180", "181–365", "366+"]


def test_gap_distribution(shop):
    got = purchase_gap_distribution(shop, Filters())
    counts = [1, 1, 0, 5, 0, 0, 0, 1]
    want = pd.DataFrame({
        "bucket": BUCKETS,
        "min_days": [0, 8, 15, 31, 61, 91, 181, 366],
        "max_days": pd.array([7, 14, 30, 60, 90, 180, 365, None], dtype="Int64"),
        "gaps": counts,
        "share": [c / 8 for c in counts],
    })
    assert list(got.columns) == GAP_BUCKET_COLUMNS
    assert_frame(got, want)


def test_gap_distribution_filtered(shop):
    # ann's customers a, b, e: gaps 36, 10, 41, 43.
    got = purchase_gap_distribution(shop, Filters(owner_scope=("ann",)))
    assert got["gaps"].tolist() == [0, 1, 0, 3, 0, 0, 0, 0]
    # Own buckets: 0-30 and 31 and more.
    got = purchase_gap_distribution(shop, Filters(), buckets=((0, 30), (31, None)))
    assert got[["bucket", "gaps"]].values.tolist() == [["0–30", 2], ["31+", 6]]


def test_gap_distribution_without_gaps(con):
    got = purchase_gap_distribution(con, Filters())
    assert got["bucket"].tolist() == BUCKETS
    assert got["gaps"].sum() == 0 and got["share"].sum() == 0
