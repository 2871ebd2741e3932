"""Customers: RFM segments and grid with the customers behind a cell, the profile of the base,
one customer's 360° view and lifetime value."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from charts.customers import (
    CELL_PICK,
    SEGMENT_PICK,
    profile_bars,
    rfm_heatmap,
    segment_bars,
)
from metrics.customer_search import customers_loaded
from metrics.customers import profile
from metrics.rfm import rfm_segments, segment_cells
from metrics.rfm_drill import rfm_customers, rfm_grid
from ui.access import data_link
from ui.cache import metric
from ui.context import page_context
from ui.customer_sections import customer_360_section, lifetime_value_section
from ui.i18n import language, register, t
from ui.links import linked
from ui.pager import paged_table, picked
from ui.segment_names import SEGMENT_ZH  # noqa: F401  (registers the segment names)
from ui.tables import show_chart, show_table

register({
    # The page's name as the navigation says it (another page's "Customers" tile must not win).
    "Customers": "客户",
    "Who your customers are, how recently and often they buy, what each segment is worth; "
    "one customer in full.": "客户是谁、最近一次和多频繁地购买、每个分群值多少；以及单个客户的全貌。",
    "No customers loaded yet. Load a customers or orders export on the Data page.":
        "尚未导入客户。请在数据页导入客户或订单导出文件。",
    "Segments": "分群", "Profile": "客户画像", "Customer 360°": "客户 360°",
    "Lifetime value": "客户终身价值",
    "No sales in this period, so no customer can be scored. Widen the period or clear a filter.":
        "此时间范围内没有销售，无法为客户评分。请扩大时间范围或清除筛选。",
    "RFM grid": "RFM 网格", "Colour by": "着色方式", "Segment": "客户分群", "Customer count": "客户数",
    "Recency score (R)": "最近购买得分 (R)", "Frequency score (F)": "购买频次得分 (F)",
    "Number of customers": "客户数", "Share": "占比", "Revenue": "销售额", "Mean monetary": "平均消费额",
    "Mean recency (days)": "平均距今天数", "Mean frequency": "平均购买次数",
    "Suggested action": "建议行动",
    "5 is best: R 5 bought most recently, F 5 most often. Click a cell or a bar for its customers.":
        "5 分最好：R 为 5 表示最近刚购买，F 为 5 表示购买最频繁。点击单元格或条形查看客户。",
    "Customers per segment": "各分群客户数", "Segment table": "分群明细",
    "Customers behind a segment or cell": "分群或单元格中的客户",
    "Show the customers of": "查看客户：", "Pick a segment or a cell, or click one above.":
        "选择一个分群或单元格，或点击上方图表。",
    "Segment: {name}": "分群：{name}", "Cell R{r} · F{f} ({name})": "单元格 R{r} · F{f}（{name}）",
    "Customer": "客户", "Name": "名称", "Recency (days)": "距今天数", "Frequency": "购买次数",
    "Monetary": "消费额", "Net revenue (historical CLV)": "净销售额（历史 CLV）",
    "R": "R", "F": "F", "M": "M",
    "Customer base by region, industry, acquisition channel and sign-up month.":
        "按地区、行业、获客渠道和注册月份查看客户构成。",
    "Region": "地区", "Industry": "行业", "Acquisition channel": "获客渠道",
    "Sign-up month": "注册月份", "Buyers": "购买客户数",
    "No customers in this view.": "此视图中没有客户。",
    "How these numbers are defined": "指标定义",
})

DOCS = [Path(__file__).resolve().parents[1] / "docs" / "metrics" / name
        for name in ("rfm.md", "customers.md", "clv.md")]
CELL_NAMES = segment_cells()  # R*10+F -> segment name, as the grid names the cells
TABS = ["Segments", "Profile", "Customer 360°", "Lifetime value"]
PROFILE_BY = [("region", "Region"), ("industry", "Industry"), ("channel", "Acquisition channel"),
              ("signup_month", "Sign-up month")]

con, user, filters = page_context()
lang = language()
st.title(t("Customers"))
st.caption(t("Who your customers are, how recently and often they buy, what each segment is "
             "worth; one customer in full."))

if not metric(customers_loaded, con, filters):
    st.info(t("No customers loaded yet. Load a customers or orders export on the Data page."))
    data_link()
    st.stop()

NUMBER = "localized"
TITLES = {"r_score": t("Recency score (R)"), "f_score": t("Frequency score (F)"),
          "segment": t("Segment"), "customers": t("Number of customers"), "share": t("Share"),
          "revenue": t("Revenue"), "mean_monetary": t("Mean monetary"),
          "mean_recency": t("Mean recency (days)"), "mean_frequency": t("Mean frequency"),
          "buyers": t("Buyers")}


def _drill_label(code) -> str:
    if code is None:
        return "—"
    kind, _, value = code.partition(":")
    if kind == "segment":
        return t("Segment: {name}", name=t(value))
    r, f = int(value[0]), int(value[1])
    return t("Cell R{r} · F{f} ({name})", r=r, f=f, name=t(CELL_NAMES.get(r * 10 + f, "Other")))


def _pick_cell():
    state = st.session_state.get("rfm_grid_chart")
    r, f = picked(state, CELL_PICK, "r_score"), picked(state, CELL_PICK, "f_score")
    if r is not None and f is not None:
        st.session_state["rfm_drill"] = f"cell:{int(r)}{int(f)}"


def _pick_segment():
    segment = picked(st.session_state.get("segment_chart"), SEGMENT_PICK, "segment")
    if segment is not None:
        st.session_state["rfm_drill"] = f"segment:{segment}"


def segments_tab() -> None:
    segments = metric(rfm_segments, con, filters)
    if segments.empty:
        st.info(t("No sales in this period, so no customer can be scored. Widen the period or "
                  "clear a filter."))
        return
    grid = metric(rfm_grid, con, filters)
    grid = grid.assign(segment_label=[t(s) for s in grid["segment"]])
    segments = segments.assign(segment_label=[t(s) for s in segments["segment"]])
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("RFM grid"))
        colour = linked(st.segmented_control, t("Colour by"), ["segment", "count"],
                        key="rfm_colour", default="segment", required=True,
                        format_func={"segment": t("Segment"), "count": t("Customer count")}.get)
        show_chart(rfm_heatmap(grid, lang, colour, TITLES), "rfm_grid", key="rfm_grid_chart",
                   on_select=_pick_cell, selection_mode=CELL_PICK)
        st.caption(t("5 is best: R 5 bought most recently, F 5 most often. Click a cell or a bar "
                     "for its customers."))
    with right:
        st.subheader(t("Customers per segment"))
        show_chart(segment_bars(segments, lang, TITLES), "segments", key="segment_chart",
                   on_select=_pick_segment, selection_mode=SEGMENT_PICK)

    st.subheader(t("Segment table"))
    table = segments.assign(segment=segments["segment_label"],
                            action=[t(a) if isinstance(a, str) else a for a in segments["action"]])
    show_table(table[["segment", "customers", "share", "revenue", "mean_recency",
                      "mean_frequency", "mean_monetary", "action"]], "Customer segments",
               key="segment_table", column_config={
                   "segment": st.column_config.TextColumn(t("Segment")),
                   "customers": st.column_config.NumberColumn(t("Number of customers"), format=NUMBER),
                   "share": st.column_config.ProgressColumn(t("Share"), format="percent",
                                                            min_value=0.0, max_value=1.0),
                   "revenue": st.column_config.NumberColumn(t("Revenue"), format=NUMBER),
                   "mean_recency": st.column_config.NumberColumn(t("Mean recency (days)"),
                                                                 format="%.0f"),
                   "mean_frequency": st.column_config.NumberColumn(t("Mean frequency"),
                                                                   format="%.2f"),
                   "mean_monetary": st.column_config.NumberColumn(t("Mean monetary"), format=NUMBER),
                   "action": st.column_config.TextColumn(t("Suggested action"), width="large"),
               })

    st.subheader(t("Customers behind a segment or cell"))
    options = [None, *(f"segment:{s}" for s in segments["segment"]),
               *(f"cell:{r}{f}" for r, f in zip(grid["r_score"], grid["f_score"], strict=True))]
    drill = linked(st.selectbox, t("Show the customers of"), options, key="rfm_drill", default=None,
                   format_func={o: _drill_label(o) for o in options}.get)
    if drill is None:
        st.caption(t("Pick a segment or a cell, or click one above."))
        return
    kind, _, value = drill.partition(":")
    chosen = ({"segment": value} if kind == "segment"
              else {"r_score": int(value[0]), "f_score": int(value[1])})
    def page_of_members(limit: int, offset: int):
        rows = metric(rfm_customers, con, filters, limit=limit, offset=offset, **chosen)
        return rows.assign(segment=[t(s) for s in rows["segment"]])

    paged_table(page_of_members,
                "Customers of the selection", key="rfm_members", column_config={
                    "customer_id": st.column_config.TextColumn(t("Customer")),
                    "customer_name": st.column_config.TextColumn(t("Name")),
                    "recency_days": st.column_config.NumberColumn(t("Recency (days)")),
                    "frequency": st.column_config.NumberColumn(t("Frequency")),
                    "monetary": st.column_config.NumberColumn(t("Monetary"), format=NUMBER),
                    "net_revenue": st.column_config.NumberColumn(
                        t("Net revenue (historical CLV)"), format=NUMBER),
                    "r_score": st.column_config.NumberColumn(t("R")),
                    "f_score": st.column_config.NumberColumn(t("F")),
                    "m_score": st.column_config.NumberColumn(t("M")),
                    "segment": st.column_config.TextColumn(t("Segment")),
                })


def profile_tab() -> None:
    st.caption(t("Customer base by region, industry, acquisition channel and sign-up month."))
    columns = st.columns(2)
    for i, (by, label) in enumerate(PROFILE_BY):
        frame = metric(profile, con, filters, by=by)
        with columns[i % 2]:
            st.subheader(t(label))
            if frame.empty:
                st.caption(t("No customers in this view."))
                continue
            show_chart(profile_bars(frame, by, lang, {**TITLES, "group": t(label)}),
                       f"customers_by_{by}", key=f"profile_{by}")
            show_table(frame, f"Customers by {by}", key=f"profile_table_{by}", height=210,
                       column_config={
                           by: st.column_config.TextColumn(t(label)),
                           "customers": st.column_config.NumberColumn(t("Number of customers"), format=NUMBER),
                           "share": st.column_config.NumberColumn(t("Share"), format="percent"),
                           "buyers": st.column_config.NumberColumn(t("Buyers"), format=NUMBER),
                           "revenue": st.column_config.NumberColumn(t("Revenue"), format=NUMBER),
                       })


tabs = st.tabs([t(name) for name in TABS], key="customers_tab", bind="query-params")
if tabs[0].open:
    with tabs[0]:
        segments_tab()
if tabs[1].open:
    with tabs[1]:
        profile_tab()
if tabs[2].open:
    with tabs[2]:
        customer_360_section(con, filters, lang)
if tabs[3].open:
    with tabs[3]:
        lifetime_value_section(con, filters, lang)

with st.expander(t("How these numbers are defined")):
    for doc in DOCS:
        st.markdown(doc.read_text(encoding="utf-8"))
