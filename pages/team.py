"""Team: each rep's revenue against target, win rate, deals and activities; click a rep for the
deals (or sales) behind their row."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from charts.service import activities_by_rep_chart
from charts.team import REP_PICK, leaderboard
from metrics.deal_lists import rep_deals, rep_sales, revenue_basis, team_data_loaded
from metrics.funnel import pipeline
from metrics.kpis import kpis
from metrics.team import rep_activities, reps
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
    "Each rep's revenue against target, win rate, deals and activities. Click a rep to see "
    "the deals behind the row.":
        "每位销售的业绩与目标对比、赢单率、商机和跟进活动。点击某位销售查看其明细。",
    "No sales team data loaded yet. Load deals, orders, activities or targets on the Data page.":
        "尚未导入销售团队数据。请在数据页导入商机、订单、跟进活动或销售目标。",
    "No rep has deals, sales, activities or targets in this period. Widen the period or clear "
    "a filter.": "此时间范围内没有销售的商机、订单、活动或目标。请扩大时间范围或清除筛选。",
    "Measure against targets": "对比目标的业绩", "Won deals": "赢单金额", "Sales orders": "订单销售额",
    "Revenue won": "赢单金额", "Deals won": "赢单数", "Win rate": "赢单率",
    "Mean won deal": "平均赢单金额", "Mean days to close": "平均成交天数",
    "Open pipeline": "在手商机金额", "Gross revenue": "总销售额", "Number of sales": "销售单数",
    "Average order value": "客单价", "{won} won, {lost} lost": "赢 {won}，输 {lost}",
    "{count} open deals": "{count} 个在手商机",
    "Leaderboard against targets": "业绩排行与目标",
    "Bars: revenue; dark tick: target for the period; label: attainment.":
        "条形：业绩；深色刻度：本期目标；标注：目标达成率。",
    "Rep": "销售", "Revenue": "销售额", "Sales target": "销售目标", "Attainment": "达成率",
    "Won": "赢单", "Lost": "输单", "Open now": "在手", "Mean deal": "平均赢单金额",
    "Days to close": "成交天数", "Open value": "在手金额", "Activities": "活动数",
    "Sales revenue": "订单销售额", "Reps": "销售明细",
    "Activities by type": "各类跟进活动", "Type": "类型", "Customers contacted": "联系的客户数",
    "Minutes": "分钟",
    "Behind a rep's row": "销售明细", "Click a bar above, or pick a rep.":
        "点击上方的条形，或选择一位销售。",
    "Deals of {rep}: won and lost in the period, and open now.":
        "{rep} 的商机：本期赢单和输单，以及当前在手商机。",
    "Sales of {rep} in the period.": "{rep} 本期的订单。",
    "Deal": "商机", "Deal name": "商机名称", "Customer": "客户", "Owner": "负责人", "Source": "来源",
    "Product": "产品", "Stage": "阶段", "Status": "状态", "Amount": "金额",
    "Probability": "概率", "Created on": "创建日期", "Closed": "关闭日期", "Order": "订单",
    "Date": "日期", "Customer name": "客户名称", "Total": "金额",
    "How these numbers are defined": "指标定义",
})

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics" / "team.md"
BASIS_LABELS = {"deals": "Won deals", "orders": "Sales orders"}
NUMBER = "localized"
MONEY = "accounting"

con, user, filters = page_context()
lang = language()
st.title(t("Team"))
st.caption(t("Each rep's revenue against target, win rate, deals and activities. Click a rep to "
             "see the deals behind the row."))

if not metric(team_data_loaded, con, filters):
    st.info(t("No sales team data loaded yet. Load deals, orders, activities or targets on the "
              "Data page."))
    data_link()
    st.stop()

basis = linked(st.segmented_control, t("Measure against targets"), list(BASIS_LABELS),
               key="basis", default=metric(revenue_basis, con, filters),
               format_func=lambda b: t(BASIS_LABELS[b]), required=True)
board = metric(reps, con, filters, attainment_from=basis)
if board.empty:
    st.info(t("No rep has deals, sales, activities or targets in this period. Widen the period "
              "or clear a filter."))
    st.stop()
value = "revenue_won" if basis == "deals" else "sales_revenue"

# --- Team tiles ---------------------------------------------------------------------------
tiles = st.columns(3)
if basis == "deals":
    team = metric(pipeline, con, filters)
    if not team.empty:
        row = team.iloc[0]
        tiles[0].metric(t("Revenue won"), fmt.amount(row["won_value"]), border=True,
                        help=t("{won} won, {lost} lost", won=fmt.count(row["won"]),
                               lost=fmt.count(row["lost"])))
        tiles[1].metric(t("Win rate"), fmt.percent(row["win_rate"]), border=True)
        tiles[2].metric(t("Open pipeline"), fmt.amount(row["open_value"]), border=True,
                        help=t("{count} open deals", count=fmt.count(row["open_deals"])))
else:
    sales = metric(kpis, con, filters)
    if not sales.empty:
        by_metric = sales.set_index("metric")["value"]
        tiles[0].metric(t("Gross revenue"), fmt.amount(by_metric["gross_revenue"]), border=True)
        tiles[1].metric(t("Number of sales"), fmt.count(by_metric["sales"]), border=True)
        tiles[2].metric(t("Average order value"), fmt.amount(by_metric["aov"]), border=True)


def _pick_rep():
    rep = picked(st.session_state.get("leaderboard"), REP_PICK, "owner")
    if rep is not None:
        st.session_state["rep"] = rep


# --- Leaderboard --------------------------------------------------------------------------
st.subheader(t("Leaderboard against targets"))
titles = {"owner": t("Rep"), "value": t("Revenue"), "target_amount": t("Sales target"),
          "attainment": t("Attainment"), "win_rate": t("Win rate"), "activity_type": t("Type"),
          "activities": t("Activities"), "customers": t("Customers contacted"),
          "duration_minutes": t("Minutes")}
show_chart(leaderboard(board, value, lang, titles), "leaderboard", key="leaderboard",
           on_select=_pick_rep, selection_mode=REP_PICK)
st.caption(t("Bars: revenue; dark tick: target for the period; label: attainment."))
show_table(board, "Reps", key="reps_table", column_config={
    "owner": st.column_config.TextColumn(t("Rep")),
    "won": st.column_config.NumberColumn(t("Won"), format=NUMBER),
    "lost": st.column_config.NumberColumn(t("Lost"), format=NUMBER),
    "open": st.column_config.NumberColumn(t("Open now"), format=NUMBER),
    "win_rate": st.column_config.NumberColumn(t("Win rate"), format="percent"),
    "revenue_won": st.column_config.NumberColumn(t("Revenue won"), format=MONEY),
    "mean_deal": st.column_config.NumberColumn(t("Mean deal"), format=MONEY),
    "mean_days_to_close": st.column_config.NumberColumn(t("Days to close"), format="%.1f"),
    "open_value": st.column_config.NumberColumn(t("Open value"), format=MONEY),
    "activities": st.column_config.NumberColumn(t("Activities"), format=NUMBER),
    "sales": st.column_config.NumberColumn(t("Number of sales"), format=NUMBER),
    "sales_revenue": st.column_config.NumberColumn(t("Sales revenue"), format=MONEY),
    "target_amount": st.column_config.NumberColumn(t("Sales target"), format=MONEY),
    "attainment": st.column_config.ProgressColumn(t("Attainment"), format="percent",
                                                  min_value=0.0, max_value=1.0),
})

# --- Activities by type -------------------------------------------------------------------
activity = metric(rep_activities, con, filters)
if not activity.empty:
    st.subheader(t("Activities by type"))
    show_chart(activities_by_rep_chart(activity, lang, titles), "activities_by_type", key="activities")

# --- Drill-down: the deals or sales behind a rep ------------------------------------------
st.subheader(t("Behind a rep's row"))
owners = board["owner"].tolist()
if st.session_state.get("rep") is not None and st.session_state["rep"] not in owners:
    st.session_state["rep"] = None  # a rep from an old link or outside the filters
rep = st.selectbox(t("Rep"), owners, index=None, key="rep", bind="query-params",
                   placeholder=t("Click a bar above, or pick a rep."))
if rep is None:
    st.caption(t("Click a bar above, or pick a rep."))
elif basis == "deals":
    st.markdown("**" + t("Deals of {rep}: won and lost in the period, and open now.", rep=plain(rep))
                + "**")
    paged_table(lambda limit, offset: metric(rep_deals, con, filters, rep, limit=limit,
                                             offset=offset),
                "Deals of a rep", key="rep_deals", column_config=deal_list_columns())
else:
    st.markdown("**" + t("Sales of {rep} in the period.", rep=plain(rep)) + "**")
    paged_table(lambda limit, offset: metric(rep_sales, con, filters, rep, limit=limit,
                                             offset=offset),
                "Sales of a rep", key="rep_sales", column_config={
                    "order_id": st.column_config.TextColumn(t("Order")),
                    "order_date": st.column_config.DateColumn(t("Date")),
                    "customer_id": st.column_config.TextColumn(t("Customer")),
                    "customer_name": st.column_config.TextColumn(t("Customer name")),
                    "order_total": st.column_config.NumberColumn(t("Total"), format=MONEY),
                })

with st.expander(t("How these numbers are defined")):
    st.markdown(DOCS.read_text(encoding="utf-8"))
