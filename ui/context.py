"""What every report page starts from: the connection, the user and the filter set.

``app.py`` draws the shared sidebar once per run and stores the result here; pages read it.
"""

from __future__ import annotations

import streamlit as st

from metrics.filters import Filters
from ui.auth import current_user
from ui.connection import connection, through_app
from ui.filters import sidebar_filters

_KEY = "_page_context"


def start(with_filters: bool = True, user=None) -> None:
    """Open the connection, look the user up (unless given), draw the filters (called by app.py
    every run)."""
    con = connection()
    user = current_user() if user is None else user
    filters = sidebar_filters(con, user) if with_filters else Filters(owner_scope=user.owner_scope)
    st.session_state[_KEY] = (con, user, filters)


def page_context():
    """(con, user, filters) for this run; works when a page is run on its own too."""
    through_app()
    if _KEY not in st.session_state:
        start()
    return st.session_state[_KEY]
