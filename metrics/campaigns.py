"""Campaign ROI per campaign and per channel, with attribution of sales and won deals.

Definitions: docs/metrics/campaigns.md. Cost and platform counts are the days of the period
(daily rows as they are; a campaign's totals prorated to the days of its run inside the
period). Revenue is that of sales (and won deals) in the period attributed to the campaign:
the order's / deal's own campaign, otherwise the customer's first-touch campaign when the sale
falls within the attribution window of the customer's first touch.
"""

from __future__ import annotations

import pandas as pd

from metrics.attribution import sales_by_campaign_sql, won_deals_by_campaign_sql
from metrics.filters import Filters, Params, and_all
from metrics.sqlparts import frame, in_list, overlap_days_sql, period_clauses

DEFAULT_ATTRIBUTION_DAYS = 90
# Where a campaign's revenue and conversions come from: the first source that attributes
# anything to the campaign wins. "orders": attributed sales; "deals": attributed won deals;
# "platform": what the ad platform reported (revenue_amount, count_conversions).
DEFAULT_REVENUE_FROM = ("orders", "deals", "platform")

CAMPAIGN_COLUMNS = ["campaign", "channel", "cost", "impressions", "clicks", "ctr", "leads",
                    "conversions", "conversion_rate", "revenue", "roi", "roas",
                    "cost_per_conversion", "new_customers", "cac", "campaign_id",
                    "revenue_source", "sales_revenue", "sales", "won_deal_revenue", "won_deals",
                    "platform_revenue", "platform_conversions"]
CHANNEL_COLUMNS = ["channel", "campaigns", "cost", "impressions", "clicks", "ctr", "leads",
                   "conversions", "conversion_rate", "revenue", "roi", "roas",
                   "cost_per_conversion", "new_customers", "cac"]

_SOURCE_TESTS = {
    "orders": ("a.sales > 0", "a.sales_revenue", "a.sales"),
    "deals": ("w.won_deals > 0", "w.won_deal_revenue", "w.won_deals"),
    "platform": ("(s.platform_revenue is not null or s.platform_conversions is not null)",
                 "s.platform_revenue", "s.platform_conversions"),
}


def _spend_sql(filters: Filters, params: Params) -> str:
    """One row per campaign with spend data in the period: campaign_id, campaign_name, channel,
    cost, impressions, clicks, leads, platform_conversions, platform_revenue.

    Daily rows win: a campaign with any daily row takes nothing from its totals row.
    """
    daily = and_all(period_clauses("activity_date", filters, params))
    # Spend rows carry no owner: a user restricted to owners sees none of them (deny by default).
    visible = "true" if filters.owner_scope is None else "false"
    span = "date_diff('day', run_start, run_end) + 1"
    overlap = overlap_days_sql("run_start", "run_end", filters, params)
    return f"""
    with totals as (
      select * from (
        select *, row_number() over (
          partition by campaign_id order by dataset_id desc, source_row desc) as rank_in_campaign
        from campaigns
        where campaign_id is not null
      ) ranked
      where rank_in_campaign = 1
    ),
    daily as (
      select
        campaign_id,
        min(channel) as channel,
        sum(cost_amount) as cost,
        sum(count_impressions) as impressions,
        sum(count_clicks) as clicks,
        sum(count_leads) as leads,
        sum(count_conversions) as platform_conversions,
        sum(revenue_amount) as platform_revenue
      from campaign_performance
      where campaign_id is not null and {daily}
      group by campaign_id
    ),
    runs as (
      -- a run with one known end is that single day; an undated campaign counts in full
      select *, greatest(coalesce(end_date, start_date), coalesce(start_date, end_date)) as run_end
      from (select *, coalesce(start_date, end_date) as run_start from totals) t
      where campaign_id not in (
        select campaign_id from campaign_performance where campaign_id is not null)
    ),
    shares as (
      select *, case when run_start is null then 1.0
                     else cast({overlap} as double) / ({span}) end as share
      from runs
    ),
    prorated as (
      select
        campaign_id,
        channel,
        cost_amount * share as cost,
        count_impressions * share as impressions,
        count_clicks * share as clicks,
        count_leads * share as leads,
        count_conversions * share as platform_conversions,
        revenue_amount * share as platform_revenue
      from shares
      where share > 0
    ),
    final as (
      select
        coalesce(d.campaign_id, p.campaign_id) as campaign_id,
        coalesce(t.channel, d.channel, p.channel) as channel,
        cast(coalesce(d.cost, p.cost) as double) as cost,
        cast(coalesce(d.impressions, p.impressions) as double) as impressions,
        cast(coalesce(d.clicks, p.clicks) as double) as clicks,
        cast(coalesce(d.leads, p.leads) as double) as leads,
        cast(coalesce(d.platform_conversions, p.platform_conversions) as double)
          as platform_conversions,
        cast(coalesce(d.platform_revenue, p.platform_revenue) as double) as platform_revenue
      from daily d
      full join prorated p on p.campaign_id = d.campaign_id
      left join totals t on t.campaign_id = coalesce(d.campaign_id, p.campaign_id)
      where {visible}
    )
    select * from final
    """


def campaigns_sql(con, filters: Filters, params: Params, *,
                  attribution_days: int = DEFAULT_ATTRIBUTION_DAYS,
                  revenue_from=DEFAULT_REVENUE_FROM, stage_args: dict | None = None) -> str:
    """One row per campaign with spend or attributed revenue in the period: CAMPAIGN_COLUMNS.

    The channel filter selects campaigns by marketing channel and the campaign filter by id;
    region, product, owner, segment and owner_scope restrict the attributed sales and deals.
    Cost and platform figures have no owner, so a user restricted by owner_scope sees none of
    them: only the revenue attributed from their own sales and deals.
    """
    unknown = [s for s in revenue_from if s not in _SOURCE_TESTS]
    if unknown or not revenue_from:
        raise ValueError(f"revenue_from takes {', '.join(_SOURCE_TESTS)}, not {unknown}")
    spend = _spend_sql(filters, params)
    customer_side = filters.without("channel", "campaign")
    sales = sales_by_campaign_sql(customer_side, params, attribution_days)
    deals = won_deals_by_campaign_sql(con, customer_side, params, attribution_days,
                                      stage_args or {})
    revenue = "case " + " ".join(
        f"when {_SOURCE_TESTS[s][0]} then {_SOURCE_TESTS[s][1]}" for s in revenue_from) + " end"
    conversions = "case " + " ".join(
        f"when {_SOURCE_TESTS[s][0]} then {_SOURCE_TESTS[s][2]}" for s in revenue_from) + " end"
    source = "case " + " ".join(
        f"when {_SOURCE_TESTS[s][0]} then '{s}'" for s in revenue_from) + " end"
    picked = []
    if filters.campaigns:
        picked.append(in_list("campaign_id", filters.campaigns, params))
    if filters.channels:
        picked.append(in_list("channel", filters.channels, params))
    return f"""
    with spend as ({spend}),
    sales as ({sales}),
    won_deals as ({deals}),
    ids as (
      select campaign_id from spend
      union select campaign_id from sales
      union select campaign_id from won_deals
    ),
    names as (
      select campaign_id, campaign_name, channel from (
        select campaign_id, campaign_name, channel, row_number() over (
          partition by campaign_id order by dataset_id desc, source_row desc) as rank_in_campaign
        from campaigns
        where campaign_id is not null
      ) ranked
      where rank_in_campaign = 1
    ),
    joined as (
      select
        i.campaign_id,
        coalesce(n.campaign_name, i.campaign_id) as campaign,
        coalesce(s.channel, n.channel) as channel,
        s.cost, s.impressions, s.clicks, s.leads, s.platform_conversions, s.platform_revenue,
        coalesce(a.sales, 0) as sales,
        cast(coalesce(a.sales_revenue, 0) as double) as sales_revenue,
        coalesce(a.new_customers, 0) as new_customers,
        coalesce(w.won_deals, 0) as won_deals,
        cast(coalesce(w.won_deal_revenue, 0) as double) as won_deal_revenue,
        {source} as revenue_source,
        cast({revenue} as double) as revenue,
        cast({conversions} as double) as conversions
      from ids i
      left join names n on n.campaign_id = i.campaign_id
      left join spend s on s.campaign_id = i.campaign_id
      left join sales a on a.campaign_id = i.campaign_id
      left join won_deals w on w.campaign_id = i.campaign_id
    ),
    final as (
      select
        *,
        clicks / nullif(impressions, 0) as ctr,
        -- per lead when leads are counted, else per click
        conversions / nullif(coalesce(nullif(leads, 0), clicks), 0) as conversion_rate,
        (revenue - cost) / nullif(cost, 0) as roi,
        revenue / nullif(cost, 0) as roas,
        cost / nullif(conversions, 0) as cost_per_conversion,
        cost / nullif(new_customers, 0) as cac
      from joined
      where {and_all(picked)}
    )
    select * from final
    """


def campaigns(con, filters: Filters, *, attribution_days: int = DEFAULT_ATTRIBUTION_DAYS,
              revenue_from=DEFAULT_REVENUE_FROM, **stage_args) -> pd.DataFrame:
    """One row per campaign, highest revenue first: campaign (name, else id), channel, cost,
    impressions, clicks, ctr, leads, conversions, conversion_rate, revenue, roi, roas,
    cost_per_conversion, new_customers, cac, campaign_id, revenue_source, sales_revenue,
    sales, won_deal_revenue, won_deals, platform_revenue, platform_conversions."""
    params = Params()
    sql = campaigns_sql(con, filters, params, attribution_days=attribution_days,
                        revenue_from=revenue_from, stage_args=stage_args)
    sql = f"select * from ({sql}) c order by revenue desc nulls last, campaign_id"
    return frame(con, sql, params, CAMPAIGN_COLUMNS)


def campaign_channels(con, filters: Filters, *,
                      attribution_days: int = DEFAULT_ATTRIBUTION_DAYS,
                      revenue_from=DEFAULT_REVENUE_FROM, **stage_args) -> pd.DataFrame:
    """One row per marketing channel (campaigns summed, ratios recomputed from the sums):
    channel, campaigns, cost, impressions, clicks, ctr, leads, conversions, conversion_rate,
    revenue, roi, roas, cost_per_conversion, new_customers, cac."""
    params = Params()
    per_campaign = campaigns_sql(con, filters, params, attribution_days=attribution_days,
                                 revenue_from=revenue_from, stage_args=stage_args)
    sql = f"""
    with per_campaign as ({per_campaign}),
    sums as (
      select
        coalesce(channel, '(not set)') as channel,
        count(*) as campaigns,
        sum(cost) as cost,
        sum(impressions) as impressions,
        sum(clicks) as clicks,
        sum(leads) as leads,
        sum(conversions) as conversions,
        sum(revenue) as revenue,
        sum(new_customers) as new_customers
      from per_campaign
      group by coalesce(channel, '(not set)')
    ),
    final as (
      select
        *,
        clicks / nullif(impressions, 0) as ctr,
        conversions / nullif(coalesce(nullif(leads, 0), clicks), 0) as conversion_rate,
        (revenue - cost) / nullif(cost, 0) as roi,
        revenue / nullif(cost, 0) as roas,
        cost / nullif(conversions, 0) as cost_per_conversion,
        cost / nullif(new_customers, 0) as cac
      from sums
    )
    select * from final order by revenue desc nulls last, channel
    """
    return frame(con, sql, params, CHANNEL_COLUMNS)


def _nonzero(values: pd.Series) -> pd.Series:
    """SQL's nullif(values, 0): zero becomes missing, so a ratio over it is missing too."""
    return values.where(values != 0)


def channels_from_campaigns(per_campaign: pd.DataFrame) -> pd.DataFrame:
    """campaign_channels' frame from a ``campaigns`` frame of the same arguments, without
    running the attribution again: one row per channel, CHANNEL_COLUMNS, same order."""
    summed = ["cost", "impressions", "clicks", "leads", "conversions", "revenue", "new_customers"]
    data = per_campaign.assign(channel=per_campaign["channel"].fillna("(not set)"))
    sums = data.groupby("channel", sort=False)[summed].sum(min_count=1)
    sums.insert(0, "campaigns", data.groupby("channel", sort=False).size())
    sums = sums.astype("float64").astype({"campaigns": "int64"}).reset_index()
    sums["ctr"] = sums["clicks"] / _nonzero(sums["impressions"])
    sums["conversion_rate"] = sums["conversions"] / _nonzero(
        _nonzero(sums["leads"]).fillna(sums["clicks"]))
    sums["roi"] = (sums["revenue"] - sums["cost"]) / _nonzero(sums["cost"])
    sums["roas"] = sums["revenue"] / _nonzero(sums["cost"])
    sums["cost_per_conversion"] = sums["cost"] / _nonzero(sums["conversions"])
    sums["cac"] = sums["cost"] / _nonzero(sums["new_customers"])
    sums = sums.sort_values(["revenue", "channel"], ascending=[False, True], na_position="last",
                            kind="stable")
    return sums.reset_index(drop=True)[CHANNEL_COLUMNS]

