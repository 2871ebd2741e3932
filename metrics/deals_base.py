"""Shared deal building blocks: stage rules, each deal's status, and the filtered deals query.

Definitions: docs/metrics/funnel.md. A deal is *won* when its won flag is set (or, without
flags, its stage is a won stage), *lost* when closed and not won (or its stage is a lost
stage), *open* otherwise. Flags win over stage names.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.stages import LOST_STAGES, WON_STAGES, guess_stage_order, normalize_stage
from metrics.base import customers_current_sql
from metrics.filters import Filters, Params, and_all, where_clauses
from metrics.sqlparts import NOT_SET, segment_clauses, values_sql

DEFAULT_WON_LABEL = "Won"

# Which SQL expression of deals_sql carries each filter dimension.
DEAL_DIMS = {
    "region": "region",
    "owner": "owner",
    "channel": "source",
    "product": "product_name",
    "campaign": "campaign_id",
}

# What ``by=`` may group deals by, and the column of deals_sql holding it.
DEAL_GROUPS = {"owner": "owner", "source": "source", "product": "product_name",
               "region": "region", "pipeline": "pipeline"}


@dataclass(frozen=True)
class StageRules:
    """The funnel's open stages in order, the won and lost stage names (normalised keys), the
    label of the funnel's last row (won deals), and the distinct stage values stored."""

    order: tuple[str, ...]
    won_keys: frozenset[str]
    lost_keys: frozenset[str]
    won_label: str = DEFAULT_WON_LABEL
    stored: tuple[str, ...] = ()

    def rank(self, stage) -> int | None:
        """1-based position of ``stage`` among the open stages, None when not one of them."""
        key = normalize_stage(stage)
        return next((i for i, s in enumerate(self.order, 1) if normalize_stage(s) == key), None)


def stage_rules(con, stage_order=None, won_stages=None, lost_stages=None) -> StageRules:
    """Rules from explicit arguments, or guessed from the stored stage names.

    ``stage_order`` lists stages first to last; won and lost stages in it are taken out of the
    open stages (the first won stage in it names the final row). ``won_stages`` /
    ``lost_stages`` default to the known names of ``ingest.stages``.
    """
    won = frozenset(map(normalize_stage, won_stages)) if won_stages is not None else WON_STAGES
    lost = frozenset(map(normalize_stage, lost_stages)) if lost_stages is not None else LOST_STAGES
    stored = _stored_stages(con)
    if stage_order is None:
        stage_order = guess_stage_order(stored)
    opened: list[str] = []
    seen: set[str] = set()
    label = None
    for stage in stage_order:
        key = normalize_stage(stage)
        if key in won:
            label = label or str(stage)
        elif key and key not in lost and key not in seen:
            seen.add(key)
            opened.append(str(stage))
    return StageRules(tuple(opened), won, lost, label or DEFAULT_WON_LABEL, tuple(stored))


def _stored_stages(con) -> list[str]:
    """Distinct stage values of stage history, then of deals, each in first-seen order.

    History comes first: its rows follow each deal through the stages in order, which is the
    best hint for stages that no known order places.
    """
    sql = """
    with stages as (
      select stage, 0 as source, min(source_row) as first_row
      from deal_stage_history where stage is not null group by stage
      union all
      select stage, 1 as source, min(source_row) as first_row
      from deals where stage is not null group by stage
    ),
    final as (
      select stage, min(source * 1000000000000 + first_row) as first_seen
      from stages group by stage
    )
    select * from final order by first_seen, stage
    """
    return [r[0] for r in con.execute(sql).fetchall()]


def stage_map_sql(rules: StageRules, params: Params) -> str:
    """One row per stored stage value: stage_id (a number for cheap joins), stage, stage_key,
    stage_rank (open stages only, else null), is_won_stage, is_lost_stage. Names are
    normalised in Python once per distinct value, so queries join on the raw value instead of
    normalising every row."""
    rows = []
    for stage_id, stage in enumerate(rules.stored, start=1):
        key = normalize_stage(stage)
        rows.append((stage_id, stage, key, rules.rank(stage), key in rules.won_keys,
                     key in rules.lost_keys))
    return values_sql(rows, ("stage_id", "stage", "stage_key", "stage_rank", "is_won_stage",
                             "is_lost_stage"),
                      ("integer", "varchar", "varchar", "integer", "boolean", "boolean"), params)


def status_sql(alias: str = "d", stage_alias: str = "m") -> str:
    """SQL 'won' / 'lost' / 'open' of the deal row ``alias`` joined to its stage map row
    ``stage_alias``: flags first, then stage names."""
    return f"""case
        when {alias}.is_won then 'won'
        when {alias}.is_closed = false then 'open'
        when {alias}.is_won is null and {stage_alias}.is_won_stage then 'won'
        when {alias}.is_closed or {stage_alias}.is_lost_stage then 'lost'
        else 'open'
      end"""


def deals_sql(filters: Filters, params: Params, rules: StageRules) -> str:
    """SELECT of deals passing every non-date filter and owner_scope; one row per deal_id.

    Columns: deal_id, deal_name, customer_id, stage, stage_key, stage_rank (position among
    the open stages, null otherwise), deal_amount, probability, owner, source, product_name,
    pipeline, campaign_id, deal_campaign_id, region, customer_signup_date, created_date,
    close_date, status, days_to_close.
    Owner, source (lead source), region and campaign fall back to the customer's when the deal
    has none. days_to_close is close - created in days for won deals, null when negative.
    The date rules differ per metric, so callers apply them (see ``period_clauses``).
    """
    where = where_clauses(filters, params, dims=DEAL_DIMS, owner_expr="owner")
    where += segment_clauses(filters, params, "customer_id")
    status = status_sql()
    return f"""
    select * from (
      select
        d.deal_id,
        d.deal_name,
        d.customer_id,
        d.stage,
        m.stage_key,
        m.stage_rank,
        d.deal_amount,
        d.probability,
        coalesce(d.owner, c.owner) as owner,
        coalesce(d.source, c.channel) as source,
        d.product_name,
        d.pipeline,
        coalesce(d.campaign_id, c.campaign_id) as campaign_id,
        d.campaign_id as deal_campaign_id,
        coalesce(d.region, c.region) as region,
        c.signup_date as customer_signup_date,
        d.created_date,
        d.close_date,
        {status} as status,
        case when ({status}) = 'won' and d.close_date >= d.created_date
             then date_diff('day', d.created_date, d.close_date) end as days_to_close
      from (
        select *, row_number() over (
          partition by deal_id order by dataset_id desc, source_row desc
        ) as rank_in_deal
        from deals
        where deal_id is not null
      ) d
      left join ({customers_current_sql()}) c on c.customer_id = d.customer_id
      left join ({stage_map_sql(rules, params)}) m on m.stage = d.stage
      where d.rank_in_deal = 1
    ) deals_filtered
    where {and_all(where)}
    """


def group_sql(by: str | None, groups: dict[str, str] = DEAL_GROUPS) -> str:
    """SQL of the ``by`` grouping value (NOT_SET when empty); a constant without ``by``."""
    if by is None:
        return "'all'"
    if by not in groups:
        raise ValueError(f"by must be one of {', '.join(groups)}, not {by!r}")
    return f"coalesce(cast({groups[by]} as varchar), '{NOT_SET}')"
