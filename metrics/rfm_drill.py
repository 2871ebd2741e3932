"""RFM behind the Customers page: the R x F grid, the customers of a segment or a cell (paged),
and one customer's scores.

Definitions: docs/metrics/rfm.md (scores and segments are exactly those of ``metrics.rfm``).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from metrics.base import customers_current_sql, orders_sql
from metrics.filters import Filters, Params
from metrics.rfm import rfm_from_orders_sql, rfm_sql, segment_cells
from metrics.sqlparts import in_list

GRID_COLUMNS = ["r_score", "f_score", "segment", "customers", "share", "revenue",
                "mean_monetary"]
MEMBER_COLUMNS = ["customer_id", "customer_name", "recency_days", "frequency", "monetary",
                  "net_revenue", "r_score", "f_score", "m_score", "segment", "total_rows"]
CUSTOMER_RFM_COLUMNS = ["customer_id", "as_of", "recency_days", "frequency", "monetary",
                        "r_score", "f_score", "m_score", "segment"]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 1000


def _check_score(name: str, value) -> int | None:
    if value is None:
        return None
    if int(value) != value or not 1 <= int(value) <= 5:
        raise ValueError(f"{name} must be a whole number from 1 to 5, not {value!r}")
    return int(value)


def _check_page(limit: int, offset: int) -> tuple[int, int]:
    limit, offset = int(limit), int(offset)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset 0 or more")
    return limit, offset


def rfm_grid(con, filters: Filters, as_of: date | None = None,
             segment_map: dict[str, str] | None = None) -> pd.DataFrame:
    """All 25 R x F cells, R 5..1 then F 1..5: r_score, f_score, segment (the cell's name in
    ``segment_map``), customers, share (of all scored customers), revenue (their gross sales),
    mean_monetary (null in an empty cell). A segment filter leaves other segments' cells at 0;
    shares stay shares of everyone, as in rfm_segments."""
    params = Params()
    rfm = rfm_sql(filters.without("segment"), params, as_of, segment_map)
    keep = in_list("segment", filters.segments, params) if filters.segments else "true"
    sql = f"""
    with rfm as ({rfm}),
    per_cell as (
      select
        r_score,
        f_score,
        count(*) as customers,
        sum(monetary) as revenue,
        avg(monetary) as mean_monetary
      from rfm
      where {keep}
      group by r_score, f_score
    ),
    everyone as (
      select count(*) as scored from rfm
    ),
    final as (
      select p.r_score, p.f_score, p.customers,
             cast(p.customers as double) / e.scored as share,
             cast(p.revenue as double) as revenue,
             cast(p.mean_monetary as double) as mean_monetary
      from per_cell p
      cross join everyone e
    )
    select * from final
    """
    found = con.execute(sql, params).df()
    cells = pd.DataFrame(
        [(r, f, name) for (r, f), name in
         sorted(((divmod(c, 10), n) for c, n in segment_cells(segment_map).items()),
                key=lambda item: (-item[0][0], item[0][1]))],
        columns=["r_score", "f_score", "segment"])
    found = found.astype({"r_score": "int64", "f_score": "int64"})
    grid = cells.merge(found, on=["r_score", "f_score"], how="left")
    grid["customers"] = grid["customers"].fillna(0).astype("int64")
    grid["share"] = grid["share"].fillna(0.0)
    grid["revenue"] = grid["revenue"].fillna(0.0)
    return grid[GRID_COLUMNS]


def rfm_customers(con, filters: Filters, *, segment: str | None = None,
                  r_score: int | None = None, f_score: int | None = None,
                  limit: int = DEFAULT_PAGE_SIZE, offset: int = 0, as_of: date | None = None,
                  segment_map: dict[str, str] | None = None) -> pd.DataFrame:
    """One page of the customers in ``segment`` and/or the cell (``r_score``, ``f_score``),
    highest monetary first, ties by customer_id: customer_id, customer_name (customers table,
    else the name on their order lines), recency_days, frequency, monetary, net_revenue
    (historical value: sales plus returns in the filtered data before as-of), r_score, f_score,
    m_score, segment, total_rows (the length of the whole list, on every row). Scores are those
    of ``metrics.rfm.rfm`` for the same filters; at most ``limit`` rows from row ``offset``."""
    limit, offset = _check_page(limit, offset)
    r_score, f_score = _check_score("r_score", r_score), _check_score("f_score", f_score)
    params = Params()
    orders = orders_sql(filters.without("segment"), params)
    rfm = rfm_from_orders_sql("select * from orders", params, as_of, segment_map)
    conditions = [in_list("segment", filters.segments, params)] if filters.segments else []
    if segment is not None:
        conditions.append(f"segment = {params.add(segment)}")
    if r_score is not None:
        conditions.append(f"r_score = {params.add(r_score)}")
    if f_score is not None:
        conditions.append(f"f_score = {params.add(f_score)}")
    chosen = " and ".join(conditions) or "true"
    as_of_param = params.add(as_of)
    sql = f"""
    with orders as materialized ({orders}),
    rfm as ({rfm}),
    listed as (
      select *, count(*) over () as total_rows from rfm where {chosen}
    ),
    paged as (
      select * from listed
      order by monetary desc, customer_id
      limit {params.add(limit)} offset {params.add(offset)}
    ),
    net as (
      -- historical value counts returns too, over the same days as the scores
      select customer_id, sum(order_total) as net_revenue
      from orders
      where customer_id in (select customer_id from paged)
        and ({as_of_param} is null or order_date < cast({as_of_param} as date))
      group by customer_id
    ),
    line_names as (
      -- exports without a customers table still name the buyer on each line
      select customer_id, max(customer_name) as line_name
      from order_lines
      where customer_id in (select customer_id from paged) and customer_name is not null
      group by customer_id
    ),
    final as (
      select
        p.customer_id,
        coalesce(c.customer_name, l.line_name) as customer_name,
        p.recency_days,
        p.frequency,
        p.monetary,
        cast(n.net_revenue as double) as net_revenue,
        p.r_score,
        p.f_score,
        p.m_score,
        p.segment,
        p.total_rows
      from paged p
      left join net n on n.customer_id = p.customer_id
      left join ({customers_current_sql()}) c on c.customer_id = p.customer_id
      left join line_names l on l.customer_id = p.customer_id
    )
    select * from final order by monetary desc, customer_id
    """
    return con.execute(sql, params).df()[MEMBER_COLUMNS].reset_index(drop=True)


def customer_rfm(con, customer_id, filters: Filters, as_of: date | None = None,
                 segment_map: dict[str, str] | None = None) -> pd.DataFrame:
    """One row (none when the customer has no sale in ``filters``): the customer's RFM row
    scored among every customer of ``filters``: customer_id, as_of, recency_days, frequency,
    monetary, r_score, f_score, m_score, segment."""
    params = Params()
    rfm = rfm_sql(filters.without("segment"), params, as_of, segment_map)
    sql = f"""
    with rfm as ({rfm}),
    final as (
      select * from rfm where customer_id = {params.add(customer_id)}
    )
    select * from final
    """
    frame = con.execute(sql, params).df()[CUSTOMER_RFM_COLUMNS]
    frame["as_of"] = pd.to_datetime(frame["as_of"]).dt.date
    return frame
