"""Sales: revenue over time with its forecast, where it comes from, and which products carry it."""

from __future__ import annotations

import math
from dataclasses import replace
from functools import partial
from pathlib import Path

import streamlit as st

from charts.sales import PICK, breakdown_chart, pareto_chart, trend_chart
from metrics.kpis import kpis
from metrics.sales import NOT_SET, breakdown, products, sales_forecast, sales_trend
from metrics.sales_drill import orders_behind
from ui import format as fmt
from ui.access import data_link
from ui.cache import metric
from ui.context import page_context
from ui.i18n import language, register, t
from ui.links import linked
from ui.pager import paged_table
from ui.tables import show_chart, show_table

register({
    "Sales": "销售",
    "Revenue over time with its forecast, where it comes from, and which products carry it. "
    "Click a bar to focus the page on it.":
        "销售额趋势与预测、来源构成及贡献最大的产品。点击柱形可聚焦到该项。",
    "Grain": "粒度", "Day": "日", "Week": "周", "Month": "月", "Quarter": "季度",
    "Net revenue": "净销售额", "Gross revenue": "总销售额", "Returns": "退货", "Number of sales": "销售单数",
    "Average order value": "客单价",
    "Revenue by {grain}, with moving average and forecast": "按{grain}的销售额、移动平均与预测",
    "{n}-period moving average": "{n} 期移动平均", "Forecast": "预测",
    "Time period": "周期", "Series": "系列", "Amount": "金额", "Forecast low": "预测下限",
    "Forecast high": "预测上限",
    "No forecast: it needs at least 3 complete periods.": "暂无预测：至少需要 3 个完整周期。",
    "Forecast: {method}, {level} prediction interval.": "预测方法：{method}，{level} 预测区间。",
    "naive (the last complete period)": "朴素法（沿用最近一个完整周期）",
    "seasonal naive (the same period one season earlier)": "季节朴素法（沿用上一季节同期）",
    "By region": "按地区", "By channel": "按渠道", "By product": "按产品", "By industry": "按行业",
    "Value": "值", "Share": "占比",
    "Top {n} of {total}.": "前 {n} 项，共 {total} 项。",
    "Focused on {dimension}: {value}": "聚焦：{dimension} = {value}",
    "Show everything": "显示全部",
    "{dimension} is not one of the page filters: the charts show every {dimension}; the orders "
    "below are those of the selected value.": "{dimension}不是页面筛选项：图表显示全部{dimension}，下方订单仅为所选值的订单。",
    "Orders behind the selection": "所选项的订单",
    "Order": "订单", "Date": "日期", "Customer": "客户", "Customer name": "客户名称",
    "Lines": "行数", "Amount of these lines": "这些行的金额", "Order total": "订单总额",
    "Products: Pareto and ABC": "产品帕累托与 ABC 分类",
    "The {n} largest of {total} products. Line: cumulative share of revenue; rules at 80 % and 95 %.":
        "{total} 个产品中最大的 {n} 个。折线为累计销售额占比；虚线为 80% 与 95%。",
    "Rank": "排名", "Product": "产品", "Cumulative share": "累计占比", "ABC class": "ABC 分类",
    "Quantity": "数量", "Threshold": "阈值",
    "Region": "地区", "Channel": "渠道", "Industry": "行业",
    "No orders loaded yet. Load an orders export on the Data page.":
        "尚未导入订单。请在数据页导入订单数据。",
    "No orders in this period. Widen the period or clear a filter.":
        "此时间范围内没有订单。请扩大时间范围或清除筛选。",
    "How these numbers are defined": "指标定义",
})

GRAINS = ("month", "week", "day", "quarter")
GRAIN_NAMES = {"day": "Day", "week": "Week", "month": "Month", "quarter": "Quarter"}
WINDOWS = {"day": 7, "week": 4, "month": 3, "quarter": 4}  # moving-average periods per grain
DRILL_DIMS = {"region": "Region", "channel": "Channel", "product": "Product", "industry": "Industry"}
FILTER_FIELDS = {"region": "regions", "channel": "channels", "product": "products"}
BARS_SHOWN = 10
PARETO_SHOWN = 30
NONCE = "sales_drill_nonce"

con, user, filters = page_context()


def _bar_key(dimension: str) -> str:
    return f"sales_bar_{dimension}_{st.session_state.get(NONCE, 0)}"


def _clicked(dimension: str, key: str) -> None:
    """Callback of a breakdown bar: focus the page on the clicked value (kept in the link)."""
    points = ((st.session_state.get(key) or {}).get("selection") or {}).get(PICK) or []
    values = [p.get("value") for p in points if isinstance(p, dict) and p.get("value") is not None]
    if values:
        st.query_params["drill_by"] = dimension
        st.query_params["drill_value"] = str(values[0])
        st.session_state[NONCE] = st.session_state.get(NONCE, 0) + 1


def _clear() -> None:
    for name in ("drill_by", "drill_value"):
        if name in st.query_params:
            del st.query_params[name]
    st.session_state[NONCE] = st.session_state.get(NONCE, 0) + 1


def _drill() -> tuple[str, str] | None:
    """The focused (dimension, value) from the link, when it is one the sidebar allows."""
    by, value = st.query_params.get("drill_by"), st.query_params.get("drill_value")
    if by not in DRILL_DIMS or not value:
        return None
    allowed = filters.values_for(by) if by in FILTER_FIELDS else ()
    if allowed and value not in allowed:
        return None
    return by, value


def _filters_for(drill, dimension: str | None = None):
    """The page's filters: the sidebar's, narrowed to the focused value where the filter set can
    express it (not industry, not '(not set)'), except on the focused dimension's own chart."""
    if drill is None or drill[0] == dimension or drill[0] not in FILTER_FIELDS or drill[1] == NOT_SET:
        return filters
    return replace(filters, **{FILTER_FIELDS[drill[0]]: (drill[1],)})


st.title(t("Sales"))
st.caption(t("Revenue over time with its forecast, where it comes from, and which products carry "
             "it. Click a bar to focus the page on it."))
grain = linked(st.segmented_control, t("Grain"), GRAINS, key="sales_grain", default="month", required=True,
               format_func=lambda g: t(GRAIN_NAMES[g]))
drill = _drill()
page_filters = _filters_for(drill)
if drill is not None:
    with st.container(border=True):
        note, button = st.columns([5, 1], vertical_alignment="center")
        # The value is data (user text): st.text shows it without Markdown.
        note.text(t("Focused on {dimension}: {value}", dimension=t(DRILL_DIMS[drill[0]]),
                    value=drill[1]))
        button.button(t("Show everything"), on_click=_clear, icon=":material/close:",
                      key="sales_clear")

values = metric(kpis, con, page_filters)
if values.empty:
    loaded = con.execute("select count(*) from order_lines").fetchall()[0][0] > 0
    st.info(t("No orders in this period. Widen the period or clear a filter.") if loaded
            else t("No orders loaded yet. Load an orders export on the Data page."))
    data_link()
    st.stop()

by_metric = values.set_index("metric")
tiles = [("net_revenue", "Net revenue", fmt.amount), ("gross_revenue", "Gross revenue", fmt.amount),
         ("returns", "Returns", fmt.amount), ("sales", "Number of sales", fmt.count),
         ("aov", "Average order value", fmt.amount)]
for column, (key, label, show) in zip(st.columns(len(tiles)), tiles, strict=True):
    row = by_metric.loc[key]
    delta = fmt.percent(row["change_pct"]) if not math.isnan(row["change_pct"]) else None
    column.metric(t(label), show(row["value"]), delta, border=True)

# Trend with moving average and forecast.
window = WINDOWS[grain]
st.subheader(t("Revenue by {grain}, with moving average and forecast", grain=t(GRAIN_NAMES[grain]).lower()))
trend = metric(sales_trend, con, page_filters, grain=grain, window=window)
forecast = metric(sales_forecast, con, page_filters, grain=grain)
labels = {"net": t("Net revenue"), "average": t("{n}-period moving average", n=window),
          "forecast": t("Forecast"), "period": t("Time period"), "series": t("Series"),
          "amount": t("Amount"), "lower": t("Forecast low"), "upper": t("Forecast high")}
show_chart(trend_chart(trend, forecast, grain, language(), labels), "sales_trend", key="sales_trend",
           width="stretch")
if forecast.empty:
    st.caption(t("No forecast: it needs at least 3 complete periods."))
else:
    method = (t("naive (the last complete period)") if forecast["method"].iloc[0] == "naive"
              else t("seasonal naive (the same period one season earlier)"))
    st.caption(t("Forecast: {method}, {level} prediction interval.", method=method, level="80%"))

# Breakdowns: click a bar to focus the page on it.
bar_labels = {"value": t("Value"), "net": t("Net revenue"), "gross": t("Gross revenue"),
              "returns": t("Returns"), "share": t("Share")}
titles = {"region": "By region", "channel": "By channel", "product": "By product",
          "industry": "By industry"}
dimensions = list(DRILL_DIMS)
for row_dims in (dimensions[:2], dimensions[2:]):
    for column, dimension in zip(st.columns(2), row_dims, strict=True):
        with column:
            st.subheader(t(titles[dimension]))
            frame = metric(breakdown, con, _filters_for(drill, dimension), dimension)
            focus = drill[1] if drill is not None and drill[0] == dimension else None
            key = _bar_key(dimension)
            show_chart(breakdown_chart(frame.head(BARS_SHOWN), focus, language(), bar_labels),
                       f"sales_by_{dimension}", key=key, on_select=partial(_clicked, dimension, key),
                       selection_mode=PICK, width="stretch")
            if len(frame) > BARS_SHOWN:
                st.caption(t("Top {n} of {total}.", n=BARS_SHOWN, total=len(frame)))

if drill is not None:
    dimension, value = drill
    name = t(DRILL_DIMS[dimension])
    st.subheader(t("Orders behind the selection"))
    st.text(f"{name}: {value}")
    if dimension not in FILTER_FIELDS or value == NOT_SET:
        st.caption(t("{dimension} is not one of the page filters: the charts show every {dimension}; "
                     "the orders below are those of the selected value.", dimension=name))
    list_filters = _filters_for(drill, dimension)
    paged_table(lambda limit, offset: metric(orders_behind, con, list_filters, dimension, value,
                                             limit=limit, offset=offset),
                "Orders behind the selection", key=f"sales_orders_{st.session_state.get(NONCE, 0)}",
                column_config={
        "order_key": st.column_config.TextColumn(t("Order")),
        "ordered_at": st.column_config.DatetimeColumn(t("Date"), format="YYYY-MM-DD HH:mm"),
        "customer_id": st.column_config.TextColumn(t("Customer")),
        "customer_name": st.column_config.TextColumn(t("Customer name")),
        "lines": st.column_config.NumberColumn(t("Lines")),
        "amount": st.column_config.NumberColumn(t("Amount of these lines"), format="localized"),
        "order_total": st.column_config.NumberColumn(t("Order total"), format="localized"),
    })

# Products: Pareto chart and ABC table.
st.subheader(t("Products: Pareto and ABC"))
ranked = metric(products, con, page_filters)
if not ranked.empty:
    pareto_labels = {"rank": t("Rank"), "product": t("Product"), "net": t("Net revenue"),
                     "share": t("Share"), "cumulative": t("Cumulative share"), "abc": t("ABC class"),
                     "threshold": t("Threshold")}
    show_chart(pareto_chart(ranked.head(PARETO_SHOWN), language(), pareto_labels), "sales_pareto",
               key="sales_pareto", width="stretch")
    st.caption(t("The {n} largest of {total} products. Line: cumulative share of revenue; rules at "
                 "80 % and 95 %.", n=min(PARETO_SHOWN, len(ranked)), total=len(ranked)))
    show_table(ranked[["rank", "product", "net_revenue", "share", "cumulative_share", "abc_class",
                       "quantity"]], "Products ABC", key="sales_products", column_config={
        "rank": st.column_config.NumberColumn(t("Rank")),
        "product": st.column_config.TextColumn(t("Product")),
        "net_revenue": st.column_config.NumberColumn(t("Net revenue"), format="localized"),
        "share": st.column_config.ProgressColumn(t("Share"), format="percent", min_value=0.0,
                                                 max_value=1.0),
        "cumulative_share": st.column_config.NumberColumn(t("Cumulative share"), format="percent"),
        "abc_class": st.column_config.TextColumn(t("ABC class")),
        "quantity": st.column_config.NumberColumn(t("Quantity"), format="localized"),
    }, height=400)

with st.expander(t("How these numbers are defined")):
    st.markdown((Path(__file__).resolve().parents[1] / "docs" / "metrics" / "sales.md")
                .read_text(encoding="utf-8"))
