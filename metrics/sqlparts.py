"""Small SQL building blocks shared by the deal, campaign, service and customer metrics.

Every value enters the SQL as a bound parameter through ``Params``; only our own fixed
expressions are formatted into the text.
"""

from __future__ import annotations

import pandas as pd

from metrics.filters import Filters, Params

# Label of rows whose grouping value (owner, source, product, region ...) is empty.
NOT_SET = "(not set)"


def in_list(expr: str, values, params: Params) -> str:
    """``expr in ($p0, ...)``, or ``false`` for an empty list (``in ()`` is not valid SQL)."""
    values = list(values)
    if not values:
        return "false"
    return f"{expr} in {params.add_list(values)}"


def period_clauses(expr: str, filters: Filters, params: Params, *, start: bool = True,
                   end: bool = True) -> list[str]:
    """Conditions putting the SQL date ``expr`` inside the filter period (inclusive days)."""
    clauses = []
    if start and filters.start_date is not None:
        clauses.append(f"{expr} >= {params.add(filters.start_date)}")
    if end and filters.end_date is not None:
        clauses.append(f"{expr} <= {params.add(filters.end_date)}")
    return clauses


def segment_clauses(filters: Filters, params: Params, customer_expr: str) -> list[str]:
    """Condition keeping rows whose customer is in one of the selected RFM segments.

    Segments are computed (by metrics.rfm) over the data filtered by everything else.
    """
    if not filters.segments:
        return []
    from metrics.rfm import segment_members_sql

    members = segment_members_sql(filters.without("segment"), params)
    return [(f"{customer_expr} in (select customer_id from ({members}) seg "
            f"where {in_list('segment', filters.segments, params)})")]


def values_sql(rows: list[tuple], names: tuple[str, ...], types: tuple[str, ...],
               params: Params) -> str:
    """A SELECT of literal rows bound as parameters, with named, typed columns.

    Empty ``rows`` gives an empty relation with the same columns.
    """
    if not rows:
        cols = ", ".join(f"cast(null as {t}) as {n}" for n, t in zip(names, types, strict=True))
        return f"select {cols} where false"
    body = ", ".join(
        "(" + ", ".join(f"cast({params.add(v)} as {t})"
                        for v, t in zip(row, types, strict=True)) + ")"
        for row in rows
    )
    return f"select * from (values {body}) v({', '.join(names)})"


def period_days(filters: Filters) -> int | None:
    """Inclusive length of the filter period in days, None when either end is open."""
    if filters.start_date is None or filters.end_date is None:
        return None
    return (filters.end_date - filters.start_date).days + 1


def overlap_days_sql(start_expr: str, end_expr: str, filters: Filters, params: Params) -> str:
    """SQL count of the days of [start_expr, end_expr] inside the filter period (0 when apart)."""
    lo, hi = start_expr, end_expr
    if filters.start_date is not None:
        lo = f"greatest({start_expr}, {params.add(filters.start_date)})"
    if filters.end_date is not None:
        hi = f"least({end_expr}, {params.add(filters.end_date)})"
    return f"greatest(date_diff('day', {lo}, {hi}) + 1, 0)"


def frame(con, sql: str, params: Params, columns: list[str]) -> pd.DataFrame:
    """Run ``sql`` and return its frame with exactly ``columns`` in that order."""
    df = con.execute(sql, params).df()
    return df[columns].reset_index(drop=True)
