"""The whole app through Streamlit's AppTest: every page of the navigation on an empty database
and on the sample data, the Overview's KPI tiles against hand-worked values and metrics.kpis,
sidebar filters, links that carry the view (query parameters) and the Chinese interface."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fixture_rows import insert
from streamlit.testing.v1 import AppTest

from ingest.catalog import init_db
from ingest.db import connect_engine
from metrics.filters import Filters
from metrics.kpis import kpis
from scripts.app_server import navigation_pages
from ui import format as fmt

ROOT = Path(__file__).resolve().parents[1]


PAGES = [file for file, _ in navigation_pages()]

# Five orders, one line each, hand-typed. The last day with data is 2024-06-30, so
# "Last 12 months" is 2023-07-01 .. 2024-06-30 and the period before it 2022-06-30 .. 2023-06-30.
ORDERS = [
    {"order_id": "O1", "ordered_at": "2023-03-15 10:00", "customer_id": "C1", "line_amount": 110,
     "region": "North", "product_name": "Beans"},
    {"order_id": "O2", "ordered_at": "2023-09-10 10:00", "customer_id": "C1", "line_amount": 200,
     "region": "North", "product_name": "Beans"},
    {"order_id": "O3", "ordered_at": "2024-06-10 10:00", "customer_id": "C2", "line_amount": 300,
     "region": "South", "product_name": "Grinder"},
    {"order_id": "O4", "ordered_at": "2024-06-20 10:00", "customer_id": "C1", "line_amount": 50,
     "region": "North", "product_name": "Beans"},
    {"order_id": "O5", "ordered_at": "2024-06-30 10:00", "customer_id": "C2", "line_amount": -30,
     "region": "South", "product_name": "Grinder"},
]

# Worked out by hand from ORDERS (docs/metrics/sales.md): label -> shown value.
# Last 12 months: sales O2 O3 O4 = 550; return O5 = -30; C1 bought before, so only C2 is new;
# C1 bought twice of 2 customers; AOV 550 / 3 = 183.3.
EXPECTED_12M = {"Gross revenue": "550", "Net revenue": "520", "Sales": "3", "Customers": "2",
                "New customers": "1", "Average order value": "183", "Repeat rate": "50.0%",
                "Returns": "-30"}
# All time: 110 + 200 + 300 + 50 = 660 over 4 sales (AOV 165); an open start makes both new.
EXPECTED_ALL = {"Gross revenue": "660", "Net revenue": "630", "Sales": "4", "Customers": "2",
                "New customers": "2", "Average order value": "165", "Repeat rate": "50.0%",
                "Returns": "-30"}
# All time, South only: O3 300 and the return O5.
EXPECTED_ALL_SOUTH = {"Gross revenue": "300", "Net revenue": "270", "Sales": "1", "Customers": "1",
                      "New customers": "1", "Average order value": "300", "Repeat rate": "0.0%",
                      "Returns": "-30"}
# The 12-month gross revenue against the 110 of the period before: +440, +400 %.
EXPECTED_12M_GROSS_DELTA = "400.0%"


def use_database(monkeypatch, folder: Path, *, sample: bool) -> None:
    monkeypatch.setenv("CRM_DATABASE_PATH", str(folder / "crm.duckdb"))
    monkeypatch.setenv("CRM_UPLOAD_DIR", str(folder / "uploads"))
    monkeypatch.setenv("CRM_MAPPINGS_DIR", str(folder / "mappings"))
    monkeypatch.setenv("CRM_LOAD_SAMPLE_DATA", "true" if sample else "false")
    monkeypatch.chdir(ROOT)


def open_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    return at.run()


def no_exception(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def tiles(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def orders_db(tmp_path, monkeypatch):
    """The app pointed at a database holding ORDERS only."""
    con = connect_engine(str(tmp_path / "crm.duckdb"))
    try:
        init_db(con)
        insert(con, "order_lines", ORDERS)
    finally:
        con.close()
    use_database(monkeypatch, tmp_path, sample=False)


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    use_database(monkeypatch, tmp_path, sample=False)


@pytest.fixture(scope="module")
def sample_folder(tmp_path_factory):
    """One database with the sample data for the whole module (loading it takes seconds)."""
    return tmp_path_factory.mktemp("sample")


@pytest.fixture
def sample_db(sample_folder, monkeypatch):
    use_database(monkeypatch, sample_folder, sample=True)


def test_navigation_lists_the_pages():
    assert PAGES[0] == "pages/overview.py"
    assert "pages/data.py" in PAGES
    assert all((ROOT / page).is_file() for page in PAGES)


def walk_every_page(lang: str) -> dict[str, list]:
    """Open every page of the navigation, each from a fresh session: page -> problems.

    A fresh session per page because AppTest calls a widget's format_func outside the script
    run, where a translated label falls back to English and the widget's state cannot be sent.
    """
    problems = {}
    for page in PAGES:
        at = open_app({"lang": lang} if lang != "en" else None)
        at.switch_page(page).run()
        found = [e.value for e in at.exception] + ([] if at.title else ["no title"])
        if found:
            problems[page] = found
    return problems


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_runs_on_an_empty_database(empty_db, lang):
    assert walk_every_page(lang) == {}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_runs_on_the_sample_data(sample_db, lang):
    assert walk_every_page(lang) == {}


def test_empty_overview_says_where_to_load_data(empty_db):
    at = open_app()
    assert not at.metric
    assert any("Data page" in i.value for i in at.info)


def test_overview_tiles_are_the_hand_worked_kpis(orders_db):
    at = open_app()
    no_exception(at)
    assert at.sidebar.selectbox(key="period").value == "12m"
    assert tiles(at) == EXPECTED_12M
    gross = next(m for m in at.metric if m.label == "Gross revenue")
    assert gross.delta == EXPECTED_12M_GROSS_DELTA


@pytest.mark.parametrize("period, start, end", [
    ("12m", date(2023, 7, 1), date(2024, 6, 30)),
    ("30d", date(2024, 6, 1), date(2024, 6, 30)),
    ("all", None, None),
], ids=["12m", "30d", "all"])
def test_overview_tiles_equal_metrics_kpis(orders_db, con, period, start, end):
    insert(con, "order_lines", ORDERS)
    expected = kpis(con, Filters(start_date=start, end_date=end)).set_index("metric")["value"]
    shown = {"Gross revenue": fmt.amount(expected["gross_revenue"]),
             "Net revenue": fmt.amount(expected["net_revenue"]),
             "Sales": fmt.count(expected["sales"]), "Customers": fmt.count(expected["customers"]),
             "New customers": fmt.count(expected["new_customers"]),
             "Average order value": fmt.amount(expected["aov"]),
             "Repeat rate": fmt.percent(expected["repeat_rate"]),
             "Returns": fmt.amount(expected["returns"])}
    at = open_app({"period": period})
    no_exception(at)
    assert tiles(at) == shown


def test_changing_the_period_changes_the_tiles_and_the_link(orders_db):
    at = open_app()
    assert tiles(at) == EXPECTED_12M
    at.sidebar.selectbox(key="period").set_value("all").run()
    no_exception(at)
    assert tiles(at) == EXPECTED_ALL
    assert at.query_params.get("period") == "all"
    # Back to the default: the link drops the parameter again.
    at.sidebar.selectbox(key="period").set_value("12m").run()
    assert tiles(at) == EXPECTED_12M
    assert "period" not in at.query_params


def test_choosing_a_region_changes_the_tiles(orders_db):
    at = open_app({"period": "all"})
    region = at.sidebar.multiselect(key="region")
    assert region.options == ["North", "South"]  # most rows first
    region.set_value(["South"]).run()
    no_exception(at)
    assert tiles(at) == EXPECTED_ALL_SOUTH


def test_a_link_sets_the_widgets_and_the_numbers(orders_db):
    at = open_app({"period": "all", "region": "South"})
    no_exception(at)
    assert at.sidebar.selectbox(key="period").value == "all"
    assert at.sidebar.multiselect(key="region").value == ["South"]
    assert tiles(at) == EXPECTED_ALL_SOUTH


@pytest.mark.parametrize("segment", [["Loyal", "Champions"], ["Can't Lose Them"]],
                         ids=["two", "apostrophe"])
def test_segment_codes_round_trip_through_the_link(orders_db, segment):
    at = open_app({"segment": segment})
    no_exception(at)
    assert at.sidebar.multiselect(key="segment").value == segment
    assert at.query_params.get("segment") == (segment if len(segment) > 1 else segment[0])


def test_a_link_value_that_is_not_an_option_is_ignored(orders_db):
    at = open_app({"period": "Last 12 months", "lang": "fr"})
    no_exception(at)
    assert at.sidebar.selectbox(key="period").value == "12m"
    assert tiles(at) == EXPECTED_12M
    # The link is corrected to what is shown.
    assert "period" not in at.query_params and "lang" not in at.query_params


def test_the_link_carries_codes_not_translated_labels(orders_db):
    at = open_app({"lang": "zh"})
    at.sidebar.selectbox(key="period").set_value("30d").run()
    no_exception(at)
    assert at.query_params.get("period") == "30d"
    assert at.query_params.get("lang") == "zh"
    # The same link opened afresh shows the same view.
    again = open_app(dict(at.query_params))
    assert again.sidebar.selectbox(key="period").value == "30d"
    assert tiles(again) == tiles(at)


def test_chinese_link_shows_chinese_labels(orders_db):
    at = open_app({"lang": "zh", "period": "all"})
    no_exception(at)
    assert at.sidebar.segmented_control(key="lang").value == "zh"
    assert at.title[0].value == "概览"
    assert at.sidebar.subheader[0].value == "筛选"
    # Amounts under 10 000 keep their digits; labels are Chinese.
    assert tiles(at)["总销售额"] == "660"
    assert tiles(at)["复购率"] == "50.0%"


def test_switching_language_keeps_filters_and_pages_keep_both(orders_db):
    at = open_app({"period": "all"})
    at.sidebar.segmented_control(key="lang").set_value("zh").run()
    no_exception(at)
    assert tiles(at)["总销售额"] == "660"
    at.switch_page("pages/data.py").run()
    no_exception(at)
    at.switch_page("pages/overview.py").run()
    no_exception(at)
    assert at.title[0].value == "概览"
    assert at.sidebar.selectbox(key="period").value == "all"
    assert tiles(at)["总销售额"] == "660"


def test_a_page_run_on_its_own_is_rerun_through_app_py(orders_db, monkeypatch):
    """Without the conftest stand-in, AppTest runs a rerun as the lone page file (Streamlit's
    legacy pages/ folder mode), as a fresh server does for its first deep link; the app must
    still draw its navigation and filters and apply them."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.pages_manager import PagesManager

    monkeypatch.setattr(app_test_module, "PagesManager", PagesManager)
    at = open_app()
    at.sidebar.selectbox(key="period").set_value("all").run()
    no_exception(at)
    assert at.sidebar.selectbox(key="period").value == "all"
    assert tiles(at) == EXPECTED_ALL


def button(at: AppTest, label_start: str):
    return next(b for b in at.button if b.label.startswith(label_start))


def test_data_page_upload_map_check_load_and_delete(empty_db):
    """The Data page end to end: upload a CSV, see the guessed mapping, check, load; the dataset is
    listed and its rows reach the Overview; deleting it empties the Overview again."""
    csv = (b"Order ID,Order Date,Customer ID,Amount,Region\n"
           b"A-1,2024-01-05,C1,120,North\n"
           b"A-2,2024-01-06,C2,80,South\n")
    at = open_app()
    at.switch_page("pages/data.py").run()
    at.file_uploader(key="uploader").upload("shop orders.csv", csv, "text/csv").run()
    no_exception(at)
    assert next(s for s in at.selectbox if s.label == "This file holds").value == "order_lines"
    mapping = next(d.value for d in at.dataframe if (d.key or "").startswith("map-"))
    sources = dict(zip(mapping["column"], mapping["source"]))
    assert {k: sources[k] for k in ("order_id", "ordered_at", "customer_id", "line_amount",
                                    "region")} == {
        "order_id": "Order ID", "ordered_at": "Order Date", "customer_id": "Customer ID",
        "line_amount": "Amount", "region": "Region"}

    button(at, "Check the rows").click().run()
    no_exception(at)
    button(at, "Load 2 rows").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == ["Loaded 2 rows into orders / order lines."]

    # A new session: the datasets tab lists the load; its rows are on the Overview.
    at = open_app()
    assert tiles(at)["Gross revenue"] == "200"
    assert tiles(at)["Sales"] == "2"
    at.switch_page("pages/data.py").run()
    datasets = next(d.value for d in at.dataframe if d.key == "datasets")
    assert datasets[["name", "table_name", "row_count"]].to_dict("records") == [
        {"name": "shop orders.csv", "table_name": "order_lines", "row_count": 2}]

    at.session_state["datasets"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    no_exception(at)
    button(at, "Delete for good").click().run()
    no_exception(at)
    assert "Nothing is loaded yet. Add a file in the first tab." in [i.value for i in at.info]
    at.switch_page("pages/overview.py").run()
    assert not at.metric
