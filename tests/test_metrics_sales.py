"""Sales trend, forecast and breakdowns against values worked out by hand."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.filters import Filters
from metrics.sales import (
    BREAKDOWN_COLUMNS,
    FORECAST_COLUMNS,
    TREND_COLUMNS,
    breakdown,
    sales_forecast,
    sales_trend,
)

FEB = Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29))
Z80, Z95 = 1.2815515655446004, 1.959963984540054  # standard normal quantiles 0.90 and 0.975


def line(order_id, day, customer, amount, quantity, owner, region=None):
    return {"order_id": order_id, "ordered_at": f"{day} 09:30:00", "customer_id": customer,
            "line_amount": amount, "quantity": quantity, "owner": owner, "region": region}


@pytest.fixture
def book(con):
    insert(con, "customers", [{"customer_id": "c3", "region": "north"}])
    insert(con, "order_lines", [
        line("o1", "2024-01-10", "c1", 100, 1, "ann", "north"),
        line("o2", "2024-02-05", "c1", 60, 3, "ann", "north"),
        line("o2", "2024-02-05", "c1", 40, 2, "ann", "north"),
        line("o3", "2024-02-10", "c2", 80, 4, "bob", "south"),
        line("o4", "2024-02-20", "c3", 50, 1, "ann"),  # region from the customer: north
        line("o5", "2024-02-25", "c1", -30, -1, "ann", "north"),  # a return
        line("o6", "2024-02-26", None, 20, 2, "bob"),  # anonymous, no region anywhere
        line("o7", "2024-02-27", "c2", 10, 1, "bob", "south"),
        line("o7", "2024-02-27", "c2", -10, -1, "bob", "south"),  # zero total
        line("o8", "2024-03-03", "c2", 70, 3, "bob", "south"),
        line("o9", "2024-02-28", "c3", 30, 1, "ann", "north"),
    ])
    return con


def frame(columns, rows):
    return pd.DataFrame(rows, columns=columns)


def assert_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False,
                                  atol=0.005)


# Months: Jan o1 100; Feb sales 100+80+50+20+30 = 280, return -30, customers c1 c2 c3;
# Mar o8 70.
@pytest.mark.parametrize("filters, window, rows", [
    pytest.param(Filters(), 2, [
        [pd.Timestamp("2024-01-01"), 100, 0, 100, 1, 1, None],
        [pd.Timestamp("2024-02-01"), 280, -30, 250, 5, 3, 175],  # (100 + 250) / 2
        [pd.Timestamp("2024-03-01"), 70, 0, 70, 1, 1, 160],  # (250 + 70) / 2
    ], id="data-bounds"),
    pytest.param(Filters(start_date=date(2023, 12, 15), end_date=date(2024, 4, 2)), 3, [
        [pd.Timestamp("2023-12-01"), 0, 0, 0, 0, 0, None],  # empty months show as zero
        [pd.Timestamp("2024-01-01"), 100, 0, 100, 1, 1, None],
        [pd.Timestamp("2024-02-01"), 280, -30, 250, 5, 3, 350 / 3],
        [pd.Timestamp("2024-03-01"), 70, 0, 70, 1, 1, 140],
        [pd.Timestamp("2024-04-01"), 0, 0, 0, 0, 0, 320 / 3],
    ], id="filter-bounds-fill-gaps"),
    pytest.param(Filters(owner_scope=("ann",)), 1, [
        [pd.Timestamp("2024-01-01"), 100, 0, 100, 1, 1, 100],
        [pd.Timestamp("2024-02-01"), 180, -30, 150, 3, 2, 150],  # o2, o4, o9; o5
    ], id="owner-scope"),
])
def test_monthly_trend(book, filters, window, rows):
    assert_frame(sales_trend(book, filters, "month", window), frame(TREND_COLUMNS, rows))


def test_weekly_trend_starts_weeks_on_monday(book):
    # Feb 1 (Thu) falls in the week of Mon Jan 29; o2 (Mon Feb 5) and o3 (Sat Feb 10) share a week.
    got = sales_trend(book, Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 14)),
                      "week", 1)
    assert_frame(got, frame(TREND_COLUMNS, [
        [pd.Timestamp("2024-01-29"), 0, 0, 0, 0, 0, 0],
        [pd.Timestamp("2024-02-05"), 180, 0, 180, 2, 2, 180],
        [pd.Timestamp("2024-02-12"), 0, 0, 0, 0, 0, 0],
    ]))


def test_quarterly_trend(book):
    # Q1: gross 100 + 280 + 70 = 450, returns -30, 7 sales, customers c1 c2 c3.
    got = sales_trend(book, Filters(), "quarter", 1)
    assert_frame(got, frame(TREND_COLUMNS, [[pd.Timestamp("2024-01-01"), 450, -30, 420, 7, 3, 420]]))


def quarter_book(con, values):
    """One sale per quarter from 2022-Q1, on the quarter's second day."""
    rows = []
    for i, value in enumerate(values):
        year, quarter = 2022 + i // 4, i % 4
        rows.append(line(f"q{i}", f"{year}-{3 * quarter + 1:02d}-02", "c1", value, 1, "ann"))
    insert(con, "order_lines", rows)


def test_seasonal_naive_forecast(con):
    # Quarters 10, 20, 30, 40, 14, 22 (2022-Q1 .. 2023-Q2); season 4. Residuals one season
    # back: 14-10 = 4, 22-20 = 2 -> sigma = sqrt((16 + 4) / 2) = sqrt(10).
    # Forecasts repeat the last season: 30, 40, 14, 22, then 30, 40 with k = 1 (sqrt 2 wider).
    quarter_book(con, [10, 20, 30, 40, 14, 22])
    got = sales_forecast(con, Filters(end_date=date(2023, 6, 30)), "quarter", horizon=6, level=0.8)
    half = Z80 * math.sqrt(10)
    method = "seasonal naive (4 quarters)"
    actual = [[pd.Timestamp(d), v, None, None, None, method] for d, v in [
        ("2022-01-01", 10), ("2022-04-01", 20), ("2022-07-01", 30), ("2022-10-01", 40),
        ("2023-01-01", 14), ("2023-04-01", 22)]]
    ahead = [[pd.Timestamp(d), None, v, v - w, v + w, method] for d, v, w in [
        ("2023-07-01", 30, half), ("2023-10-01", 40, half), ("2024-01-01", 14, half),
        ("2024-04-01", 22, half), ("2024-07-01", 30, half * math.sqrt(2)),
        ("2024-10-01", 40, half * math.sqrt(2))]]
    assert_frame(got, frame(FORECAST_COLUMNS, actual + ahead))


def test_naive_forecast_when_history_is_short(book):
    # Jan 100, Feb 250, Mar 70 (March complete through the end date). Residuals 150, -180:
    # sigma = sqrt((150^2 + 180^2) / 2) = sqrt(27450); forecast 70, width z * sigma * sqrt(h).
    got = sales_forecast(book, Filters(end_date=date(2024, 3, 31)), "month", horizon=2, level=0.95)
    sigma = math.sqrt(27450)
    ahead = got[got["forecast"].notna()]
    assert list(ahead["period"]) == [pd.Timestamp("2024-04-01"), pd.Timestamp("2024-05-01")]
    assert list(ahead["forecast"]) == [70, 70]
    assert list(ahead["lower"]) == pytest.approx([70 - Z95 * sigma, 70 - Z95 * sigma * math.sqrt(2)])
    assert list(ahead["upper"]) == pytest.approx([70 + Z95 * sigma, 70 + Z95 * sigma * math.sqrt(2)])
    assert set(got["method"]) == {"naive"}


def test_incomplete_last_period_is_left_out(book):
    # Data ends on Mar 3, so March is partial: only Jan and Feb remain, too few to forecast.
    got = sales_forecast(book, Filters(), "month")
    assert got.empty
    assert list(got.columns) == FORECAST_COLUMNS


def test_forecast_with_owner_scope_uses_only_own_rows(con):
    # ann's quarters 10, 20, 30, 40, 14, 22; bob's big sales must not enter.
    quarter_book(con, [10, 20, 30, 40, 14, 22])
    insert(con, "order_lines", [line("b1", "2023-05-05", "c9", 1000, 1, "bob")])
    got = sales_forecast(con, Filters(end_date=date(2023, 6, 30), owner_scope=("ann",)),
                         "quarter", horizon=1)
    assert list(got["net_revenue"].dropna()) == [10, 20, 30, 40, 14, 22]
    assert list(got["forecast"].dropna()) == [30]


# February by region, line by line. north: o2 60 + 40, o4 50 (customer's region), o5 -30,
# o9 30 -> gross 180, returns -30, net 150, 4 sale lines, quantity 3 + 2 + 1 - 1 + 1 = 6.
# south: o3 80, o7 10 and -10 -> gross 90, returns -10, net 80, 2 sale lines, quantity 4.
# Not set: o6 20, quantity 2. Net total 250 -> shares 0.6, 0.32, 0.08.
@pytest.mark.parametrize("filters, rows", [
    pytest.param(FEB, [
        ["north", 180, -30, 150, 4, 6, 0.6],
        ["south", 90, -10, 80, 2, 4, 0.32],
        ["(not set)", 20, 0, 20, 1, 2, 0.08],
    ], id="february"),
    pytest.param(Filters(start_date=FEB.start_date, end_date=FEB.end_date, owner_scope=("bob",)), [
        ["south", 90, -10, 80, 2, 4, 0.8],
        ["(not set)", 20, 0, 20, 1, 2, 0.2],
    ], id="owner-scope"),
    pytest.param(Filters(regions=("south",)), [
        ["south", 160, -10, 150, 3, 7, 1.0],  # o3 80, o7 10 and -10, o8 70
    ], id="region-filter"),
    # RFM of all data (as-of Mar 4): recency c1 28, c3 5, c2 1; two sales each, so F = 1:
    # c1 Hibernating, c3 About to Sleep, c2 New -> only c2's orders o3, o7, o8.
    pytest.param(Filters(segments=("New",)), [
        ["south", 160, -10, 150, 3, 7, 1.0],
    ], id="segment-filter"),
])
def test_breakdown_by_region(book, filters, rows):
    assert_frame(breakdown(book, filters, "region"), frame(BREAKDOWN_COLUMNS, rows))


def test_breakdown_net_sums_to_overall_net(book):
    # Overall net: 100 + 250 + 70 = 420, whatever the dimension.
    for dimension in ("region", "owner", "product", "channel"):
        assert breakdown(book, Filters(), dimension)["net_revenue"].sum() == pytest.approx(420)


@pytest.mark.parametrize("call", [
    pytest.param(lambda con: sales_trend(con, Filters(), "year'); drop table order_lines; --"),
                 id="trend-grain"),
    pytest.param(lambda con: sales_forecast(con, Filters(), "decade"), id="forecast-grain"),
    pytest.param(lambda con: sales_trend(con, Filters(), "month", 0), id="window"),
])
def test_bad_arguments_are_refused(book, call):
    with pytest.raises(ValueError):
        call(book)


def test_breakdown_rejects_unknown_dimension(book):
    with pytest.raises(ValueError, match="dimension must be one of"):
        breakdown(book, Filters(), 'region" or 1=1 --')


@pytest.mark.parametrize("fn, columns", [
    pytest.param(lambda con: sales_trend(con, FEB), TREND_COLUMNS, id="trend"),
    pytest.param(lambda con: sales_forecast(con, FEB), FORECAST_COLUMNS, id="forecast"),
    pytest.param(lambda con: breakdown(con, FEB, "region"), BREAKDOWN_COLUMNS, id="breakdown"),
])
def test_empty_tables_give_empty_frames(con, fn, columns):
    got = fn(con)
    assert got.empty
    assert list(got.columns) == columns
