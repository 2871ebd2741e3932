"""Overview: the business at a glance — KPIs against the previous period, trend, products, funnel, segments."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from charts.overview import kpi_sparkline_values, trend_with_forecast
from metrics.dimensions import date_bounds
from metrics.filters import Filters
from metrics.funnel import funnel
from metrics.kpis import kpis
from metrics.rfm import rfm_segments
from metrics.sales import products, sales_forecast, sales_trend
from ui import format as fmt
from ui.access import data_link
from ui.cache import metric
from ui.context import page_context
from ui.i18n import language, register, t
from ui.report_view import saved_reports_section
from ui.tables import show_chart, show_table

register({
    "Overview": "概览",
    "The business at a glance: this period against the previous one of the same length.":
        "业务一览：本期与等长的上一期对比。",
    "Nothing is loaded yet. Load your CRM exports (orders, customers, deals, ...) on the Data page.":
        "尚未导入数据。请在数据页导入 CRM 导出文件（订单、客户、商机等）。",
    "Gross revenue": "总销售额",
    "Net revenue": "净销售额",
    "kpi|Sales": "销售单数",
    "kpi|Customers": "客户数",
    "New customers": "新客户",
    "Average order value": "客单价",
    "Repeat rate": "复购率",
    "Returns": "退货",
    "Revenue by month, with a forecast": "月度销售额与预测",
    "Top products": "热销产品",
    "Deal funnel": "商机漏斗",
    "Customer segments": "客户分群",
    "No orders in this period. Widen the period or clear a filter, or load order data on the Data page.":
        "此时间范围内没有订单。请扩大时间范围、清除筛选，或在数据页导入订单。",
    "{name} {direction} {change} against the previous period.": "{name}较上一周期{direction}{change}。",
    "rose": "上升", "fell": "下降",
    "Share of revenue": "销售额占比", "Deals": "商机数", "From top": "总转化率",
    "Segment": "客户分群", "Share": "占比", "Revenue": "销售额",
})

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics" / "sales.md"

con, user, filters = page_context()
st.title(t("Overview"))

TILES = [
    ("gross_revenue", "Gross revenue", "amount"), ("net_revenue", "Net revenue", "amount"),
    ("sales", "Sales", "count"), ("customers", "Customers", "count"),
    ("new_customers", "New customers", "count"), ("aov", "Average order value", "amount"),
    ("repeat_rate", "Repeat rate", "percent"), ("returns", "Returns", "amount"),
]
FORMAT = {"amount": fmt.amount, "count": fmt.count, "percent": fmt.percent}

st.caption(t("The business at a glance: this period against the previous one of the same length."))

values = metric(kpis, con, filters)
if values.empty:
    if metric(date_bounds, con, Filters(owner_scope=filters.owner_scope))[1] is None:
        st.info(t("Nothing is loaded yet. Load your CRM exports (orders, customers, deals, ...) on the "
                  "Data page."))
    else:
        st.info(t("No orders in this period. Widen the period or clear a filter, or load order data on "
                  "the Data page."))
    data_link()  # the Data page exists only for those who may load data
    st.stop()

by_metric = values.set_index("metric")
trend = metric(sales_trend, con, filters, grain="month")
columns = st.columns(4)
for i, (key, label, kind) in enumerate(TILES):
    row = by_metric.loc[key]
    change = row["change"]
    if kind == "percent":
        delta = None if pd.isna(change) else fmt.points(change)
    else:
        delta = None if pd.isna(row["change_pct"]) else fmt.percent(row["change_pct"])
    columns[i % 4].metric(t(label, context="kpi"), FORMAT[kind](row["value"]), delta, border=True,
                          chart_data=kpi_sparkline_values(trend, key), chart_type="area")

# The one change worth a sentence: the KPI that moved most against the previous period.
movers = values[values["metric"] != "returns"].dropna(subset=["change_pct"])
if not movers.empty:
    top = movers.loc[movers["change_pct"].abs().idxmax()]
    label = {k: lbl for k, lbl, _ in TILES}[top["metric"]]
    kind = {k: kd for k, _, kd in TILES}[top["metric"]]
    change = fmt.points(abs(top["change"])) if kind == "percent" else fmt.percent(abs(top["change_pct"]))
    st.caption(t("{name} {direction} {change} against the previous period.", name=t(label, context="kpi"),
                 direction=t("rose") if top["change"] > 0 else t("fell"), change=change))

left, right = st.columns([3, 2])
with left:
    st.subheader(t("Revenue by month, with a forecast"))
    forecast = metric(sales_forecast, con, filters, grain="month")
    show_chart(trend_with_forecast(forecast, language()), "revenue_forecast", width="stretch")
with right:
    st.subheader(t("Top products"))
    top_products = metric(products, con, filters).head(8)
    show_table(top_products[["product", "net_revenue", "share"]], "Top products",
                 column_config={"product": st.column_config.TextColumn(t("Top products")),
                                "net_revenue": st.column_config.NumberColumn(t("Revenue"), format="localized"),
                                "share": st.column_config.ProgressColumn(t("Share of revenue"), format="percent",
                                                                         min_value=0.0, max_value=1.0)})

left, right = st.columns(2)
with left:
    st.subheader(t("Deal funnel"))
    stages = metric(funnel, con, filters)
    if stages.empty:
        st.caption(t("No deals in this period."))
    else:
        show_table(stages[["stage", "deals", "conversion_from_top"]], "Deal funnel",
                     column_config={"deals": st.column_config.NumberColumn(t("Deals"), format="localized"),
                                    "conversion_from_top": st.column_config.ProgressColumn(
                                        t("From top"), format="percent", min_value=0.0, max_value=1.0)})
with right:
    st.subheader(t("Customer segments"))
    segments = metric(rfm_segments, con, filters)
    show_table(segments[["segment", "customers", "share", "revenue"]], "Customer segments",
                 column_config={"segment": st.column_config.TextColumn(t("Segment")),
                                "share": st.column_config.ProgressColumn(t("Share"), format="percent",
                                                                         min_value=0.0, max_value=1.0),
                                "revenue": st.column_config.NumberColumn(t("Revenue"), format="localized")})

# Saved reports of the report builder, drawn small with the filters above.
saved_reports_section(con, filters)

with st.expander(t("How these numbers are defined")):
    st.markdown(DOCS.read_text(encoding="utf-8"))
