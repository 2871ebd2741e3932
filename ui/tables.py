"""Tables and charts as the dashboard shows them: formatted, downloadable, collected for one workbook."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd
import streamlit as st

from ingest import audit
from metrics.export import frame_to_csv, frames_to_xlsx
from ui.context import page_context
from ui.i18n import t

_RUN_TABLES = "_tables_this_run"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "table"


def audited(make, file_name: str, what: str):
    """``make`` (the file's bytes, made when clicked) wrapped so that every download lands in the
    audit trail under the user of this run. Streamlit runs it on its own thread when the button
    is clicked, without a rerun; it records before handing the bytes out (no record, no file)."""
    con, user, _ = page_context()
    who = audit.who(user)

    def download() -> bytes:
        data = make()
        cursor = con.cursor()  # its own cursor: this runs beside the script thread
        try:
            audit.record(cursor, who, "download", file_name, what)
        finally:
            cursor.close()
        return data

    return download


def show_table(frame: pd.DataFrame, name: str, *, column_config=None, height="auto", key=None,
               downloads: bool = True, **kwargs):
    """st.dataframe with CSV and XLSX downloads (formula-like text neutralised in the workbook).

    ``name`` titles the sheet and the file; the frame also joins the page's one-workbook download.
    Returns what st.dataframe returns (the selection state when ``on_select`` is given).
    """
    st.session_state.setdefault(_RUN_TABLES, {})[name] = frame
    kwargs.setdefault("placeholder", "–")  # a missing value reads as a dash, not "None"
    shown = st.dataframe(frame, hide_index=True, column_config=column_config, height=height,
                         key=key, **kwargs)
    if downloads and not frame.empty:
        slug = _slug(name)
        left, right, _ = st.columns([1, 1, 6])
        rows = f"'{name}', {len(frame):,} rows"
        left.download_button("CSV", audited(lambda: frame_to_csv(frame), f"{slug}.csv",
                                            f"CSV of {rows}"), file_name=f"{slug}.csv",
                             mime="text/csv", key=f"csv-{key or slug}", icon=":material/download:",
                             on_click="ignore")
        right.download_button("XLSX", audited(lambda: frames_to_xlsx({name: frame}), f"{slug}.xlsx",
                                              f"XLSX of {rows}"), file_name=f"{slug}.xlsx",
                              mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                              key=f"xlsx-{key or slug}", icon=":material/download:", on_click="ignore")
    return shown


def show_chart(chart: alt.TopLevelMixin, name: str, *, key=None, png: bool = True, **kwargs):
    """st.altair_chart plus a PNG download rendered only when clicked."""
    shown = st.altair_chart(chart, key=key, **kwargs)
    if png:
        st.download_button("PNG", audited(lambda: chart_png(chart), f"{_slug(name)}.png",
                                          f"PNG of chart '{name}'"), file_name=f"{_slug(name)}.png",
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
        what = f"XLSX of {len(tables)} tables: " + ", ".join(f"'{k}' ({len(v):,} rows)"
                                                             for k, v in tables.items())
        st.sidebar.download_button(t("Download every table (XLSX)"),
                                   audited(lambda: frames_to_xlsx(tables), "dashboard.xlsx", what),
                                   file_name="dashboard.xlsx", icon=":material/table_view:",
                                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                   on_click="ignore", key="workbook-download")
