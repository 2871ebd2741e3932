"""Report builder: one measure, optionally by one dimension and one time grain.

The choices are DATA: ``MEASURES`` maps a measure id to a SQL aggregate over a known base
relation and ``BASES`` maps each dimension id to a column of that relation. A report spec only
names ids from these dicts, so no user text ever reaches the SQL; every value is a bound
parameter. Definitions: docs/metrics/builder.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

import pandas as pd

from ingest.errors import InputError
from metrics.base import customers_current_sql, sales_lines_sql
from metrics.deals_base import deals_sql, stage_rules
from metrics.filters import Filters, Params, and_all
from metrics.grains import STEP_SQL, check_grain, period_start_sql
from metrics.service import activities_sql, tickets_sql
from metrics.sqlparts import NOT_SET, period_clauses

OTHER = "(other)"
# Each list starts with its default choice (widgets then need no explicit default).
GRAINS = ("month", "quarter", "week", "day", "none")
CHARTS = ("bar", "line", "area", "pie", "table")
DIMENSION_IDS = ("none", "region", "channel", "product", "category", "industry", "owner",
                 "campaign")
TOP_CHOICES = (10, 5, 20, 50)  # what the page offers; any 1..MAX_TOP is valid
MAX_TOP = 50


@dataclass(frozen=True)
class Measure:
    """One number the builder can show: a SQL aggregate over the rows of ``base`` that pass
    ``where`` and whose ``date`` falls in the period. ``additive`` measures add up across
    values and periods (so they may be stacked or drawn as a pie); distinct counts, ratios
    and means do not. An empty period is 0, except for ``ratio`` measures (no value)."""

    label: str
    base: str
    aggregate: str
    kind: str  # amount, count, percent, number (charts.theme formats)
    additive: bool
    date: str
    where: str = "true"
    ratio: bool = False


MEASURES: dict[str, Measure] = {
    "net_revenue": Measure("Net revenue", "orders", "sum(amount)", "amount", True, "order date"),
    "gross_revenue": Measure("Gross revenue", "orders",
                             "sum(case when is_sale then amount else 0 end)", "amount", True,
                             "order date"),
    "returns": Measure("Returns", "orders", "sum(case when is_return then amount else 0 end)",
                       "amount", True, "order date"),
    "sales": Measure("Number of sales", "orders", "count(distinct case when is_sale then order_key end)",
                     "count", False, "order date"),
    "customers": Measure("Buying customers", "orders",
                         "count(distinct case when is_sale then customer_id end)", "count", False,
                         "order date"),
    "aov": Measure("Average order value", "orders",
                   "sum(case when is_sale then amount else 0 end)"
                   " / nullif(count(distinct case when is_sale then order_key end), 0)",
                   "amount", False, "order date", ratio=True),
    "units": Measure("Units (net)", "orders", "sum(quantity)", "count", True, "order date"),
    "deals_created": Measure("Deals created", "deals", "count(*)", "count", True, "created date"),
    "deals_won": Measure("Deals won", "deals", "count(*)", "count", True, "close date",
                         "status = 'won'"),
    "revenue_won": Measure("Revenue won", "deals", "sum(deal_amount)", "amount", True,
                           "close date", "status = 'won'"),
    "win_rate": Measure("Win rate", "deals",
                        "avg(case when status = 'won' then 1.0 else 0.0 end)", "percent", False,
                        "close date", "status in ('won', 'lost')", ratio=True),
    "pipeline_value": Measure("Open pipeline value", "deals", "sum(deal_amount)", "amount", True,
                              "created date", "status = 'open'"),
    "tickets": Measure("Tickets", "tickets", "count(*)", "count", True, "opened date"),
    "complaints": Measure("Complaints", "tickets", "count(*)", "count", True, "opened date",
                          "is_complaint"),
    "mean_satisfaction": Measure("Mean satisfaction", "tickets", "avg(satisfaction_score)",
                                 "number", False, "opened date", ratio=True),
    "activities": Measure("Activities", "activities", "count(*)", "count", True,
                          "activity date"),
}

DIMENSION_LABELS = {"none": "None", "region": "Region", "channel": "Channel",
                    "product": "Product", "category": "Category", "industry": "Industry",
                    "owner": "Owner", "campaign": "Campaign"}
GRAIN_LABELS = {"none": "None", "day": "Day", "week": "Week", "month": "Month",
                "quarter": "Quarter"}
CHART_LABELS = {"bar": "Bar", "line": "Line", "area": "Area", "pie": "Pie", "table": "Table"}


@dataclass(frozen=True)
class Base:
    """A relation measures aggregate over. ``rows(filters, params, measure, dim)`` returns a
    SELECT of its rows in the period with columns day (the measure's date), value (the
    dimension's value as text, null when missing) and the columns the aggregates use;
    ``dims`` maps each dimension id it supports to its SQL column inside that SELECT."""

    rows: Callable[[object, Filters, Params, Measure, str], str]
    dims: dict[str, str]


def _orders_rows(con, filters: Filters, params: Params, measure: Measure, dim: str) -> str:
    """One row per order and dimension value ("order part"): its lines with that value summed.
    Sale / return is decided by the whole order's total, as in the KPIs, so with no dimension
    the parts are the orders and every figure equals the KPIs'."""
    lines = sales_lines_sql(filters, params)
    return f"""
    with lines as ({lines}),
    order_totals as (
      select order_key, min(order_date) as order_date, min(customer_id) as customer_id,
             sum(line_amount) as order_total
      from lines
      group by order_key
    ),
    parts as (
      select order_key, cast({dim} as varchar) as value, sum(line_amount) as amount,
             sum(quantity) as quantity
      from lines
      group by order_key, cast({dim} as varchar)
    ),
    final as (
      select o.order_date as day, p.value, p.order_key, o.customer_id, p.amount, p.quantity,
             o.order_total > 0 as is_sale, o.order_total < 0 as is_return
      from parts p
      join order_totals o on o.order_key = p.order_key
      where o.order_total <> 0
    )
    select * from final
    """


def _dated(rows: str, date_column: str, filters: Filters, params: Params, measure: Measure,
           dim: str) -> str:
    """Rows of a deal / ticket / activity relation with the customer's industry joined, kept
    when their ``date_column`` is in the period and the measure's condition holds."""
    where = [f"{date_column} is not null", measure.where,
             *period_clauses(date_column, filters, params)]
    return f"""
    with source_rows as ({rows}),
    final as (
      select r.*, r.{date_column} as day, cast({dim} as varchar) as value
      from source_rows r
      left join ({customers_current_sql()}) ci on ci.customer_id = r.customer_id
      where {and_all(where)}
    )
    select * from final
    """


def _deals_rows(con, filters: Filters, params: Params, measure: Measure, dim: str) -> str:
    column = {"created date": "created_date", "close date": "close_date"}[measure.date]
    return _dated(deals_sql(filters, params, stage_rules(con)), column, filters, params,
                  measure, dim)


def _tickets_rows(con, filters: Filters, params: Params, measure: Measure, dim: str) -> str:
    return _dated(tickets_sql(filters, params), "opened_date", filters, params, measure, dim)


def _activities_rows(con, filters: Filters, params: Params, measure: Measure, dim: str) -> str:
    return _dated(activities_sql(filters, params), "activity_date", filters, params, measure,
                  dim)


# Dimension columns: the same meaning as the global filter of that name on each relation.
BASES: dict[str, Base] = {
    "orders": Base(_orders_rows, {"region": "region", "channel": "channel", "product": "product",
                                  "category": "category", "industry": "industry",
                                  "owner": "owner", "campaign": "campaign_id"}),
    "deals": Base(_deals_rows, {"region": "r.region", "channel": "r.source",
                                "product": "r.product_name", "industry": "ci.industry",
                                "owner": "r.owner", "campaign": "r.campaign_id"}),
    "tickets": Base(_tickets_rows, {"region": "r.region", "channel": "r.customer_channel",
                                    "industry": "ci.industry", "owner": "r.owner",
                                    "campaign": "r.campaign_id"}),
    "activities": Base(_activities_rows, {"region": "r.region", "channel": "r.customer_channel",
                                          "industry": "ci.industry", "owner": "r.owner",
                                          "campaign": "r.campaign_id"}),
}


# The stored table each base relation reads, for "nothing loaded yet" messages.
BASE_TABLES = {"orders": "order_lines", "deals": "deals", "tickets": "tickets",
               "activities": "activities"}


def has_rows(con, measure: str) -> bool:
    """Whether the table ``measure`` is computed from holds any row at all (filters aside)."""
    table = BASE_TABLES[MEASURES[measure].base]
    sql = f"""
    with final as (select exists (select 1 from "{table}") as loaded)
    select * from final
    """
    return bool(con.execute(sql).fetchall()[0][0])


def dimensions_for(measure: str) -> list[str]:
    """Dimension ids that make sense for ``measure``: 'none' first, then DIMENSION_IDS order."""
    dims = BASES[MEASURES[measure].base].dims
    return [d for d in DIMENSION_IDS if d == "none" or d in dims]


@dataclass(frozen=True)
class ReportSpec:
    """What a report shows; every field is an id from this module's lists."""

    measure: str = "net_revenue"
    dimension: str = "none"
    grain: str = "month"
    chart: str = "bar"
    top: int = 10

    def __post_init__(self):
        if self.measure not in MEASURES:
            raise InputError(f"Unknown measure {self.measure!r}.")
        if self.dimension not in dimensions_for(self.measure):
            raise InputError(f"{MEASURES[self.measure].label} cannot be broken down by "
                             f"{self.dimension!r}.")
        if self.grain not in GRAINS:
            raise InputError(f"Unknown time grain {self.grain!r}.")
        if self.chart not in CHARTS:
            raise InputError(f"Unknown chart type {self.chart!r}.")
        if isinstance(self.top, bool) or not isinstance(self.top, int) or not 1 <= self.top <= MAX_TOP:
            raise InputError(f"The number of values shown must be a whole number from 1 to {MAX_TOP}.")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ReportSpec:
        """The spec stored as ``text``; InputError when it is not a valid spec."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError):
            raise InputError("The saved report is not valid JSON.") from None
        if not isinstance(data, dict) or set(data) - set(cls.__dataclass_fields__):
            raise InputError("The saved report has fields this version does not know.")
        return cls(**data)

    @property
    def columns(self) -> list[str]:
        """Columns of the report's frame: [period], [dimension id], measure id."""
        return ((["period"] if self.grain != "none" else [])
                + ([self.dimension] if self.dimension != "none" else []) + [self.measure])


def report_sql(con, filters: Filters, params: Params, spec: ReportSpec) -> str:
    """SELECT of the report (see ``build_report``), ordered."""
    measure = MEASURES[spec.measure]
    base = BASES[measure.base]
    dim = base.dims[spec.dimension] if spec.dimension != "none" else "'all'"
    rows = base.rows(con, filters, params, measure, dim)
    not_set, other = params.add(NOT_SET), params.add(OTHER)
    top = params.add(spec.top)
    timed = spec.grain != "none"
    period = period_start_sql("day", check_grain(spec.grain)) if timed else "cast(null as date)"
    fill = "null" if measure.ratio else "0"
    step, first, last = "interval 1 day", "null", "null"
    if timed:
        step = STEP_SQL[spec.grain]
        first = period_start_sql(f"cast({params.add(filters.start_date)} as date)", spec.grain)
        last = period_start_sql(f"cast({params.add(filters.end_date)} as date)", spec.grain)
    return f"""
    with measured as (
      select *, coalesce(value, {not_set}) as shown_value from ({rows}) r
    ),
    ranked as (
      -- the values with the largest measure over the whole period keep their own row
      select shown_value, row_number() over (
               order by {measure.aggregate} desc nulls last, shown_value) as value_rank
      from measured
      group by shown_value
    ),
    kept as (
      select m.*,
             case when k.value_rank <= {top} then m.shown_value else {other} end as kept_value,
             case when k.value_rank <= {top} then k.value_rank else {top} + 1 end as kept_rank
      from measured m
      join ranked k on k.shown_value = m.shown_value
    ),
    grouped as (
      select {period} as period, kept_value, min(kept_rank) as kept_rank,
             {measure.aggregate} as measure_value
      from kept
      group by {period}, kept_value
    ),
    bounds as (
      select coalesce({first}, min(period)) as first_period,
             coalesce({last}, max(period)) as last_period
      from grouped
      having count(*) > 0
    ),
    periods as (
      -- every period between the bounds, so that gaps show
      select cast(generate_series as date) as period
      from bounds b, generate_series(cast(b.first_period as timestamp),
                                     cast(b.last_period as timestamp), {step})
      where {'true' if timed else 'false'}
      union all
      select cast(null as date) as period from bounds where {'false' if timed else 'true'}
    ),
    kept_values as (
      select kept_value, min(kept_rank) as kept_rank from grouped group by kept_value
    ),
    final as (
      select p.period, v.kept_value, v.kept_rank,
             cast(coalesce(g.measure_value, {fill}) as double) as measure_value
      from periods p
      cross join kept_values v
      left join grouped g on g.kept_value = v.kept_value
                         and g.period is not distinct from p.period
    )
    select * from final order by period, kept_rank, kept_value
    """


def build_report(con, filters: Filters, measure: str, dimension: str = "none",
                 grain: str = "none", top: int = 10) -> pd.DataFrame:
    """One row per period (when ``grain`` is not 'none') and dimension value (when
    ``dimension`` is not 'none'): [period (first day)], [<dimension>], <measure>.

    The ``top`` values with the largest measure over the whole period keep their own row (ties:
    value text); the rest are one '(other)' value, the measure computed over their rows (not a
    sum of theirs, so ratios and distinct counts stay right). A missing value is '(not set)'.
    With a grain, periods run from the filter dates (or the data where a date is open) with
    no gaps: an empty period is 0, or null for ratio measures (AOV, win rate, satisfaction). Rows are ordered
    by period, then by the value's rank, '(other)' last. Empty frame when no row counts.
    """
    spec = ReportSpec(measure=measure, dimension=dimension, grain=grain, top=int(top))
    params = Params()
    raw = con.execute(report_sql(con, filters, params, spec), params).df()
    out = pd.DataFrame()
    if spec.grain != "none":
        out["period"] = pd.to_datetime(raw["period"]).astype("datetime64[us]")
    if spec.dimension != "none":
        out[spec.dimension] = raw["kept_value"].astype("object")
    out[spec.measure] = raw["measure_value"].astype("float64")
    return out[spec.columns].reset_index(drop=True)
