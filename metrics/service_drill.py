"""The tickets behind one bar of the Service page (a type, an owner, a region ...), paged.

Definitions: docs/metrics/service.md; rows are those ``tickets_summary`` counts.
"""

from __future__ import annotations

import pandas as pd

from metrics.base import customers_current_sql
from metrics.filters import Filters, Params
from metrics.service import DEFAULT_COMPLAINT_WORDS, TICKET_GROUPS, tickets_sql
from metrics.sqlparts import NOT_SET

TICKET_LIST_COLUMNS = ["ticket_id", "opened_at", "customer_id", "customer_name", "ticket_type",
                       "priority", "status", "owner", "region", "resolution_hours",
                       "satisfaction_score", "is_complaint", "total_rows"]
DEFAULT_PAGE_SIZE = 50
MAX_PAGE = 1000


def ticket_list(con, filters: Filters, *, by: str | None = None, value: str | None = None,
                limit: int = DEFAULT_PAGE_SIZE, offset: int = 0,
                complaint_words=DEFAULT_COMPLAINT_WORDS) -> pd.DataFrame:
    """One page of the tickets opened in the period, newest first (ties by ticket_id), only
    those whose ``by`` group (ticket_type, region, owner, priority, channel, status; '(not set)'
    for empty) equals ``value`` when ``by`` is given: ticket_id, opened_at, customer_id,
    customer_name, ticket_type, priority, status, owner, region, resolution_hours,
    satisfaction_score, is_complaint, total_rows (the length of the whole list). The group's
    row count is that group's ``tickets`` in ``tickets_summary(by=by)``."""
    limit, offset = int(limit), int(offset)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset 0 or more")
    if by is not None and by not in TICKET_GROUPS:
        raise ValueError(f"by must be one of {', '.join(TICKET_GROUPS)}, not {by!r}")
    params = Params()
    tickets = tickets_sql(filters, params, complaint_words)
    chosen = "true"
    if by is not None:
        chosen = (f"coalesce(cast({TICKET_GROUPS[by]} as varchar), '{NOT_SET}') = "
                  f"{params.add(value)}")
    sql = f"""
    with tickets as ({tickets}),
    listed as (
      select *, count(*) over () as total_rows from tickets where {chosen}
    ),
    paged as (
      select * from listed
      order by opened_at desc, ticket_id
      limit {params.add(limit)} offset {params.add(offset)}
    ),
    final as (
      select p.ticket_id, p.opened_at, p.customer_id, c.customer_name, p.ticket_type,
             p.priority, p.status, p.owner, p.region, p.resolution_hours,
             p.satisfaction_score, p.is_complaint, p.total_rows
      from paged p
      left join ({customers_current_sql()}) c on c.customer_id = p.customer_id
    )
    select * from final order by opened_at desc, ticket_id
    """
    return con.execute(sql, params).df()[TICKET_LIST_COLUMNS].reset_index(drop=True)


def has_service_data(con, filters: Filters | None = None) -> bool:
    """Whether any ticket or activity is stored, whatever the filters (the Service page is
    offered only then; "nothing loaded" and "nothing in this view" are different messages)."""
    sql = """
    with final as (
      select exists (select 1 from tickets) or exists (select 1 from activities) as loaded
    )
    select * from final
    """
    return bool(con.execute(sql).fetchall()[0][0])
