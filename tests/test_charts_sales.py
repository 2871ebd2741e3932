"""Sales page charts: their Vega-Lite specs for tiny hand-typed frames."""

from __future__ import annotations

import pandas as pd
from chart_spec import marks, rows, selection, spec

from charts.sales import PICK, breakdown_chart, pareto_chart, trend_chart, trend_frame

NAN = float("nan")
LABELS = {"net": "Net", "average": "Avg", "forecast": "Fc", "period": "P", "series": "S",
          "amount": "A", "lower": "Lo", "upper": "Hi", "value": "V", "gross": "G", "returns": "R",
          "share": "Sh", "rank": "Rk", "product": "Pr", "cumulative": "Cu", "abc": "ABC",
          "threshold": "T"}
M1, M2, M3, M4 = (pd.Timestamp(f"2024-0{m}-01") for m in (1, 2, 3, 4))
TREND = pd.DataFrame({"period": [M1, M2, M3], "net_revenue": [100.0, 80.0, 120.0],
                      "moving_average": [NAN, 90.0, 100.0]})
# The last actual month (March) is incomplete, so the forecast starts after February.
FORECAST = pd.DataFrame({"period": [M1, M2, M3, M4], "net_revenue": [100.0, 80.0, NAN, NAN],
                         "forecast": [NAN, NAN, 80.0, 80.0], "lower": [NAN, NAN, 60.0, 50.0],
                         "upper": [NAN, NAN, 100.0, 110.0], "method": ["naive"] * 4})
EMPTY_FORECAST = FORECAST.iloc[0:0]


def test_trend_frame_joins_forecast_to_the_last_actual():
    expected = pd.DataFrame({
        "period": [M1, M2, M3, M2, M3, M2, M3, M4],
        "series": ["Net", "Net", "Net", "Avg", "Avg", "Fc", "Fc", "Fc"],
        "amount": [100.0, 80.0, 120.0, 90.0, 100.0, 80.0, 80.0, 80.0]})
    pd.testing.assert_frame_equal(trend_frame(TREND, FORECAST, LABELS), expected, check_dtype=False)


def test_trend_frame_without_forecast_or_rows():
    assert trend_frame(TREND, EMPTY_FORECAST, LABELS)["series"].tolist() == ["Net"] * 3 + ["Avg"] * 2
    empty = trend_frame(TREND.iloc[0:0], EMPTY_FORECAST, LABELS)
    assert empty.empty and list(empty.columns) == ["period", "series", "amount"]


def test_trend_chart_layers():
    chart = spec(trend_chart(TREND, FORECAST, "month", "en", LABELS))
    assert marks(chart) == ["area", "line"]
    band, line = chart["layer"]
    assert (band["encoding"]["y"]["field"], band["encoding"]["y2"]["field"]) == ("lower", "upper")
    assert [r["lower"] for r in rows(chart, band)] == [60.0, 50.0]
    assert line["encoding"]["color"]["scale"]["domain"] == ["Net", "Avg", "Fc"]
    assert line["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0], [2, 2], [6, 4]]
    assert [t["field"] for t in line["encoding"]["tooltip"]] == ["period", "series", "amount"]
    assert line["encoding"]["x"]["axis"]["format"] == "%Y-%m"


def test_trend_chart_quarter_labels_and_no_forecast():
    chart = spec(trend_chart(TREND, EMPTY_FORECAST, "quarter", "zh", LABELS))
    band, line = chart["layer"]
    assert rows(chart, band) == []
    assert line["encoding"]["tooltip"][0]["format"] == "%Y-Q%q"
    assert "万" in line["encoding"]["y"]["axis"]["labelExpr"]


BREAKDOWN = pd.DataFrame({"value": ["north", "south", "(not set)"],
                          "gross_revenue": [190.0, 180.0, 0.0], "returns": [0.0, 0.0, -30.0],
                          "net_revenue": [190.0, 180.0, -30.0], "sale_lines": [3, 4, 0],
                          "quantity": [4.0, 4.0, -1.0], "share": [0.56, 0.53, -0.09]})


def test_breakdown_bars_click_and_focus():
    chart = spec(breakdown_chart(BREAKDOWN, "south", "en", LABELS))
    assert marks(chart) == ["bar"]
    assert selection(chart, PICK)["select"]["fields"] == ["value"]
    assert [(r["value"], r["focus"]) for r in rows(chart)] == [
        ("north", False), ("south", True), ("(not set)", False)]
    encoding = chart["encoding"]
    assert encoding["y"]["sort"] == ["north", "south", "(not set)"]
    assert encoding["color"]["condition"]["test"] == "datum.focus"
    assert [t["field"] for t in encoding["tooltip"]] == ["value", "net_revenue", "gross_revenue",
                                                         "returns", "share"]
    assert chart["height"] == 3 * 24 + 20


def test_breakdown_without_focus_highlights_every_bar():
    chart = spec(breakdown_chart(BREAKDOWN, None, "en", LABELS))
    assert all(r["focus"] for r in rows(chart))


PRODUCTS = pd.DataFrame({"rank": [1, 2, 3], "product": ["A", "B", "C"],
                         "net_revenue": [50.0, 30.0, 20.0], "share": [0.5, 0.3, 0.2],
                         "cumulative_share": [0.5, 0.8, 1.0], "abc_class": ["A", "A", "B"]})


def test_pareto_bars_cumulative_line_and_rules():
    chart = spec(pareto_chart(PRODUCTS, "en", LABELS))
    assert marks(chart) == ["bar", "line", "rule"]
    assert chart["resolve"]["scale"]["y"] == "independent"
    bars, line, rule = chart["layer"]
    assert bars["encoding"]["x"]["sort"] == ["A", "B", "C"]
    assert bars["encoding"]["color"]["scale"]["domain"] == ["A", "B", "C"]
    assert line["encoding"]["y"]["field"] == "cumulative_share"
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert line["encoding"]["y"]["axis"]["orient"] == "right"
    assert [r["threshold"] for r in rows(chart, rule)] == [0.8, 0.95]
    assert rule["encoding"]["y"]["scale"]["domain"] == [0, 1]
