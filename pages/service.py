"""Service: ticket volumes, complaints, resolution and satisfaction; sales activities and
whether contacted customers buy more. Click a ticket type or an owner for its tickets."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from charts.service import (
    GROUP_PICK,
    TYPE_PICK,
    activities_by_rep_chart,
    contact_conversion_chart,
    satisfaction_by,
    tickets_by_type,
)
from metrics.service import (
    activities_by_rep,
    activities_per_customer,
    complaint_rate,
    contact_conversion,
    tickets_summary,
)
from metrics.service_drill import has_service_data, ticket_list
from ui import format as fmt
from ui.access import data_link
from ui.cache import metric
from ui.context import page_context
from ui.i18n import language, register, t
from ui.links import linked
from ui.pager import paged_table, picked
from ui.tables import show_chart, show_table

register({
    "Support tickets, complaints, how fast they are resolved and how satisfied customers are; "
    "the sales team's activities and whether contacted customers buy. Click a type or an owner "
    "for its tickets.": "客服工单、投诉、解决速度与客户满意度；销售团队的跟进活动，以及被联系的客户是否更常购买。"
                        "点击工单类型或负责人查看工单。",
    "No tickets or activities loaded yet. Load a service tickets or activities export on the "
    "Data page.": "尚未导入工单或活动记录。请在数据页导入客服工单或活动导出文件。",
    "Service tickets": "工单", "No tickets in this period.": "此时间范围内没有工单。",
    "Number of tickets": "工单数", "Complaint rate": "投诉率",
    "Complaint share": "投诉占比", "Median resolution": "解决用时中位数",
    "Mean satisfaction": "平均满意度", "Satisfied (score ≥ 4)": "满意（≥ 4 分）",
    "Complaints per sale: {complaints} complaints, {sales} sales in the period.":
        "投诉数除以销售单数：本期 {complaints} 个投诉，{sales} 笔销售。",
    "{hours} h": "{hours} 小时", "{rated} rated tickets": "{rated} 个已评分工单",
    "Tickets by type": "按类型的工单", "Complaint types in red. Click a bar for its tickets.":
        "红色为投诉类。点击条形查看工单。",
    "Satisfaction by region": "各地区满意度", "Satisfaction by owner": "各负责人满意度",
    "Bars: mean score (1–5); label: share of rated tickets scoring 4 or 5.":
        "条形：平均分（1–5）；标注：4 分及以上的评分占比。",
    "Type": "类型", "Region": "地区", "Owner": "负责人", "Complaints": "投诉数",
    "Median resolution (hours)": "解决用时中位数（小时）", "Share ≥ 4": "≥ 4 分占比",
    "Rated": "已评分", "Resolved": "已解决",
    "Tickets behind a bar": "条形背后的工单", "Show the tickets of": "查看工单：",
    "Click a bar above, or pick a type, an owner or a region.": "点击上方条形，或选择类型、负责人或地区。",
    "Type: {value}": "类型：{value}", "Owner: {value}": "负责人：{value}",
    "Region: {value}": "地区：{value}",
    "Ticket": "工单", "Opened": "创建时间", "Customer": "客户", "Name": "名称",
    "Priority": "优先级", "Status": "状态", "Hours to resolve": "解决用时（小时）",
    "Satisfaction": "满意度", "Complaint": "投诉",
    "Sales activities": "跟进活动", "No activities in this period.": "此时间范围内没有跟进活动。",
    "Activities per rep": "各销售的跟进活动", "Activities per customer": "各客户的跟进活动",
    "The {shown} most contacted of {total} customers.": "被联系最多的 {shown} 个客户，共 {total} 个。",
    "Activity type": "活动类型", "Number of activities": "活动数",
    "Customers contacted": "联系的客户数", "Minutes": "分钟", "Types": "类型数",
    "First": "首次", "Last": "最近",
    "Do contacted customers buy?": "被联系的客户是否更常购买？",
    "contacted": "有联系", "not contacted": "未联系", "Customers in the base": "客户数",
    "Bought in the period": "本期购买比例", "Bought": "购买客户数",
    "Customers with an activity in the period against the others; bought: at least one sale in "
    "the period. A difference is a correlation, not proof that the contact caused the sale.":
        "本期有跟进活动的客户与其他客户对比；购买：本期至少一笔销售。差异只说明相关，不能证明是跟进带来了购买。",
    "How these numbers are defined": "指标定义",
})

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics" / "service.md"
KINDS = {"ticket_type": "Type: {value}", "owner": "Owner: {value}", "region": "Region: {value}"}
NUMBER = "localized"

con, user, filters = page_context()
lang = language()
st.title(t("Service"))
st.caption(t("Support tickets, complaints, how fast they are resolved and how satisfied "
             "customers are; the sales team's activities and whether contacted customers buy. "
             "Click a type or an owner for its tickets."))

if not metric(has_service_data, con, filters):
    st.info(t("No tickets or activities loaded yet. Load a service tickets or activities export "
              "on the Data page."))
    data_link()
    st.stop()

TITLES = {"ticket_type": t("Type"), "tickets": t("Number of tickets"),
          "complaints": t("Complaints"), "median_resolution_hours": t("Median resolution (hours)"),
          "mean_satisfaction": t("Mean satisfaction"), "satisfied_share": t("Share ≥ 4"),
          "rated": t("Rated"), "owner": t("Owner"), "activity_type": t("Activity type"),
          "activities": t("Number of activities"), "customers": t("Customers contacted"),
          "duration_minutes": t("Minutes")}
SUMMARY_COLUMNS = {
    "tickets": st.column_config.NumberColumn(t("Number of tickets"), format=NUMBER),
    "resolved": st.column_config.NumberColumn(t("Resolved"), format=NUMBER),
    "median_resolution_hours": st.column_config.NumberColumn(t("Median resolution (hours)"),
                                                             format="%.1f"),
    "mean_satisfaction": st.column_config.NumberColumn(t("Mean satisfaction"), format="%.2f"),
    "rated": st.column_config.NumberColumn(t("Rated"), format=NUMBER),
    "satisfied_share": st.column_config.NumberColumn(t("Share ≥ 4"), format="percent"),
    "complaints": st.column_config.NumberColumn(t("Complaints"), format=NUMBER),
    "complaint_share": st.column_config.NumberColumn(t("Complaint share"), format="percent"),
}


def _drill_label(code) -> str:
    if code is None:
        return "—"
    kind, _, value = code.partition(":")
    return t(KINDS[kind], value=value)


def _pick(chart_key: str, selection: str, field: str):
    def pick():
        value = picked(st.session_state.get(chart_key), selection, field)
        if value is not None:
            st.session_state["ticket_drill"] = f"{field}:{value}"
    return pick


# --- Tickets ------------------------------------------------------------------------------
st.header(t("Service tickets"))
overall = metric(tickets_summary, con, filters)
if overall.empty:
    st.caption(t("No tickets in this period."))
else:
    row = overall.iloc[0]
    rate = metric(complaint_rate, con, filters).iloc[0]
    tiles = st.columns(5)
    tiles[0].metric(t("Number of tickets"), fmt.count(row["tickets"]), border=True)
    tiles[1].metric(t("Complaint rate"), fmt.percent(rate["complaint_rate"]), border=True,
                    help=t("Complaints per sale: {complaints} complaints, {sales} sales in the "
                           "period.",
                           complaints=fmt.count(rate["complaints"]), sales=fmt.count(rate["sales"])))
    tiles[2].metric(t("Complaint share"), fmt.percent(row["complaint_share"]), border=True)
    hours = row["median_resolution_hours"]
    tiles[3].metric(t("Median resolution"),
                    "–" if pd.isna(hours) else t("{hours} h", hours=f"{hours:,.1f}"), border=True)
    tiles[4].metric(t("Mean satisfaction"),
                    "–" if pd.isna(row["mean_satisfaction"])
                    else f"{row['mean_satisfaction']:.2f}", border=True,
                    help=t("{rated} rated tickets", rated=fmt.count(row["rated"])))

    by_type = metric(tickets_summary, con, filters, by="ticket_type")
    by_region = metric(tickets_summary, con, filters, by="region")
    by_owner = metric(tickets_summary, con, filters, by="owner")
    left, right = st.columns(2)
    with left:
        st.subheader(t("Tickets by type"))
        show_chart(tickets_by_type(by_type, lang, TITLES), "tickets_by_type", key="type_chart",
                   on_select=_pick("type_chart", TYPE_PICK, "ticket_type"),
                   selection_mode=TYPE_PICK)
        st.caption(t("Complaint types in red. Click a bar for its tickets."))
    with right:
        st.subheader(t("Satisfaction by owner"))
        show_chart(satisfaction_by(by_owner, "owner", lang, {**TITLES, "group": t("Owner")}),
                   "satisfaction_by_owner", key="owner_chart",
                   on_select=_pick("owner_chart", GROUP_PICK, "owner"), selection_mode=GROUP_PICK)
        st.caption(t("Bars: mean score (1–5); label: share of rated tickets scoring 4 or 5."))
    left, right = st.columns(2)
    with left:
        st.subheader(t("Satisfaction by region"))
        show_chart(satisfaction_by(by_region, "region", lang, {**TITLES, "group": t("Region")}),
                   "satisfaction_by_region", key="region_chart",
                   on_select=_pick("region_chart", GROUP_PICK, "region"),
                   selection_mode=GROUP_PICK)
    with right:
        st.subheader(t("Tickets by type"))
        show_table(by_type, "Tickets by type", key="type_table",
                   column_config={"ticket_type": st.column_config.TextColumn(t("Type")),
                                  **SUMMARY_COLUMNS})
    show_table(by_owner, "Tickets by owner", key="owner_table",
               column_config={"owner": st.column_config.TextColumn(t("Owner")), **SUMMARY_COLUMNS})

    st.subheader(t("Tickets behind a bar"))
    options = [None, *(f"ticket_type:{v}" for v in by_type["ticket_type"]),
               *(f"owner:{v}" for v in by_owner["owner"]),
               *(f"region:{v}" for v in by_region["region"])]
    drill = linked(st.selectbox, t("Show the tickets of"), options, key="ticket_drill",
                   default=None, format_func={o: _drill_label(o) for o in options}.get)
    if drill is None:
        st.caption(t("Click a bar above, or pick a type, an owner or a region."))
    else:
        by, _, value = drill.partition(":")
        paged_table(lambda limit, offset: metric(ticket_list, con, filters, by=by, value=value,
                                                 limit=limit, offset=offset),
                    "Tickets behind a bar", key="ticket_rows", column_config={
                        "ticket_id": st.column_config.TextColumn(t("Ticket")),
                        "opened_at": st.column_config.DatetimeColumn(t("Opened")),
                        "customer_id": st.column_config.TextColumn(t("Customer")),
                        "customer_name": st.column_config.TextColumn(t("Name")),
                        "ticket_type": st.column_config.TextColumn(t("Type")),
                        "priority": st.column_config.TextColumn(t("Priority")),
                        "status": st.column_config.TextColumn(t("Status")),
                        "owner": st.column_config.TextColumn(t("Owner")),
                        "region": st.column_config.TextColumn(t("Region")),
                        "resolution_hours": st.column_config.NumberColumn(t("Hours to resolve"),
                                                                          format="%.1f"),
                        "satisfaction_score": st.column_config.NumberColumn(t("Satisfaction")),
                        "is_complaint": st.column_config.CheckboxColumn(t("Complaint"))})

# --- Activities ---------------------------------------------------------------------------
st.header(t("Sales activities"))
per_rep = metric(activities_by_rep, con, filters)
if per_rep.empty:
    st.caption(t("No activities in this period."))
else:
    left, right = st.columns([3, 2])
    with left:
        st.subheader(t("Activities per rep"))
        show_chart(activities_by_rep_chart(per_rep, lang, TITLES), "activities_per_rep",
                   key="rep_chart")
    with right:
        st.subheader(t("Activities per customer"))
        per_customer = metric(activities_per_customer, con, filters)
        st.caption(t("The {shown} most contacted of {total} customers.",
                     shown=min(20, len(per_customer)), total=fmt.count(len(per_customer))))
        show_table(per_customer.head(20), "Activities per customer", key="customer_activities",
                   column_config={
                       "customer_id": st.column_config.TextColumn(t("Customer")),
                       "customer_name": st.column_config.TextColumn(t("Name")),
                       "activities": st.column_config.NumberColumn(t("Number of activities")),
                       "activity_types": st.column_config.NumberColumn(t("Types")),
                       "first_activity_at": st.column_config.DatetimeColumn(t("First")),
                       "last_activity_at": st.column_config.DatetimeColumn(t("Last"))})
    show_table(per_rep, "Activities per rep", key="rep_table", column_config={
        "owner": st.column_config.TextColumn(t("Owner")),
        "activity_type": st.column_config.TextColumn(t("Activity type")),
        "activities": st.column_config.NumberColumn(t("Number of activities"), format=NUMBER),
        "customers": st.column_config.NumberColumn(t("Customers contacted"), format=NUMBER),
        "duration_minutes": st.column_config.NumberColumn(t("Minutes"), format=NUMBER)})

conversion = metric(contact_conversion, con, filters)
if not conversion.empty:
    st.subheader(t("Do contacted customers buy?"))
    conversion = conversion.assign(contacted_label=[t(c) for c in conversion["contacted"]])
    left, right = st.columns([2, 3])
    with left:
        show_chart(contact_conversion_chart(conversion, lang, {
            "contacted": t("Customers in the base"), "conversion_rate": t("Bought in the period"),
            "customers": t("Customers in the base"), "converted": t("Bought")}),
            "contact_conversion", key="conversion_chart")
    with right:
        show_table(conversion[["contacted_label", "customers", "converted", "conversion_rate"]],
                   "Contact conversion", key="conversion_table", column_config={
                       "contacted_label": st.column_config.TextColumn(t("Customers in the base")),
                       "customers": st.column_config.NumberColumn(t("Customers in the base"),
                                                                  format=NUMBER),
                       "converted": st.column_config.NumberColumn(t("Bought"), format=NUMBER),
                       "conversion_rate": st.column_config.NumberColumn(t("Bought in the period"),
                                                                        format="percent")})
        st.caption(t("Customers with an activity in the period against the others; bought: at "
                     "least one sale in the period. A difference is a correlation, not proof "
                     "that the contact caused the sale."))

with st.expander(t("How these numbers are defined")):
    st.markdown(DOCS.read_text(encoding="utf-8"))
