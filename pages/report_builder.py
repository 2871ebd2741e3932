"""Report builder: pick a measure, a dimension, a time grain and a chart; save it for the Overview."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.errors import InputError
from metrics.builder import (
    CHARTS,
    GRAINS,
    MEASURES,
    TOP_CHOICES,
    ReportSpec,
    dimensions_for,
    has_rows,
)
from metrics.saved_reports import (
    MAX_NAME_LENGTH,
    delete_report,
    init_saved_reports,
    save_report,
    saved_reports,
)
from ui.access import data_link
from ui.context import page_context
from ui.i18n import register, t
from ui.report_view import (
    chart_label,
    dimension_label,
    draw_report,
    grain_label,
    measure_label,
)
from ui.tables import show_table

register({
    "Report builder": "自定义报表",
    "Pick a measure, how to break it down and how to draw it. The sidebar filters apply; save "
    "a report to see it on the Overview.":
        "选择指标、拆分维度与图表类型。侧边栏筛选同样生效；保存后的报表会显示在概览页。",
    "Measure": "指标", "Dimension": "维度", "Time grain": "时间粒度", "Chart": "图表",
    "Values shown": "显示数量",
    "The largest values keep their own row; the rest are added up as (other).":
        "数值最大的若干项单独显示，其余合并为 (other)。",
    "Save this report": "保存此报表", "Name": "名称", "Save": "保存",
    "Saved. The report appears on the Overview page.": "已保存，报表将显示在概览页。",
    "Saved reports": "已保存的报表", "No saved reports yet.": "还没有保存的报表。",
    "Report": "报表", "Open": "打开", "Delete": "删除", "Saved by": "保存人", "Saved at": "保存时间",
    "How these numbers are defined": "指标定义",
    "Saving under an existing name replaces that report.": "使用已有名称保存会覆盖该报表。",
    "No orders loaded yet. Load an orders export on the Data page.":
        "尚未导入订单。请在数据页导入订单数据。",
    "No deals loaded yet. Load a deals export on the Data page.": "尚未导入商机。请在数据页导入商机导出文件。",
    "No service tickets loaded yet. Load a tickets export on the Data page.":
        "尚未导入客服工单。请在数据页导入工单导出文件。",
    "No activities loaded yet. Load an activities export on the Data page.":
        "尚未导入跟进活动。请在数据页导入活动导出文件。",
})

NOTHING_LOADED = {
    "orders": "No orders loaded yet. Load an orders export on the Data page.",
    "deals": "No deals loaded yet. Load a deals export on the Data page.",
    "tickets": "No service tickets loaded yet. Load a tickets export on the Data page.",
    "activities": "No activities loaded yet. Load an activities export on the Data page.",
}
KEYS = {"measure": "rb_measure", "dimension": "rb_dim", "grain": "rb_grain", "chart": "rb_chart",
        "top": "rb_top"}

con, user, filters = page_context()
init_saved_reports(con)
st.title(t("Report builder"))
st.caption(t("Pick a measure, how to break it down and how to draw it. The sidebar filters apply; "
             "save a report to see it on the Overview."))


def _open(spec_json: str) -> None:
    """Callback: put a saved report's choices into the controls (before they are drawn)."""
    try:
        spec = ReportSpec.from_json(spec_json)
    except InputError as err:
        st.session_state["rb_message"] = ("error", str(err))
        return
    for field, key in KEYS.items():
        st.session_state[key] = getattr(spec, field)
    if spec.top not in TOP_CHOICES:
        st.session_state[KEYS["top"]] = TOP_CHOICES[0]


def _delete(report_id: int) -> None:
    delete_report(con, report_id)


message = st.session_state.pop("rb_message", None)
if message:
    getattr(st, message[0])(message[1])

left, middle, right, chart_col, top_col = st.columns([3, 2, 2, 2, 2])
measure = left.selectbox(t("Measure"), list(MEASURES), format_func=measure_label, key=KEYS["measure"],
                         bind="query-params")
dims = dimensions_for(measure)
if KEYS["dimension"] in st.session_state and st.session_state[KEYS["dimension"]] not in dims:
    # The dimension chosen before does not exist for this measure (e.g. tickets by product).
    st.session_state[KEYS["dimension"]] = "none"
dimension = middle.selectbox(t("Dimension"), dims, format_func=dimension_label, key=KEYS["dimension"],
                             bind="query-params")
grain = right.selectbox(t("Time grain"), list(GRAINS), format_func=grain_label, key=KEYS["grain"],
                        bind="query-params")
chart = chart_col.selectbox(t("Chart"), list(CHARTS), format_func=chart_label, key=KEYS["chart"],
                            bind="query-params")
top = top_col.selectbox(t("Values shown"), list(TOP_CHOICES), key=KEYS["top"], bind="query-params",
                        disabled=dimension == "none",
                        help=t("The largest values keep their own row; the rest are added up as (other)."))
spec = ReportSpec(measure=measure, dimension=dimension, grain=grain, chart=chart, top=int(top))
if has_rows(con, measure):
    draw_report(con, filters, spec, key="rb_report", name=measure_label(measure))
else:
    st.info(t(NOTHING_LOADED[MEASURES[measure].base]))
    data_link()

st.subheader(t("Save this report"))
with st.form("rb_save", clear_on_submit=True, border=False):
    name_col, button_col = st.columns([4, 1], vertical_alignment="bottom")
    name = name_col.text_input(t("Name"), max_chars=MAX_NAME_LENGTH,
                               help=t("Saving under an existing name replaces that report."))
    if button_col.form_submit_button(t("Save"), icon=":material/save:"):
        try:
            save_report(con, name, spec, user.name)
            st.success(t("Saved. The report appears on the Overview page."))
        except InputError as err:
            st.error(str(err))

st.subheader(t("Saved reports"))
saved = saved_reports(con)
if saved.empty:
    st.caption(t("No saved reports yet."))
else:
    specs = []
    for text in saved["spec_json"]:
        try:
            specs.append(ReportSpec.from_json(text))
        except InputError:
            specs.append(None)
    listing = pd.DataFrame({
        "name": saved["name"],
        "measure": [measure_label(s.measure) if s else "–" for s in specs],
        "dimension": [dimension_label(s.dimension) if s else "–" for s in specs],
        "grain": [grain_label(s.grain) if s else "–" for s in specs],
        "chart": [chart_label(s.chart) if s else "–" for s in specs],
        "created_by": saved["created_by"],
        "created_at": saved["created_at"],
    })
    show_table(listing, "Saved reports", key="rb_saved", column_config={
        "name": st.column_config.TextColumn(t("Name")),
        "measure": st.column_config.TextColumn(t("Measure")),
        "dimension": st.column_config.TextColumn(t("Dimension")),
        "grain": st.column_config.TextColumn(t("Time grain")),
        "chart": st.column_config.TextColumn(t("Chart")),
        "created_by": st.column_config.TextColumn(t("Saved by")),
        "created_at": st.column_config.DatetimeColumn(t("Saved at"), format="YYYY-MM-DD HH:mm"),
    })
    ids = saved["report_id"].tolist()
    names = dict(zip(ids, saved["name"], strict=True))
    jsons = dict(zip(ids, saved["spec_json"], strict=True))
    pick_col, open_col, delete_col = st.columns([4, 1, 1], vertical_alignment="bottom")
    chosen = pick_col.selectbox(t("Report"), ids, format_func=lambda i: names[i], key="rb_saved_pick")
    open_col.button(t("Open"), icon=":material/open_in_new:", on_click=_open, args=(jsons[chosen],),
                    key="rb_open")
    delete_col.button(t("Delete"), icon=":material/delete:", on_click=_delete, args=(chosen,),
                      key="rb_delete")

with st.expander(t("How these numbers are defined")):
    st.markdown((Path(__file__).resolve().parents[1] / "docs" / "metrics" / "builder.md")
                .read_text(encoding="utf-8"))
