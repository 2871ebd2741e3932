"""Calendar grains (day, week, month, quarter) as SQL expressions over a date.

Only our own fixed expressions enter the SQL: the grain is checked against ``GRAINS``
and the date expression is always one of ours, never user text.
"""

from __future__ import annotations

GRAINS = ("day", "week", "month", "quarter")

# Periods in one seasonal cycle, for seasonal forecasts.
SEASON_LENGTH = {"day": 7, "week": 52, "month": 12, "quarter": 4}

# Step between consecutive period starts.
STEP_SQL = {"day": "interval 1 day", "week": "interval 7 day", "month": "interval 1 month",
            "quarter": "interval 3 month"}


def check_grain(grain: str) -> str:
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, not {grain!r}")
    return grain


def period_start_sql(date_expr: str, grain: str) -> str:
    """SQL date of the first day of the period containing ``date_expr`` (weeks start on Monday)."""
    return f"cast(date_trunc('{check_grain(grain)}', {date_expr}) as date)"


def period_index_sql(date_expr: str, grain: str) -> str:
    """SQL integer numbering periods consecutively, so that differences count whole periods."""
    check_grain(grain)
    if grain == "day":
        return f"date_diff('day', date '1970-01-01', {date_expr})"
    if grain == "week":
        # 1970-01-05 is a Monday; truncated weeks are whole multiples of 7 days from it.
        return (f"cast(date_diff('day', date '1970-01-05', {period_start_sql(date_expr, 'week')})"
                f" / 7 as bigint)")
    if grain == "month":
        return f"(year({date_expr}) * 12 + month({date_expr}))"
    return f"(year({date_expr}) * 4 + quarter({date_expr}))"


def period_label_sql(start_expr: str, grain: str) -> str:
    """SQL text naming the period that starts at ``start_expr``: 2024-03, 2024-Q1, 2024-03-04."""
    check_grain(grain)
    if grain == "month":
        return f"strftime({start_expr}, '%Y-%m')"
    if grain == "quarter":
        return f"(cast(year({start_expr}) as varchar) || '-Q' || cast(quarter({start_expr}) as varchar))"
    return f"strftime({start_expr}, '%Y-%m-%d')"
