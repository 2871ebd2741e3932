"""Drill-down helpers: a paged table over a metrics list, and the value a chart click picked."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from ui.i18n import register, t
from ui.tables import show_table

register({
    "Rows {first}–{last} of {total}.": "第 {first}–{last} 行，共 {total} 行。",
    "Nothing to list.": "没有可列出的记录。",
})

PAGE_SIZE = 25


def paged_table(fetch, name: str, *, key: str, page_size: int = PAGE_SIZE,
                column_config=None) -> pd.DataFrame:
    """One page of a list: ``fetch(limit, offset)`` returns the page's rows with total_rows
    (as the metrics drill-down lists do). Draws the table, then a page picker. Returns the
    page shown (without total_rows)."""
    page_key = f"{key}-page"
    page = int(st.session_state.get(page_key) or 1)
    rows = fetch(page_size, (page - 1) * page_size)
    if rows.empty and page > 1:
        # the list shrank (a filter changed): go back to its first page
        page = 1
        rows = fetch(page_size, 0)
    total = int(rows["total_rows"].iloc[0]) if not rows.empty else 0
    shown = rows.drop(columns="total_rows")
    if rows.empty:
        st.caption(t("Nothing to list."))
        return shown
    show_table(shown, name, column_config=column_config, key=key)
    pages = max(1, math.ceil(total / page_size))
    st.session_state[page_key] = min(page, pages)
    left, right = st.columns([3, 2], vertical_alignment="center")
    if pages > 1:
        with left:
            st.pagination(pages, key=page_key)
    first = (page - 1) * page_size + 1
    right.caption(t("Rows {first}–{last} of {total}.", first=f"{first:,}",
                    last=f"{first + len(shown) - 1:,}", total=f"{total:,}"))
    return shown


def picked(state, selection: str, field: str):
    """The ``field`` value of the first point a chart selection named ``selection`` holds
    (``state`` as st.altair_chart or session state returns it), or None."""
    try:
        points = state["selection"][selection]
    except (KeyError, TypeError):
        return None
    if isinstance(points, list) and points and isinstance(points[0], dict):
        return points[0].get(field)
    return None
