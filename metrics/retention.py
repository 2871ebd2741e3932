"""Retention: acquisition cohorts, the size-weighted retention curve, churn and the time
between a customer's purchases.

Definitions: docs/metrics/retention.md.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from metrics.base import orders_sql
from metrics.filters import Filters, Params
from metrics.grains import period_index_sql, period_label_sql, period_start_sql

DEFAULT_CHURN_WINDOW_DAYS = 90

COHORT_COLUMNS = ["cohort", "cohort_start", "period", "cohort_size", "customers",
                  "retention_rate", "revenue", "revenue_retention"]
CURVE_COLUMNS = ["period", "cohorts", "cohort_customers", "customers", "retention_rate",
                 "revenue", "revenue_retention"]
CHURN_COLUMNS = ["as_of", "window_days", "customers", "active_customers", "churned_customers",
                 "churn_rate", "churned_revenue"]
GAP_COLUMNS = ["transition", "gaps", "customers", "mean_days", "median_days", "p25_days",
               "p75_days"]


def cohort_scope_sql(filters: Filters, params: Params) -> tuple[str, list[str]]:
    """(history, conditions): the orders SELECT that cohorts are built from — all dates up to the
    end date, every other filter — and the conditions on ``first_date`` (a customer's first
    sale) and ``customer_id`` that pick the cohort members the filters ask for. The conditions
    may refer to a CTE named ``history`` holding that SELECT."""
    # One scan only (DuckDB 2.0's common_subplan optimizer can mix up two filtered copies).
    history = orders_sql(replace(filters, start_date=None, segments=()), params)
    conditions = []
    in_period = "true"
    if filters.start_date is not None:
        start = params.add(filters.start_date)
        conditions.append(f"first_date >= {start}")
        in_period = f"order_date >= {start}"
    if filters.segments:
        # Cohorts of a segment: customers in that RFM segment over the filter dates.
        from metrics.rfm import segment_condition_sql

        conditions.append(segment_condition_sql(f"select * from history where {in_period}",
                                                filters.segments, params))
    return history, conditions


def cohorts_sql(filters: Filters, params: Params, grain: str = "month") -> str:
    """SELECT, one row per cohort per period from 0 to the last period the data reaches:
    cohort, cohort_start, cohort_index, period, cohort_size, customers, retention_rate,
    revenue, revenue_retention, revenue_0 (the cohort's revenue in period 0)."""
    history, conditions = cohort_scope_sql(filters, params)
    cohort_where = " and ".join(conditions) or "true"
    index = period_index_sql("order_date", grain)
    return f"""
    with history as {"materialized " if filters.segments else ""}({history}),
    customer_periods as materialized (
      -- one row per customer per active period: no distinct counts needed below
      select customer_id, {index} as period_index, min(order_date) as first_date,
             sum(order_total) as revenue
      from history
      where is_sale and customer_id is not null
      group by customer_id, {index}
    ),
    last_index as (
      select max(period_index) as last_index from customer_periods
    ),
    firsts as (
      select customer_id, min(first_date) as first_date from customer_periods group by customer_id
    ),
    members as (
      select
        customer_id,
        {period_start_sql("first_date", grain)} as cohort_start,
        {period_index_sql("first_date", grain)} as cohort_index
      from firsts
      where {cohort_where}
    ),
    activity as (
      select m.cohort_index, c.period_index - m.cohort_index as period,
             count(*) as customers, sum(c.revenue) as revenue
      from customer_periods c
      join members m on m.customer_id = c.customer_id
      group by m.cohort_index, c.period_index - m.cohort_index
    ),
    sizes as (
      select cohort_index, min(cohort_start) as cohort_start, count(*) as cohort_size
      from members
      group by cohort_index
    ),
    grid as (
      -- every period the data reaches, so that a period with nobody back shows as zero
      select s.cohort_index, s.cohort_start, s.cohort_size,
             unnest(generate_series(0, l.last_index - s.cohort_index)) as period
      from sizes s
      cross join last_index l
    ),
    final as (
      select
        {period_label_sql("g.cohort_start", grain)} as cohort,
        g.cohort_start,
        g.cohort_index,
        g.period,
        g.cohort_size,
        coalesce(a.customers, 0) as customers,
        cast(coalesce(a.customers, 0) as double) / g.cohort_size as retention_rate,
        cast(coalesce(a.revenue, 0) as double) as revenue,
        cast(coalesce(a.revenue, 0) as double) / nullif(r.revenue_0, 0) as revenue_retention,
        r.revenue_0
      from grid g
      left join activity a on a.cohort_index = g.cohort_index and a.period = g.period
      left join (
        select cohort_index, cast(revenue as double) as revenue_0 from activity where period = 0
      ) r on r.cohort_index = g.cohort_index
    )
    select * from final
    """


def cohorts(con, filters: Filters, grain: str = "month") -> pd.DataFrame:
    """One row per acquisition cohort per period since acquisition: cohort (2024-03 for
    months, 2024-Q1 for quarters, the first day for weeks and days), cohort_start, period
    (0 = the acquisition period), cohort_size, customers (cohort customers with a sale in
    that period), retention_rate (customers / cohort_size; 1 at period 0), revenue (their
    gross revenue), revenue_retention (revenue / revenue at period 0). A customer's cohort
    is the period of their first ever sale; only cohorts inside the filter dates appear,
    and periods run to the last period with any sale.
    """
    params = Params()
    sql = f"select * from ({cohorts_sql(filters, params, grain)}) c order by cohort_index, period"
    frame = con.execute(sql, params).df()
    frame["cohort_start"] = frame["cohort_start"].astype("datetime64[us]")
    return frame[COHORT_COLUMNS]


def retention_curve(con, filters: Filters, grain: str = "month") -> pd.DataFrame:
    """One row per period since acquisition: period, cohorts (cohorts the data reaches that
    far), cohort_customers (their size), customers (retained), retention_rate = customers /
    cohort_customers (the size-weighted mean of those cohorts' rates), revenue,
    revenue_retention = revenue / those cohorts' revenue at period 0.
    """
    params = Params()
    sql = f"""
    with cells as ({cohorts_sql(filters, params, grain)}),
    final as (
      select
        c.period,
        count(*) as cohorts,
        sum(c.cohort_size) as cohort_customers,
        sum(c.customers) as customers,
        cast(sum(c.customers) as double) / sum(c.cohort_size) as retention_rate,
        sum(c.revenue) as revenue,
        sum(c.revenue) / nullif(sum(c.revenue_0), 0) as revenue_retention
      from cells c
      group by c.period
    )
    select * from final order by period
    """
    return con.execute(sql, params).df()[CURVE_COLUMNS]


def curve_from_cohorts(cells: pd.DataFrame) -> pd.DataFrame:
    """retention_curve's frame from a ``cohorts`` frame of the same arguments, without running
    the cohorts query again: one row per period, CURVE_COLUMNS."""
    period_0 = cells.loc[cells["period"] == 0, ["cohort_start", "revenue"]]
    revenue_0 = cells["cohort_start"].map(period_0.set_index("cohort_start")["revenue"])
    data = cells.assign(revenue_0=revenue_0)
    curve = data.groupby("period", sort=True).agg(
        cohorts=("cohort_start", "size"), cohort_customers=("cohort_size", "sum"),
        customers=("customers", "sum"), revenue=("revenue", "sum"),
        revenue_0=("revenue_0", "sum")).reset_index()
    # SQL sums of counts arrive as doubles: the same dtypes as retention_curve.
    curve = curve.astype({"cohort_customers": "float64", "customers": "float64"})
    curve["retention_rate"] = curve["customers"] / curve["cohort_customers"]
    curve["revenue_retention"] = curve["revenue"] / curve["revenue_0"].where(curve["revenue_0"] != 0)
    return curve[CURVE_COLUMNS]


def churn(con, filters: Filters, window_days: int = DEFAULT_CHURN_WINDOW_DAYS,
          as_of: date | None = None) -> pd.DataFrame:
    """One row: as_of, window_days, customers (with a sale before as_of), active_customers
    (a sale in the ``window_days`` days before as_of), churned_customers (none: last sale
    more than ``window_days`` days before as_of), churn_rate = churned / customers,
    churned_revenue (gross revenue to date of the churned). as_of defaults to the day after
    the last sale. Empty frame when there is no customer.
    """
    window_days = int(window_days)
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    params = Params()
    orders = orders_sql(filters, params)
    as_of_param, window_param = params.add(as_of), params.add(window_days)
    sql = f"""
    with last_sales as (
      select customer_id, max(order_date) as last_sale_date, sum(order_total) as revenue
      from ({orders}) orders
      where is_sale and customer_id is not null
        and ({as_of_param} is null or order_date < cast({as_of_param} as date))
      group by customer_id
    ),
    customer_sales as (
      -- as-of: the day after the last sale unless given
      select customer_id, as_of, date_diff('day', last_sale_date, as_of) as recency_days, revenue
      from (
        select *, coalesce(cast({as_of_param} as date), max(last_sale_date) over () + 1) as as_of
        from last_sales
      ) dated
    ),
    final as (
      select
        min(as_of) as as_of,
        cast({window_param} as integer) as window_days,
        count(*) as customers,
        count(case when recency_days <= {window_param} then 1 end) as active_customers,
        count(case when recency_days > {window_param} then 1 end) as churned_customers,
        cast(count(case when recency_days > {window_param} then 1 end) as double) / count(*)
          as churn_rate,
        cast(coalesce(sum(case when recency_days > {window_param} then revenue end), 0) as double)
          as churned_revenue
      from customer_sales
      having count(*) > 0
    )
    select * from final
    """
    frame = con.execute(sql, params).df()
    frame["as_of"] = frame["as_of"].astype("datetime64[us]")
    return frame[CHURN_COLUMNS]


def time_between_purchases(con, filters: Filters) -> pd.DataFrame:
    """Days between consecutive sales of the same customer. One row per transition
    ('1-2' = first to second sale, '2-3', '3-4', '4+' = every later one) that occurs, then
    'all': transition, gaps, customers, mean_days, median_days, p25_days, p75_days
    (quartiles interpolated). Sales on the same day are 0 days apart.
    """
    params = Params()
    orders = orders_sql(filters, params)
    sql = f"""
    with sales as (
      -- customer and order numbers follow customer_id and order_key, cheaper to sort on
      select
        customer_number,
        order_date,
        row_number() over by_customer as sale_number,
        lag(order_date) over by_customer as previous_date
      from ({orders}) o
      where is_sale and customer_number is not null
      window by_customer as (partition by customer_number order by order_date, ordered_at, order_number)
    ),
    gaps as (
      select customer_number, least(sale_number - 1, 4) as bucket,
             date_diff('day', previous_date, order_date) as gap_days
      from sales
      where sale_number > 1
    ),
    summary as (
      select
        bucket,
        count(*) as gaps,
        count(distinct customer_number) as customers,
        avg(gap_days) as mean_days,
        percentile_cont(0.5) within group (order by gap_days) as median_days,
        percentile_cont(0.25) within group (order by gap_days) as p25_days,
        percentile_cont(0.75) within group (order by gap_days) as p75_days
      from gaps
      group by grouping sets ((bucket), ())
    ),
    final as (
      select
        case when bucket is null then 'all' when bucket = 4 then '4+'
             else cast(bucket as varchar) || '-' || cast(bucket + 1 as varchar) end as transition,
        gaps,
        customers,
        cast(mean_days as double) as mean_days,
        cast(median_days as double) as median_days,
        cast(p25_days as double) as p25_days,
        cast(p75_days as double) as p75_days,
        coalesce(bucket, 5) as sort_key
      from summary
      where gaps > 0
    )
    select * from final order by sort_key
    """
    return con.execute(sql, params).df()[GAP_COLUMNS]
