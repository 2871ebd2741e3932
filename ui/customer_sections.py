"""The Customers page's two heavier tabs: one customer's 360° view and lifetime value.

Drawing only: every number comes from metrics through ui.cache.metric. Predicted CLV needs a
model fit over every customer (seconds on a large store), so it runs only when asked for.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from charts.customers import clv_top_bars
from metrics.clv import historical_clv, predictive_clv
from metrics.clv_models import NotEnoughData
from metrics.clv_views import clv_report
from metrics.customer_search import customer_view, find_customers
from metrics.filters import Filters
from ui import format as fmt
from ui.access import plain
from ui.cache import metric
from ui.i18n import register, t
from ui.tables import show_chart, show_table

register({
    "Find a customer by id or name": "按编号或名称查找客户",
    "Matches": "匹配结果", "Pick a match": "选择一个匹配项",
    "{shown} of {total} matches; type more to narrow them down.":
        "显示 {total} 个匹配中的 {shown} 个；输入更多内容以缩小范围。",
    "No customer matches.": "没有匹配的客户。",
    "Customer id": "客户编号",
    "Type a customer id, or search by name above.": "输入客户编号，或在上方按名称搜索。",
    "No customer with this id that you may see.": "没有此编号的客户，或您无权查看。",
    "Number of sales": "销售单数", "Gross revenue": "总销售额", "Net revenue": "净销售额",
    "Average order value": "客单价", "First sale": "首次购买", "Last sale": "最近购买",
    "Segment": "客户分群", "Open deals": "进行中商机", "Won value": "赢单金额", "Activities": "活动数",
    "Tickets": "工单数", "{count} open": "{count} 个未解决", "No sale yet": "尚无购买",
    "R {r} · F {f} · M {m}": "R {r} · F {f} · M {m}",
    "Historical CLV": "历史 CLV", "Net revenue to date.": "迄今净销售额。", "Margin": "毛利",
    "Predicted CLV (12 months)": "预测 CLV（12 个月）", "P(alive)": "仍活跃概率",
    "Predict this customer's lifetime value": "预测此客户的终身价值",
    "The prediction fits a model on every customer; on a large store it takes a few seconds.":
        "预测需要在全部客户上拟合模型；数据量大时需要几秒钟。",
    "Not enough repeat purchases to fit the CLV model.": "复购数据不足，无法拟合 CLV 模型。",
    "Orders": "订单", "Deals": "商机数",
    "Showing the newest {shown} of {total}.": "显示最新的 {shown} 条，共 {total} 条。",
    "Historical value": "历史价值", "Returns": "退货", "Cost of goods": "成本", "Customers with a sale": "有购买的客户",
    "Net revenue per customer": "人均净销售额",
    "Top customers by net revenue": "净销售额最高的客户",
    "Predicted value": "预测价值",
    "Expected value of each customer's purchases over the next 12 months, discounted at 10% a "
    "year (BG/NBD × Gamma-Gamma).":
        "每位客户未来 12 个月购买的期望价值，按年 10% 折现（BG/NBD × Gamma-Gamma 模型）。",
    "Compute predicted CLV": "计算预测 CLV",
    "Total predicted CLV": "预测 CLV 合计", "Mean predicted CLV": "人均预测 CLV",
    "Mean P(alive)": "平均仍活跃概率",
    "Top customers by predicted CLV": "预测 CLV 最高的客户",
    "Fitted model": "拟合的模型参数", "Parameter": "参数", "Parameter value": "数值", "Unit": "单位",
    "Meaning": "含义", "Customer": "客户", "Name": "名称", "Repeat purchases": "复购次数",
    "Mean repeat spend": "平均复购金额", "Expected purchases": "预期购买次数",
    "Expected spend": "预期单次消费", "Predicted CLV": "预测 CLV",
    "Purchase rate ~ Gamma(r, alpha): shape": "购买率 ~ Gamma(r, α)：形状参数",
    "Purchase rate ~ Gamma(r, alpha): scale, in the time unit": "购买率 ~ Gamma(r, α)：尺度参数（时间单位）",
    "Dropout after a purchase ~ Beta(a, b)": "每次购买后流失概率 ~ Beta(a, b)",
    "Spend per purchase ~ Gamma(p, nu): shape": "单次消费 ~ Gamma(p, ν)：形状参数",
    "nu ~ Gamma(q, gamma): shape": "ν ~ Gamma(q, γ)：形状参数",
    "nu ~ Gamma(q, gamma): scale, in money": "ν ~ Gamma(q, γ)：尺度参数（金额）",
    "Fit quality (higher is better)": "拟合优度（越高越好）", "Customers in the fit": "参与拟合的客户",
    "Date": "日期", "Order": "订单", "Total": "金额", "Lines": "行数", "Quantity": "数量",
    "Products": "产品", "Stage": "阶段", "Status": "状态", "Amount": "金额", "Owner": "负责人",
    "When": "时间", "Type": "类型", "Subject": "主题", "Opened": "创建时间",
    "Resolved at": "解决时间", "Hours to resolve": "解决用时（小时）", "Satisfaction": "满意度",
})

NUMBER = "localized"
MEANINGS = {
    "r": "Purchase rate ~ Gamma(r, alpha): shape",
    "alpha": "Purchase rate ~ Gamma(r, alpha): scale, in the time unit",
    "a": "Dropout after a purchase ~ Beta(a, b)", "b": "Dropout after a purchase ~ Beta(a, b)",
    "p": "Spend per purchase ~ Gamma(p, nu): shape", "q": "nu ~ Gamma(q, gamma): shape",
    "gamma": "nu ~ Gamma(q, gamma): scale, in money",
    "bgnbd_log_likelihood": "Fit quality (higher is better)",
    "gamma_gamma_log_likelihood": "Fit quality (higher is better)",
    "bgnbd_customers": "Customers in the fit", "gamma_gamma_customers": "Customers in the fit",
}
SHOWN_ROWS = 200


def _choose_match() -> None:
    chosen = st.session_state.get("customer_match")
    if chosen:
        st.session_state["customer"] = chosen


def customer_360_section(con, filters: Filters, lang: str) -> None:
    """Search, then everything about one customer (only row-level security applies)."""
    left, right = st.columns(2)
    text = left.text_input(t("Find a customer by id or name"), key="customer_search")
    matches = metric(find_customers, con, filters, text) if text.strip() else None
    if matches is not None:
        if matches.empty:
            right.caption(t("No customer matches."))
        else:
            labels = dict(zip(matches["customer_id"], matches["customer_name"], strict=True))
            right.selectbox(t("Matches"), list(labels), index=None, key="customer_match",
                            placeholder=t("Pick a match"), on_change=_choose_match,
                            format_func=lambda c: f"{labels[c]} ({c})" if labels[c] else str(c))
            total = int(matches["total_rows"].iloc[0])
            if total > len(matches):
                right.caption(t("{shown} of {total} matches; type more to narrow them down.",
                                shown=len(matches), total=fmt.count(total)))
    customer_id = st.text_input(t("Customer id"), key="customer", bind="query-params").strip()
    if not customer_id:
        st.caption(t("Type a customer id, or search by name above."))
        return
    view = metric(customer_view, con, filters, customer_id)
    if view["summary"].empty:
        st.info(t("No customer with this id that you may see."))
        return
    _summary(view, lang)
    _prediction(con, filters, customer_id)
    _history(view)


def _summary(view, lang: str) -> None:
    row = view["summary"].iloc[0]
    st.subheader(plain(row["customer_name"] if isinstance(row["customer_name"], str) else row["customer_id"]))
    details = [row[c] for c in ("customer_id", "region", "city", "industry", "channel", "owner",
                                "email", "phone") if isinstance(row[c], str) and row[c]]
    st.caption(" · ".join(plain(d) for d in details))
    segment = view["segment"]
    if segment.empty:
        st.badge(t("No sale yet"), color="gray")
    else:
        s = segment.iloc[0]
        st.badge(t("Segment") + ": " + t(s["segment"]) + " · " +
                 t("R {r} · F {f} · M {m}", r=s["r_score"], f=s["f_score"], m=s["m_score"]),
                 icon=":material/group_work:")
    value = view["clv"]
    tiles = [column for _ in range(3) for column in st.columns(4)]
    tiles[0].metric(t("Number of sales"), fmt.count(row["sales"]), border=True)
    tiles[1].metric(t("Gross revenue"), fmt.amount(row["gross_revenue"]), border=True)
    tiles[2].metric(t("Net revenue"), fmt.amount(row["net_revenue"]), border=True)
    tiles[3].metric(t("Average order value"), fmt.amount(row["aov"]), border=True)
    tiles[4].metric(t("First sale"), _day(row["first_sale_date"]), border=True)
    tiles[5].metric(t("Last sale"), _day(row["last_sale_date"]), border=True)
    tiles[6].metric(t("Historical CLV"),
                    fmt.amount(value.iloc[0]["net_revenue"]) if not value.empty else "–",
                    border=True, help=t("Net revenue to date.") + (
                        " " + t("Margin") + ": " + fmt.amount(value.iloc[0]["margin"])
                        if not value.empty else ""))
    tiles[7].metric(t("Open deals"), fmt.count(row["open_deals"]), border=True)
    tiles[8].metric(t("Won value"), fmt.amount(row["won_value"]), border=True)
    tiles[9].metric(t("Activities"), fmt.count(row["activities"]), border=True)
    tiles[10].metric(t("Tickets"), fmt.count(row["tickets"]), border=True,
                     help=t("{count} open", count=fmt.count(row["open_tickets"])))


def _day(value) -> str:
    return "–" if value is None or pd.isna(value) else str(value)[:10]


def _prediction(con, filters: Filters, customer_id: str) -> None:
    """The customer's predicted CLV among every customer the user may see, on request."""
    scope = Filters(owner_scope=filters.owner_scope)
    if not st.session_state.get("clv_360_on"):
        if st.button(t("Predict this customer's lifetime value"), key="clv_360_button",
                     icon=":material/query_stats:"):
            st.session_state["clv_360_on"] = True
        else:
            st.caption(t("The prediction fits a model on every customer; on a large store it "
                         "takes a few seconds."))
            return
    try:
        with st.spinner():
            predicted = metric(predictive_clv, con, scope)
    except NotEnoughData as error:
        st.info(t("Not enough repeat purchases to fit the CLV model.") + f" ({error})")
        return
    mine = predicted[predicted["customer_id"] == customer_id]
    if mine.empty:
        return
    left, right, _, _ = st.columns(4)
    left.metric(t("Predicted CLV (12 months)"), fmt.amount(mine.iloc[0]["clv"]), border=True)
    right.metric(t("P(alive)"), fmt.percent(mine.iloc[0]["p_alive"]), border=True)


def _history(view) -> None:
    frames = {"Orders": view["orders"], "Deals": view["deals"], "Activities": view["activities"],
              "Tickets": view["tickets"]}
    configs = {
        "Orders": {"order_key": st.column_config.TextColumn(t("Order")),
                   "order_date": st.column_config.DateColumn(t("Date")),
                   "order_total": st.column_config.NumberColumn(t("Total"), format=NUMBER),
                   "lines": st.column_config.NumberColumn(t("Lines")),
                   "quantity": st.column_config.NumberColumn(t("Quantity")),
                   "products": st.column_config.TextColumn(t("Products"))},
        "Deals": {"deal_amount": st.column_config.NumberColumn(t("Amount"), format=NUMBER),
                  "probability": st.column_config.NumberColumn(format="percent"),
                  "stage": st.column_config.TextColumn(t("Stage")),
                  "status": st.column_config.TextColumn(t("Status")),
                  "owner": st.column_config.TextColumn(t("Owner"))},
        "Activities": {"occurred_at": st.column_config.DatetimeColumn(t("When")),
                       "activity_type": st.column_config.TextColumn(t("Type")),
                       "subject": st.column_config.TextColumn(t("Subject")),
                       "owner": st.column_config.TextColumn(t("Owner"))},
        "Tickets": {"opened_at": st.column_config.DatetimeColumn(t("Opened")),
                    "resolved_at": st.column_config.DatetimeColumn(t("Resolved at")),
                    "ticket_type": st.column_config.TextColumn(t("Type")),
                    "resolution_hours": st.column_config.NumberColumn(t("Hours to resolve"),
                                                                      format="%.1f"),
                    "satisfaction_score": st.column_config.NumberColumn(t("Satisfaction"))},
    }
    tabs = st.tabs([f"{t(name)} ({len(frame):,})" for name, frame in frames.items()])
    for tab, (name, frame) in zip(tabs, frames.items(), strict=True):
        with tab:
            if len(frame) > SHOWN_ROWS:
                st.caption(t("Showing the newest {shown} of {total}.", shown=SHOWN_ROWS,
                             total=fmt.count(len(frame))))
            show_table(frame.head(SHOWN_ROWS), f"Customer {name.lower()}",
                       key=f"customer_{name.lower()}", column_config=configs[name])


def lifetime_value_section(con, filters: Filters, lang: str) -> None:
    """Historical value at once; predicted value from one model fit, when asked for."""
    st.subheader(t("Historical value"))
    history = metric(historical_clv, con, filters)
    tiles = st.columns(3)
    tiles[0].metric(t("Customers with a sale"), fmt.count(len(history)), border=True)
    tiles[1].metric(t("Net revenue"), fmt.amount(history["net_revenue"].sum()), border=True)
    tiles[2].metric(t("Net revenue per customer"),
                    fmt.amount(history["net_revenue"].mean() if len(history) else None),
                    border=True)
    if not history.empty:
        st.markdown("**" + t("Top customers by net revenue") + "**")
        top = history.head(20)
        # cost and margin only where the export carries costs
        top = top.drop(columns=[c for c in ("cost", "margin") if top[c].isna().all()])
        show_table(top, "Top customers by net revenue", key="clv_historical", column_config={
            "customer_id": st.column_config.TextColumn(t("Customer")),
            "first_purchase_date": st.column_config.DateColumn(t("First sale")),
            "last_purchase_date": st.column_config.DateColumn(t("Last sale")),
            "sales": st.column_config.NumberColumn(t("Number of sales")),
            "gross_revenue": st.column_config.NumberColumn(t("Gross revenue"), format=NUMBER),
            "returns": st.column_config.NumberColumn(t("Returns"), format=NUMBER),
            "net_revenue": st.column_config.NumberColumn(t("Net revenue"), format=NUMBER),
            "cost": st.column_config.NumberColumn(t("Cost of goods"), format=NUMBER),
            "margin": st.column_config.NumberColumn(t("Margin"), format=NUMBER)})
    st.subheader(t("Predicted value"))
    st.caption(t("Expected value of each customer's purchases over the next 12 months, "
                 "discounted at 10% a year (BG/NBD × Gamma-Gamma)."))
    _predicted_value(con, filters, lang)


@st.fragment
def _predicted_value(con, filters: Filters, lang: str) -> None:
    if not st.session_state.get("clv_on"):
        ask = st.empty()
        if not ask.button(t("Compute predicted CLV"), key="clv_button",
                          icon=":material/query_stats:"):
            st.caption(t("The prediction fits a model on every customer; on a large store it "
                         "takes a few seconds."))
            return
        ask.empty()
        st.session_state["clv_on"] = True
    try:
        with st.spinner():
            report = metric(clv_report, con, filters)
    except NotEnoughData as error:
        st.info(t("Not enough repeat purchases to fit the CLV model.") + f" ({error})")
        return
    if report["totals"].empty:
        return
    totals = report["totals"].iloc[0]
    tiles = st.columns(3)
    tiles[0].metric(t("Total predicted CLV"), fmt.amount(totals["total_clv"]), border=True)
    tiles[1].metric(t("Mean predicted CLV"), fmt.amount(totals["mean_clv"]), border=True)
    tiles[2].metric(t("Mean P(alive)"), fmt.percent(totals["mean_p_alive"]), border=True)
    titles = {"customer": t("Customer"), "clv": t("Predicted CLV"), "p_alive": t("P(alive)"),
              "expected_purchases": t("Expected purchases"), "expected_spend": t("Expected spend")}
    st.markdown("**" + t("Top customers by predicted CLV") + "**")
    show_chart(clv_top_bars(report["top"], lang, titles), "top_predicted_clv", key="clv_top")
    show_table(report["top"], "Top customers by predicted CLV", key="clv_top_table",
               column_config={
                   "customer_id": st.column_config.TextColumn(t("Customer")),
                   "customer_name": st.column_config.TextColumn(t("Name")),
                   "frequency": st.column_config.NumberColumn(t("Repeat purchases")),
                   "monetary_value": st.column_config.NumberColumn(t("Mean repeat spend"),
                                                                   format=NUMBER),
                   "p_alive": st.column_config.NumberColumn(t("P(alive)"), format="percent"),
                   "expected_purchases": st.column_config.NumberColumn(t("Expected purchases"),
                                                                       format="%.2f"),
                   "expected_spend": st.column_config.NumberColumn(t("Expected spend"),
                                                                   format=NUMBER),
                   "clv": st.column_config.NumberColumn(t("Predicted CLV"), format=NUMBER)})
    st.markdown("**" + t("Fitted model") + "**")
    model = report["model"].assign(meaning=[t(MEANINGS.get(p, "")) for p in
                                            report["model"]["parameter"]])
    show_table(model[["parameter", "value", "unit", "meaning"]], "CLV model", key="clv_model",
               column_config={
                   "parameter": st.column_config.TextColumn(t("Parameter")),
                   "value": st.column_config.NumberColumn(t("Parameter value"), format="%.4g"),
                   "unit": st.column_config.TextColumn(t("Unit")),
                   "meaning": st.column_config.TextColumn(t("Meaning"), width="large")})
