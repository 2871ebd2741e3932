"""The Sales page through app.py on the rows of builder_rows.py (hand-worked figures in its
docstring and in test_metrics_builder), and on an empty database."""

from __future__ import annotations

import json

import duckdb
import pandas as pd
import pyarrow as pa
import pytest
from builder_rows import TABLES
from fixture_rows import insert
from page_harness import frame_with, metric_values, open_page

from ingest.schema import create_tables
from metrics.filters import Filters
from metrics.sales import products

PAGE = "pages/sales.py"
ALL_TIME = {"period": "all"}
TILES = ["Net revenue", "Gross revenue", "Returns", "Number of sales", "Average order value"]


def tiles(at) -> list[str]:
    values = metric_values(at)
    return [values[label] for label in TILES]


def chart_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def trend_amounts(at, series: str) -> list[float]:
    """The amounts of one series of the trend chart (its data travels as Arrow datasets)."""
    chart = at.get("vega_lite_chart")[0]
    frames = [pa.ipc.open_stream(d.data.data).read_all().to_pandas() for d in chart.proto.datasets]
    lines = next(f for f in frames if "series" in f.columns)
    return lines.loc[lines["series"] == series, "amount"].tolist()


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == ["No orders loaded yet. Load an orders export on the Data page."]
    assert not at.metric and not at.dataframe


def test_no_orders_in_the_period(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {"order_lines": TABLES["order_lines"]})
    at.selectbox(key="period").set_value("last_year").run()  # 2023: the data is from 2024
    assert [i.value for i in at.info] == ["No orders in this period. Widen the period or clear a filter."]


def test_tiles_products_and_charts(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    # Net 340, gross 370, returns -30, 5 sales, AOV 370 / 5.
    assert tiles(at) == ["340", "370", "-30", "5", "74"]
    ranked = frame_with(at, "rank", "product", "abc_class")
    # A 210, B 120, C 10 of 340: A holds 61.8 % (A), B is reached from 61.8 % (A), C from 97.1 % (C).
    assert ranked[["product", "net_revenue", "abc_class"]].values.tolist() == [
        ["A", 210.0, "A"], ["B", 120.0, "A"], ["C", 10.0, "C"]]
    # The table is the metric's output for the same filters.
    con = duckdb.connect()
    create_tables(con)
    for table, rows in TABLES.items():
        insert(con, table, rows)
    expected = products(con, Filters())[ranked.columns.tolist()]
    pd.testing.assert_frame_equal(ranked.reset_index(drop=True), expected, check_dtype=False)
    # Trend, four breakdowns, Pareto; no orders list before a bar is clicked.
    assert len(chart_specs(at)) == 6
    assert frame_with(at, "order_key") is None


def test_sidebar_filter_changes_the_numbers(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    at.multiselect(key="owner").set_value(["ann"]).run()
    assert not at.exception
    # ann: o1 150, o3 40, o4 -30.
    assert tiles(at) == ["160", "190", "-30", "2", "95"]


def test_grain_control_changes_the_trend(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    trend = chart_specs(at)[0]
    assert trend["layer"][1]["encoding"]["x"]["axis"]["format"] == "%Y-%m"
    assert trend_amounts(at, "Net revenue") == [230.0, 60.0, 50.0]
    # 3-month moving average from March: (230 + 60 + 50) / 3.
    assert trend_amounts(at, "3-period moving average") == pytest.approx([340 / 3])
    at.segmented_control(key="sales_grain").set_value("quarter").run()
    assert not at.exception
    trend = chart_specs(at)[0]
    assert trend["layer"][1]["encoding"]["x"]["axis"]["format"] == "%Y-Q%q"
    assert trend_amounts(at, "Net revenue") == [340.0]


def test_drill_down_filters_the_page_and_lists_the_orders(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES,
                   query={**ALL_TIME, "drill_by": "region", "drill_value": "south"})
    # South: o2 80, o5 50, o6 50.
    assert tiles(at) == ["180", "180", "0", "3", "60"]
    assert [t.value for t in at.text][:1] == ["Focused on Region: south"]
    orders = frame_with(at, "order_key", "amount", "order_total")
    assert orders[["order_key", "lines", "amount"]].values.tolist() == [
        ["o6", 2, 50.0], ["o5", 2, 50.0], ["o2", 1, 80.0]]
    # Products of the south: A 80 + 60, B 30, C -10 + 20.
    ranked = frame_with(at, "rank", "product", "abc_class")
    assert ranked[["product", "net_revenue"]].values.tolist() == [["A", 140.0], ["B", 30.0],
                                                                   ["C", 10.0]]
    at.button(key="sales_clear").click().run()
    assert not at.exception
    assert tiles(at) == ["340", "370", "-30", "5", "74"]
    assert frame_with(at, "order_key") is None


def test_drill_on_a_value_the_filters_cannot_hold(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES,
                   query={**ALL_TIME, "drill_by": "industry", "drill_value": "retail"})
    assert tiles(at) == ["340", "370", "-30", "5", "74"]  # industry is not a page filter
    assert any("not one of the page filters" in c.value for c in at.caption)
    orders = frame_with(at, "order_key", "amount", "order_total")
    assert orders["order_key"].tolist() == ["o4", "o3", "o1"]


@pytest.mark.parametrize("query", [
    pytest.param({"drill_by": "colour", "drill_value": "red"}, id="unknown-dimension"),
    pytest.param({"drill_by": "region", "drill_value": "nowhere'; drop table x"}, id="unknown-value"),
])
def test_odd_links_do_not_break_the_page(monkeypatch, tmp_path, query):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query={**ALL_TIME, **query})
    assert not at.exception


def test_chinese_and_long_labels(monkeypatch, tmp_path):
    long_name = "华东大区-" + "超长的产品名称" * 8
    rows = TABLES["order_lines"] + [{"order_id": "z1", "ordered_at": "2024-03-02 09:00:00",
                                     "product_name": long_name, "region": long_name,
                                     "line_amount": 5, "quantity": 1}]
    at = open_page(monkeypatch, tmp_path, PAGE, {**TABLES, "order_lines": rows},
                   query={**ALL_TIME, "lang": "zh", "drill_by": "product", "drill_value": long_name})
    assert at.title[0].value == "销售"
    assert frame_with(at, "order_key", "amount")["order_key"].tolist() == ["z1"]
