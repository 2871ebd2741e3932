"""Cached metric calls: keyed by the metric, its arguments, the filter set, the database and its
data version.

The filter set carries the user's row-level scope, so one user's result is never served to
another. The connection is passed as ``_con`` (not hashed); no DataFrame is ever a key.
"""

from __future__ import annotations

import importlib

import streamlit as st

import settings
from metrics.filters import Filters
from ui.connection import data_version, prepare_reports


@st.cache_data(show_spinner=False, max_entries=1000, ttl=3600)
def _call(name: str, _con, database: str, version: int, filters: Filters, args: tuple,
          kwargs: tuple):
    # Only on a miss: a cheap look at whether order_facts needs building after a change.
    prepare_reports(_con)
    module, func = name.rsplit(".", 1)
    return getattr(importlib.import_module(module), func)(_con, filters, *args, **dict(kwargs))


def metric(fn, con, filters: Filters, *args, **kwargs):
    """``fn(con, filters, *args, **kwargs)``, cached until the data changes."""
    # The database is part of the key: two databases can be at the same data version.
    return _call(f"{fn.__module__}.{fn.__name__}", con, settings.get("database_path"),
                 data_version(con), filters, args, tuple(sorted(kwargs.items())))
