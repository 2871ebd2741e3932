"""Retention behind the Retention page: the customers of one cohort cell (paged) and the
distribution of the days between a customer's purchases.

Definitions: docs/metrics/retention.md. Cohort membership is that of ``metrics.retention.cohorts``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.base import customers_current_sql, orders_sql
from metrics.filters import Filters, Params
from metrics.grains import period_index_sql, period_start_sql
from metrics.retention import cohort_scope_sql
from metrics.sqlparts import values_sql

# Inclusive day ranges of the gap histogram; the last bucket is open-ended.
DEFAULT_GAP_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 7), (8, 14), (15, 30), (31, 60), (61, 90), (91, 180), (181, 365), (366, None))
CELL_COLUMNS = ["customer_id", "customer_name", "first_sale_date", "sales", "revenue",
                "total_rows"]
GAP_BUCKET_COLUMNS = ["bucket", "min_days", "max_days", "gaps", "share"]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 1000


def cohort_customers(con, filters: Filters, *, cohort_start: date, period: int,
                     grain: str = "month", limit: int = DEFAULT_PAGE_SIZE,
                     offset: int = 0) -> pd.DataFrame:
    """One page of the customers of the cohort starting ``cohort_start`` (a period start, as in
    the cohorts frame) who bought in period ``period`` after acquisition, highest revenue first,
    ties by customer_id: customer_id, customer_name, first_sale_date (first ever sale),
    sales (sale orders in that period), revenue (their gross revenue), total_rows (the length of
    the whole list). The rows counted here are the ``customers`` of that cell of ``cohorts``
    for the same filters and grain."""
    limit, offset, period = int(limit), int(offset), int(period)
    if not 1 <= limit <= MAX_PAGE or offset < 0 or period < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE}, offset and period 0 or more")
    params = Params()
    # The same members as cohorts(), narrowed to the one cohort.
    history, conditions = cohort_scope_sql(filters, params)
    conditions.append(f"{period_start_sql('first_date', grain)} = cast({params.add(cohort_start)} as date)")
    index = period_index_sql("order_date", grain)
    sql = f"""
    with history as materialized ({history}),
    sales as (
      select customer_id, order_date, order_total, {index} as period_index
      from history
      where is_sale and customer_id is not null
    ),
    firsts as (
      select customer_id, min(order_date) as first_date from sales group by customer_id
    ),
    members as (
      select customer_id, first_date, {period_index_sql("first_date", grain)} as cohort_index
      from firsts
      where {" and ".join(conditions)}
    ),
    retained as (
      select m.customer_id, min(m.first_date) as first_sale_date, count(*) as sales,
             sum(s.order_total) as revenue
      from members m
      join sales s on s.customer_id = m.customer_id
                  and s.period_index = m.cohort_index + {params.add(period)}
      group by m.customer_id
    ),
    listed as (
      select *, count(*) over () as total_rows from retained
    ),
    paged as (
      select * from listed
      order by revenue desc, customer_id
      limit {params.add(limit)} offset {params.add(offset)}
    ),
    final as (
      select p.customer_id, c.customer_name, p.first_sale_date, p.sales,
             cast(p.revenue as double) as revenue, p.total_rows
      from paged p
      left join ({customers_current_sql()}) c on c.customer_id = p.customer_id
    )
    select * from final order by revenue desc, customer_id
    """
    frame = con.execute(sql, params).df()[CELL_COLUMNS]
    frame["first_sale_date"] = pd.to_datetime(frame["first_sale_date"]).dt.date
    return frame.reset_index(drop=True)


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low}+" if high is None else f"{low}–{high}"


def purchase_gap_distribution(con, filters: Filters,
                              buckets: tuple[tuple[int, int | None], ...] = DEFAULT_GAP_BUCKETS
                              ) -> pd.DataFrame:
    """One row per bucket of ``buckets`` (inclusive day ranges, the last may be open), in order:
    bucket ('0–7', ..., '366+'), min_days, max_days, gaps (consecutive sales of one customer that
    many days apart, as in ``time_between_purchases``), share (of all gaps; 0 without gaps).
    Gaps no bucket covers are not counted."""
    params = Params()
    orders = orders_sql(filters, params)
    rows = [(i, _bucket_label(low, high), low, high) for i, (low, high) in enumerate(buckets)]
    bounds = values_sql(rows, ("bucket_number", "bucket", "min_days", "max_days"),
                        ("integer", "varchar", "integer", "integer"), params)
    sql = f"""
    with sales as (
      select
        order_date,
        lag(order_date) over (partition by customer_number
                              order by order_date, ordered_at, order_number) as previous_date
      from ({orders}) o
      where is_sale and customer_number is not null
    ),
    gaps as (
      select date_diff('day', previous_date, order_date) as gap_days
      from sales
      where previous_date is not null
    ),
    bounds as ({bounds}),
    counted as (
      select b.bucket_number, b.bucket, b.min_days, b.max_days, count(g.gap_days) as gaps
      from bounds b
      left join gaps g on g.gap_days >= b.min_days
                      and (b.max_days is null or g.gap_days <= b.max_days)
      group by b.bucket_number, b.bucket, b.min_days, b.max_days
    ),
    final as (
      select bucket_number, bucket, min_days, max_days, gaps,
             coalesce(cast(gaps as double) / nullif(sum(gaps) over (), 0), 0) as share
      from counted
    )
    select * from final order by bucket_number
    """
    frame = con.execute(sql, params).df()
    frame["max_days"] = frame["max_days"].astype("Int64")
    return frame[GAP_BUCKET_COLUMNS]
