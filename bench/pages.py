"""Every page of app.py's navigation through Streamlit's AppTest on a ~1M-order database file.

``--rows`` counts order lines, as everywhere in ``bench``: ``bench.data`` makes exactly 2.5
lines per order, so the default 2,500,000 lines are 1,000,000 orders.

Per page, in a fresh session: "cold" is the first run after every cached result was dropped
(what the first viewer sees after a data load: the Data page clears the cache the same way;
the database is already open); "warm" is the slower of the next two reruns of the same page.
``pages.0_first_run`` is the very first run of the process: opening the file plus a cold
Overview. Times are AppTest's ``run()``: the script run plus AppTest's small message parsing.

Target: every page <= 1 s warm at 1M orders.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from bench import data
from bench.registry import Context, Result, benchmark, timed

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_LINES = 2_500_000  # 2.5 lines per order: 1M orders
SECONDS_LIMIT = 1.0
TIMEOUT = 600  # seconds AppTest may take for one run (a cold page on a busy machine)
ENVIRONMENT = ("CRM_DATABASE_PATH", "CRM_UPLOAD_DIR", "CRM_MAPPINGS_DIR", "CRM_LOAD_SAMPLE_DATA")
# Outside `streamlit run` these warn on every cache call and run; the table is what matters.
NOISY_LOGGERS = ("streamlit.runtime.scriptrunner_utils.script_run_context",
                 "streamlit.runtime.caching.cache_data_api",
                 "streamlit.runtime.state.session_state_proxy")
_VERSIONS = itertools.count(time.time_ns() % 10**12)


def _catalog(con, counts: dict[str, int]) -> None:
    """Catalog rows as loads would have left them: one loaded dataset per non-empty table, its
    mapping (canonical column -> same-named header), a load event, and a fresh data version."""
    from ingest.catalog import add_event, now
    from ingest.mapping import Mapping
    from ingest.schema import TABLES

    loaded = [table for table, count in counts.items() if count]
    for dataset_id, table in enumerate(loaded, start=1):
        names = list(TABLES[table].column_names)
        mapping = Mapping(table=table, columns={c: c for c in names}, headers=names)
        con.execute("insert into datasets values ($d, $n, $t, $n, 'bench', $at, $c, 0, $m, 'loaded')",
                    {"d": dataset_id, "n": f"{table}.csv", "t": table, "at": now(),
                     "c": counts[table], "m": json.dumps(mapping.to_dict())})
        add_event(con, dataset_id, dataset_id, "load", "bench",
                  f"Loaded {counts[table]:,} rows from '{table}.csv'.")
    con.execute("update meta set value = ? where key = 'data_version'", [str(len(loaded))])


def _write_database(rows: int, path: Path) -> None:
    from ingest.db import connect_engine
    from ingest.store import init_db

    con = connect_engine(str(path))
    try:
        con.execute("set enable_progress_bar = false")
        init_db(con)
        # The synthetic rows all carry dataset 1; give each table its own dataset, as loads do.
        counts = data.build_database(con, rows)
        for dataset_id, table in enumerate([t for t, c in counts.items() if c], start=1):
            con.execute(f"update {data._quote(data.base_table(table))} set dataset_id = ?", [dataset_id])
        _catalog(con, counts)
        con.execute("checkpoint")
    finally:
        con.close()


def database_file(rows: int, out_dir: Path) -> Path:
    """A database file that looks loaded to the app: canonical tables for ``rows`` order lines,
    catalog, users, audit, data_version (cached in ``out_dir``)."""
    path = Path(out_dir) / f"crm_{rows}_v{data.GENERATOR_VERSION}.duckdb"
    return data._cached(path, lambda p: _write_database(rows, p))


@contextmanager
def app_environment(database: Path):
    """The app pointed at a private copy of ``database`` (pages may write the audit trail and
    the data version), with order_facts built as after a load; environment and working folder
    restored afterwards."""
    saved = {name: os.environ.get(name) for name in ENVIRONMENT}
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as folder:
        copy = Path(folder) / "crm.duckdb"
        shutil.copyfile(database, copy)
        # cached metrics are keyed by path and data version: this copy gets its own version
        from ingest.db import connect_engine

        con = connect_engine(str(copy))
        try:
            con.execute("update meta set value = ? where key = 'data_version'",
                        [str(next(_VERSIONS))])
            # As the Data page leaves it after a load: order_facts built (not timed here).
            from metrics import marts

            marts.ensure(con)
            marts.refresh(con)
        finally:
            con.close()
        os.environ.update({"CRM_DATABASE_PATH": str(copy),
                           "CRM_UPLOAD_DIR": str(Path(folder) / "uploads"),
                           "CRM_MAPPINGS_DIR": str(Path(folder) / "mappings"),
                           "CRM_LOAD_SAMPLE_DATA": "false"})
        os.chdir(ROOT)
        try:
            with _navigation_like_a_running_server():
                yield
        finally:
            os.chdir(cwd)
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            _close_database()


@contextmanager
def _navigation_like_a_running_server():
    """What tests/conftest.py's autouse fixture does: AppTest leaves Streamlit's legacy
    multipage mode after the first run, as a server does, so reruns go through app.py."""
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.pages_manager import PagesManager

    class NavigationPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    original = app_test_module.PagesManager
    app_test_module.PagesManager = NavigationPagesManager
    try:
        yield
    finally:
        app_test_module.PagesManager = original


def _close_database() -> None:
    # The app keeps its connection in st.cache_resource; drop it so the temporary file can go.
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


def _problems(at) -> str | None:
    found = [str(e.value).splitlines()[0] for e in at.exception] + ([] if at.title else ["no title"])
    return "; ".join(found)[:200] if found else None


def _session():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)


def time_page(page: str) -> tuple[float, float, float, str | None]:
    """(cold, warm 2nd, warm 3rd seconds, problems) of ``page`` in a fresh session."""
    import streamlit as st

    at = _session()
    at.run()  # the default page: registers the navigation
    if page != "pages/overview.py":
        at.switch_page(page)
    st.cache_data.clear()  # as after a data load: nothing cached, the database open
    cold, _ = timed(at.run)
    warm = [timed(at.run)[0] for _ in range(2)]
    return cold, warm[0], warm[1], _problems(at)


def run_pages(rows: int, out_dir: Path) -> list[Result]:
    from scripts.app_server import navigation_pages

    for name in NOISY_LOGGERS:
        logging.getLogger(name).disabled = True
    database = database_file(rows, out_dir)
    orders = (rows - 1) * 2 // 5 + 1  # order_no = line_no * 2 // 5 in bench._synthetic
    size = f"{orders:,} orders ({rows:,} lines), {database.stat().st_size / 1e6:.0f} MB"
    results = []
    with app_environment(database):
        first, at = timed(lambda: _session().run())
        results.append(Result("pages.0_first_run", size, first, "opens the file; cold Overview",
                              error=_problems(at)))
        for page, _ in navigation_pages():
            name = f"pages.{Path(page).stem}"
            cold, second, third, problems = time_page(page)
            if problems:
                results.append(Result(name, size, None, error=problems))
                continue
            results.append(Result(name + ".cold", size, cold, "cache empty, database open"))
            results.append(Result(name + ".warm", size, max(second, third),
                                  f"budget (runs 2/3 {second:.3f}/{third:.3f}s)",
                                  SECONDS_LIMIT, 1.0))
    return results


@benchmark("pages")
def pages(ctx: Context) -> list[Result]:
    """Every navigation page at ``--rows`` order lines (default 2.5M: 1M orders)."""
    return run_pages(ctx.size(DEFAULT_LINES), ctx.out_dir)
