"""Retention: how many customers of each acquisition cohort come back, the average curve,
churn, and the time between purchases; click a cohort cell for the customers behind it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from charts.retention import (
    COHORT_PICK,
    cohort_heatmap,
    gap_histogram,
    retention_curve_chart,
)
from metrics.customer_search import orders_loaded
from metrics.retention import churn, cohorts, curve_from_cohorts, time_between_purchases
from metrics.retention_drill import cohort_customers, purchase_gap_distribution
from ui import format as fmt
from ui.access import data_link
from ui.cache import metric
from ui.context import page_context
from ui.i18n import language, register, t
from ui.links import linked
from ui.pager import paged_table, picked
from ui.tables import show_chart, show_table

register({
    "How many customers of each acquisition cohort buy again, period after period; who is "
    "churning; how long customers wait between purchases. Click a cell for its customers.":
        "每个获客批次的客户在之后各周期的复购情况、客户流失、以及两次购买的间隔。点击单元格查看客户。",
    "No orders loaded yet. Load an orders export on the Data page.":
        "尚未导入订单。请在数据页导入订单数据。",
    "No sales in this period. Widen the period or clear a filter.":
        "此时间范围内没有销售。请扩大时间范围或清除筛选。",
    "No customer made a first purchase in this period, so there is no cohort to follow. Widen "
    "the period or clear a filter.": "此时间范围内没有首次购买的客户，因此没有可跟踪的批次。请扩大时间范围或清除筛选。",
    "Cohort grain": "批次粒度", "Week": "周", "Month": "月", "Quarter": "季度",
    "Revenue retention": "收入留存", "Retention rate": "留存率",
    "Share of each cohort's revenue of its first period that it spends again, instead of the "
    "share of its customers who buy again.": "显示各批次在之后周期的消费额相对首个周期的比例，而不是复购客户比例。",
    "Cohorts by {grain}": "按{grain}的获客批次",
    "Cohort": "批次", "Period since acquisition": "获客后周期", "Cohort size": "批次人数", "Customers back": "复购客户数",
    "Revenue": "销售额",
    "Row: customers whose first purchase fell in that {grain}; column: {grain}s since then "
    "(0 = the first). The latest periods may be incomplete.":
        "行：首次购买在该{grain}的客户；列：此后经过的{grain}数（0 = 首个）。最近的周期可能尚未结束。",
    "Showing the latest {shown} of {total} cohorts.": "显示最近的 {shown} 个批次，共 {total} 个。",
    "Average retention curve": "平均留存曲线",
    "Each period's rate over the cohorts the data follows that far, weighted by cohort size.":
        "每个周期的留存率按数据覆盖到该周期的批次计算，并按批次人数加权。",
    "Cohorts": "批次数", "Customers in those cohorts": "这些批次的客户数",
    "Customers of a cohort who came back": "某批次中复购的客户",
    "Pick a cohort": "选择批次", "Periods after acquisition": "获客后的周期",
    "Click a cell above, or pick a cohort and a period.": "点击上方单元格，或选择批次和周期。",
    "Customers of {cohort} who bought in period {period}": "{cohort} 批次在第 {period} 期购买的客户",
    "Customer": "客户", "Name": "名称", "First purchase": "首次购买", "Orders in the period": "该期订单数",
    "Revenue in the period": "该期销售额",
    "Churn": "客户流失", "Churn window (days)": "流失判定天数",
    "A customer has churned when their last purchase is more than this many days before the "
    "last day of data.": "最近一次购买距数据最后一天超过此天数，即视为流失。",
    "Customers with a sale": "有购买的客户", "Active customers": "活跃客户", "Churned": "已流失",
    "Churn rate": "流失率", "Revenue of churned customers": "流失客户的累计销售额",
    "Measured on {day}.": "以 {day} 为基准日。",
    "Time between purchases": "购买间隔",
    "Days between purchases": "购买间隔天数", "Gaps": "间隔数", "Share": "占比",
    "Transition": "第几次到第几次", "Gaps counted": "间隔数", "Number of customers": "客户数",
    "Mean days": "平均天数", "Median days": "中位天数", "25th percentile": "第 25 百分位",
    "75th percentile": "第 75 百分位",
    "1-2 is the wait from the first to the second purchase; 'all' counts every gap.":
        "1-2 表示第一次到第二次购买的间隔；all 为全部间隔。",
    "How these numbers are defined": "指标定义",
})

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics" / "retention.md"
GRAINS = {"week": "Week", "month": "Month", "quarter": "Quarter"}
# Cohorts and periods drawn at most: enough to read, light enough for the browser.
MAX_COHORTS = {"week": 26, "month": 36, "quarter": 36}
NUMBER = "localized"

con, user, filters = page_context()
lang = language()
st.title(t("Retention"))
st.caption(t("How many customers of each acquisition cohort buy again, period after period; who "
             "is churning; how long customers wait between purchases. Click a cell for its "
             "customers."))

if not metric(orders_loaded, con, filters):
    st.info(t("No orders loaded yet. Load an orders export on the Data page."))
    data_link()
    st.stop()

left, right = st.columns([2, 3], vertical_alignment="bottom")
with left:
    grain = linked(st.segmented_control, t("Cohort grain"), list(GRAINS), key="cohort_grain",
                   default="month", required=True, format_func={g: t(label) for g, label in GRAINS.items()}.get)
with right:
    by_revenue = st.toggle(t("Revenue retention"), key="revenue_retention", bind="query-params",
                           help=t("Share of each cohort's revenue of its first period that it "
                                  "spends again, instead of the share of its customers who buy "
                                  "again."))
value = "revenue_retention" if by_revenue else "retention_rate"
grain_label = t(GRAINS[grain]).lower() if lang == "en" else t(GRAINS[grain])

TITLES = {"cohort": t("Cohort"), "period": t("Period since acquisition"),
          "cohort_size": t("Cohort size"), "customers": t("Customers back"),
          "retention_rate": t("Retention rate"), "revenue": t("Revenue"),
          "revenue_retention": t("Revenue retention"), "cohorts": t("Cohorts"),
          "cohort_customers": t("Customers in those cohorts")}


def _pick_cell():
    state = st.session_state.get("cohort_chart")
    cohort, period = picked(state, COHORT_PICK, "cohort"), picked(state, COHORT_PICK, "period")
    if cohort is not None and period is not None:
        st.session_state["cohort"], st.session_state["cohort_period"] = cohort, int(period)


def heatmap_section(cells) -> None:
    starts = sorted(cells["cohort_start"].unique())
    most = MAX_COHORTS[grain]
    shown = cells[cells["cohort_start"].isin(starts[-most:]) & (cells["period"] < most)]
    st.subheader(t("Cohorts by {grain}", grain=grain_label))
    show_chart(cohort_heatmap(shown, lang, value, TITLES), "cohorts", key="cohort_chart",
               on_select=_pick_cell, selection_mode=COHORT_PICK)
    st.caption(t("Row: customers whose first purchase fell in that {grain}; column: {grain}s "
                 "since then (0 = the first). The latest periods may be incomplete.",
                 grain=grain_label))
    if len(starts) > most:
        st.caption(t("Showing the latest {shown} of {total} cohorts.", shown=most,
                     total=len(starts)))


def drill_section(cells) -> None:
    """The customers of one cohort who bought in one period, paged."""
    st.subheader(t("Customers of a cohort who came back"))
    by_label = dict(zip(cells["cohort"], cells["cohort_start"], strict=False))
    labels = list(dict.fromkeys(cells.sort_values("cohort_start")["cohort"]))
    if st.session_state.get("cohort") not in [None, *labels]:
        st.session_state["cohort"] = None  # a cohort of another grain is dropped, not an error
    left, right = st.columns(2)
    cohort = left.selectbox(t("Cohort"), labels, index=None, key="cohort", bind="query-params",
                            placeholder=t("Pick a cohort"))
    last_period = int(cells.loc[cells["cohort"] == cohort, "period"].max()) if cohort else 0
    if int(st.session_state.get("cohort_period") or 0) > last_period:
        st.session_state["cohort_period"] = 0  # beyond the chosen cohort's last period
    period = int(right.number_input(t("Periods after acquisition"), min_value=0,
                                    max_value=last_period, value=0, step=1, key="cohort_period",
                                    bind="query-params"))
    if cohort is None:
        st.caption(t("Click a cell above, or pick a cohort and a period."))
        return
    st.markdown("**" + t("Customers of {cohort} who bought in period {period}", cohort=cohort,
                         period=period) + "**")
    start = by_label[cohort].date()
    paged_table(lambda limit, offset: metric(cohort_customers, con, filters, cohort_start=start,
                                             period=period, grain=grain, limit=limit,
                                             offset=offset),
                "Customers of a cohort", key="cohort_members", column_config={
                    "customer_id": st.column_config.TextColumn(t("Customer")),
                    "customer_name": st.column_config.TextColumn(t("Name")),
                    "first_sale_date": st.column_config.DateColumn(t("First purchase")),
                    "sales": st.column_config.NumberColumn(t("Orders in the period")),
                    "revenue": st.column_config.NumberColumn(t("Revenue in the period"),
                                                             format=NUMBER)})


def curve_section(cells) -> None:
    st.subheader(t("Average retention curve"))
    # The curve sums the cohort cells already loaded: no second cohorts query.
    curve = curve_from_cohorts(cells)
    left, right = st.columns([3, 2])
    with left:
        show_chart(retention_curve_chart(curve, lang, value, TITLES), "retention_curve",
                   key="curve_chart")
        st.caption(t("Each period's rate over the cohorts the data follows that far, weighted "
                     "by cohort size."))
    with right:
        show_table(curve, "Retention curve", key="curve_table", height=320, column_config={
            "period": st.column_config.NumberColumn(t("Period since acquisition")),
            "cohorts": st.column_config.NumberColumn(t("Cohorts")),
            "cohort_customers": st.column_config.NumberColumn(t("Customers in those cohorts"),
                                                              format=NUMBER),
            "customers": st.column_config.NumberColumn(t("Customers back"), format=NUMBER),
            "retention_rate": st.column_config.NumberColumn(t("Retention rate"),
                                                            format="percent"),
            "revenue": st.column_config.NumberColumn(t("Revenue"), format=NUMBER),
            "revenue_retention": st.column_config.NumberColumn(t("Revenue retention"),
                                                               format="percent")})


# --- Cohorts: only customers acquired in the period are followed ---------------------------
cells = metric(cohorts, con, filters, grain=grain)
if cells.empty:
    st.info(t("No customer made a first purchase in this period, so there is no cohort to "
              "follow. Widen the period or clear a filter."))
else:
    heatmap_section(cells)
    drill_section(cells)
    curve_section(cells)

# --- Churn --------------------------------------------------------------------------------
st.subheader(t("Churn"))
window = st.number_input(t("Churn window (days)"), min_value=1, max_value=3650, value=90, step=15,
                         key="churn_days", bind="query-params", width=220,
                         help=t("A customer has churned when their last purchase is more than "
                                "this many days before the last day of data."))
churned = metric(churn, con, filters, window_days=int(window))
if churned.empty:
    st.caption(t("No sales in this period. Widen the period or clear a filter."))
else:
    row = churned.iloc[0]
    tiles = st.columns(5)
    tiles[0].metric(t("Customers with a sale"), fmt.count(row["customers"]), border=True)
    tiles[1].metric(t("Active customers"), fmt.count(row["active_customers"]), border=True)
    tiles[2].metric(t("Churned"), fmt.count(row["churned_customers"]), border=True)
    tiles[3].metric(t("Churn rate"), fmt.percent(row["churn_rate"]), border=True)
    tiles[4].metric(t("Revenue of churned customers"), fmt.amount(row["churned_revenue"]),
                    border=True)
    st.caption(t("Measured on {day}.", day=str(row["as_of"])[:10]))

# --- Time between purchases ---------------------------------------------------------------
st.subheader(t("Time between purchases"))
left, right = st.columns([3, 2])
with left:
    buckets = metric(purchase_gap_distribution, con, filters)
    show_chart(gap_histogram(buckets, lang, {"bucket": t("Days between purchases"),
                                             "gaps": t("Gaps"), "share": t("Share")}),
               "time_between_purchases", key="gap_chart")
with right:
    gaps = metric(time_between_purchases, con, filters)
    show_table(gaps, "Time between purchases", key="gap_table", column_config={
        "transition": st.column_config.TextColumn(t("Transition")),
        "gaps": st.column_config.NumberColumn(t("Gaps counted"), format=NUMBER),
        "customers": st.column_config.NumberColumn(t("Number of customers"), format=NUMBER),
        "mean_days": st.column_config.NumberColumn(t("Mean days"), format="%.1f"),
        "median_days": st.column_config.NumberColumn(t("Median days"), format="%.1f"),
        "p25_days": st.column_config.NumberColumn(t("25th percentile"), format="%.1f"),
        "p75_days": st.column_config.NumberColumn(t("75th percentile"), format="%.1f")})
    st.caption(t("1-2 is the wait from the first to the second purchase; 'all' counts every gap."))

with st.expander(t("How these numbers are defined")):
    st.markdown(DOCS.read_text(encoding="utf-8"))
