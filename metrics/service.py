"""Service tickets and sales activities: volumes, resolution, satisfaction, complaints, contact.

Definitions: docs/metrics/service.md. Tickets follow the date they were opened, activities
the date they happened. Row-level security uses the ticket's / activity's owner, or the
customer's owner when it has none.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.base import customers_current_sql, orders_sql
from metrics.filters import Filters, Params, and_all, where_clauses
from metrics.sqlparts import NOT_SET, frame, period_clauses, segment_clauses

# A ticket is a complaint when its type contains one of these (lower-case) words.
DEFAULT_COMPLAINT_WORDS = ("complain", "投诉", "reclam", "beschwerde", "queja", "klacht")
# Satisfaction at or above this score counts as satisfied (scores 1-5).
DEFAULT_SATISFIED_SCORE = 4

# Filter dimensions: the customer's acquisition channel, not the ticket's intake channel.
TICKET_DIMS = {"region": "region", "owner": "owner", "channel": "customer_channel",
               "campaign": "campaign_id"}
ACTIVITY_DIMS = {"region": "region", "owner": "owner", "channel": "customer_channel",
                 "campaign": "campaign_id"}
TICKET_GROUPS = {"ticket_type": "ticket_type", "region": "region", "owner": "owner",
                 "priority": "priority", "channel": "intake_channel", "status": "status"}

TICKET_COLUMNS = ["tickets", "resolved", "median_resolution_hours", "mean_satisfaction",
                  "rated", "satisfied_share", "complaints", "complaint_share"]
REP_ACTIVITY_COLUMNS = ["owner", "activity_type", "activities", "customers", "duration_minutes"]
CUSTOMER_ACTIVITY_COLUMNS = ["customer_id", "customer_name", "activities", "activity_types",
                             "first_activity_at", "last_activity_at"]
CONTACT_COLUMNS = ["contacted", "customers", "converted", "conversion_rate"]


def activities_sql(filters: Filters, params: Params, *, dated: bool = True) -> str:
    """SELECT of activities passing the filters (the period too when ``dated``), one row per
    stored activity: activity_id, activity_type, occurred_at, activity_date, owner,
    customer_id, deal_id, subject, duration_minutes, region, customer_channel, campaign_id.
    Owner, region, channel and campaign come from the customer when the activity has none."""
    where = where_clauses(filters, params, date_expr="activity_date" if dated else None,
                          dims=ACTIVITY_DIMS, owner_expr="owner")
    where += segment_clauses(filters, params, "customer_id")
    return f"""
    select * from (
      select
        a.activity_id,
        a.activity_type,
        a.occurred_at,
        cast(a.occurred_at as date) as activity_date,
        coalesce(a.owner, c.owner) as owner,
        a.customer_id,
        a.deal_id,
        a.subject,
        a.duration_minutes,
        c.region,
        c.channel as customer_channel,
        c.campaign_id
      from activities a
      left join ({customers_current_sql()}) c on c.customer_id = a.customer_id
      where a.occurred_at is not null
    ) activities_filtered
    where {and_all(where)}
    """


def tickets_sql(filters: Filters, params: Params, complaint_words=DEFAULT_COMPLAINT_WORDS, *,
                dated: bool = True) -> str:
    """SELECT of tickets passing the filters, one row per ticket_id (latest load): ticket_id,
    customer_id, ticket_type, priority, status, intake_channel, owner, region, opened_at,
    opened_date, resolved_at, resolution_hours, satisfaction_score, is_complaint,
    customer_channel, campaign_id. resolution_hours is null when unresolved or negative."""
    where = where_clauses(filters, params, date_expr="opened_date" if dated else None,
                          dims=TICKET_DIMS, owner_expr="owner")
    where += segment_clauses(filters, params, "customer_id")
    words = [w.lower() for w in complaint_words]
    complaint = " or ".join(f"strpos(lower(t.ticket_type), {params.add(w)}) > 0" for w in words)
    return f"""
    select * from (
      select
        t.ticket_id,
        t.customer_id,
        t.ticket_type,
        t.priority,
        t.status,
        t.channel as intake_channel,
        coalesce(t.owner, c.owner) as owner,
        coalesce(t.region, c.region) as region,
        t.opened_at,
        cast(t.opened_at as date) as opened_date,
        t.resolved_at,
        case when t.resolved_at >= t.opened_at
             then date_diff('second', t.opened_at, t.resolved_at) / 3600.0 end as resolution_hours,
        t.satisfaction_score,
        coalesce({complaint or 'false'}, false) as is_complaint,
        c.channel as customer_channel,
        c.campaign_id
      from (
        select *, row_number() over (
          partition by ticket_id order by dataset_id desc, source_row desc
        ) as rank_in_ticket
        from tickets
        where ticket_id is not null and opened_at is not null
      ) t
      left join ({customers_current_sql()}) c on c.customer_id = t.customer_id
      where t.rank_in_ticket = 1
    ) tickets_filtered
    where {and_all(where)}
    """


def tickets_summary(con, filters: Filters, *, by: str | None = None,
                    complaint_words=DEFAULT_COMPLAINT_WORDS,
                    satisfied_score: float = DEFAULT_SATISFIED_SCORE) -> pd.DataFrame:
    """One row (per ``by`` value: ticket_type, region, owner, priority, channel, status) of the
    tickets opened in the period: [by], tickets, resolved, median_resolution_hours,
    mean_satisfaction, rated, satisfied_share (score >= satisfied_score among rated),
    complaints, complaint_share. Empty frame without tickets."""
    if by is not None and by not in TICKET_GROUPS:
        raise ValueError(f"by must be one of {', '.join(TICKET_GROUPS)}, not {by!r}")
    params = Params()
    tickets = tickets_sql(filters, params, complaint_words)
    group = f"coalesce(cast({TICKET_GROUPS[by]} as varchar), '{NOT_SET}')" if by else "'all'"
    satisfied = params.add(satisfied_score)
    sql = f"""
    with tickets as ({tickets}),
    final as (
      select
        {group} as group_value,
        count(*) as tickets,
        count(resolution_hours) as resolved,
        percentile_cont(0.5) within group (order by resolution_hours) as median_resolution_hours,
        avg(satisfaction_score) as mean_satisfaction,
        count(satisfaction_score) as rated,
        cast(count(case when satisfaction_score >= {satisfied} then 1 end) as double)
          / nullif(count(satisfaction_score), 0) as satisfied_share,
        count(case when is_complaint then 1 end) as complaints,
        cast(count(case when is_complaint then 1 end) as double) / count(*) as complaint_share
      from tickets
      group by {group}
    )
    select * from final order by group_value
    """
    df = con.execute(sql, params).df().rename(columns={"group_value": by or "group_value"})
    return df[([by] if by else []) + TICKET_COLUMNS].reset_index(drop=True)


def complaint_rate(con, filters: Filters, *,
                   complaint_words=DEFAULT_COMPLAINT_WORDS) -> pd.DataFrame:
    """One row: complaints (complaint tickets opened in the period), sales (sale orders in the
    period), complaint_rate = complaints / sales (null without sales)."""
    params = Params()
    tickets = tickets_sql(filters, params, complaint_words)
    orders = orders_sql(filters, params)
    sql = f"""
    with tickets as ({tickets}),
    orders as ({orders}),
    complaint_count as (
      select count(*) as complaints from tickets where is_complaint
    ),
    sale_count as (
      select count(*) as sales from orders where is_sale
    ),
    final as (
      select c.complaints, s.sales,
             cast(c.complaints as double) / nullif(s.sales, 0) as complaint_rate
      from complaint_count c cross join sale_count s
    )
    select * from final
    """
    return frame(con, sql, params, ["complaints", "sales", "complaint_rate"])


def activities_by_rep(con, filters: Filters) -> pd.DataFrame:
    """One row per owner and activity type in the period: owner, activity_type, activities,
    customers (distinct contacted), duration_minutes (sum). Empty owner/type: '(not set)'."""
    params = Params()
    sql = f"""
    with activities as ({activities_sql(filters, params)}),
    final as (
      select
        coalesce(owner, '{NOT_SET}') as owner,
        coalesce(activity_type, '{NOT_SET}') as activity_type,
        count(*) as activities,
        count(distinct customer_id) as customers,
        coalesce(sum(duration_minutes), 0) as duration_minutes
      from activities
      group by coalesce(owner, '{NOT_SET}'), coalesce(activity_type, '{NOT_SET}')
    )
    select * from final order by owner, activity_type
    """
    return frame(con, sql, params, REP_ACTIVITY_COLUMNS)


def activities_per_customer(con, filters: Filters) -> pd.DataFrame:
    """One row per contacted customer in the period, most contacted first: customer_id,
    customer_name, activities, activity_types (distinct), first_activity_at, last_activity_at."""
    params = Params()
    sql = f"""
    with activities as ({activities_sql(filters, params)}),
    per_customer as (
      select
        customer_id,
        count(*) as activities,
        count(distinct activity_type) as activity_types,
        min(occurred_at) as first_activity_at,
        max(occurred_at) as last_activity_at
      from activities
      where customer_id is not null
      group by customer_id
    ),
    final as (
      select p.customer_id, c.customer_name, p.activities, p.activity_types,
             p.first_activity_at, p.last_activity_at
      from per_customer p
      left join ({customers_current_sql()}) c on c.customer_id = p.customer_id
    )
    select * from final order by activities desc, customer_id
    """
    return frame(con, sql, params, CUSTOMER_ACTIVITY_COLUMNS)


def contact_conversion(con, filters: Filters) -> pd.DataFrame:
    """Two rows, contacted first: contacted ('contacted' / 'not contacted'), customers,
    converted, conversion_rate.

    Customers: the customers table (non-date filters, owner_scope, signed up by the period's
    end). Contacted: at least one activity in the period. Converted: at least one sale in the
    period. Activities and sales count whoever's they are, among the rows owner_scope shows.
    Empty frame without customers.
    """
    params = Params()
    where = where_clauses(filters, params, dims={"region": "region", "owner": "owner",
                                                 "channel": "channel", "campaign": "campaign_id"},
                          owner_expr="owner")
    where += segment_clauses(filters, params, "customer_id")
    signed_up = and_all(period_clauses("signup_date", filters, params, start=False))
    where.append(f"(signup_date is null or ({signed_up}))")
    # Contact and purchase by any rep of the base's customers, but only rows owner_scope shows.
    period = Filters(start_date=filters.start_date, end_date=filters.end_date,
                     owner_scope=filters.owner_scope)
    activities = activities_sql(period, params)
    # With a product filter, converting means buying one of those products.
    orders = orders_sql(replace(period, products=filters.products), params)
    sql = f"""
    with base as (
      select customer_id from ({customers_current_sql()}) c where {and_all(where)}
    ),
    contacted as (select distinct customer_id from ({activities}) a),
    converted as (
      select distinct customer_id from ({orders}) o where is_sale and customer_id is not null
    ),
    flagged as (
      select
        case when t.customer_id is not null then 'contacted' else 'not contacted' end as contacted,
        v.customer_id is not null as is_converted
      from base b
      left join contacted t on t.customer_id = b.customer_id
      left join converted v on v.customer_id = b.customer_id
    ),
    final as (
      select
        contacted,
        count(*) as customers,
        count(case when is_converted then 1 end) as converted,
        cast(count(case when is_converted then 1 end) as double) / count(*) as conversion_rate
      from flagged
      group by contacted
    )
    select * from final order by contacted
    """
    return frame(con, sql, params, CONTACT_COLUMNS)
