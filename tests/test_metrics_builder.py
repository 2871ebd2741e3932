"""Report builder SQL: every measure, by a dimension and by a time grain, worked out by hand
from the rows of builder_rows.py (see its docstring for the orders)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from builder_rows import TABLES
from fixture_rows import insert

from ingest.errors import InputError
from metrics.builder import MEASURES, ReportSpec, build_report, dimensions_for, has_rows
from metrics.filters import Filters
from metrics.kpis import kpis

NAN = np.nan
JAN, FEB, MAR = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-01")


@pytest.fixture
def book(con):
    for table, rows in TABLES.items():
        insert(con, table, rows)
    return con


def expect(columns, rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def assert_frame(got, expected):
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False,
                                  atol=1e-9)


# Totals: gross 150+80+40+50+50; returns o4; sales o1 o2 o3 o5 o6; customers c1 c2 (o6 is
# anonymous); units 1+2+1+1-1+1-1+2+1. Deals: created d1-d5; won d1 d4 (1000+200); closed
# d1 d2 d4 -> 2/3 won; open d3 300 + d5 700. Tickets t1-t3, complaints t1 t3, rated 2 and 5.
TOTALS = {"net_revenue": 340, "gross_revenue": 370, "returns": -30, "sales": 5, "customers": 2,
          "aov": 74, "units": 7, "deals_created": 5, "deals_won": 2, "revenue_won": 1200,
          "win_rate": 2 / 3, "pipeline_value": 1000, "tickets": 3, "complaints": 2,
          "mean_satisfaction": 3.5, "activities": 3}


def test_every_measure_has_a_hand_worked_total():
    assert set(TOTALS) == set(MEASURES)


@pytest.mark.parametrize("measure", list(TOTALS), ids=list(TOTALS))
def test_total(book, measure):
    assert_frame(build_report(book, Filters(), measure), expect([measure], [[TOTALS[measure]]]))


# Months: Jan o1 o2; Feb o3, o4 (return), o5; Mar o6. Deals by their measure's date; d1, d2 close
# in Feb, d4 in Mar. Tickets t1 t2 in Jan, t3 (unrated) in Feb. Activities a1 a2 Jan, a3 Mar.
MONTHLY = {
    "net_revenue": [(JAN, 230), (FEB, 60), (MAR, 50)],
    "gross_revenue": [(JAN, 230), (FEB, 90), (MAR, 50)],
    "returns": [(JAN, 0), (FEB, -30), (MAR, 0)],
    "sales": [(JAN, 2), (FEB, 2), (MAR, 1)],
    "customers": [(JAN, 2), (FEB, 2), (MAR, 0)],  # March: only the anonymous o6
    "aov": [(JAN, 115), (FEB, 45), (MAR, 50)],
    "units": [(JAN, 4), (FEB, 0), (MAR, 3)],
    "deals_created": [(JAN, 2), (FEB, 2), (MAR, 1)],
    "deals_won": [(FEB, 1), (MAR, 1)],
    "revenue_won": [(FEB, 1000), (MAR, 200)],
    "win_rate": [(FEB, 0.5), (MAR, 1.0)],
    "pipeline_value": [(FEB, 300), (MAR, 700)],
    "tickets": [(JAN, 2), (FEB, 1)],
    "complaints": [(JAN, 1), (FEB, 1)],
    "mean_satisfaction": [(JAN, 3.5), (FEB, NAN)],
    "activities": [(JAN, 2), (FEB, 0), (MAR, 1)],  # the empty month shows as zero
}


@pytest.mark.parametrize("measure", list(MONTHLY), ids=list(MONTHLY))
def test_by_month(book, measure):
    assert_frame(build_report(book, Filters(), measure, grain="month"),
                 expect(["period", measure], MONTHLY[measure]))


# By region, largest first (ties by value text, '(not set)' sorts as text too): o1 o3 north,
# o2 o5 o6 south, o4 has no region anywhere. Deals: d1 d3 north, d2 d4 south, d5 none.
# Tickets: t1 north (its own), t2 t3 south (customer c2). Activities: a1 a3 c1 north, a2 south.
BY_REGION = {
    "net_revenue": [("north", 190), ("south", 180), ("(not set)", -30)],
    "gross_revenue": [("north", 190), ("south", 180), ("(not set)", 0)],
    "returns": [("north", 0), ("south", 0), ("(not set)", -30)],
    "sales": [("south", 3), ("north", 2), ("(not set)", 0)],
    "customers": [("north", 1), ("south", 1), ("(not set)", 0)],
    "aov": [("north", 95), ("south", 60), ("(not set)", NAN)],
    "units": [("north", 4), ("south", 4), ("(not set)", -1)],
    "deals_created": [("north", 2), ("south", 2), ("(not set)", 1)],
    "deals_won": [("north", 1), ("south", 1)],
    "revenue_won": [("north", 1000), ("south", 200)],
    "win_rate": [("north", 1.0), ("south", 0.5)],
    "pipeline_value": [("(not set)", 700), ("north", 300)],
    "tickets": [("south", 2), ("north", 1)],
    "complaints": [("north", 1), ("south", 1)],
    "mean_satisfaction": [("south", 5), ("north", 2)],
    "activities": [("north", 2), ("south", 1)],
}


@pytest.mark.parametrize("measure", list(BY_REGION), ids=list(BY_REGION))
def test_by_region(book, measure):
    assert_frame(build_report(book, Filters(), measure, "region"),
                 expect(["region", measure], BY_REGION[measure]))


@pytest.mark.parametrize("measure, dimension, rows", [
    pytest.param("net_revenue", "channel", [("web", 160), ("store", 130), ("(not set)", 50)],
                 id="orders-channel"),
    pytest.param("net_revenue", "product", [("A", 210), ("B", 120), ("C", 10)], id="orders-product"),
    pytest.param("net_revenue", "category", [("X", 210), ("Y", 120), ("(not set)", 10)],
                 id="orders-category"),
    pytest.param("net_revenue", "industry", [("retail", 160), ("tech", 130), ("(not set)", 50)],
                 id="orders-industry"),
    pytest.param("net_revenue", "owner", [("bob", 180), ("ann", 160)], id="orders-owner"),
    pytest.param("net_revenue", "campaign", [("(not set)", 190), ("spring", 150)],
                 id="orders-campaign"),
    # An order counts under each product it holds: o5's refund line of C counts in C's gross.
    pytest.param("gross_revenue", "product", [("A", 240), ("B", 120), ("C", 10)],
                 id="gross-product"),
    pytest.param("sales", "product", [("A", 3), ("B", 3), ("C", 2)], id="sales-product"),
    pytest.param("aov", "product", [("A", 80), ("B", 40), ("C", 5)], id="aov-product"),
    # Lead source, else the customer's channel (none here).
    pytest.param("deals_created", "channel", [("(not set)", 3), ("store", 1), ("web", 1)],
                 id="deals-channel"),
    pytest.param("deals_created", "product", [("(not set)", 3), ("A", 1), ("B", 1)],
                 id="deals-product"),
    pytest.param("deals_created", "industry", [("retail", 2), ("tech", 2), ("(not set)", 1)],
                 id="deals-industry"),
    pytest.param("tickets", "industry", [("tech", 2), ("retail", 1)], id="tickets-industry"),
    pytest.param("activities", "owner", [("ann", 2), ("bob", 1)], id="activities-owner"),
])
def test_other_dimensions(book, measure, dimension, rows):
    assert_frame(build_report(book, Filters(), measure, dimension), expect([dimension, measure], rows))


def test_dimension_and_grain(book):
    # A: Jan 100+80, Feb -30+60; B: Jan 50, Feb 40, Mar 30; C: Feb -10, Mar 20.
    assert_frame(build_report(book, Filters(), "net_revenue", "product", "month"), expect(
        ["period", "product", "net_revenue"],
        [(JAN, "A", 180), (JAN, "B", 50), (JAN, "C", 0),
         (FEB, "A", 30), (FEB, "B", 40), (FEB, "C", -10),
         (MAR, "A", 0), (MAR, "B", 30), (MAR, "C", 20)]))


def test_distinct_count_by_dimension_and_grain_fills_zero(book):
    assert_frame(build_report(book, Filters(), "customers", "region", "month"), expect(
        ["period", "region", "customers"],
        [(JAN, "north", 1), (JAN, "south", 1), (JAN, "(not set)", 0),
         (FEB, "north", 1), (FEB, "south", 1), (FEB, "(not set)", 0),
         (MAR, "north", 0), (MAR, "south", 0), (MAR, "(not set)", 0)]))


@pytest.mark.parametrize("measure, dimension, rows", [
    # B and C share o6: their sales are o1 o3 o6 and o5 o6, so 4 orders, not 3 + 2.
    pytest.param("sales", "product", [("A", 3), ("(other)", 4)], id="distinct-count"),
    # (120 + 10) / 4, not the mean of 40 and 5.
    pytest.param("aov", "product", [("A", 80), ("(other)", 32.5)], id="ratio"),
    pytest.param("net_revenue", "region", [("north", 190), ("(other)", 150)], id="sum"),
])
def test_values_beyond_top_are_one_other_row(book, measure, dimension, rows):
    assert_frame(build_report(book, Filters(), measure, dimension, top=1),
                 expect([dimension, measure], rows))


@pytest.mark.parametrize("filters, measure, grain, rows", [
    pytest.param(Filters(owner_scope=("ann",)), "net_revenue", "month",
                 [(JAN, 150), (FEB, 10)], id="owner-scope"),
    pytest.param(Filters(start_date=date(2023, 12, 1), end_date=date(2024, 4, 30)), "net_revenue",
                 "month", [(pd.Timestamp("2023-12-01"), 0), (JAN, 230), (FEB, 60), (MAR, 50),
                           (pd.Timestamp("2024-04-01"), 0)], id="filter-dates-bound-periods"),
    pytest.param(Filters(start_date=date(2023, 12, 1), end_date=date(2024, 4, 30)), "aov", "month",
                 [(pd.Timestamp("2023-12-01"), NAN), (JAN, 115), (FEB, 45), (MAR, 50),
                  (pd.Timestamp("2024-04-01"), NAN)], id="ratio-empty-period-is-null"),
    pytest.param(Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 14)), "activities",
                 "week", [(pd.Timestamp("2024-01-01"), 2), (pd.Timestamp("2024-01-08"), 0)],
                 id="weeks-from-monday"),
    pytest.param(Filters(start_date=date(2024, 1, 19), end_date=date(2024, 1, 21)), "tickets", "day",
                 [(pd.Timestamp("2024-01-19"), 0), (pd.Timestamp("2024-01-20"), 1),
                  (pd.Timestamp("2024-01-21"), 0)], id="days"),
    pytest.param(Filters(), "net_revenue", "quarter", [(pd.Timestamp("2024-01-01"), 340)],
                 id="quarter"),
    pytest.param(Filters(products=("B",)), "net_revenue", "month", [(JAN, 50), (FEB, 40), (MAR, 30)],
                 id="product-filter"),
])
def test_filters_and_grains(book, filters, measure, grain, rows):
    assert_frame(build_report(book, filters, measure, grain=grain), expect(["period", measure], rows))


def test_matches_the_kpis_without_dimension(book):
    # Invariant: with no dimension and no grain the builder's order measures are the KPIs.
    filters = Filters(start_date=date(2024, 2, 1), end_date=date(2024, 3, 31))
    shown = kpis(book, filters).set_index("metric")["value"]
    for measure in ("gross_revenue", "net_revenue", "returns", "sales", "customers", "aov"):
        assert build_report(book, filters, measure)[measure].iloc[0] == pytest.approx(shown[measure])


def test_sums_over_values_equal_the_total(book):
    # Invariant: additive measures add up across values and periods.
    for measure in ("net_revenue", "gross_revenue", "returns", "units"):
        for dimension in ("region", "product", "channel"):
            by = build_report(book, Filters(), measure, dimension, "month")
            assert by[measure].sum() == pytest.approx(TOTALS[measure]), (measure, dimension)


def test_no_rows_gives_an_empty_frame(con):
    for spec in (("net_revenue", "none", "none"), ("tickets", "region", "month")):
        got = build_report(con, Filters(), *spec)
        assert got.empty
        assert list(got.columns) == ReportSpec(spec[0], spec[1], spec[2]).columns


def test_hostile_values_are_data(con):
    region = "north'); drop table order_lines; --\"x"
    insert(con, "order_lines", [{"order_id": "o1", "ordered_at": "2024-01-05 10:00:00",
                                 "line_amount": 10, "region": region}])
    assert_frame(build_report(con, Filters(regions=(region,)), "net_revenue", "region"),
                 expect(["region", "net_revenue"], [(region, 10)]))


def test_dimensions_offered_per_measure():
    assert dimensions_for("net_revenue") == ["none", "region", "channel", "product", "category",
                                             "industry", "owner", "campaign"]
    assert dimensions_for("deals_won") == ["none", "region", "channel", "product", "industry",
                                           "owner", "campaign"]
    assert dimensions_for("tickets") == ["none", "region", "channel", "industry", "owner", "campaign"]


@pytest.mark.parametrize("fields", [
    pytest.param({"measure": "drop table"}, id="unknown-measure"),
    pytest.param({"measure": "tickets", "dimension": "product"}, id="dimension-not-for-measure"),
    pytest.param({"grain": "year"}, id="unknown-grain"),
    pytest.param({"chart": "radar"}, id="unknown-chart"),
    pytest.param({"top": 0}, id="top-zero"),
    pytest.param({"top": 51}, id="top-too-large"),
    pytest.param({"top": True}, id="top-bool"),
])
def test_spec_refuses_unknown_choices(fields):
    with pytest.raises(InputError):
        ReportSpec(**fields)


@pytest.mark.parametrize("text", [
    pytest.param("not json", id="not-json"),
    pytest.param("[1, 2]", id="not-an-object"),
    pytest.param('{"measure": "net_revenue", "sql": "drop table x"}', id="unknown-field"),
    pytest.param('{"measure": "net_revenue\\"; drop"}', id="unknown-measure"),
])
def test_spec_from_bad_json(text):
    with pytest.raises(InputError):
        ReportSpec.from_json(text)


def test_spec_round_trip():
    spec = ReportSpec("customers", "region", "week", "line", 5)
    assert ReportSpec.from_json(spec.to_json()) == spec
    assert spec.columns == ["period", "region", "customers"]


def test_has_rows(con):
    insert(con, "tickets", TABLES["tickets"])
    assert [has_rows(con, m) for m in ("net_revenue", "deals_won", "tickets", "activities")] == [
        False, False, True, False]
