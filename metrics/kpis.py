"""Headline sales KPIs for a period, beside the previous period of equal length.

Definitions: docs/metrics/sales.md.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from metrics.base import orders_sql
from metrics.filters import Filters, Params

KPI_IDS = ("gross_revenue", "net_revenue", "returns", "sales", "customers", "new_customers",
           "aov", "repeat_rate")
KPI_COLUMNS = ["metric", "value", "previous_value", "change", "change_pct"]


def _period_where(filters: Filters, params: Params, with_end: bool) -> tuple[str, str]:
    """(SQL condition on order_date for the period, condition that a first sale is in it)."""
    clauses, first = [], "true"
    if filters.start_date is not None:
        start = params.add(filters.start_date)
        clauses.append(f"order_date >= {start}")
        first = f"f.first_sale_date >= {start}"
    if with_end and filters.end_date is not None:
        clauses.append(f"order_date <= {params.add(filters.end_date)}")
    return " and ".join(clauses) or "true", first


def kpis_sql(filters: Filters, params: Params) -> str:
    """One row per period ('current' and, with both dates, 'previous'): period, gross_revenue,
    returns, net_revenue, sales, customers, new_customers, aov, repeat_rate, orders.

    New customers are those whose first ever sale (all dates up to the period's end, every
    non-date filter except the customer-level segment filter, and owner_scope) is in the period.
    """
    # One scan of every order up to the end date serves both periods and first sales:
    # DuckDB 2.0's common_subplan optimizer can return wrong rows when one statement holds
    # two differently filtered copies of the same order subquery.
    history = orders_sql(replace(filters, start_date=None, segments=()), params)
    periods = {"current": filters}
    previous = filters.previous_period()
    if previous is not None:
        periods["previous"] = previous
    selects, new_cases = [], []
    for name, period in periods.items():
        in_period, is_new = _period_where(period, params, with_end=name != "current")
        where = in_period
        if filters.segments:
            from metrics.rfm import segment_condition_sql

            where += " and " + segment_condition_sql(
                f"select * from history where {in_period}", filters.segments, params)
        selects.append(f"select '{name}' as period, * from history where {where}")
        new_cases.append(f"when '{name}' then {is_new}")
    return f"""
    with history as materialized ({history}),
    orders as (
      {" union all ".join(selects)}
    ),
    first_sales as (
      select customer_id, min(order_date) as first_sale_date
      from history
      where is_sale and customer_id is not null
      group by customer_id
    ),
    customer_sales as (
      select period, customer_id, count(*) as sales
      from orders
      where is_sale and customer_id is not null
      group by period, customer_id
    ),
    order_totals as (
      select
        period,
        sum(case when is_sale then order_total else 0 end) as gross_revenue,
        sum(case when is_return then order_total else 0 end) as returns,
        count(case when is_sale then 1 end) as sales,
        count(*) as orders
      from orders
      group by period
    ),
    customer_totals as (
      select
        s.period,
        count(*) as customers,
        count(case when s.sales >= 2 then 1 end) as repeat_customers,
        count(case when case s.period {" ".join(new_cases)} end then 1 end) as new_customers
      from customer_sales s
      left join first_sales f on f.customer_id = s.customer_id
      group by s.period
    ),
    final as (
      select
        p.period,
        cast(coalesce(o.gross_revenue, 0) as double) as gross_revenue,
        cast(coalesce(o.returns, 0) as double) as returns,
        cast(coalesce(o.gross_revenue + o.returns, 0) as double) as net_revenue,
        coalesce(o.sales, 0) as sales,
        coalesce(c.customers, 0) as customers,
        coalesce(c.new_customers, 0) as new_customers,
        cast(o.gross_revenue as double) / nullif(o.sales, 0) as aov,
        cast(c.repeat_customers as double) / nullif(c.customers, 0) as repeat_rate,
        coalesce(o.orders, 0) as orders
      from (values {", ".join(f"('{name}')" for name in periods)}) p(period)
      left join order_totals o on o.period = p.period
      left join customer_totals c on c.period = p.period
    )
    select * from final
    """


def _change(value, previous):
    if value is None or previous is None:
        return None, None
    change = value - previous
    # Relative to the size of the previous value, so the sign always follows the change.
    return change, (change / abs(previous) if previous != 0 else None)


def kpis(con, filters: Filters) -> pd.DataFrame:
    """One row per KPI (gross_revenue, net_revenue, returns, sales, customers, new_customers,
    aov, repeat_rate): metric, value, previous_value, change, change_pct.

    previous_value is the same KPI over ``filters.previous_period()`` (null without both
    dates); change = value - previous_value; change_pct = change / |previous_value| as a
    fraction (0.25 = +25 %), null when the previous value is 0 or null. Empty frame when
    neither period has any order.
    """
    params = Params()
    rows = con.execute(kpis_sql(filters, params), params).df().set_index("period")
    if rows["orders"].sum() == 0:
        return pd.DataFrame({c: pd.Series(dtype="object" if c == "metric" else "float64")
                             for c in KPI_COLUMNS})
    out = []
    for metric in KPI_IDS:
        value = _number(rows.loc["current", metric])
        before = _number(rows.loc["previous", metric]) if "previous" in rows.index else None
        change, change_pct = _change(value, before)
        out.append({"metric": metric, "value": value, "previous_value": before,
                    "change": change, "change_pct": change_pct})
    frame = pd.DataFrame(out, columns=KPI_COLUMNS)
    for column in KPI_COLUMNS[1:]:
        frame[column] = frame[column].astype("float64")
    return frame


def _number(value) -> float | None:
    return None if pd.isna(value) else float(value)
