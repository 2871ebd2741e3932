"""Shared building blocks: the filtered sales lines and orders every sales metric starts from.

Definitions (docs/metrics.md): an order is a distinct order id (each row when there is none);
its total is the sum of its line amounts; a *sale* is an order with total > 0, a *return*
one with total < 0; zero-total orders are ignored.

Orders are read from ``order_facts`` (``metrics.marts``: the lines pre-grouped per order, day
and filter dimensions) unless a product filter needs the lines themselves.
"""

from __future__ import annotations

import re

import settings
from ingest.schema import TABLES
from ingest.sqltext import lit
from metrics.filters import Filters, Params, and_all, where_clauses

_CUSTOMER_COLUMNS = TABLES["customers"].column_names

# Which SQL expression of sales_lines carries each filter dimension.
SALES_DIMS = {
    "region": "region",
    "channel": "channel",
    "product": "product",
    "owner": "owner",
    "campaign": "campaign_id",
}
# The same for order_facts: every dimension but product (a product filter reads the lines).
ORDER_FACT_DIMS = {d: e for d, e in SALES_DIMS.items() if d != "product"}

# An order's key: its id, or its own row when the export has none.
ORDER_KEY_SQL = ("coalesce(l.order_id, 'row-' || cast(l.dataset_id as varchar) || '-' "
                 "|| cast(l.source_row as varchar))")


def excluded_statuses() -> tuple[str, ...]:
    """The order statuses (lower case) whose lines count nowhere: setting excluded_order_statuses."""
    raw = str(settings.get("excluded_order_statuses") or "")
    return tuple(sorted({s.strip().lower() for s in re.split(r"[,，]", raw) if s.strip()}))


def usable_line_sql(alias: str = "l") -> str:
    """Condition on an order line: its amount and time are known and its status does not say
    the order never took place (``excluded_statuses``)."""
    condition = f"{alias}.line_amount is not null and {alias}.ordered_at is not null"
    statuses = excluded_statuses()
    if not statuses:
        return condition
    # Literals, not parameters: order_facts is a view, and views take none. The list is the
    # operator's setting, quoted by lit(); nothing uploaded reaches this statement.
    listed = ", ".join(lit(s) for s in statuses)
    return f"{condition} and ({alias}.status is null or lower({alias}.status) not in ({listed}))"


def customers_current_sql() -> str:
    """One row per customer_id: the row of the latest load wins (ties: the later source row)."""
    cols = ", ".join(f'"{c}"' for c in _CUSTOMER_COLUMNS)
    return f"""
    select {cols} from (
      select {cols},
             row_number() over (
               partition by customer_id order by dataset_id desc, source_row desc
             ) as rank_in_customer
      from customers
      where customer_id is not null
    ) ranked
    where rank_in_customer = 1
    """


def resolved_lines_sql() -> str:
    """SELECT of every usable order line (amount and time known), unfiltered, one row per stored
    line, with customer attributes filled in: the columns of sales_lines_sql(). Region, channel,
    owner and campaign fall back to the customer's when the line has none."""
    return f"""
    select
      l.dataset_id,
      l.source_row,
      {ORDER_KEY_SQL} as order_key,
      l.ordered_at,
      cast(l.ordered_at as date) as order_date,
      l.customer_id,
      coalesce(l.product_name, l.product_id) as product,
      l.category,
      l.quantity,
      l.line_amount,
      l.cost_amount,
      coalesce(l.channel, c.channel) as channel,
      coalesce(l.region, c.region) as region,
      coalesce(l.owner, c.owner) as owner,
      coalesce(l.campaign_id, c.campaign_id) as campaign_id,
      l.campaign_id as line_campaign_id,
      c.industry,
      c.channel as customer_channel,
      c.signup_date
    from order_lines l
    left join ({customers_current_sql()}) c on c.customer_id = l.customer_id
    where {usable_line_sql()}
    """


def _segment_customers_sql(filters: Filters, params: Params) -> str | None:
    """SELECT customer_id of the customers in the selected RFM segments (segments of the data
    filtered by everything else); None without a segment filter."""
    if not filters.segments:
        return None
    from metrics.rfm import segment_members_sql as members_sql

    members = members_sql(filters.without("segment"), params)
    return (f"select customer_id from ({members}) seg "
            f"where segment in {params.add_list(filters.segments)}")


def sales_lines_sql(filters: Filters, params: Params) -> str:
    """SELECT of filtered order lines, one row per stored line, with customer attributes filled in.

    Columns: dataset_id, source_row, order_key, ordered_at, order_date, customer_id,
    product, category, quantity, line_amount, cost_amount, channel, region, owner,
    campaign_id, line_campaign_id (the line's own, without the customer's fallback), industry,
    customer_channel, signup_date.
    Region, channel and owner fall back to the customer's when the line has none.
    """
    where = where_clauses(filters, params, date_expr="order_date", dims=SALES_DIMS,
                          owner_expr="owner")
    members = _segment_customers_sql(filters, params)
    if members is not None:
        where.append(f"customer_id in ({members})")
    return f"""
    select * from ({resolved_lines_sql()}) sales_lines
    where {and_all(where)}
    """


# Filters that read a customer attribute (a line's region, channel, owner and campaign fall back
# to the customer's) or need customers at all; without them orders skip the customers join.
_CUSTOMER_FILTERS = ("regions", "channels", "owners", "campaigns", "segments")


def _needs_customers(filters: Filters) -> bool:
    return filters.owner_scope is not None or any(getattr(filters, f) for f in _CUSTOMER_FILTERS)


def _plain_lines_sql(filters: Filters, params: Params) -> str:
    """sales_lines_sql's rows and line columns without the customers join, for filters that
    need no customer attribute (the left join on one row per customer adds no row either)."""
    where = where_clauses(filters, params, date_expr="order_date", dims={"product": "product"})
    return f"""
    select * from (
      select
        {ORDER_KEY_SQL} as order_key,
        cast(l.ordered_at as date) as order_date,
        l.ordered_at,
        l.customer_id,
        coalesce(l.product_name, l.product_id) as product,
        l.line_amount,
        l.cost_amount,
        l.campaign_id as line_campaign_id
      from order_lines l
      where {usable_line_sql()}
    ) sales_lines
    where {and_all(where)}
    """


def line_orders_sql(filters: Filters, params: Params) -> str:
    """orders_sql() built from the order lines themselves (the path of product filters, and the
    reference the order_facts path is tested against)."""
    if _needs_customers(filters):
        lines = sales_lines_sql(filters, params)
    else:
        lines = _plain_lines_sql(filters, params)
    return f"""
    with grouped as (
      select
        order_key,
        min(customer_id) as customer_id,
        min(order_date) as order_date,
        min(ordered_at) as ordered_at,
        sum(line_amount) as order_total,
        sum(cost_amount) as cost_total,
        min(line_campaign_id) as own_campaign_id
      from ({lines}) l
      group by order_key
    ),
    final as (
      select
        order_key, customer_id, order_date, ordered_at, order_total, cost_total,
        own_campaign_id, order_total > 0 as is_sale, order_total < 0 as is_return,
        row_number() over (order by order_key) as order_number,
        case when customer_id is not null
             then dense_rank() over (order by customer_id) end as customer_number
      from grouped
      where order_total <> 0
    )
    select * from final
    """


def fact_orders_sql(filters: Filters, params: Params) -> str:
    """orders_sql() over order_facts, for filters without products. A filter keeps or drops
    whole order_facts rows, so summing the kept rows per order is summing the kept lines."""
    where = where_clauses(filters, params, date_expr="order_date", dims=ORDER_FACT_DIMS,
                          owner_expr="owner")
    members = _segment_customers_sql(filters, params)
    if members is not None:
        # Computed once for both branches below.
        where.append("customer_id in (select customer_id from members)")
    where = and_all(where)
    members_cte = f"members as materialized ({members})," if members is not None else ""
    return f"""
    with {members_cte}
    kept as (
      -- most orders are one order_facts row: only the others need grouping
      select order_key, customer_id, order_date, ordered_at, line_amount as order_total,
             cost_amount as cost_total, own_campaign_id, order_number, customer_number
      from order_facts
      where fact_rows = 1 and {where}
      union all
      select min(order_key), min(customer_id), min(order_date), min(ordered_at),
             sum(line_amount), sum(cost_amount), min(own_campaign_id), order_number,
             min(customer_number)
      from order_facts
      where fact_rows > 1 and {where}
      group by order_number
    ),
    final as (
      select
        order_key, customer_id, order_date, ordered_at, order_total, cost_total,
        own_campaign_id, order_total > 0 as is_sale, order_total < 0 as is_return,
        order_number, customer_number
      from kept
      where order_total <> 0
    )
    select * from final
    """


def orders_sql(filters: Filters, params: Params) -> str:
    """SELECT of orders, one row per order: order_key, customer_id, order_date, ordered_at,
    order_total, cost_total, own_campaign_id, is_sale, is_return, order_number, customer_number.
    Zero-total orders are dropped.

    An order's date is its first line's; its customer the (first non-empty) customer of its
    lines; own_campaign_id the first campaign its lines carry themselves (no customer fallback).
    order_number and customer_number are integers in order_key and customer_id order (null
    without a customer): group and break ties on them, they are cheaper than the text keys.
    Their values are not stable across filters or paths; only their order is.
    """
    if filters.products:
        return line_orders_sql(filters, params)
    return fact_orders_sql(filters, params)
