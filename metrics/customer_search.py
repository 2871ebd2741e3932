"""Finding a customer for the 360-degree view, the view itself in metric-call order, and
whether orders or customers are stored at all (for the pages' empty states)."""

from __future__ import annotations

import pandas as pd

from metrics.base import customers_current_sql
from metrics.customers import customer_360
from metrics.filters import Filters, Params, and_all, where_clauses

SEARCH_COLUMNS = ["customer_id", "customer_name", "total_rows"]
MAX_MATCHES = 100


def orders_loaded(con, filters: Filters | None = None) -> bool:
    """Whether the store holds any order line at all, whatever the filters."""
    return bool(con.execute("select exists (select 1 from order_lines)").fetchall()[0][0])


def customers_loaded(con, filters: Filters | None = None) -> bool:
    """Whether the store holds any customer row or order line at all, whatever the filters."""
    sql = """
    with final as (
      select exists (select 1 from customers) or exists (select 1 from order_lines) as loaded
    )
    select * from final
    """
    return bool(con.execute(sql).fetchall()[0][0])


def find_customers(con, filters: Filters, text: str, limit: int = 20) -> pd.DataFrame:
    """Up to ``limit`` customers the user may see whose id or name contains ``text`` (ignoring
    case): customer_id, customer_name, total_rows (all matches). The exact id first, then by
    name and id. Customers come from the customers table (latest load; the customer's owner)
    and from order lines (their name there; the line's owner). Only owner_scope applies.
    Empty for empty text."""
    limit = int(limit)
    if not 1 <= limit <= MAX_MATCHES:
        raise ValueError(f"limit must be 1 to {MAX_MATCHES}")
    text = (text or "").strip()
    if not text:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SEARCH_COLUMNS})
    params = Params()
    scope = Filters(owner_scope=filters.owner_scope)
    table_scope = and_all(where_clauses(scope, params, owner_expr="owner"))
    line_scope = and_all(where_clauses(scope, params, owner_expr="coalesce(l.owner, c.owner)"))
    needle, exact = params.add(text.lower()), params.add(text)
    sql = f"""
    with current_customers as ({customers_current_sql()}),
    known as (
      select customer_id, customer_name from current_customers where {table_scope}
    ),
    bought as (
      -- exports without a customers table still name the buyer on each line
      select l.customer_id, max(l.customer_name) as customer_name
      from order_lines l
      left join current_customers c on c.customer_id = l.customer_id
      where l.customer_id is not null and {line_scope}
      group by l.customer_id
    ),
    candidates as (
      select coalesce(k.customer_id, b.customer_id) as customer_id,
             coalesce(k.customer_name, b.customer_name) as customer_name
      from known k
      full outer join bought b on b.customer_id = k.customer_id
    ),
    matches as (
      select *, count(*) over () as total_rows
      from candidates
      where strpos(lower(customer_id), {needle}) > 0
         or strpos(lower(coalesce(customer_name, '')), {needle}) > 0
    ),
    final as (
      select customer_id, customer_name, total_rows,
             case when customer_id = {exact} then 0 else 1 end as exact_first
      from matches
    )
    select * from final
    order by exact_first, customer_name nulls last, customer_id
    limit {params.add(limit)}
    """
    return con.execute(sql, params).df()[SEARCH_COLUMNS]


def customer_view(con, filters: Filters, customer_id) -> dict[str, pd.DataFrame]:
    """metrics.customers.customer_360 with the filters first, as ui.cache.metric calls it."""
    return customer_360(con, customer_id, filters)
