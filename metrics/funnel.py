"""Deal funnel, pipeline summary with sales velocity, and days spent in each stage.

Definitions: docs/metrics/funnel.md. Date rules: the funnel and stage durations follow the
deals *created* in the period; won, lost, win rate, won value and days to close follow the
deals *closed* in the period; the open pipeline is today's open deals created by the period's
end.
"""

from __future__ import annotations

import pandas as pd

from metrics.deals_base import (
    StageRules,
    deals_sql,
    group_sql,
    stage_map_sql,
    stage_rules,
)
from metrics.filters import Filters, Params, and_all
from metrics.sqlparts import frame, period_clauses, values_sql

FUNNEL_COLUMNS = ["stage", "deals", "conversion_from_previous", "conversion_from_top", "drop_off",
                  "amount"]
PIPELINE_COLUMNS = ["open_deals", "open_value", "weighted_value", "won", "lost", "win_rate",
                    "won_value", "mean_won_deal", "mean_days_to_close", "median_days_to_close",
                    "velocity_per_day"]
VELOCITY_COLUMNS = ["open_deals", "win_rate", "mean_won_deal", "mean_days_to_close",
                    "velocity_per_day"]
DURATION_COLUMNS = ["stage", "deals", "mean_days", "median_days"]


def _columns(by: str | None, columns: list[str]) -> list[str]:
    return ([by] if by else []) + columns


def _stages_sql(rules: StageRules, params: Params) -> str:
    """The open stages as rows: stage, stage_rank (1 = first)."""
    rows = [(s, i) for i, s in enumerate(rules.order, start=1)]
    return values_sql(rows, ("stage", "stage_rank"), ("varchar", "integer"), params)


def reached_sql(filters: Filters, params: Params, rules: StageRules, by: str | None = None) -> str:
    """SELECT of the funnel's cohort, one row per deal created in the period: every column of
    ``deals_sql``, group_value (the ``by`` value, 'all' without it) and reached_rank (the
    furthest funnel row the deal reached; len(rules.order) + 1 is the won row).

    A deal reaches every stage up to the furthest of its current stage and its stage history
    (at least the first); a won deal reaches every stage and the final won row, which no other
    deal reaches.
    """
    stage_map = stage_map_sql(rules, params)
    last = len(rules.order) + 1
    deals = deals_sql(filters, params, rules)
    created = and_all(period_clauses("created_date", filters, params))
    return f"""
    with stage_map as ({stage_map}),
    deals as ({deals}),
    cohort as (
      select *, {group_sql(by)} as group_value
      from deals
      where {created}
    ),
    history as (
      select h.deal_id, max(m.stage_rank) as history_rank
      from deal_stage_history h
      join stage_map m on m.stage = h.stage
      where h.deal_id in (select deal_id from cohort)
      group by h.deal_id
    ),
    final as (
      select
        c.*,
        -- only won deals reach the final row; the rest stop before it, at the first stage at least
        case when c.status = 'won' then {last}
             else least({last - 1}, greatest(1, coalesce(c.stage_rank, 1),
                                             coalesce(h.history_rank, 1))) end as reached_rank
      from cohort c
      left join history h on h.deal_id = c.deal_id
    )
    select * from final
    """


def funnel_sql(filters: Filters, params: Params, rules: StageRules, by: str | None = None) -> str:
    """One row per (group,) stage, first stage first: group_value, stage, stage_rank, deals,
    conversion_from_previous, conversion_from_top, drop_off, amount.

    Cohort and reached stages: see ``reached_sql``.
    """
    stages = _stages_sql(rules, params)
    last = len(rules.order) + 1
    reached = reached_sql(filters, params, rules, by)
    label = params.add(rules.won_label)
    return f"""
    with stages as ({stages}),
    reached as ({reached}),
    at_rank as (
      select group_value, reached_rank, count(*) as deals, sum(deal_amount) as amount
      from reached
      group by group_value, reached_rank
    ),
    funnel_rows as (
      select stage, stage_rank from stages
      union all
      select {label} as stage, {last} as stage_rank
    ),
    grid as (
      select g.group_value, f.stage, f.stage_rank
      from (select distinct group_value from reached) g
      cross join funnel_rows f
    ),
    cumulative as (
      -- deals reaching a stage = deals whose furthest stage is this one or a later one
      select
        grid.group_value,
        grid.stage,
        grid.stage_rank,
        cast(sum(coalesce(a.deals, 0)) over (
          partition by grid.group_value order by grid.stage_rank desc
          rows between unbounded preceding and current row) as bigint) as deals,
        sum(coalesce(a.amount, 0)) over (
          partition by grid.group_value order by grid.stage_rank desc
          rows between unbounded preceding and current row) as amount
      from grid
      left join at_rank a on a.group_value = grid.group_value and a.reached_rank = grid.stage_rank
    ),
    final as (
      select
        group_value,
        stage,
        stage_rank,
        deals,
        cast(amount as double) as amount,
        cast(deals as double) / nullif(lag(deals) over (
          partition by group_value order by stage_rank), 0) as conversion_from_previous,
        cast(deals as double) / nullif(first_value(deals) over (
          partition by group_value order by stage_rank
          rows between unbounded preceding and current row), 0) as conversion_from_top,
        coalesce(lag(deals) over (partition by group_value order by stage_rank) - deals, 0)
          as drop_off
      from cumulative
    )
    select * from final order by group_value, stage_rank
    """


def funnel(con, filters: Filters, *, by: str | None = None, stage_order=None, won_stages=None,
           lost_stages=None) -> pd.DataFrame:
    """One row per stage (per ``by`` value when given), first stage first, won row last:
    [by], stage, deals, conversion_from_previous, conversion_from_top, drop_off (deals lost
    since the previous stage), amount (summed deal value of the deals reaching the stage).

    ``by``: owner, source, product, region or pipeline. ``stage_order`` defaults to the order
    guessed from the stored stage names (ingest.stages).
    """
    rules = stage_rules(con, stage_order, won_stages, lost_stages)
    params = Params()
    df = con.execute(funnel_sql(filters, params, rules, by), params).df()
    if by:
        df = df.rename(columns={"group_value": by})
    return df[_columns(by, FUNNEL_COLUMNS)].reset_index(drop=True)


def pipeline_sql(filters: Filters, params: Params, rules: StageRules, by: str | None = None) -> str:
    """One row per group: group_value and PIPELINE_COLUMNS.

    Won/lost: deals closed (close_date) in the period. Open: deals open now and created on or
    before the period's end. Weighted value counts a missing probability as 0.
    Velocity = open deals x win rate x mean won deal / mean days to close (money per day).
    """
    deals = deals_sql(filters, params, rules)
    closed = and_all(period_clauses("close_date", filters, params))
    opened = and_all(period_clauses("created_date", filters, params, start=False))
    return f"""
    with deals as ({deals}),
    closed as (
      select {group_sql(by)} as group_value, status, deal_amount, days_to_close
      from deals
      where status in ('won', 'lost') and {closed}
    ),
    opened as (
      select {group_sql(by)} as group_value, deal_amount, probability
      from deals
      where status = 'open' and (created_date is null or ({opened}))
    ),
    closed_totals as (
      select
        group_value,
        count(case when status = 'won' then 1 end) as won,
        count(case when status = 'lost' then 1 end) as lost,
        coalesce(sum(case when status = 'won' then deal_amount end), 0) as won_value,
        avg(case when status = 'won' then deal_amount end) as mean_won_deal,
        avg(days_to_close) as mean_days_to_close,
        percentile_cont(0.5) within group (order by days_to_close) as median_days_to_close
      from closed
      group by group_value
    ),
    open_totals as (
      select
        group_value,
        count(*) as open_deals,
        coalesce(sum(deal_amount), 0) as open_value,
        coalesce(sum(deal_amount * coalesce(probability, 0)), 0) as weighted_value
      from opened
      group by group_value
    ),
    groups as (
      select group_value from closed_totals
      union
      select group_value from open_totals
    ),
    final as (
      select
        g.group_value,
        coalesce(o.open_deals, 0) as open_deals,
        cast(coalesce(o.open_value, 0) as double) as open_value,
        cast(coalesce(o.weighted_value, 0) as double) as weighted_value,
        coalesce(c.won, 0) as won,
        coalesce(c.lost, 0) as lost,
        cast(c.won as double) / nullif(c.won + c.lost, 0) as win_rate,
        cast(coalesce(c.won_value, 0) as double) as won_value,
        cast(c.mean_won_deal as double) as mean_won_deal,
        cast(c.mean_days_to_close as double) as mean_days_to_close,
        cast(c.median_days_to_close as double) as median_days_to_close,
        coalesce(o.open_deals, 0) * (cast(c.won as double) / nullif(c.won + c.lost, 0))
          * cast(c.mean_won_deal as double) / nullif(c.mean_days_to_close, 0) as velocity_per_day
      from groups g
      left join open_totals o on o.group_value = g.group_value
      left join closed_totals c on c.group_value = g.group_value
    )
    select * from final order by group_value
    """


def pipeline(con, filters: Filters, *, by: str | None = None, stage_order=None, won_stages=None,
             lost_stages=None) -> pd.DataFrame:
    """One row (per ``by`` value when given): [by], open_deals, open_value, weighted_value, won,
    lost, win_rate, won_value, mean_won_deal, mean_days_to_close, median_days_to_close,
    velocity_per_day. Empty frame when there are no deals."""
    rules = stage_rules(con, stage_order, won_stages, lost_stages)
    params = Params()
    df = con.execute(pipeline_sql(filters, params, rules, by), params).df()
    if by:
        df = df.rename(columns={"group_value": by})
    return df[_columns(by, PIPELINE_COLUMNS)].reset_index(drop=True)


def velocity(con, filters: Filters, *, by: str | None = None, **stage_args) -> pd.DataFrame:
    """Sales velocity and its four factors, one row (per ``by`` value): [by], open_deals,
    win_rate, mean_won_deal, mean_days_to_close, velocity_per_day."""
    return pipeline(con, filters, by=by, **stage_args)[_columns(by, VELOCITY_COLUMNS)]


def stage_durations_sql(filters: Filters, params: Params, rules: StageRules) -> str:
    """One row per stage with measured time: stage, stage_rank, deals, mean_days, median_days.

    Time in a stage = from entering it to entering the next one in the deal's history (deals
    created in the period); repeated visits add up per deal; the current stage, still running,
    is not measured.
    """
    stages = _stages_sql(rules, params)
    stage_map = stage_map_sql(rules, params)
    deals = deals_sql(filters, params, rules)
    created = and_all(period_clauses("created_date", filters, params))
    return f"""
    with stages as ({stages}),
    stage_map as ({stage_map}),
    deals as ({deals}),
    cohort as (
      select deal_id from deals where {created}
    ),
    entries as (
      select h.deal_id, m.stage_id, h.entered_at, h.dataset_id, h.source_row
      from deal_stage_history h
      join stage_map m on m.stage = h.stage
      where h.deal_id in (select deal_id from cohort) and h.entered_at is not null
    ),
    visits as (
      select
        deal_id,
        stage_id,
        date_diff('second', entered_at, lead(entered_at) over (
          partition by deal_id order by entered_at, dataset_id, source_row
        )) / 86400.0 as days
      from entries
    ),
    per_deal as (
      -- repeated visits of one stage add up; spellings of one stage share its key
      select v.deal_id, m.stage_key, min(m.stage) as stage, min(m.stage_rank) as stage_rank,
             sum(v.days) as days
      from visits v
      join stage_map m on m.stage_id = v.stage_id
      where v.days is not null
      group by v.deal_id, m.stage_key
    ),
    final as (
      select
        coalesce(min(s.stage), min(p.stage)) as stage,
        min(p.stage_rank) as stage_rank,
        count(*) as deals,
        avg(p.days) as mean_days,
        percentile_cont(0.5) within group (order by p.days) as median_days
      from per_deal p
      left join stages s on s.stage_rank = p.stage_rank
      group by p.stage_key
    )
    select * from final order by stage_rank nulls last, stage
    """


def stage_durations(con, filters: Filters, *, stage_order=None, won_stages=None,
                    lost_stages=None) -> pd.DataFrame:
    """One row per stage with history: stage, deals, mean_days, median_days (in funnel order,
    stages outside the order last). Empty without stage history."""
    rules = stage_rules(con, stage_order, won_stages, lost_stages)
    params = Params()
    return frame(con, stage_durations_sql(filters, params, rules), params, DURATION_COLUMNS)
