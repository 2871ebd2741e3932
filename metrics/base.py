"""Shared building blocks: the filtered sales lines and orders every sales metric starts from.

Definitions (docs/metrics.md): an order is a distinct order id (each row when there is none);
its total is the sum of its line amounts; a *sale* is an order with total > 0, a *return*
one with total < 0; zero-total orders are ignored.
"""

from __future__ import annotations

from ingest.schema import TABLES
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
    if filters.segments:
        # Segments are RFM segments of the data filtered by everything else.
        from metrics.rfm import segment_members_sql

        members = segment_members_sql(filters.without("segment"), params)
        where.append(f"customer_id in (select customer_id from ({members}) seg "
                     f"where segment in {params.add_list(filters.segments)})")
    return f"""
    select * from (
      select
        l.dataset_id,
        l.source_row,
        coalesce(l.order_id, 'row-' || cast(l.dataset_id as varchar) || '-'
                 || cast(l.source_row as varchar)) as order_key,
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
      where l.line_amount is not null and l.ordered_at is not null
    ) sales_lines
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
        coalesce(l.order_id, 'row-' || cast(l.dataset_id as varchar) || '-'
                 || cast(l.source_row as varchar)) as order_key,
        cast(l.ordered_at as date) as order_date,
        l.ordered_at,
        l.customer_id,
        coalesce(l.product_name, l.product_id) as product,
        l.line_amount,
        l.cost_amount
      from order_lines l
      where l.line_amount is not null and l.ordered_at is not null
    ) sales_lines
    where {and_all(where)}
    """


def orders_sql(filters: Filters, params: Params) -> str:
    """SELECT of orders, one row per order: order_key, customer_id, order_date, ordered_at,
    order_total, cost_total, is_sale, is_return. Zero-total orders are dropped.

    An order's date is its first line's; its customer the (first non-empty) customer of its lines.
    """
    if _needs_customers(filters):
        lines = sales_lines_sql(filters, params)
    else:
        lines = _plain_lines_sql(filters, params)
    return f"""
    select * from (
      select
        order_key,
        min(customer_id) as customer_id,
        min(order_date) as order_date,
        min(ordered_at) as ordered_at,
        sum(line_amount) as order_total,
        sum(cost_amount) as cost_total,
        sum(line_amount) > 0 as is_sale,
        sum(line_amount) < 0 as is_return
      from ({lines}) l
      group by order_key
    ) orders
    where order_total <> 0
    """
