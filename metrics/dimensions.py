"""What the global filters can offer: the values of each dimension, and the span of the data."""

from __future__ import annotations

import pandas as pd

from metrics.base import customers_current_sql
from metrics.filters import Filters, Params, and_all, where_clauses

# Each dimension's values come from every table that carries it (our own column names).
_SOURCES = {
    "region": [("order_lines", "region", "owner"), ("customers", "region", "owner"),
               ("deals", "region", "owner")],
    "channel": [("order_lines", "channel", "owner"), ("customers", "channel", "owner")],
    "product": [("order_lines", "coalesce(product_name, product_id)", "owner"),
                ("deals", "product_name", "owner")],
    "owner": [("order_lines", "owner", "owner"), ("customers", "owner", "owner"),
              ("deals", "owner", "owner")],
    "campaign": [("order_lines", "campaign_id", "owner"), ("campaigns", "campaign_id", None),
                 ("deals", "campaign_id", "owner"), ("customers", "campaign_id", "owner")],
}

# Order lines and deals take their customer's owner when they have none (metrics.base,
# metrics.deals_base); for a restricted user the choices follow the same rule.
_OWNED_VIA_CUSTOMER = {
    table: f"""(select t.*, coalesce(t.owner, c.owner) as scope_owner
      from {table} t left join ({customers_current_sql()}) c on c.customer_id = t.customer_id
    ) {table}"""
    for table in ("order_lines", "deals")
}


def dimension_values(con, filters: Filters, dimension: str) -> pd.DataFrame:
    """One row per value of ``dimension`` found in the data the user may see: value, rows;
    most frequent first, ties by value. Only ``owner_scope`` applies (the choice lists must
    not narrow each other)."""
    params = Params()
    scope = Filters(owner_scope=filters.owner_scope)
    parts = []
    for table, expr, owner in _SOURCES[dimension]:
        if owner is None and scope.owner_scope is not None:
            continue  # a table without owners offers nothing to a restricted user
        source = table
        if scope.owner_scope is not None and table in _OWNED_VIA_CUSTOMER:
            # Scope as the metrics do: a row without an owner is its customer's owner's.
            source, owner = _OWNED_VIA_CUSTOMER[table], "scope_owner"
        where = where_clauses(scope, params, owner_expr=owner) if owner else []
        parts.append(f"select cast({expr} as varchar) as value from {source} where {and_all(where)}")
    if not parts:
        return pd.DataFrame({"value": pd.Series(dtype="object"), "rows": pd.Series(dtype="int64")})
    sql = f"""
    with all_values as ({" union all ".join(parts)}),
    final as (
      select value, count(*) as rows
      from all_values
      where value is not null and trim(value) <> ''
      group by value
    )
    select * from final order by rows desc, value
    """
    return con.execute(sql, params).df()


def date_bounds(con, filters: Filters) -> tuple:
    """(first, last) calendar day with an order or a deal the user may see; (None, None) when empty."""
    params = Params()
    scope = Filters(owner_scope=filters.owner_scope)
    lines = and_all(where_clauses(scope, params, owner_expr="coalesce(l.owner, c.owner)"))
    deals = and_all(where_clauses(scope, params, owner_expr="owner"))
    sql = f"""
    with days as (
      select cast(l.ordered_at as date) as day
      from order_lines l left join ({customers_current_sql()}) c on c.customer_id = l.customer_id
      where {lines}
      union all
      select created_date as day from deals where {deals}
    ),
    final as (select min(day) as first_day, max(day) as last_day from days)
    select * from final
    """
    first, last = con.execute(sql, params).fetchall()[0]
    return first, last
