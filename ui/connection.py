"""The one DuckDB database of the app, opened once per process and shared by every session."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import streamlit as st

import settings
from ingest import store
from ingest.db import open_database
from ingest.load import ensure_sample_data
from metrics import marts

# Held while a session changes stored data, and by a reports refresh (which never waits for it).
_WRITES = threading.Lock()


@st.cache_resource(show_spinner="Opening the database…")
def _database(path: str, upload_dir: str, sample_dir: str, load_sample: bool):
    Path(upload_dir).mkdir(parents=True, exist_ok=True)

    def setup(con):
        store.init_db(con)
        if load_sample:
            ensure_sample_data(con, Path(sample_dir))

    return open_database(path, upload_dir, setup=setup, readable_dirs=[sample_dir])


def through_app() -> None:
    """Rerun through app.py when Streamlit ran a page file on its own.

    With a ``pages/`` folder beside app.py, Streamlit's legacy multipage mode runs a fresh
    server's first deep link (and every AppTest rerun) as the lone page file: no navigation, no
    shared filters, no access gate. st.navigation in app.py switches that mode off for good.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def connection():
    """A cursor on the shared database for this script run (cursors may be used from any thread)."""
    through_app()
    root = _database(
        settings.get("database_path"),
        settings.get("upload_dir"),
        settings.get("sample_data_dir"),
        settings.get("load_sample_data"),
    )
    return root.cursor()


def data_version(con) -> int:
    """Changes whenever stored data changes; part of every cached result's key."""
    return store.data_version(con)


@contextmanager
def writing():
    """Hold while changing stored data. A change waits for a running reports refresh and a refresh
    is skipped while a change runs: a refresh committing in the middle of a change would make
    the change fail on a write-write conflict over order_facts."""
    with _WRITES:
        yield


def prepare_reports(con) -> bool:
    """Build order_facts (``metrics.marts.refresh``) when it is the view, as after a change;
    True when built. Skipped while a change runs: the view gives the same numbers, slower."""
    if marts.kind(con) != "view" or not _WRITES.acquire(blocking=False):
        return False
    try:
        return marts.refresh(con)
    finally:
        _WRITES.release()
