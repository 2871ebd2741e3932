"""Funnel: how deals move from the first stage to won, what the open pipeline is worth, how fast
deals close; click a stage for the deals behind it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from charts.funnel import (
    CELL_PICK,
    STAGE_PICK,
    durations_chart,
    funnel_chart,
    funnel_grid,
)
from metrics.deal_lists import deals_loaded, funnel_stage_order, stage_deals
from metrics.funnel import funnel, pipeline, stage_durations
from ui import format as fmt
from ui.access import data_link, plain
from ui.cache import metric
from ui.columns import deal_list_columns
from ui.context import page_context
from ui.i18n import language, register, t
from ui.links import linked
from ui.pager import paged_table, picked
from ui.tables import show_chart, show_table

register({
    "Where deals stop on the way to won, what the open pipeline is worth and how fast deals "
    "close. Click a stage to see its deals.":
        "商机在哪个阶段流失、在手商机值多少、成交有多快。点击某个阶段查看其中的商机。",
    "No deals loaded yet. Load a deals export on the Data page.":
        "尚未导入商机。请在数据页导入商机导出文件。",
    "No deals in this period. Widen the period or clear a filter.":
        "此时间范围内没有商机。请扩大时间范围或清除筛选。",
    "Open pipeline": "在手商机金额", "Weighted pipeline": "加权商机金额", "Win rate": "赢单率",
    "Mean days to close": "平均成交天数", "Median days to close": "成交天数中位数",
    "Velocity per day": "每日销售速度",
    "{count} open deals": "{count} 个在手商机", "{won} won, {lost} lost": "赢 {won}，输 {lost}",
    "Deal value times win probability.": "商机金额乘以赢单概率之和。",
    "Open deals × win rate × mean won deal ÷ mean days to close.":
        "在手商机数 × 赢单率 × 平均赢单金额 ÷ 平均成交天数。",
    "Deal funnel": "商机漏斗", "Stage": "阶段", "Deals": "商机数", "From previous": "较上一阶段",
    "From top": "总转化率", "Dropped": "流失", "Deal value": "商机金额",
    "Bar labels: deals, then the share of the previous stage that reached this one.":
        "条形旁标注：商机数，以及上一阶段进入本阶段的比例。",
    "Compare by": "对比维度", "Owner": "负责人", "Source": "来源", "Product": "产品",
    "Funnel by {by}": "按{by}的漏斗",
    "Colour: share of the group's deals that reached the stage. Click a cell for its deals.":
        "颜色：该组商机到达此阶段的比例。点击单元格查看商机。",
    "Pipeline by {by}": "按{by}的商机概况", "Open deals now": "在手商机数", "Weighted": "加权金额",
    "Won": "赢单", "Lost": "输单", "Won value": "赢单金额", "Velocity": "销售速度",
    "Days in each stage": "各阶段停留天数", "Mean days": "平均天数", "Median days": "中位天数",
    "Bars: mean days; dark tick: median.": "条形：平均天数；深色刻度：中位数。",
    "Deals behind a stage": "阶段明细", "All": "全部",
    "Click a bar or a cell above, or pick a stage.": "点击上方的条形或单元格，或选择一个阶段。",
    "Deals that reached {stage}": "到达「{stage}」的商机",
    "Deals that reached {stage} — {group}": "到达「{stage}」的商机 — {group}",
    "Group": "分组", "Deal": "商机", "Deal name": "商机名称", "Customer": "客户", "Status": "状态",
    "Amount": "金额", "Probability": "概率", "Created on": "创建日期", "Closed": "关闭日期",
    "Days to close": "成交天数",
    "How these numbers are defined": "指标定义",
})

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics" / "funnel.md"
BY_LABELS = {"owner": "Owner", "source": "Source", "product": "Product"}

con, user, filters = page_context()
lang = language()
st.title(t("Funnel"))
st.caption(t("Where deals stop on the way to won, what the open pipeline is worth and how fast "
             "deals close. Click a stage to see its deals."))

if not metric(deals_loaded, con, filters):
    st.info(t("No deals loaded yet. Load a deals export on the Data page."))
    data_link()  # the Data page exists only for those who may load data
    st.stop()

order = metric(funnel_stage_order, con, filters)
stage_args = {"stage_order": order} if order else {}
summary = metric(pipeline, con, filters, **stage_args)
stages = metric(funnel, con, filters, **stage_args)
if summary.empty and stages.empty:
    st.info(t("No deals in this period. Widen the period or clear a filter."))
    st.stop()

# --- Pipeline tiles -----------------------------------------------------------------------
if not summary.empty:
    row = summary.iloc[0]
    tiles = [column for _ in range(2) for column in st.columns(3)]
    tiles[0].metric(t("Open pipeline"), fmt.amount(row["open_value"]), border=True,
                    help=t("{count} open deals", count=fmt.count(row["open_deals"])))
    tiles[1].metric(t("Weighted pipeline"), fmt.amount(row["weighted_value"]), border=True,
                    help=t("Deal value times win probability."))
    tiles[2].metric(t("Win rate"), fmt.percent(row["win_rate"]), border=True,
                    help=t("{won} won, {lost} lost", won=fmt.count(row["won"]),
                           lost=fmt.count(row["lost"])))
    tiles[3].metric(t("Mean days to close"), fmt.count(row["mean_days_to_close"]), border=True)
    tiles[4].metric(t("Median days to close"), fmt.count(row["median_days_to_close"]), border=True)
    tiles[5].metric(t("Velocity per day"), fmt.amount(row["velocity_per_day"]), border=True,
                    help=t("Open deals × win rate × mean won deal ÷ mean days to close."))

TITLES = {"stage": t("Stage"), "deals": t("Deals"), "conversion_from_previous": t("From previous"),
          "conversion_from_top": t("From top"), "drop_off": t("Dropped"), "amount": t("Deal value"),
          "mean_days": t("Mean days"), "median_days": t("Median days")}
STAGE_COLUMNS = {
    "stage": st.column_config.TextColumn(t("Stage")),
    "deals": st.column_config.NumberColumn(t("Deals"), format="localized"),
    "conversion_from_previous": st.column_config.NumberColumn(t("From previous"), format="percent"),
    "conversion_from_top": st.column_config.ProgressColumn(t("From top"), format="percent",
                                                           min_value=0.0, max_value=1.0),
    "drop_off": st.column_config.NumberColumn(t("Dropped"), format="localized"),
    "amount": st.column_config.NumberColumn(t("Deal value"), format="accounting"),
}


def _pick_stage():
    stage = picked(st.session_state.get("funnel_chart"), STAGE_PICK, "stage")
    if stage is not None:
        st.session_state["stage"], st.session_state["group"] = stage, None


def _pick_cell():
    state = st.session_state.get("funnel_grid")
    stage, group = picked(state, CELL_PICK, "stage"), picked(state, CELL_PICK, "group")
    if stage is not None:
        st.session_state["stage"], st.session_state["group"] = stage, group


# --- Funnel -------------------------------------------------------------------------------
if not stages.empty:
    st.subheader(t("Deal funnel"))
    left, right = st.columns([3, 2])
    with left:
        show_chart(funnel_chart(stages, lang, TITLES), "deal_funnel", key="funnel_chart",
                   on_select=_pick_stage, selection_mode=STAGE_PICK)
        st.caption(t("Bar labels: deals, then the share of the previous stage that reached "
                     "this one."))
    with right:
        show_table(stages, "Deal funnel", column_config=STAGE_COLUMNS, key="funnel_table")

# --- By owner / source / product ----------------------------------------------------------
by = linked(st.segmented_control, t("Compare by"), list(BY_LABELS), key="by", default="owner",
            format_func=lambda b: t(BY_LABELS[b]), required=True)
by_label = t(BY_LABELS[by])
grouped = metric(funnel, con, filters, by=by, **stage_args)
if not grouped.empty:
    st.subheader(t("Funnel by {by}", by=by_label))
    show_chart(funnel_grid(grouped, by, lang, {**TITLES, "group": by_label}), "funnel_by_group",
               key="funnel_grid", on_select=_pick_cell, selection_mode=CELL_PICK)
    st.caption(t("Colour: share of the group's deals that reached the stage. Click a cell for "
                 "its deals."))
by_pipeline = metric(pipeline, con, filters, by=by, **stage_args)
if not by_pipeline.empty:
    st.subheader(t("Pipeline by {by}", by=by_label))
    shown = by_pipeline[[by, "open_deals", "open_value", "weighted_value", "won", "lost",
                         "win_rate", "won_value", "mean_days_to_close", "velocity_per_day"]]
    number, money = "localized", "accounting"
    show_table(shown, f"Pipeline by {by}", key="pipeline_by", column_config={
        by: st.column_config.TextColumn(by_label),
        "open_deals": st.column_config.NumberColumn(t("Open deals now"), format=number),
        "open_value": st.column_config.NumberColumn(t("Open pipeline"), format=money),
        "weighted_value": st.column_config.NumberColumn(t("Weighted"), format=money),
        "won": st.column_config.NumberColumn(t("Won"), format=number),
        "lost": st.column_config.NumberColumn(t("Lost"), format=number),
        "win_rate": st.column_config.NumberColumn(t("Win rate"), format="percent"),
        "won_value": st.column_config.NumberColumn(t("Won value"), format=money),
        "mean_days_to_close": st.column_config.NumberColumn(t("Mean days to close"),
                                                            format="%.1f"),
        "velocity_per_day": st.column_config.NumberColumn(t("Velocity per day"), format=money),
    })

# --- Stage durations (only with stage history) --------------------------------------------
durations = metric(stage_durations, con, filters, **stage_args)
if not durations.empty:
    st.subheader(t("Days in each stage"))
    left, right = st.columns([3, 2])
    with left:
        show_chart(durations_chart(durations, lang, TITLES), "days_in_stage", key="durations")
        st.caption(t("Bars: mean days; dark tick: median."))
    with right:
        show_table(durations, "Days in each stage", key="durations_table", column_config={
            "stage": st.column_config.TextColumn(t("Stage")),
            "deals": st.column_config.NumberColumn(t("Deals"), format="localized"),
            "mean_days": st.column_config.NumberColumn(t("Mean days"), format="%.1f"),
            "median_days": st.column_config.NumberColumn(t("Median days"), format="%.1f"),
        })

# --- Drill-down: the deals behind a stage -------------------------------------------------
st.subheader(t("Deals behind a stage"))
stage_names = stages["stage"].tolist()
groups = list(dict.fromkeys(grouped[by])) if not grouped.empty else []
# a stage or group from an old link or another grouping is dropped, not an error
for key, allowed in (("stage", stage_names), ("group", groups)):
    if st.session_state.get(key) is not None and st.session_state[key] not in allowed:
        st.session_state[key] = None
left, right = st.columns(2)
stage = left.selectbox(t("Stage"), stage_names, index=None, key="stage", bind="query-params",
                       placeholder=t("Click a bar or a cell above, or pick a stage."))
group = right.selectbox(by_label, groups, index=None, key="group", bind="query-params",
                        placeholder=t("All"))
if stage is not None:
    st.markdown("**" + (t("Deals that reached {stage} — {group}", stage=plain(stage), group=plain(group))
                        if group is not None else t("Deals that reached {stage}", stage=plain(stage)))
                + "**")
    paged_table(
        lambda limit, offset: metric(stage_deals, con, filters, stage,
                                     by=by if group is not None else None, group=group,
                                     limit=limit, offset=offset, **stage_args),
        "Deals behind a stage", key="stage_deals", column_config=deal_list_columns())
else:
    st.caption(t("Click a bar or a cell above, or pick a stage."))

with st.expander(t("How these numbers are defined")):
    st.markdown(DOCS.read_text(encoding="utf-8"))
