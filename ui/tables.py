"""Tables and charts as the dashboard shows them: formatted, downloadable, collected for one workbook."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from metrics.export import frame_to_csv, frames_to_xlsx
from ui.i18n import t

_RUN_TABLES = "_tables_this_run"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "table"


def show_table(frame: pd.DataFrame, name: str, *, column_config=None, height="auto", key=None,
               downloads: bool = True, **kwargs):
    """st.dataframe with CSV and XLSX downloads (formula-like text neutralised in the workbook).

    ``name`` titles the sheet and the file; the frame also joins the page's one-workbook download.
    Returns what st.dataframe returns (the selection state when ``on_select`` is given).
    """
    st.session_state.setdefault(_RUN_TABLES, {})[name] = frame
    shown = st.dataframe(frame, hide_index=True, column_config=column_config, height=height,
                         key=key, **kwargs)
    if downloads and not frame.empty:
        slug = _slug(name)
        left, right, _ = st.columns([1, 1, 6])
        left.download_button("CSV", lambda: frame_to_csv(frame), file_name=f"{slug}.csv",
                             mime="text/csv", key=f"csv-{key or slug}", icon=":material/download:",
                             on_click="ignore")
        right.download_button("XLSX", lambda: frames_to_xlsx({name: frame}), file_name=f"{slug}.xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              key=f"xlsx-{key or slug}", icon=":material/download:", on_click="ignore")
    return shown


def show_chart(chart: alt.TopLevelMixin, name: str, *, key=None, png: bool = True, **kwargs):
    """st.altair_chart plus a PNG download rendered only when clicked."""
    shown = st.altair_chart(chart, key=key, **kwargs)
    if png:
        st.download_button("PNG", lambda: chart_png(chart), file_name=f"{_slug(name)}.png",
                           mime="image/png", key=f"png-{key or _slug(name)}",
                           icon=":material/image:", on_click="ignore")
    return shown


def chart_png(chart: alt.TopLevelMixin) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(chart.to_json(), scale=2)


def reset_run_tables() -> None:
    st.session_state[_RUN_TABLES] = {}


def workbook_download() -> None:
    """One workbook of every table the page showed in this run (in the sidebar)."""
    tables = {k: v for k, v in st.session_state.get(_RUN_TABLES, {}).items() if not v.empty}
    if tables:
        st.sidebar.download_button(t("Download every table (XLSX)"), lambda: frames_to_xlsx(tables),
                                   file_name="dashboard.xlsx", icon=":material/table_view:",
                                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   on_click="ignore", key="workbook-download")
