"""Sales team leaderboard: deals won and lost, pipeline, activities, revenue and target attainment.

Definitions: docs/metrics/team.md. Won, lost, revenue won and days to close follow deals
closed in the period; open deals are today's open deals created by the period's end;
activities and sales follow their own dates; targets are prorated to the days of the period.
"""

from __future__ import annotations

import pandas as pd

from metrics.base import sales_lines_sql
from metrics.deals_base import deals_sql, stage_rules
from metrics.filters import Filters, Params, and_all, where_clauses
from metrics.service import activities_by_rep, activities_sql
from metrics.sqlparts import NOT_SET, frame, overlap_days_sql, period_clauses

# Revenue that targets are measured against: "deals" (won deal value), "orders" (gross sales)
# or "auto" (deals when any deal is stored, orders otherwise).
DEFAULT_ATTAINMENT_FROM = "auto"
ATTAINMENT_SOURCES = ("auto", "deals", "orders")

REP_COLUMNS = ["owner", "won", "lost", "open", "win_rate", "revenue_won", "mean_deal",
               "mean_days_to_close", "open_value", "activities", "sales", "sales_revenue",
               "target_amount", "attainment"]


def _targets_sql(filters: Filters, params: Params) -> str:
    """One row per owner: target_amount, each target prorated to its days inside the period.

    A target without period_end runs to the end of its start's month.
    """
    where = where_clauses(filters, params, dims={"owner": "owner"}, owner_expr="owner")
    overlap = overlap_days_sql("period_start", "period_end", filters, params)
    return f"""
    select owner,
           sum(target_amount * overlap_days / (date_diff('day', period_start, period_end) + 1))
             as target_amount
    from (
      select *, {overlap} as overlap_days
      from (
        select owner, period_start, target_amount,
               coalesce(period_end, cast(date_trunc('month', period_start) + interval 1 month
                                         - interval 1 day as date)) as period_end
        from targets
        where owner is not null and period_start is not null and target_amount is not null
      ) t
      where period_end >= period_start and {and_all(where)}
    ) targets_in
    where overlap_days > 0
    group by owner
    """


def reps_sql(filters: Filters, params: Params, rules, attainment_from: str) -> str:
    """One row per owner with any deal, activity, sale or target in the period: REP_COLUMNS."""
    if attainment_from not in ATTAINMENT_SOURCES:
        raise ValueError(f"attainment_from must be one of {', '.join(ATTAINMENT_SOURCES)}")
    deals = deals_sql(filters, params, rules)
    closed = and_all(period_clauses("close_date", filters, params))
    created_by_end = and_all(period_clauses("created_date", filters, params, start=False))
    activities = activities_sql(filters, params)
    lines = sales_lines_sql(filters, params)
    targets = _targets_sql(filters, params)
    attained = {
        "deals": "d.revenue_won",
        "orders": "s.sales_revenue",
        # the stored deals table, not the filtered rows: the business keeps deals or it does not
        "auto": ("case when exists (select 1 from deals) then d.revenue_won "
                 "else s.sales_revenue end"),
    }[attainment_from]
    owner = f"coalesce(owner, '{NOT_SET}')"
    return f"""
    with deal_rows as ({deals}),
    deal_totals as (
      select
        {owner} as owner,
        count(case when status = 'won' then 1 end) as won,
        count(case when status = 'lost' then 1 end) as lost,
        coalesce(sum(case when status = 'won' then deal_amount end), 0) as revenue_won,
        avg(case when status = 'won' then deal_amount end) as mean_deal,
        avg(days_to_close) as mean_days_to_close
      from deal_rows
      where status in ('won', 'lost') and {closed}
      group by {owner}
    ),
    open_totals as (
      select {owner} as owner, count(*) as open, coalesce(sum(deal_amount), 0) as open_value
      from deal_rows
      where status = 'open' and (created_date is null or ({created_by_end}))
      group by {owner}
    ),
    activity_totals as (
      select {owner} as owner, count(*) as activities
      from ({activities}) a
      group by {owner}
    ),
    orders as (
      select order_key, min(owner) as owner, sum(line_amount) as order_total
      from ({lines}) l
      group by order_key
    ),
    sales_totals as (
      select {owner} as owner, count(*) as sales, sum(order_total) as sales_revenue
      from orders
      where order_total > 0
      group by {owner}
    ),
    target_totals as ({targets}),
    owners as (
      select owner from deal_totals
      union select owner from open_totals
      union select owner from activity_totals
      union select owner from sales_totals
      union select owner from target_totals
    ),
    joined as (
      select
        o.owner,
        coalesce(d.won, 0) as won,
        coalesce(d.lost, 0) as lost,
        coalesce(p.open, 0) as open,
        cast(d.won as double) / nullif(d.won + d.lost, 0) as win_rate,
        cast(coalesce(d.revenue_won, 0) as double) as revenue_won,
        cast(d.mean_deal as double) as mean_deal,
        cast(d.mean_days_to_close as double) as mean_days_to_close,
        cast(coalesce(p.open_value, 0) as double) as open_value,
        coalesce(a.activities, 0) as activities,
        coalesce(s.sales, 0) as sales,
        cast(coalesce(s.sales_revenue, 0) as double) as sales_revenue,
        cast(t.target_amount as double) as target_amount,
        cast(coalesce({attained}, 0) as double) as attained
      from owners o
      left join deal_totals d on d.owner = o.owner
      left join open_totals p on p.owner = o.owner
      left join activity_totals a on a.owner = o.owner
      left join sales_totals s on s.owner = o.owner
      left join target_totals t on t.owner = o.owner
    ),
    final as (
      select *, attained / nullif(target_amount, 0) as attainment
      from joined
    )
    select * from final order by attained desc, owner
    """


def reps(con, filters: Filters, *, attainment_from: str = DEFAULT_ATTAINMENT_FROM,
         stage_order=None, won_stages=None, lost_stages=None) -> pd.DataFrame:
    """One row per sales rep, best first: owner, won, lost, open, win_rate, revenue_won,
    mean_deal (mean won deal), mean_days_to_close, open_value, activities, sales,
    sales_revenue, target_amount (prorated to the period; null without targets), attainment
    (revenue per ``attainment_from`` / target). Empty frame when no rep has data."""
    rules = stage_rules(con, stage_order, won_stages, lost_stages)
    params = Params()
    return frame(con, reps_sql(filters, params, rules, attainment_from), params, REP_COLUMNS)


def rep_activities(con, filters: Filters) -> pd.DataFrame:
    """Activities by type per rep in the period, one row per owner and type: owner,
    activity_type, activities, customers, duration_minutes."""
    return activities_by_rep(con, filters)
