"""Which campaign a sale or a won deal is attributed to (docs/metrics/campaigns.md).

A sale carries its order's own campaign; otherwise the customer's first-touch campaign when the
sale falls within the attribution window of the customer's first touch (their signup, else their
first sale). A won deal carries its own campaign, else its customer's within the window of signup.
"""

from __future__ import annotations

from dataclasses import replace

from metrics.base import customers_current_sql, orders_sql
from metrics.deals_base import deals_sql, stage_rules
from metrics.filters import Filters, Params, and_all
from metrics.sqlparts import period_clauses


def attributed_sales_sql(filters: Filters, params: Params, window_days: int) -> str:
    """SELECT of the sales in the period, one row per sale: order_key, customer_id, order_date,
    order_total, campaign_id (attributed campaign, null when none), by_own_campaign (the order
    carries it), is_first_sale (the customer's first sale ever)."""
    history = orders_sql(replace(filters, start_date=None, end_date=None), params)
    in_period = and_all(period_clauses("order_date", filters, params))
    window = params.add(window_days)
    return f"""
    with sales as (
      select order_key, customer_id, order_date, order_total, own_campaign_id as own_campaign
      from ({history}) o
      where is_sale
    ),
    firsts as (
      select customer_id, min(order_date) as first_sale_date
      from sales
      where customer_id is not null
      group by customer_id
    ),
    touches as (
      select f.customer_id, f.first_sale_date, c.campaign_id as customer_campaign,
             coalesce(c.signup_date, f.first_sale_date) as touch_date
      from firsts f
      left join ({customers_current_sql()}) c on c.customer_id = f.customer_id
    ),
    attributed as (
      select
        s.order_key,
        s.customer_id,
        s.order_date,
        s.order_total,
        s.own_campaign is not null as by_own_campaign,
        s.order_date = t.first_sale_date as on_first_day,
        coalesce(s.own_campaign, case
          when date_diff('day', t.touch_date, s.order_date) between 0 and {window}
          then t.customer_campaign end) as campaign_id
      from sales s
      left join touches t on t.customer_id = s.customer_id
      where {in_period}
    ),
    first_sales as (
      -- of several sales on a customer's first day, the smallest order key is the first
      select customer_id, min(order_key) as order_key
      from attributed
      where on_first_day
      group by customer_id
    ),
    final as (
      select
        a.order_key, a.customer_id, a.order_date, a.order_total, a.campaign_id,
        a.by_own_campaign, f.order_key is not null as is_first_sale
      from attributed a
      left join first_sales f on f.customer_id = a.customer_id and f.order_key = a.order_key
    )
    select * from final
    """


def sales_by_campaign_sql(filters: Filters, params: Params, window_days: int) -> str:
    """One row per campaign with attributed sales in the period: campaign_id, sales,
    sales_revenue, new_customers (customers whose first ever sale is one of them)."""
    return f"""
    with attributed as ({attributed_sales_sql(filters, params, window_days)}),
    final as (
      select
        campaign_id,
        count(*) as sales,
        sum(order_total) as sales_revenue,
        count(distinct case when is_first_sale then customer_id end) as new_customers
      from attributed
      where campaign_id is not null
      group by campaign_id
    )
    select * from final
    """


def attributed_won_deals_sql(con, filters: Filters, params: Params, window_days: int,
                             stage_args: dict) -> str:
    """SELECT of the won deals closed in the period, one row per deal: every column of
    ``deals_sql``, attributed_campaign_id (null when none) and by_own_campaign (the deal
    carries it). First touch: the customer's signup date."""
    deals = deals_sql(filters, params, stage_rules(con, **stage_args))
    closed = and_all(period_clauses("close_date", filters, params))
    window = params.add(window_days)
    return f"""
    with final as (
      select
        d.*,
        coalesce(deal_campaign_id, case
          when date_diff('day', customer_signup_date, created_date) between 0 and {window}
          then campaign_id end) as attributed_campaign_id,
        deal_campaign_id is not null as by_own_campaign
      from ({deals}) d
      where status = 'won' and {closed}
    )
    select * from final
    """


def won_deals_by_campaign_sql(con, filters: Filters, params: Params, window_days: int,
                          stage_args: dict) -> str:
    """One row per campaign with attributed won deals closed in the period: campaign_id,
    won_deals, won_deal_revenue."""
    return f"""
    with won as ({attributed_won_deals_sql(con, filters, params, window_days, stage_args)}),
    final as (
      select attributed_campaign_id as campaign_id, count(*) as won_deals,
             sum(deal_amount) as won_deal_revenue
      from won
      where attributed_campaign_id is not null
      group by attributed_campaign_id
    )
    select * from final
    """
