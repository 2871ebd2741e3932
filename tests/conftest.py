"""Shared fixtures. Area-specific fixtures live in their own test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.db import connect_engine
from ingest.schema import create_tables

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
SAMPLE_DATA = ROOT / "sample_data"


@pytest.fixture
def con():
    """An in-memory DuckDB with every canonical table created and empty."""
    connection = connect_engine(":memory:")
    create_tables(connection)
    yield connection
    connection.close()
