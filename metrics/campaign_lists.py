"""The sales and won deals attributed to one campaign, one page at a time.

Definitions: docs/metrics/campaigns.md. Each list holds exactly the rows that make the
campaign's ``sales`` / ``won_deals`` in metrics.campaigns.campaigns for the same filters and
attribution window, paged with ``limit`` / ``offset``, with ``total_rows`` on every row.
"""

from __future__ import annotations

import pandas as pd

from metrics.attribution import attributed_sales_sql, attributed_won_deals_sql
from metrics.base import customers_current_sql
from metrics.campaigns import DEFAULT_ATTRIBUTION_DAYS
from metrics.deal_lists import paged
from metrics.filters import Filters, Params

CAMPAIGN_SALE_COLUMNS = ["order_id", "order_date", "customer_id", "customer_name", "order_total",
                         "by_own_campaign", "is_new_customer", "total_rows"]
CAMPAIGN_DEAL_COLUMNS = ["deal_id", "deal_name", "customer_id", "customer_name", "owner",
                         "deal_amount", "created_date", "close_date", "by_own_campaign",
                         "total_rows"]


def campaign_sales(con, filters: Filters, campaign_id: str, *,
                   attribution_days: int = DEFAULT_ATTRIBUTION_DAYS, limit: int = 25,
                   offset: int = 0) -> pd.DataFrame:
    """Sales in the period attributed to ``campaign_id``, newest first, one row per order:
    order_id, order_date, customer_id, customer_name, order_total, by_own_campaign (the order
    names the campaign; else it came through the customer's first touch), is_new_customer (the
    customer's first sale ever), total_rows."""
    params = Params()
    # as in campaigns(): channel and campaign pick campaigns, the rest restrict the sales
    rows = attributed_sales_sql(filters.without("channel", "campaign"), params, attribution_days)
    sql = f"""
    with attributed as ({rows}),
    final as (
      select a.order_key as order_id, a.order_date, a.customer_id, c.customer_name,
             cast(a.order_total as double) as order_total, a.by_own_campaign,
             a.is_first_sale as is_new_customer
      from attributed a
      left join ({customers_current_sql()}) c on c.customer_id = a.customer_id
      where a.campaign_id = {params.add(campaign_id)}
    )
    select * from final
    """
    return paged(con, sql, params, CAMPAIGN_SALE_COLUMNS, "order_date desc, order_id", limit,
                 offset)


def campaign_deals(con, filters: Filters, campaign_id: str, *,
                   attribution_days: int = DEFAULT_ATTRIBUTION_DAYS, limit: int = 25,
                   offset: int = 0, **stage_args) -> pd.DataFrame:
    """Won deals closed in the period attributed to ``campaign_id``, largest first, one row
    per deal: deal_id, deal_name, customer_id, customer_name, owner, deal_amount,
    created_date, close_date, by_own_campaign, total_rows."""
    params = Params()
    rows = attributed_won_deals_sql(con, filters.without("channel", "campaign"), params,
                                    attribution_days, stage_args)
    sql = f"""
    with attributed as ({rows}),
    final as (
      select a.deal_id, a.deal_name, a.customer_id, c.customer_name, a.owner,
             cast(a.deal_amount as double) as deal_amount, a.created_date, a.close_date,
             a.by_own_campaign
      from attributed a
      left join ({customers_current_sql()}) c on c.customer_id = a.customer_id
      where a.attributed_campaign_id = {params.add(campaign_id)}
    )
    select * from final
    """
    return paged(con, sql, params, CAMPAIGN_DEAL_COLUMNS, "deal_amount desc nulls last, deal_id",
                 limit, offset)


def campaign_data_loaded(con, filters: Filters | None = None) -> bool:
    """Whether the store holds anything the Campaigns page reports: campaigns, daily campaign
    rows, or a campaign on any order, customer or deal (whatever the filters)."""
    sql = """
    with found as (
      select exists (select 1 from campaigns) or exists (select 1 from campaign_performance)
          or exists (select 1 from order_lines where campaign_id is not null)
          or exists (select 1 from customers where campaign_id is not null)
          or exists (select 1 from deals where campaign_id is not null) as any_rows
    ),
    final as (select any_rows from found)
    select * from final
    """
    return bool(con.execute(sql).fetchall()[0][0])
