"""SQL that generates a synthetic CRM, deterministically, from DuckDB ``range()``.

Pseudo-random numbers come from fixed integer arithmetic (not random() or hash()), so the
same N gives the same rows on every machine and DuckDB version. Every query returns the
canonical columns of its table (see ingest/schema.py) plus ``source_row``.
"""

from __future__ import annotations

# Distinct odd multipliers so that different draws of the same row are unrelated.
_MULTIPLIERS = (2654435761, 2246822519, 3266489917, 668265263, 374761393, 1181783497,
                3182976581, 1597334677, 2869860233, 1779033703, 3144134277, 1013904223)
_PRIME = 2147483647

FIRST_DAY = "2022-01-01"
DAYS = 1096  # 2022-01-01 .. 2024-12-31: three years
CATEGORIES = ["Electronics", "Home", "Beauty", "Sports", "Toys", "Grocery", "Books", "Fashion"]
CHANNELS = ["online", "store", "marketplace", "wholesale"]
REGIONS = ["North", "South", "East", "West", "Central", "Northeast", "Northwest", "Southeast",
           "Southwest", "Overseas", "Coastal", "Mountain"]
STAGES = ["Prospecting", "Qualification", "Proposal", "Negotiation", "Closed Won", "Closed Lost"]
PRODUCTS = 500
CAMPAIGNS = 40
REPS = 10


def r(expr: str, draw: int, modulo: int) -> str:
    """SQL for a pseudo-random integer in [0, modulo) from row expression ``expr``."""
    return f"(((({expr}) * {_MULTIPLIERS[draw]} + {draw * 7919}) % {_PRIME}) % {modulo})"


def pick(values: list[str], index_sql: str) -> str:
    """SQL choosing ``values[index]`` (0-based index expression); values are our constants."""
    literal = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"([{literal}][1 + ({index_sql})])"


def customer_count(rows: int) -> int:
    return max(20, rows // 25)


def order_lines_sql(rows: int) -> str:
    """One row per order line: ~2.5 lines per order, 2% returns (negative quantity)."""
    customers = customer_count(rows)
    return f"""
with lines as (
  select i, (i * 2) // 5 as order_no from range({rows}) t(i)
),
draws as (
  select
    i, order_no,
    {r('order_no', 0, customers)} as customer_no,
    {r('order_no', 1, DAYS)} as day_no,
    {r('order_no', 2, 86400)} as second_no,
    {r('i', 3, PRODUCTS)} as product_no,
    1 + {r('i', 4, 4)} as units,
    {r('i', 5, 50)} = 0 as is_return,
    {r('i', 6, 10)} = 0 as has_discount,
    {r('order_no', 7, len(CHANNELS))} as channel_no,
    {r('order_no', 8, 10)} < 4 as has_campaign,
    {r('order_no', 9, CAMPAIGNS)} as campaign_no
  from lines
),
priced as (
  select
    *,
    case when is_return then -units else units end as qty,
    (5 + (product_no * 37) % 200 + 0.99)::decimal(18,4) as price
  from draws
),
discounted as (
  select
    *,
    case when has_discount and not is_return then round(qty * price * 0.1, 2) else 0 end
      ::decimal(18,4) as discount
  from priced
),
final as (
  select
    i + 1 as source_row,
    'SO-' || lpad(order_no::varchar, 8, '0') as order_id,
    timestamp '{FIRST_DAY}' + to_days(day_no::integer) + to_seconds(second_no) as ordered_at,
    'C-' || lpad(customer_no::varchar, 6, '0') as customer_id,
    'Customer ' || customer_no as customer_name,
    'SKU-' || lpad(product_no::varchar, 4, '0') as product_id,
    'Product ' || product_no as product_name,
    {pick(CATEGORIES, f'product_no % {len(CATEGORIES)}')} as category,
    qty::double as quantity,
    price as unit_price,
    discount as discount_amount,
    (qty * price - discount)::decimal(18,4) as line_amount,
    round(qty * price * 0.55, 2)::decimal(18,4) as cost_amount,
    {pick(CHANNELS, 'channel_no')} as channel,
    case when has_campaign then 'CMP-' || lpad(campaign_no::varchar, 3, '0') end as campaign_id,
    {pick(REGIONS, f'customer_no % {len(REGIONS)}')} as region,
    'Rep ' || (customer_no % {REPS}) as owner,
    case when is_return then 'refunded' else 'paid' end as status,
    'USD' as currency
  from discounted
)
select * from final"""


def customers_sql(rows: int) -> str:
    """One row per customer; region and owner agree with the customer's order lines."""
    return f"""
with people as (
  select c from range({customer_count(rows)}) t(c)
),
final as (
  select
    c + 1 as source_row,
    'C-' || lpad(c::varchar, 6, '0') as customer_id,
    'Customer ' || c as customer_name,
    'customer' || c || '@example.com' as email,
    '+1-555-' || lpad((c % 10000)::varchar, 4, '0') as phone,
    {pick(REGIONS, f'c % {len(REGIONS)}')} as region,
    'City ' || (c % 97) as city,
    {pick(["Retail", "Software", "Health", "Finance", "Education"], r('c', 10, 5))} as industry,
    {pick(CHANNELS, r('c', 11, len(CHANNELS)))} as channel,
    'Rep ' || (c % {REPS}) as owner,
    date '2021-06-01' + {r('c', 1, 900)}::integer as signup_date,
    null::varchar as campaign_id
  from people
)
select * from final"""


def deals_sql(rows: int) -> str:
    """One row per deal (N/20, at least 10); stage index 1-6, 6 meaning Closed Lost."""
    deals = max(10, rows // 20)
    return f"""
with ids as (
  select d from range({deals}) t(d)
),
draws as (
  select
    d,
    1 + {r('d', 0, len(STAGES))} as stage_no,
    {r('d', 1, DAYS - 120)} as day_no,
    10 + {r('d', 2, 110)} as days_open,
    1000 + {r('d', 3, 99000)} as amount,
    {r('d', 4, customer_count(rows))} as customer_no
  from ids
),
final as (
  select
    d + 1 as source_row,
    'D-' || lpad(d::varchar, 7, '0') as deal_id,
    'Deal ' || d as deal_name,
    'C-' || lpad(customer_no::varchar, 6, '0') as customer_id,
    {pick(STAGES, 'stage_no - 1')} as stage,
    amount::decimal(18,4) as deal_amount,
    [0.1, 0.25, 0.5, 0.75, 1.0, 0.0][stage_no] as probability,
    'Rep ' || (d % {REPS}) as owner,
    {pick(["Web", "Referral", "Event", "Partner"], 'd % 4')} as source,
    'Product ' || (d % {PRODUCTS}) as product_name,
    'Default' as pipeline,
    'CMP-' || lpad((d % {CAMPAIGNS})::varchar, 3, '0') as campaign_id,
    {pick(REGIONS, f'customer_no % {len(REGIONS)}')} as region,
    date '{FIRST_DAY}' + day_no::integer as created_date,
    date '{FIRST_DAY}' + (day_no + days_open)::integer as close_date,
    stage_no >= 5 as is_closed,
    stage_no = 5 as is_won
  from draws
)
select * from final"""


def deal_stage_history_sql(rows: int) -> str:
    """One row per stage each deal entered, a week apart: open/won deals every stage up to the
    current one; lost deals 1-4 stages then Closed Lost."""
    return f"""
with deals as (
  select deal_id, created_date, list_position({STAGES!r}::varchar[], stage) as stage_no,
         1 + source_row % 4 as lost_depth
  from ({deals_sql(rows)})
),
steps as (
  select deal_id, created_date, j
  from deals, range(1, 7) s(j)
  where (stage_no <= 5 and j <= stage_no) or (stage_no = 6 and (j <= lost_depth or j = 6))
),
final as (
  select
    row_number() over (order by deal_id, j) as source_row,
    deal_id,
    {pick(STAGES, 'j - 1')} as stage,
    created_date + to_days((least(j, 5) - 1)::integer * 7) as entered_at
  from steps
)
select * from final"""


def campaigns_sql() -> str:
    """One row per campaign (40), each running 90 days."""
    return f"""
with ids as (
  select k from range({CAMPAIGNS}) t(k)
),
final as (
  select
    k + 1 as source_row,
    'CMP-' || lpad(k::varchar, 3, '0') as campaign_id,
    'Campaign ' || k as campaign_name,
    {pick(["email", "search", "social", "display"], 'k % 4')} as channel,
    date '{FIRST_DAY}' + (k * 25)::integer as start_date,
    date '{FIRST_DAY}' + (k * 25 + 89)::integer as end_date,
    (2000 + {r('k', 0, 18000)})::decimal(18,4) as cost_amount,
    100000 + {r('k', 1, 900000)} as count_impressions,
    2000 + {r('k', 2, 20000)} as count_clicks,
    100 + {r('k', 3, 2000)} as count_leads,
    20 + {r('k', 4, 400)} as count_conversions,
    (5000 + {r('k', 5, 60000)})::decimal(18,4) as revenue_amount
  from ids
)
select * from final"""


def campaign_performance_sql() -> str:
    """One row per campaign per day of its 90 days."""
    return f"""
with days as (
  select k, d from range({CAMPAIGNS}) t(k), range(90) s(d)
),
final as (
  select
    row_number() over (order by k, d) as source_row,
    'CMP-' || lpad(k::varchar, 3, '0') as campaign_id,
    date '{FIRST_DAY}' + (k * 25 + d)::integer as activity_date,
    {pick(["email", "search", "social", "display"], 'k % 4')} as channel,
    (20 + {r('k * 90 + d', 0, 200)})::decimal(18,4) as cost_amount,
    1000 + {r('k * 90 + d', 1, 9000)} as count_impressions,
    20 + {r('k * 90 + d', 2, 200)} as count_clicks,
    1 + {r('k * 90 + d', 3, 20)} as count_leads,
    {r('k * 90 + d', 4, 5)} as count_conversions,
    ({r('k * 90 + d', 5, 700)})::decimal(18,4) as revenue_amount
  from days
)
select * from final"""


def targets_sql() -> str:
    """One row per rep per month of the three years."""
    return f"""
with months as (
  select rep, m from range({REPS}) t(rep), range(36) s(m)
),
final as (
  select
    row_number() over (order by rep, m) as source_row,
    'Rep ' || rep as owner,
    (date '{FIRST_DAY}' + to_months(m::integer))::date as period_start,
    (date '{FIRST_DAY}' + to_months(m::integer + 1) - to_days(1))::date as period_end,
    (40000 + rep * 5000)::decimal(18,4) as target_amount
  from months
)
select * from final"""


def activities_sql(rows: int) -> str:
    """One row per activity (N/10, at least 10)."""
    count = max(10, rows // 10)
    return f"""
with ids as (
  select a from range({count}) t(a)
),
final as (
  select
    a + 1 as source_row,
    'A-' || lpad(a::varchar, 8, '0') as activity_id,
    {pick(["call", "email", "meeting", "task"], r('a', 0, 4))} as activity_type,
    timestamp '{FIRST_DAY}' + to_days({r('a', 1, DAYS)}::integer) + to_seconds({r('a', 2, 86400)})
      as occurred_at,
    'Rep ' || (a % {REPS}) as owner,
    'C-' || lpad({r('a', 3, customer_count(rows))}::varchar, 6, '0') as customer_id,
    'D-' || lpad({r('a', 4, max(10, rows // 20))}::varchar, 7, '0') as deal_id,
    'Follow-up ' || a as subject,
    (5 + {r('a', 5, 55)})::double as duration_minutes
  from ids
)
select * from final"""


def tickets_sql(rows: int) -> str:
    """One row per ticket (N/50, at least 10); one in five still open."""
    count = max(10, rows // 50)
    return f"""
with ids as (
  select k from range({count}) t(k)
),
opened as (
  select
    k,
    timestamp '{FIRST_DAY}' + to_days({r('k', 0, DAYS)}::integer) + to_seconds({r('k', 1, 86400)})
      as opened_at,
    {r('k', 2, 5)} = 0 as is_open
  from ids
),
final as (
  select
    k + 1 as source_row,
    'T-' || lpad(k::varchar, 7, '0') as ticket_id,
    'C-' || lpad({r('k', 3, customer_count(rows))}::varchar, 6, '0') as customer_id,
    {pick(["complaint", "question", "return"], r('k', 4, 3))} as ticket_type,
    {pick(["low", "normal", "high"], r('k', 5, 3))} as priority,
    case when is_open then 'open' else 'resolved' end as status,
    {pick(["email", "phone", "chat"], r('k', 6, 3))} as channel,
    'Agent ' || (k % 6) as owner,
    {pick(REGIONS, r('k', 7, len(REGIONS)))} as region,
    opened_at,
    case when not is_open then opened_at + to_hours(1 + {r('k', 8, 96)}) end as resolved_at,
    (1 + {r('k', 9, 5)})::double as satisfaction_score
  from opened
)
select * from final"""


# Canonical table -> SQL for a dataset of N order lines; every table of ingest/schema.py.
def table_queries(rows: int) -> dict[str, str]:
    return {
        "order_lines": order_lines_sql(rows),
        "customers": customers_sql(rows),
        "deals": deals_sql(rows),
        "deal_stage_history": deal_stage_history_sql(rows),
        "campaigns": campaigns_sql(),
        "campaign_performance": campaign_performance_sql(),
        "targets": targets_sql(),
        "activities": activities_sql(rows),
        "tickets": tickets_sql(rows),
    }
