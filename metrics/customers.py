"""Customer profile distributions and one customer's 360-degree view.

Definitions: docs/metrics/customers.md. The customer base is the customers table (latest load
per customer) as it stood at the period's end: customers signed up by then, or undated.
"""

from __future__ import annotations

import pandas as pd

from metrics.base import customers_current_sql, orders_sql, sales_lines_sql
from metrics.clv_views import customer_value
from metrics.deals_base import deals_sql, stage_rules
from metrics.filters import Filters, Params, and_all, where_clauses
from metrics.rfm_drill import customer_rfm
from metrics.service import activities_sql, tickets_sql
from metrics.sqlparts import NOT_SET, frame, period_clauses, segment_clauses

CUSTOMER_DIMS = {"region": "region", "channel": "channel", "owner": "owner",
                 "campaign": "campaign_id"}
PROFILE_GROUPS = {
    "region": "region",
    "city": "city",
    "industry": "industry",
    "channel": "channel",
    "owner": "owner",
    "signup_month": "strftime(signup_date, '%Y-%m')",
}
PROFILE_COLUMNS = ["customers", "share", "buyers", "revenue"]

SUMMARY_COLUMNS = ["customer_id", "customer_name", "email", "phone", "region", "city",
                   "industry", "channel", "owner", "signup_date", "campaign_id",
                   "first_sale_date", "last_sale_date", "sales", "gross_revenue", "returns",
                   "net_revenue", "aov", "open_deals", "won_deals", "won_value", "activities",
                   "last_activity_at", "tickets", "open_tickets"]
ORDER_COLUMNS = ["order_key", "order_date", "order_total", "lines", "quantity", "products"]
DEAL_COLUMNS = ["deal_id", "deal_name", "stage", "status", "deal_amount", "probability",
                "owner", "created_date", "close_date"]
ACTIVITY_COLUMNS = ["occurred_at", "activity_type", "owner", "subject", "deal_id",
                    "duration_minutes"]
TICKET_COLUMNS = ["ticket_id", "opened_at", "ticket_type", "priority", "status", "owner",
                  "resolved_at", "resolution_hours", "satisfaction_score"]


def customer_base_sql(filters: Filters, params: Params) -> str:
    """SELECT of the customer base: current customers passing the non-date filters and
    owner_scope, signed up on or before the period's end (or undated). Columns of customers."""
    where = where_clauses(filters, params, dims=CUSTOMER_DIMS, owner_expr="owner")
    where += segment_clauses(filters, params, "customer_id")
    signed_up = and_all(period_clauses("signup_date", filters, params, start=False))
    where.append(f"(signup_date is null or ({signed_up}))")
    return f"select * from ({customers_current_sql()}) c where {and_all(where)}"


def profile(con, filters: Filters, *, by: str = "region") -> pd.DataFrame:
    """One row per value of ``by`` (region, city, industry, channel, owner, signup_month):
    [by], customers, share (of the base), buyers (customers with a sale in the period),
    revenue (their gross sales in the period). Largest first; signup months in date order."""
    if by not in PROFILE_GROUPS:
        raise ValueError(f"by must be one of {', '.join(PROFILE_GROUPS)}, not {by!r}")
    params = Params()
    base = customer_base_sql(filters, params)
    orders = orders_sql(filters, params)
    group = f"coalesce({PROFILE_GROUPS[by]}, '{NOT_SET}')"
    order = "group_value" if by == "signup_month" else "customers desc, group_value"
    sql = f"""
    with base as ({base}),
    customer_sales as (
      select customer_id, sum(order_total) as revenue
      from ({orders}) o
      where is_sale and customer_id is not null
      group by customer_id
    ),
    grouped as (
      select
        {group} as group_value,
        count(*) as customers,
        count(s.customer_id) as buyers,
        cast(coalesce(sum(s.revenue), 0) as double) as revenue
      from base b
      left join customer_sales s on s.customer_id = b.customer_id
      group by {group}
    ),
    final as (
      select group_value, customers,
             cast(customers as double) / sum(customers) over () as share,
             buyers, revenue
      from grouped
    )
    select * from final order by {order}
    """
    df = con.execute(sql, params).df().rename(columns={"group_value": by})
    return df[[by] + PROFILE_COLUMNS].reset_index(drop=True)


def _one(sql: str, customer_id, params: Params) -> str:
    """``sql`` restricted to one customer (bound)."""
    return f"select * from ({sql}) rows_of_customer where customer_id = {params.add(customer_id)}"


def customer_360(con, customer_id, filters: Filters) -> dict[str, pd.DataFrame]:
    """Everything about one customer, over all dates: a dict of small frames.

    summary (one row, SUMMARY_COLUMNS), orders (one row per order, newest first),
    deals, activities, tickets (newest first), segment (metrics.rfm_drill.customer_rfm: one
    row of R/F/M and segment, none without a sale), clv (metrics.clv_views.customer_value: one
    row of historical value, none without a sale). Only owner_scope applies: a rep sees the
    customer's rows they own, and the customer's details when the customer is theirs or they
    hold any of its rows.
    """

    scope = Filters(owner_scope=filters.owner_scope)

    params = Params()
    lines = _one(sales_lines_sql(scope, params), customer_id, params)
    orders = frame(con, f"""
    with lines as ({lines}),
    final as (
      select
        order_key,
        min(order_date) as order_date,
        cast(sum(line_amount) as double) as order_total,
        count(*) as lines,
        sum(quantity) as quantity,
        string_agg(distinct product, ', ' order by product) as products
      from lines
      group by order_key
      having sum(line_amount) <> 0
    )
    select * from final order by order_date desc, order_key
    """, params, ORDER_COLUMNS)

    params = Params()
    deals = frame(con, f"""
    with final as ({_one(deals_sql(scope, params, stage_rules(con)), customer_id, params)})
    select *, cast(deal_amount as double) as amount_double from final
    order by created_date desc nulls last, deal_id
    """, params, DEAL_COLUMNS + ["amount_double"])
    deals = deals.assign(deal_amount=deals.pop("amount_double"))

    params = Params()
    activities = frame(con, f"""
    with final as ({_one(activities_sql(scope, params), customer_id, params)})
    select * from final order by occurred_at desc, activity_id
    """, params, ACTIVITY_COLUMNS)

    params = Params()
    tickets = frame(con, f"""
    with final as ({_one(tickets_sql(scope, params), customer_id, params)})
    select * from final order by opened_at desc, ticket_id
    """, params, TICKET_COLUMNS)

    params = Params()
    owned = where_clauses(scope, params, owner_expr="owner")
    details = con.execute(f"""
    with final as ({_one(customers_current_sql(), customer_id, params)})
    select *, {and_all(owned)} as is_visible from final
    """, params).df()
    holds_rows = any(len(f) for f in (orders, deals, activities, tickets))
    visible = details[details["is_visible"]] if not holds_rows else details
    summary = _summary(customer_id, visible, orders, deals, activities, tickets)
    return {
        "summary": summary,
        "orders": orders,
        "deals": deals,
        "activities": activities,
        "tickets": tickets,
        # RFM scored among every customer the viewer may see; historical value to date.
        "segment": customer_rfm(con, customer_id, scope),
        "clv": customer_value(con, customer_id, scope),
    }


def _summary(customer_id, details, orders, deals, activities, tickets) -> pd.DataFrame:
    """One row of lifetime figures; empty when the viewer may see nothing of the customer."""
    if details.empty and not any(len(f) for f in (orders, deals, activities, tickets)):
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SUMMARY_COLUMNS})
    row = {c: None for c in SUMMARY_COLUMNS}
    if not details.empty:
        row.update({c: details.iloc[0][c] for c in details.columns if c in row})
    row["customer_id"] = customer_id
    sales = orders[orders["order_total"] > 0]
    gross = float(sales["order_total"].sum())
    returns = float(orders.loc[orders["order_total"] < 0, "order_total"].sum())
    row.update(
        first_sale_date=sales["order_date"].min() if len(sales) else None,
        last_sale_date=sales["order_date"].max() if len(sales) else None,
        sales=len(sales), gross_revenue=gross, returns=returns, net_revenue=gross + returns,
        aov=gross / len(sales) if len(sales) else None,
        open_deals=int((deals["status"] == "open").sum()),
        won_deals=int((deals["status"] == "won").sum()),
        won_value=float(deals.loc[deals["status"] == "won", "deal_amount"].sum()),
        activities=len(activities),
        last_activity_at=activities["occurred_at"].max() if len(activities) else None,
        tickets=len(tickets),
        open_tickets=int(tickets["resolved_at"].isna().sum()),
    )
    return pd.DataFrame([row], columns=SUMMARY_COLUMNS)
