"""Who builds order_facts in the app: a cached metric on a miss, the Data page after a load; never
while a change of stored data runs."""

from __future__ import annotations

from datetime import datetime

from fixture_rows import insert
from page_harness import open_app
from test_metrics_marts import CUSTOMERS, LINES

from ingest.catalog import init_db
from ingest.db import connect_engine
from metrics import marts
from metrics.filters import Filters
from metrics.kpis import kpis
from ui import cache, connection
from ui.connection import prepare_reports, writing


def _shop(con):
    insert(con, "customers", CUSTOMERS)
    insert(con, "order_lines", LINES)
    return con


def test_prepare_reports_builds_the_view_once(con):
    _shop(con)
    assert prepare_reports(con) is True
    assert marts.kind(con) == "table"
    assert prepare_reports(con) is False


def test_prepare_reports_waits_for_no_change_it_would_break(con):
    _shop(con)
    with writing():
        # A load holds the lock: building now could make its commit fail.
        assert prepare_reports(con) is False
        assert marts.kind(con) == "view"
    assert prepare_reports(con) is True


def test_a_cached_metric_builds_order_facts_on_a_miss(con, monkeypatch, tmp_path):
    _shop(con)
    monkeypatch.setenv("CRM_DATABASE_PATH", str(tmp_path / "cache-miss.duckdb"))
    monkeypatch.setattr(cache, "data_version", lambda c: datetime.now().timestamp())
    frame = cache.metric(kpis, con, Filters())
    assert marts.kind(con) == "table"
    # Gross 15 + 10 + 10 + 7 = 42 (o4 is zero, o3 the return of 6), as test_metrics_marts has it.
    assert dict(zip(frame["metric"], frame["value"]))["gross_revenue"] == 42.0


def _order_facts_kind(folder) -> str | None:
    # The app's own connection to the file (one database per process), as the page used it.
    import settings

    root = connection._database(str(folder / "crm.duckdb"), str(folder / "uploads"),
                                settings.get("sample_data_dir"), False)
    return marts.kind(root.cursor())


def test_the_data_page_prepares_reports_after_a_load(monkeypatch, tmp_path):
    con = connect_engine(str(tmp_path / "crm.duckdb"))
    init_db(con)
    con.close()
    # Only the Data page may build here: cached metrics on a miss do not.
    monkeypatch.setattr(cache, "prepare_reports", lambda c: False)
    at = open_app(monkeypatch, tmp_path)
    at.switch_page("pages/data.py").run()
    csv = (b"Order ID,Order Date,Customer ID,Amount\n"
           b"A-1,2024-01-05,C1,120\n"
           b"A-2,2024-01-06,C2,80\n")
    at.file_uploader(key="uploader").upload("orders.csv", csv, "text/csv").run()
    next(b for b in at.button if b.label.startswith("Check the rows")).click().run()
    assert _order_facts_kind(tmp_path) == "view"
    next(b for b in at.button if b.label.startswith("Load 2 rows")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _order_facts_kind(tmp_path) == "table"
