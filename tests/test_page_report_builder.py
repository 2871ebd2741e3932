"""The Report builder page (and the saved reports on the Overview) through app.py, on the rows of
builder_rows.py (figures worked out in test_metrics_builder) and on an empty database."""

from __future__ import annotations

from builder_rows import TABLES
from page_harness import frame_with, metric_values, open_page

PAGE = "pages/report_builder.py"
ALL_TIME = {"period": "all"}


def choose(at, **values):
    """Set the builder's controls (measure, dim, grain, chart, top) and rerun."""
    for name, value in values.items():
        at.selectbox(key=f"rb_{name}").set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == ["No orders loaded yet. Load an orders export on the Data page."]
    assert "No saved reports yet." in [c.value for c in at.caption]
    choose(at, measure="tickets", dim="region", grain="none", chart="pie")
    assert [i.value for i in at.info] == [
        "No service tickets loaded yet. Load a tickets export on the Data page."]


def test_loaded_but_nothing_in_the_period(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES)
    at.selectbox(key="period").set_value("last_year").run()  # 2023: the data is from 2024
    assert "No data for this report in this period." in [c.value for c in at.caption]
    assert not at.info


def test_default_report_is_net_revenue_per_month(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    assert len(at.get("vega_lite_chart")) == 1
    choose(at, chart="table")
    shown = frame_with(at, "period", "net_revenue")
    assert shown["net_revenue"].tolist() == [230.0, 60.0, 50.0]


def test_controls_change_the_report(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    choose(at, measure="customers", dim="region", grain="none", chart="table")
    shown = frame_with(at, "region", "customers")
    assert shown.values.tolist() == [["north", 1.0], ["south", 1.0], ["(not set)", 0.0]]
    choose(at, measure="win_rate")  # deals: north d1 won; south d2 lost, d4 won
    assert frame_with(at, "region", "win_rate").values.tolist() == [["north", 1.0], ["south", 0.5]]
    choose(at, dim="none", chart="bar")  # one number: a tile (won d1 d4 of closed d1 d2 d4)
    assert metric_values(at)["Win rate"] == "66.7%"
    choose(at, measure="sales", dim="product", chart="table")
    choose(at, top=5)
    assert frame_with(at, "product", "sales").values.tolist() == [["A", 3.0], ["B", 3.0], ["C", 2.0]]


def test_dimensions_follow_the_measure(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    choose(at, dim="product")
    choose(at, measure="tickets")  # tickets have no product: the dimension falls back to none
    assert "Product" not in at.selectbox(key="rb_dim").options
    assert at.selectbox(key="rb_dim").value == "none"


def test_save_open_delete_and_the_overview(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    name = "**Tickets** [x](http://e.invalid) 投诉"
    choose(at, measure="tickets", dim="region", grain="none", chart="table")
    at.text_input[0].input(name)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved. The report appears on the Overview page."]
    listed = frame_with(at, "name", "measure", "dimension")
    assert listed[["name", "measure", "dimension", "chart"]].values.tolist() == [
        [name, "Tickets", "Region", "Table"]]
    # Open puts the saved choices back into the controls.
    choose(at, measure="net_revenue", dim="none", grain="month", chart="bar")
    at.button(key="rb_open").click().run()
    assert [at.selectbox(key=f"rb_{k}").value for k in ("measure", "dim", "grain", "chart")] == [
        "tickets", "region", "none", "table"]
    # The Overview draws it small, with its name as plain text: south t2 t3, north t1.
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    assert name in [t.value for t in at.text]
    assert frame_with(at, "region", "tickets").values.tolist() == [["south", 2.0], ["north", 1.0]]
    at.switch_page(PAGE).run()
    at.button(key="rb_delete").click().run()
    assert "No saved reports yet." in [c.value for c in at.caption]


def test_empty_name_is_refused(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query=ALL_TIME)
    next(b for b in at.button if b.label == "Save").click().run()
    assert [e.value for e in at.error] == ["Give the report a name."]


def test_chinese(monkeypatch, tmp_path):
    # (AppTest formats options outside the script run, in English, so the Chinese controls are
    # not driven here; test_metrics_builder covers the numbers.)
    at = open_page(monkeypatch, tmp_path, PAGE, TABLES, query={**ALL_TIME, "lang": "zh"})
    assert at.title[0].value == "自定义报表"
    assert at.selectbox(key="rb_measure").options[0] == "净销售额"
    assert len(at.get("vega_lite_chart")) == 1
    assert "还没有保存的报表。" in [c.value for c in at.caption]
