"""The deals and sales behind a clicked bar, one page at a time; and the stage order saved with
the deals data.

Definitions: docs/metrics/funnel.md and docs/metrics/team.md. Each list holds exactly the rows
its aggregate counts (the funnel's stage, a rep's row of the leaderboard), so a drill-down
never disagrees with the number that was clicked. Every list is paged with ``limit`` and
``offset`` and carries ``total_rows`` (the length of the whole list) on every row.
"""

from __future__ import annotations

import pandas as pd

from ingest.stages import guess_stage_order, normalize_stage
from metrics.base import customers_current_sql, sales_lines_sql
from metrics.deals_base import deals_sql, stage_rules
from metrics.filters import Filters, Params, and_all
from metrics.funnel import reached_sql
from metrics.sqlparts import NOT_SET, frame, period_clauses

MAX_PAGE = 1000
DEAL_LIST_COLUMNS = ["deal_id", "deal_name", "customer_id", "owner", "source", "product_name",
                     "stage", "status", "deal_amount", "probability", "created_date",
                     "close_date", "days_to_close", "total_rows"]
SALE_LIST_COLUMNS = ["order_id", "order_date", "customer_id", "customer_name", "order_total",
                     "total_rows"]
_DEAL_FIELDS = ", ".join("cast(deal_amount as double) as deal_amount" if c == "deal_amount" else c
                        for c in DEAL_LIST_COLUMNS if c != "total_rows")


def paged(con, sql: str, params: Params, columns: list[str], order_by: str, limit: int,
          offset: int) -> pd.DataFrame:
    """Rows ``offset`` .. ``offset + limit - 1`` of ``sql`` in ``order_by`` order (which must
    break every tie), with total_rows: the number of rows of the whole list."""
    limit, offset = int(limit), int(offset)
    if not 1 <= limit <= MAX_PAGE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE} and offset 0 or more")
    wrapped = f"""
    with listed as ({sql}),
    final as (select *, count(*) over () as total_rows from listed)
    select * from final order by {order_by} limit {params.add(limit)} offset {params.add(offset)}
    """
    return frame(con, wrapped, params, columns)


def saved_stage_order(con, filters: Filters | None = None) -> tuple[str, ...] | None:
    """The stage order saved in the mapping of the newest deals dataset that has one (else of
    the newest stage history dataset), or None. ``filters`` are not used: the order belongs to
    the data, not to a view of it (the argument lets the page cache it like any metric)."""
    from ingest.store import dataset_mapping, list_datasets

    datasets = list_datasets(con)
    for table in ("deals", "deal_stage_history"):
        ids = datasets.loc[datasets["table_name"] == table, "dataset_id"].tolist()
        for dataset_id in sorted(ids, reverse=True):
            order = (dataset_mapping(con, int(dataset_id)) or {}).get("stage_order")
            if order:
                return tuple(order)
    return None


def merge_stage_order(saved, stored) -> list[str]:
    """``saved`` (a stage order a person or the mapper chose, perhaps from a preview that saw
    only some stages) completed with the ``stored`` stages it lacks: ``stored`` is the full
    order guessed from the data; each missing stage goes right after the last-placed of the
    stages that precede it there (first when none does). Stages match by normalised name."""
    merged = list(dict.fromkeys(saved))
    keys = [normalize_stage(s) for s in merged]
    for i, stage in enumerate(stored):
        key = normalize_stage(stage)
        if key in keys:
            continue
        before = {normalize_stage(s) for s in stored[:i]}
        at = max((j + 1 for j, k in enumerate(keys) if k in before), default=0)
        merged.insert(at, stage)
        keys.insert(at, key)
    return merged


def funnel_stage_order(con, filters: Filters | None = None) -> tuple[str, ...] | None:
    """The funnel's stage order: the saved one (``saved_stage_order``) completed with the
    stored stages it lacks (``merge_stage_order``); None without a saved order, so metrics
    guess it. ``filters`` are not used."""
    saved = saved_stage_order(con)
    if not saved:
        return None
    return tuple(merge_stage_order(saved, guess_stage_order(stage_rules(con).stored)))


def deals_loaded(con, filters: Filters | None = None) -> bool:
    """Whether the store holds any deal at all (whatever the filters: "nothing loaded" and
    "nothing in this view" are different messages)."""
    return bool(con.execute("select exists (select 1 from deals)").fetchall()[0][0])


def team_data_loaded(con, filters: Filters | None = None) -> bool:
    """Whether the store holds anything the Team page reports: deals, orders, activities or
    targets (whatever the filters)."""
    sql = """
    with found as (
      select exists (select 1 from deals) or exists (select 1 from order_lines)
          or exists (select 1 from activities) or exists (select 1 from targets) as any_rows
    ),
    final as (select any_rows from found)
    select * from final
    """
    return bool(con.execute(sql).fetchall()[0][0])


def revenue_basis(con, filters: Filters | None = None) -> str:
    """What targets are measured against under ``attainment_from="auto"`` (metrics.team):
    "deals" when the store holds any deal, else "orders". ``filters`` are not used."""
    return "deals" if deals_loaded(con) else "orders"


def stage_deals(con, filters: Filters, stage: str, *, by: str | None = None,
                group: str | None = None, limit: int = 25, offset: int = 0, stage_order=None,
                won_stages=None, lost_stages=None) -> pd.DataFrame:
    """The deals the funnel counts at ``stage`` (deals created in the period that reached it),
    largest first: one row per deal, DEAL_LIST_COLUMNS. ``stage`` is one of the funnel's rows
    (an open stage or the won row's label); with ``by`` and ``group`` only that group's deals
    (``(not set)`` for deals without a value). Empty for a stage that is not a funnel row."""
    rules = stage_rules(con, stage_order, won_stages, lost_stages)
    rows = [*rules.order, rules.won_label]
    rank = rows.index(stage) + 1 if stage in rows else rules.rank(stage)
    if rank is None and normalize_stage(stage) in rules.won_keys:
        rank = len(rows)
    if rank is None:
        rank = len(rows) + 1  # no funnel row of that name: nothing reaches it
    params = Params()
    reached = reached_sql(filters, params, rules, by)
    picked = [f"reached_rank >= {params.add(rank)}"]
    if by is not None and group is not None:
        picked.append(f"group_value = {params.add(group)}")
    sql = f"select {_DEAL_FIELDS} from ({reached}) r where {and_all(picked)}"
    return paged(con, sql, params, DEAL_LIST_COLUMNS, "deal_amount desc nulls last, deal_id",
                 limit, offset)


def rep_deals(con, filters: Filters, owner: str, *, limit: int = 25, offset: int = 0,
              stage_order=None, won_stages=None, lost_stages=None) -> pd.DataFrame:
    """The deals a rep's leaderboard row counts (metrics.team.reps): won and lost deals closed
    in the period and today's open deals created by the period's end. One row per deal, won
    first, then open, then lost, largest first: DEAL_LIST_COLUMNS. ``owner`` as reps() shows
    it (``(not set)`` for deals without one)."""
    params = Params()
    deals = deals_sql(filters, params, stage_rules(con, stage_order, won_stages, lost_stages))
    closed = and_all(period_clauses("close_date", filters, params))
    created_by_end = and_all(period_clauses("created_date", filters, params, start=False))
    sql = f"""
    with deal_rows as ({deals}),
    final as (
      select {_DEAL_FIELDS},
             case status when 'won' then 1 when 'open' then 2 else 3 end as status_rank
      from deal_rows
      where coalesce(owner, '{NOT_SET}') = {params.add(owner)}
        and ((status in ('won', 'lost') and {closed})
             or (status = 'open' and (created_date is null or ({created_by_end}))))
    )
    select * from final
    """
    return paged(con, sql, params, DEAL_LIST_COLUMNS,
                 "status_rank, deal_amount desc nulls last, deal_id", limit, offset)


def rep_sales(con, filters: Filters, owner: str, *, limit: int = 25,
              offset: int = 0) -> pd.DataFrame:
    """The sales a rep's leaderboard row counts (metrics.team.reps ``sales``): orders in the
    period with a total above zero whose owner is ``owner``. One row per order, newest first:
    order_id, order_date, customer_id, customer_name, order_total, total_rows."""
    params = Params()
    lines = sales_lines_sql(filters, params)
    sql = f"""
    with orders as (
      select order_key, min(owner) as owner, min(order_date) as order_date,
             min(customer_id) as customer_id, sum(line_amount) as order_total
      from ({lines}) l
      group by order_key
    ),
    final as (
      select o.order_key as order_id, o.order_date, o.customer_id, c.customer_name,
             cast(o.order_total as double) as order_total
      from orders o
      left join ({customers_current_sql()}) c on c.customer_id = o.customer_id
      where o.order_total > 0 and coalesce(o.owner, '{NOT_SET}') = {params.add(owner)}
    )
    select * from final
    """
    return paged(con, sql, params, SALE_LIST_COLUMNS, "order_date desc, order_id", limit, offset)
