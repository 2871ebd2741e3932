"""The orders behind one bar of a sales breakdown, a page at a time.

Definitions: docs/metrics/sales.md (breakdown). Values are matched exactly as the breakdown
groups them: the same column of ``sales_lines_sql``, a missing value being '(not set)'.
"""

from __future__ import annotations

import pandas as pd

from metrics.base import ORDER_KEY_SQL, customers_current_sql, sales_lines_sql
from metrics.filters import Filters, Params
from metrics.sales import BREAKDOWN_DIMENSIONS, NOT_SET

ORDER_COLUMNS = ["order_key", "ordered_at", "customer_id", "customer_name", "lines", "amount",
                 "order_total", "total_rows"]
MAX_PAGE = 500


def _matching_sql(filters: Filters, params: Params, dimension: str, value: str) -> str:
    """One row per order with a line of ``value``: order_key, ordered_at, customer_id, lines,
    amount (its lines of that value), order_total (all its lines passing the filters)."""
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(BREAKDOWN_DIMENSIONS)}")
    column = BREAKDOWN_DIMENSIONS[dimension]
    lines = sales_lines_sql(filters, params)
    not_set, wanted = params.add(NOT_SET), params.add(str(value))
    return f"""
    with lines as ({lines}),
    per_order as (
      select
        order_key,
        min(ordered_at) as ordered_at,
        min(customer_id) as customer_id,
        count(case when coalesce(cast("{column}" as varchar), {not_set}) = {wanted} then 1 end) as lines,
        sum(case when coalesce(cast("{column}" as varchar), {not_set}) = {wanted}
                 then line_amount else 0 end) as amount,
        sum(line_amount) as order_total
      from lines
      group by order_key
    ),
    final as (select * from per_order where lines > 0)
    select * from final
    """


def orders_behind(con, filters: Filters, dimension: str, value: str, limit: int = 25,
                  offset: int = 0) -> pd.DataFrame:
    """One row per order with at least one line whose ``dimension`` (as in ``breakdown``) is
    ``value``, newest first (ties: order key), ``limit`` rows from ``offset``: order_key,
    ordered_at (the order's first line), customer_id, customer_name (the customer record's,
    else the order lines'), lines (its lines of that value), amount (their sum), order_total
    (all its lines that pass the filters), total_rows (orders in all pages). Zero-total orders
    are listed too."""
    limit, offset = int(limit), int(offset)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset at least 0")
    params = Params()
    matching = _matching_sql(filters, params, dimension, value)
    lim, off = params.add(limit), params.add(offset)
    sql = f"""
    with matching as ({matching}),
    page as (
      select *, count(*) over () as total_rows
      from matching
      order by ordered_at desc, order_key
      limit {lim} offset {off}
    ),
    line_names as (
      -- names typed on the order lines, for exports without a customer file
      select order_key, min(customer_name) as line_customer_name
      from (
        select {ORDER_KEY_SQL} as order_key, l.customer_name
        from order_lines l
      ) l
      where order_key in (select order_key from page)
      group by order_key
    ),
    final as (
      select p.order_key, p.ordered_at, p.customer_id,
             coalesce(c.customer_name, n.line_customer_name) as customer_name,
             p.lines, cast(p.amount as double) as amount,
             cast(p.order_total as double) as order_total, p.total_rows
      from page p
      left join ({customers_current_sql()}) c on c.customer_id = p.customer_id
      left join line_names n on n.order_key = p.order_key
    )
    select * from final order by ordered_at desc, order_key
    """
    return con.execute(sql, params).df()[ORDER_COLUMNS]

