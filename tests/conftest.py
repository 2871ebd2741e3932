"""Shared fixtures. Area-specific fixtures live in their own test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.db import connect_engine
from ingest.schema import create_tables
from metrics import marts

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
SAMPLE_DATA = ROOT / "sample_data"


@pytest.fixture
def con():
    """An in-memory DuckDB with every canonical table created and empty (and the order_facts
    view over them that metrics read orders from)."""
    connection = connect_engine(":memory:")
    create_tables(connection)
    marts.reset(connection)
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def _navigation_like_a_running_server(monkeypatch):
    """AppTest reruns app.py with st.navigation, as a running server does.

    With a ``pages/`` folder beside app.py, AppTest turns Streamlit's legacy multipage mode back on
    before every run, so a rerun after a widget change or switch_page runs the page file alone
    (no app.py: no sidebar filters, stale filter set). A server leaves that mode after its first
    run (ui.connection.through_app reruns a lone page through app.py); this does it for AppTest.
    """
    import streamlit.testing.v1.app_test as app_test_module
    from streamlit.runtime.pages_manager import PagesManager

    class NavigationPagesManager(PagesManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            PagesManager.uses_pages_directory = False

    monkeypatch.setattr(app_test_module, "PagesManager", NavigationPagesManager)
