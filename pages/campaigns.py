"""Campaigns: what each campaign and channel cost and brought back; click a campaign for the
sales or won deals attributed to it."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from charts.campaigns import CAMPAIGN_PICK, bubble_chart, channel_chart
from metrics.campaign_lists import campaign_data_loaded, campaign_deals, campaign_sales
from metrics.campaigns import (
    DEFAULT_ATTRIBUTION_DAYS,
    campaigns,
    channels_from_campaigns,
)
from ui.access import data_link, plain
from ui.cache import metric
from ui.context import page_context
from ui.i18n import language, register, t
from ui.links import linked
from ui.pager import paged_table, picked
from ui.tables import show_chart, show_table

register({
    "What each campaign and channel cost and brought back. Click a campaign to see the sales "
    "behind its revenue.": "每个营销活动和渠道的花费与回报。点击某个活动查看其带来的订单。",
    "No campaigns loaded yet. Load a campaign export on the Data page.":
        "尚未导入营销活动。请在数据页导入营销活动导出文件。",
    "No campaign has cost or attributed revenue in this period. Widen the period or clear a "
    "filter.": "此时间范围内没有营销活动的花费或归因收入。请扩大时间范围或清除筛选。",
    "Attribution window (days)": "归因窗口（天）",
    "A sale without its own campaign counts for the customer's first-touch campaign when it "
    "falls within this many days of the first touch.":
        "没有自带活动的订单，若在客户首次接触后的这些天内，归入客户的首次接触活动。",
    "Cost against revenue": "花费与收入", "Per channel": "各渠道",
    "Cost and revenue per channel": "各渠道花费与收入",
    "Bubble size: conversions; colour: ROI. Above the dashed line a campaign earns more than it "
    "costs. Click a bubble for its sales.":
        "气泡大小：转化数；颜色：投资回报率。虚线以上表示收入高于花费。点击气泡查看其订单。",
    "Per campaign": "各营销活动", "Campaign": "营销活动", "Channel": "渠道", "Cost": "花费",
    "Impressions": "展示", "Clicks": "点击", "CTR": "点击率", "Leads": "线索",
    "Conversions": "转化", "Conversion rate": "转化率", "Revenue": "销售额", "ROI": "投资回报率",
    "ROAS": "广告支出回报", "Cost per conversion": "单次转化成本", "New customers": "新客户",
    "CAC": "获客成本", "Revenue from": "收入来源", "Campaigns": "营销活动", "Amount": "金额",
    "orders": "订单", "deals": "赢单", "platform": "广告平台",
    "Behind a campaign": "活动明细", "Click a bubble above, or pick a campaign.":
        "点击上方的气泡，或选择一个营销活动。",
    "Sales in the period attributed to {campaign}.": "本期归因于「{campaign}」的订单。",
    "Won deals closed in the period attributed to {campaign}.":
        "本期关闭并归因于「{campaign}」的赢单。",
    "{campaign}'s revenue is what the ad platform reported: no sale or won deal in this period "
    "is attributed to it.": "「{campaign}」的收入来自广告平台报告：本期没有归因于它的订单或赢单。",
    "No sale, won deal or platform revenue is attributed to {campaign} in this period.":
        "本期没有归因于「{campaign}」的订单、赢单或平台收入。",
    "Order": "订单", "Date": "日期", "Customer": "客户", "Customer name": "客户名称",
    "Total": "金额", "On the order": "订单自带活动", "New customer": "新客户", "Deal": "商机",
    "Deal name": "商机名称", "Owner": "负责人", "Created on": "创建日期", "Closed": "关闭日期",
    "On the deal": "商机自带活动",
    "How these numbers are defined": "指标定义",
})

DOCS = Path(__file__).resolve().parents[1] / "docs" / "metrics" / "campaigns.md"
NUMBER, MONEY = "localized", "accounting"

con, user, filters = page_context()
lang = language()
st.title(t("Campaigns"))
st.caption(t("What each campaign and channel cost and brought back. Click a campaign to see the "
             "sales behind its revenue."))

if not metric(campaign_data_loaded, con, filters):
    st.info(t("No campaigns loaded yet. Load a campaign export on the Data page."))
    data_link()
    st.stop()

window = st.number_input(t("Attribution window (days)"), min_value=0, max_value=3650,
                         value=DEFAULT_ATTRIBUTION_DAYS, step=1, key="window",
                         bind="query-params", width=220,
                         help=t("A sale without its own campaign counts for the customer's "
                                "first-touch campaign when it falls within this many days of the "
                                "first touch."))
per_campaign = metric(campaigns, con, filters, attribution_days=int(window))
if per_campaign.empty:
    st.info(t("No campaign has cost or attributed revenue in this period. Widen the period or "
              "clear a filter."))
    st.stop()
# Channels are sums of the campaigns: no second attribution query.
per_channel = channels_from_campaigns(per_campaign)

TITLES = {"campaign": t("Campaign"), "channel": t("Channel"), "cost": t("Cost"),
          "revenue": t("Revenue"), "conversions": t("Conversions"), "roi": t("ROI"),
          "roas": t("ROAS"), "value": t("Amount")}
COLUMNS = {
    "campaign": st.column_config.TextColumn(t("Campaign")),
    "channel": st.column_config.TextColumn(t("Channel")),
    "campaigns": st.column_config.NumberColumn(t("Campaigns"), format=NUMBER),
    "cost": st.column_config.NumberColumn(t("Cost"), format=MONEY),
    "impressions": st.column_config.NumberColumn(t("Impressions"), format=NUMBER),
    "clicks": st.column_config.NumberColumn(t("Clicks"), format=NUMBER),
    "ctr": st.column_config.NumberColumn(t("CTR"), format="percent"),
    "leads": st.column_config.NumberColumn(t("Leads"), format=NUMBER),
    "conversions": st.column_config.NumberColumn(t("Conversions"), format=NUMBER),
    "conversion_rate": st.column_config.NumberColumn(t("Conversion rate"), format="percent"),
    "revenue": st.column_config.NumberColumn(t("Revenue"), format=MONEY),
    "roi": st.column_config.NumberColumn(t("ROI"), format="percent"),
    "roas": st.column_config.NumberColumn(t("ROAS"), format="%.2f"),
    "cost_per_conversion": st.column_config.NumberColumn(t("Cost per conversion"), format=MONEY),
    "new_customers": st.column_config.NumberColumn(t("New customers"), format=NUMBER),
    "cac": st.column_config.NumberColumn(t("CAC"), format=MONEY),
    "revenue_source": st.column_config.TextColumn(t("Revenue from")),
}
SHOWN = ["campaign", "channel", "cost", "impressions", "clicks", "ctr", "leads", "conversions",
         "conversion_rate", "revenue", "roi", "roas", "cost_per_conversion", "new_customers",
         "cac", "revenue_source"]


def _pick_campaign():
    campaign = picked(st.session_state.get("bubbles"), CAMPAIGN_PICK, "campaign_id")
    if campaign is not None:
        st.session_state["drill"] = campaign


left, right = st.columns([3, 2])
with left:
    st.subheader(t("Cost against revenue"))
    show_chart(bubble_chart(per_campaign, lang, TITLES), "campaign_bubbles", key="bubbles",
               on_select=_pick_campaign, selection_mode=CAMPAIGN_PICK)
    st.caption(t("Bubble size: conversions; colour: ROI. Above the dashed line a campaign earns "
                 "more than it costs. Click a bubble for its sales."))
with right:
    st.subheader(t("Cost and revenue per channel"))
    show_chart(channel_chart(per_channel, lang, TITLES), "channel_cost_revenue", key="channels")

st.subheader(t("Per campaign"))
shown = per_campaign[SHOWN].assign(revenue_source=per_campaign["revenue_source"].map(
    lambda s: t(s) if isinstance(s, str) else None))
show_table(shown, "Campaigns", key="campaigns_table", column_config=COLUMNS)
st.subheader(t("Per channel"))
show_table(per_channel, "Channels", key="channels_table", column_config=COLUMNS)

# --- Drill-down: what a campaign's revenue is made of -------------------------------------
st.subheader(t("Behind a campaign"))
names = dict(zip(per_campaign["campaign_id"], per_campaign["campaign"], strict=True))
if st.session_state.get("drill") is not None and st.session_state["drill"] not in names:
    st.session_state["drill"] = None  # a campaign from an old link or outside the filters
campaign = linked(st.selectbox, t("Campaign"), list(names), key="drill", default=None,
                  format_func=lambda c: names.get(c, c),
                  placeholder=t("Click a bubble above, or pick a campaign."))
if campaign is None:
    st.caption(t("Click a bubble above, or pick a campaign."))
else:
    row = per_campaign[per_campaign["campaign_id"] == campaign].iloc[0]
    label = plain(names[campaign])  # campaign names come from the data
    if row["revenue_source"] == "orders":
        st.markdown("**" + t("Sales in the period attributed to {campaign}.", campaign=label)
                    + "**")
        paged_table(lambda limit, offset: metric(
            campaign_sales, con, filters, campaign, attribution_days=int(window), limit=limit,
            offset=offset), "Campaign sales", key="campaign_sales", column_config={
                "order_id": st.column_config.TextColumn(t("Order")),
                "order_date": st.column_config.DateColumn(t("Date")),
                "customer_id": st.column_config.TextColumn(t("Customer")),
                "customer_name": st.column_config.TextColumn(t("Customer name")),
                "order_total": st.column_config.NumberColumn(t("Total"), format=MONEY),
                "by_own_campaign": st.column_config.CheckboxColumn(t("On the order")),
                "is_new_customer": st.column_config.CheckboxColumn(t("New customer")),
            })
    elif row["revenue_source"] == "deals":
        st.markdown("**" + t("Won deals closed in the period attributed to {campaign}.",
                             campaign=label) + "**")
        paged_table(lambda limit, offset: metric(
            campaign_deals, con, filters, campaign, attribution_days=int(window), limit=limit,
            offset=offset), "Campaign deals", key="campaign_deals", column_config={
                "deal_id": st.column_config.TextColumn(t("Deal")),
                "deal_name": st.column_config.TextColumn(t("Deal name")),
                "customer_id": st.column_config.TextColumn(t("Customer")),
                "customer_name": st.column_config.TextColumn(t("Customer name")),
                "owner": st.column_config.TextColumn(t("Owner")),
                "deal_amount": st.column_config.NumberColumn(t("Total"), format=MONEY),
                "created_date": st.column_config.DateColumn(t("Created on")),
                "close_date": st.column_config.DateColumn(t("Closed")),
                "by_own_campaign": st.column_config.CheckboxColumn(t("On the deal")),
            })
    elif row["revenue_source"] == "platform":
        st.caption(t("{campaign}'s revenue is what the ad platform reported: no sale or won "
                     "deal in this period is attributed to it.", campaign=label))
    else:
        st.caption(t("No sale, won deal or platform revenue is attributed to {campaign} in this "
                     "period.", campaign=label))

with st.expander(t("How these numbers are defined")):
    st.markdown(DOCS.read_text(encoding="utf-8"))
