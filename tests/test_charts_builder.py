"""Report builder charts: which chart is drawn, and its Vega-Lite spec, for tiny frames."""

from __future__ import annotations

import pandas as pd
import pytest
from chart_spec import marks, spec

from charts.builder import effective_chart, report_chart
from metrics.builder import ReportSpec

LABELS = {"measure": "M", "dimension": "D", "period": "P"}
J, F = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")
BY_REGION = pd.DataFrame({"region": ["north", "south"], "net_revenue": [190.0, 180.0]})
WITH_RETURN = pd.DataFrame({"region": ["north", "(other)"], "net_revenue": [190.0, -30.0]})
MONTHLY = pd.DataFrame({"period": [J, F], "net_revenue": [230.0, 60.0]})
MONTHLY_REGION = pd.DataFrame({"period": [J, J, F, F], "region": ["north", "south"] * 2,
                               "customers": [1.0, 1.0, 1.0, 0.0]})
ONE = pd.DataFrame({"net_revenue": [340.0]})


@pytest.mark.parametrize("report, frame, drawn", [
    pytest.param(ReportSpec("net_revenue", "none", "none", "bar"), ONE, "number", id="one-number"),
    pytest.param(ReportSpec("net_revenue", "none", "none", "table"), ONE, "table", id="table"),
    pytest.param(ReportSpec("net_revenue", "region", "none", "pie"), BY_REGION, "pie", id="pie"),
    pytest.param(ReportSpec("net_revenue", "region", "none", "pie"), WITH_RETURN, "bar",
                 id="pie-negative-is-bar"),
    pytest.param(ReportSpec("customers", "region", "none", "pie"), BY_REGION, "bar",
                 id="pie-distinct-count-is-bar"),
    pytest.param(ReportSpec("net_revenue", "region", "month", "pie"), MONTHLY, "bar",
                 id="pie-with-grain-is-bar"),
    pytest.param(ReportSpec("net_revenue", "none", "month", "line"), MONTHLY, "line", id="line"),
])
def test_effective_chart(report, frame, drawn):
    assert effective_chart(report, frame) == drawn


def test_number_and_table_draw_no_chart():
    assert report_chart(ONE, ReportSpec("net_revenue", "none", "none", "bar"), "en", LABELS) is None
    assert report_chart(BY_REGION, ReportSpec("net_revenue", "region", "none", "table"), "en",
                        LABELS) is None


def test_bars_by_value_keep_the_frame_order():
    chart = spec(report_chart(BY_REGION, ReportSpec("net_revenue", "region", "none", "bar"), "en",
                              LABELS))
    assert marks(chart) == ["bar"]
    assert chart["encoding"]["y"]["sort"] == ["north", "south"]
    assert chart["encoding"]["x"]["field"] == "net_revenue"
    assert [t["field"] for t in chart["encoding"]["tooltip"]] == ["region", "net_revenue"]


def test_additive_measure_stacks_over_time():
    frame = MONTHLY_REGION.rename(columns={"customers": "net_revenue"})
    chart = spec(report_chart(frame, ReportSpec("net_revenue", "region", "month", "bar"), "en", LABELS))
    assert chart["encoding"]["y"]["stack"] == "zero"
    assert "xOffset" not in chart["encoding"]
    assert chart["encoding"]["color"]["field"] == "region"


def test_distinct_count_is_drawn_side_by_side():
    chart = spec(report_chart(MONTHLY_REGION, ReportSpec("customers", "region", "month", "bar"), "en",
                              LABELS))
    assert chart["encoding"]["y"].get("stack") is None
    assert chart["encoding"]["xOffset"]["field"] == "region"
    assert [t["field"] for t in chart["encoding"]["tooltip"]] == ["period", "region", "customers"]
    assert chart["encoding"]["tooltip"][2]["format"] == ",.0f"


def test_pie_line_and_area():
    pie = spec(report_chart(BY_REGION, ReportSpec("net_revenue", "region", "none", "pie"), "en", LABELS))
    assert marks(pie) == ["arc"]
    assert (pie["encoding"]["theta"]["field"], pie["encoding"]["color"]["field"]) == (
        "net_revenue", "region")
    line = spec(report_chart(MONTHLY, ReportSpec("net_revenue", "none", "month", "line"), "en", LABELS))
    assert marks(line) == ["line"]
    assert line["encoding"]["x"]["field"] == "period"
    rate = pd.DataFrame({"period": [J, F], "win_rate": [0.5, 1.0]})
    area = spec(report_chart(rate, ReportSpec("win_rate", "none", "quarter", "area"), "zh", LABELS))
    assert marks(area) == ["area"]
    assert area["encoding"]["y"]["axis"]["labelExpr"] == "format(datum.value, '.0%')"
    assert area["encoding"]["tooltip"][0]["format"] == "%Y-Q%q"


def test_small_charts_put_the_legend_aside():
    chart = spec(report_chart(MONTHLY_REGION, ReportSpec("customers", "region", "month", "line"), "en",
                              LABELS, height=180))
    assert chart["encoding"]["color"]["legend"]["orient"] == "right"
    assert chart["height"] == 180
