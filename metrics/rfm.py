"""RFM: recency, frequency and monetary value per customer, 1-5 scores and named segments.

Definitions: docs/metrics/rfm.md.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from metrics.base import orders_sql
from metrics.filters import Filters, Params

# Pattern over the two digits "RF" (recency score, frequency score) -> segment; the first
# pattern that matches wins. A caller may pass its own map in the same form.
DEFAULT_SEGMENT_MAP: dict[str, str] = {
    r"5[4-5]": "Champions",
    r"[3-4][4-5]": "Loyal",
    r"[4-5][2-3]": "Potential Loyalists",
    r"51": "New",
    r"41": "Promising",
    r"33": "Need Attention",
    r"3[1-2]": "About to Sleep",
    r"[1-2][3-4]": "At Risk",
    r"[1-2]5": "Can't Lose Them",
    r"[1-2][1-2]": "Hibernating",
}
UNMAPPED_SEGMENT = "Other"

DEFAULT_SEGMENT_ACTIONS: dict[str, str] = {
    "Champions": "Reward them; ask for reviews and referrals; offer early access to new products.",
    "Loyal": "Upsell higher-value products; invite them to a loyalty programme.",
    "Potential Loyalists": "Offer membership or loyalty benefits; recommend related products.",
    "New": "Onboard them well; make the second purchase easy with a welcome offer.",
    "Promising": "Build awareness of the range; offer a free trial or a small incentive.",
    "Need Attention": "Send time-limited, personalised offers based on past purchases.",
    "About to Sleep": "Reconnect with popular products and a discount before they lapse.",
    "At Risk": "Send personalised win-back messages; offer renewals or helpful resources.",
    "Can't Lose Them": "Win them back with personal contact and their favourite products; ask what went wrong.",
    "Hibernating": "Offer relevant products and special discounts; otherwise do not spend much on them.",
    UNMAPPED_SEGMENT: "Review: the segment map does not name this score combination.",
}

RFM_COLUMNS = ["customer_id", "recency_days", "frequency", "monetary", "r_score", "f_score",
               "m_score", "segment"]
SEGMENT_COLUMNS = ["segment", "customers", "share", "revenue", "mean_recency", "mean_frequency",
                   "mean_monetary", "action"]


def segment_cells(segment_map: dict[str, str] | None = None) -> dict[int, str]:
    """Each of the 25 (R, F) cells, as R*10 + F, mapped to its segment by the first matching pattern."""
    segment_map = DEFAULT_SEGMENT_MAP if segment_map is None else segment_map
    cells: dict[int, str] = {}
    for r in range(1, 6):
        for f in range(1, 6):
            cells[r * 10 + f] = next(
                (name for pattern, name in segment_map.items() if re.fullmatch(pattern, f"{r}{f}")),
                UNMAPPED_SEGMENT)
    return cells


def _score_sql(order_expr: str) -> str:
    """least(5, 1 + floor(5 * percent_rank())) with percent_rank = (rank - 1) / (n - 1), divided
    once so that exact boundaries do not round down; ties share a score; one customer scores 1."""
    return (f"case when count(*) over () = 1 then 1 "
            f"else cast(least(5, 1 + floor(5 * (rank() over (order by {order_expr}) - 1) "
            f"/ (count(*) over () - 1))) as integer) end")


def rfm_sql(filters: Filters, params: Params, as_of: date | None = None,
            segment_map: dict[str, str] | None = None) -> str:
    """SELECT, one row per customer with a sale before the as-of day: customer_id, as_of,
    recency_days, frequency, monetary, r_score, f_score, m_score, segment."""
    return rfm_from_orders_sql(orders_sql(filters, params), params, as_of, segment_map)


def rfm_from_orders_sql(orders: str, params: Params, as_of: date | None = None,
                        segment_map: dict[str, str] | None = None) -> str:
    """rfm_sql() over ``orders``, a SELECT with the columns of orders_sql() (our own SQL)."""
    as_of_param = params.add(as_of)
    by_segment: dict[str, list[int]] = {}
    for cell, name in segment_cells(segment_map).items():
        by_segment.setdefault(name, []).append(cell)
    # Cells are our own integers; segment names are the caller's text, so they are bound.
    branches = " ".join(
        f"when r_score * 10 + f_score in ({', '.join(str(c) for c in cells)}) then {params.add(name)}"
        for name, cells in by_segment.items())
    return f"""
    with customer_sales as (
      -- sales on or after a given as-of day do not count
      select
        customer_id,
        max(order_date) as last_sale_date,
        count(*) as frequency,
        sum(order_total) as monetary
      from ({orders}) orders
      where is_sale and customer_id is not null
        and ({as_of_param} is null or order_date < cast({as_of_param} as date))
      group by customer_id
    ),
    with_as_of as (
      -- the day after the last sale unless given
      select *, coalesce(cast({as_of_param} as date), max(last_sale_date) over () + 1) as as_of
      from customer_sales
    ),
    measured as (
      select customer_id, as_of, date_diff('day', last_sale_date, as_of) as recency_days,
             frequency, monetary
      from with_as_of
    ),
    scored as (
      select
        *,
        {_score_sql("recency_days desc")} as r_score,
        {_score_sql("frequency")} as f_score,
        {_score_sql("monetary")} as m_score
      from measured
    ),
    final as (
      select
        customer_id,
        as_of,
        recency_days,
        frequency,
        cast(monetary as double) as monetary,
        r_score,
        f_score,
        m_score,
        case {branches} end as segment
      from scored
    )
    select * from final
    """


def segment_members_sql(filters: Filters, params: Params) -> str:
    """SELECT customer_id, segment: the default RFM segment of each customer in ``filters``
    (its own segment filter ignored), as the ``segments`` filter of every metric uses it."""
    rfm = rfm_sql(filters.without("segment"), params)
    return f"select customer_id, segment from ({rfm}) rfm"


def rfm(con, filters: Filters, as_of: date | None = None,
        segment_map: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per customer with a sale: customer_id, recency_days (as-of day minus last
    sale day), frequency (sales), monetary (gross revenue of those sales), r_score, f_score,
    m_score (1-5, 5 best, ties share a score), segment (from R and F by ``segment_map``).
    Sorted by customer_id. A segment filter keeps the customers of those segments with the
    scores they have among all customers (scores are not recomputed within a segment).
    """
    params = Params()
    sql = f"""
    select * from ({rfm_sql(filters.without("segment"), params, as_of, segment_map)}) rfm
    where {_segment_filter(filters, params)}
    order by customer_id
    """
    return con.execute(sql, params).df()[RFM_COLUMNS]


def _segment_filter(filters: Filters, params: Params) -> str:
    return f"segment in {params.add_list(filters.segments)}" if filters.segments else "true"


def rfm_segments(con, filters: Filters, as_of: date | None = None,
                 segment_map: dict[str, str] | None = None,
                 actions: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per segment that has customers, in the order of ``segment_map``: segment,
    customers, share (of all scored customers), revenue (their gross revenue), mean_recency,
    mean_frequency, mean_monetary, action (from ``actions``, default DEFAULT_SEGMENT_ACTIONS;
    null for a segment it does not name). Customers add up to the customers of ``rfm``.
    A segment filter keeps those segments' rows; shares stay shares of all customers.
    """
    params = Params()
    rfm = rfm_sql(filters.without("segment"), params, as_of, segment_map)
    sql = f"""
    with rfm as ({rfm}),
    per_segment as (
      select
        segment,
        count(*) as customers,
        sum(monetary) as revenue,
        avg(recency_days) as mean_recency,
        avg(frequency) as mean_frequency,
        avg(monetary) as mean_monetary
      from rfm
      group by segment
    ),
    final as (
      select
        segment,
        customers,
        cast(customers as double) / sum(customers) over () as share,
        revenue,
        cast(mean_recency as double) as mean_recency,
        cast(mean_frequency as double) as mean_frequency,
        mean_monetary
      from per_segment
    )
    select * from final where {_segment_filter(filters, params)}
    """
    frame = con.execute(sql, params).df()
    order = list(dict.fromkeys([*(DEFAULT_SEGMENT_MAP if segment_map is None else segment_map).values(),
                                UNMAPPED_SEGMENT]))
    frame["order"] = frame["segment"].map(order.index)
    frame = frame.sort_values("order", kind="stable").reset_index(drop=True)
    actions = DEFAULT_SEGMENT_ACTIONS if actions is None else actions
    frame["action"] = frame["segment"].map(actions)
    return frame[SEGMENT_COLUMNS]


def segment_condition_sql(period_orders: str, segments: tuple[str, ...], params: Params) -> str:
    """SQL condition on ``customer_id``: in one of ``segments`` by the default RFM of
    ``period_orders`` (a SELECT with the columns of orders_sql(), our own SQL)."""
    members = rfm_from_orders_sql(period_orders, params)
    return (f"customer_id in (select customer_id from ({members}) seg "
            f"where segment in {params.add_list(segments)})")
