"""``order_facts``: the order lines pre-grouped once, so sales metrics do not regroup 2.5M lines.

One row per (order, order day, customer, region, channel, owner, campaign): the grain at which
every filter but product is exact, since each filter reads only those columns and so keeps or
drops a row's lines together. Sums and minimums add up across rows, so an order is the sum
(or minimum) of its kept rows: ``metrics.base.fact_orders_sql``.

Columns: order_number (1, 2, ... in order_key order: ties broken on it follow order_key),
order_key, order_date, ordered_at (first), customer_number (1, 2, ... in customer_id order;
null without a customer), customer_id, region, channel, owner, campaign_id
(each with the customer's fallback, as ``metrics.base.sales_lines_sql`` resolves them),
own_campaign_id (first campaign of the lines themselves, without the fallback), line_amount
and cost_amount (sums), fact_rows (rows of the same order).

Always correct, fast when built: ``order_facts`` is a VIEW of that definition by default;
``refresh`` replaces it with a TABLE of the same rows. Every change of stored data resets it to
the view in the same transaction (``ingest.catalog.bump_version`` calls ``reset``), so a table
that no longer matches the data can never be read. Opening a database (``ingest.catalog.init_db``
calls ``ensure``) keeps a table built by the same definition and replaces anything else.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress

import duckdb

from metrics.base import resolved_lines_sql

ORDER_FACTS = "order_facts"
# The refresh builds here first, so the view is replaced only at the very end of its transaction.
_NEXT = "order_facts_next"


def order_facts_sql() -> str:
    """The definition: SELECT of one row per (order, day, customer and filter dimensions)."""
    return f"""
    with lines as ({resolved_lines_sql()}),
    facts as (
      select
        order_key, order_date, customer_id, region, channel, owner, campaign_id,
        min(ordered_at) as ordered_at,
        min(line_campaign_id) as own_campaign_id,
        sum(line_amount) as line_amount,
        sum(cost_amount) as cost_amount
      from lines
      group by order_key, order_date, customer_id, region, channel, owner, campaign_id
    ),
    orders as (
      -- numbered in order_key order, so an order by order_number is an order by order_key
      select order_key, row_number() over (order by order_key) as order_number, fact_rows
      from (select order_key, count(*) as fact_rows from facts group by order_key) keys
    ),
    customers as (
      -- numbered in customer_id order; per-customer work groups on these integers
      select customer_id, row_number() over (order by customer_id) as customer_number
      from (select distinct customer_id from facts where customer_id is not null) ids
    ),
    final as (
      select
        o.order_number, f.order_key, f.order_date, f.ordered_at, c.customer_number,
        f.customer_id, f.region, f.channel, f.owner, f.campaign_id, f.own_campaign_id,
        f.line_amount, f.cost_amount, o.fact_rows
      from facts f
      join orders o on o.order_key = f.order_key
      left join customers c on c.customer_id = f.customer_id
    )
    select * from final
    """


def _fingerprint(definition: str) -> str:
    """Names the definition a view or table was made from (kept as its comment), so that one
    made by another version of this code is replaced, not read."""
    return "order_facts " + hashlib.sha256(definition.encode()).hexdigest()[:16]


def _state(con) -> tuple[str | None, str | None]:
    """(kind, comment) of order_facts in the connection's schema: kind 'table' or 'view', or
    (None, None) when it is missing."""
    rows = con.execute(
        "with objects as ("
        "  select 'table' as kind, table_name as name, comment, schema_name, database_name"
        "  from duckdb_tables()"
        "  union all"
        "  select 'view', view_name, comment, schema_name, database_name from duckdb_views()"
        "), final as ("
        "  select kind, comment from objects where name = $name"
        "  and schema_name = current_schema() and database_name = current_database()"
        ") select * from final", {"name": ORDER_FACTS}).fetchall()
    return (rows[0][0], rows[0][1]) if rows else (None, None)


def kind(con) -> str | None:
    """'table' or 'view': what order_facts is now in the connection's schema; None when missing."""
    return _state(con)[0]


def reset(con) -> None:
    """Make order_facts the view (dropping a built table), in the caller's transaction if any.

    Every change of stored data calls this in its own transaction, which also makes a refresh
    running at the same time lose on a write-write conflict instead of committing old rows.
    """
    definition = order_facts_sql()
    if kind(con) == "table":
        con.execute(f"drop table {ORDER_FACTS}")
    con.execute(f"create or replace view {ORDER_FACTS} as {definition}")
    # Our own hex digest: nothing from the data enters this statement.
    con.execute(f"comment on view {ORDER_FACTS} is '{_fingerprint(definition)}'")


def ensure(con) -> None:
    """On opening a database: the view when order_facts is missing or was made by other code.
    A table built by this code stays: every change of data since would have reset it."""
    if _state(con)[1] != _fingerprint(order_facts_sql()):
        reset(con)


def refresh(con) -> bool:
    """Replace the order_facts view by a table of the same rows, in one transaction.

    True when this call built the table; False when it already was one, or when the build lost
    a conflict with a concurrent change or refresh (harmless: the view stays, still correct).
    """
    if kind(con) != "view":
        return False
    try:
        con.begin()
    except duckdb.Error:  # already in a transaction: leave it to its owner
        return False
    try:
        # Checked again inside the transaction: another refresh may have committed meanwhile.
        if kind(con) != "view":
            con.rollback()
            return False
        definition = order_facts_sql()
        con.execute(f"create table {_NEXT} as select * from ({definition}) f "
                    "order by order_date, order_number")
        con.execute(f"comment on table {_NEXT} is '{_fingerprint(definition)}'")
        con.execute(f"drop view {ORDER_FACTS}")
        con.execute(f"alter table {_NEXT} rename to {ORDER_FACTS}")
        con.commit()
    except duckdb.Error:  # a conflict with a change or another refresh, or a read-only file
        with suppress(duckdb.Error):  # the transaction may already be gone
            con.rollback()
        return False
    return True
