"""Run a page through app.py with Streamlit's AppTest on a database of hand-typed rows
(not a test module)."""

from __future__ import annotations

import itertools
import json
import time
from pathlib import Path

from fixture_rows import insert
from streamlit.testing.v1 import AppTest

from ingest.db import connect_engine
from ingest.store import init_db

ROOT = Path(__file__).resolve().parents[1]
_VERSIONS = itertools.count(time.time_ns() % 10**12)


def make_database(path: Path, tables: dict[str, list[dict]],
                  mappings: dict[str, dict] | None = None) -> Path:
    """A database file with the catalog and ``tables`` (name -> rows); ``mappings`` (table ->
    mapping dict) adds a catalog entry per table, as a load would."""
    con = connect_engine(str(path))
    try:
        init_db(con)
        for table, rows in tables.items():
            insert(con, table, rows)
        # cached metrics are keyed by the data version, not the file: each database its own
        con.execute("update meta set value = ? where key = 'data_version'",
                    [str(next(_VERSIONS))])
        for dataset_id, (table, mapping) in enumerate((mappings or {}).items(), start=1):
            con.execute("insert into datasets (dataset_id, name, table_name, mapping_json, status) "
                        "values (?, ?, ?, ?, 'loaded')",
                        [dataset_id, f"{table}.csv", table, json.dumps(mapping)])
    finally:
        con.close()
    return path


def open_app(monkeypatch, folder: Path) -> AppTest:
    """AppTest of app.py, run once, over the database ``folder/crm.duckdb`` (no sample data)."""
    monkeypatch.setenv("CRM_DATABASE_PATH", str(folder / "crm.duckdb"))
    monkeypatch.setenv("CRM_UPLOAD_DIR", str(folder / "uploads"))
    monkeypatch.setenv("CRM_MAPPINGS_DIR", str(folder / "mappings"))
    monkeypatch.setenv("CRM_LOAD_SAMPLE_DATA", "false")
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def open_page(monkeypatch, tmp_path: Path, page: str, tables: dict[str, list[dict]],
              mappings: dict[str, dict] | None = None, query: dict | None = None) -> AppTest:
    """AppTest of ``page`` (e.g. "pages/funnel.py") over a fresh database of ``tables``."""
    make_database(tmp_path / "crm.duckdb", tables, mappings)
    at = open_app(monkeypatch, tmp_path)
    at.switch_page(page).run()
    if query:
        # switch_page starts from an empty link, so the link's parameters come after it
        for name, value in query.items():
            at.query_params[name] = value
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    """Label -> shown value of every st.metric tile."""
    return {m.label: m.value for m in at.metric}


def frames(at: AppTest) -> list:
    """The DataFrames of every st.dataframe on the page, in page order."""
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, *columns: str):
    """The first table shown that has all ``columns`` (None when there is none)."""
    return next((f for f in frames(at) if set(columns) <= set(f.columns)), None)
