"""Charts of the Overview page."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, MUTED, axis, tooltip_format


def kpi_sparkline_values(trend: pd.DataFrame, key: str) -> list[float] | None:
    """The KPI's last 12 periods for a tile's sparkline, when the trend carries it."""
    if trend.empty or key not in trend.columns:
        return None
    return [float(v) for v in trend[key].tail(12).fillna(0)]


def trend_with_forecast(frame: pd.DataFrame, lang: str) -> alt.Chart:
    """Net revenue per period as a line, the forecast dashed, its interval as a band."""
    base = alt.Chart(frame).encode(x=alt.X("period:T", title=None))
    actual = base.mark_line(point=True, color=ACCENT).encode(
        y=alt.Y("net_revenue:Q", axis=axis(lang), title=None),
        tooltip=[alt.Tooltip("period:T", format="%Y-%m"),
                 alt.Tooltip("net_revenue:Q", format=tooltip_format("amount"))],
    ).transform_filter("isValid(datum.net_revenue)")
    band = base.mark_area(opacity=0.2, color=MUTED).encode(
        y="lower:Q", y2="upper:Q",
        tooltip=[alt.Tooltip("period:T", format="%Y-%m"),
                 alt.Tooltip("forecast:Q", format=tooltip_format("amount")),
                 alt.Tooltip("lower:Q", format=tooltip_format("amount")),
                 alt.Tooltip("upper:Q", format=tooltip_format("amount"))],
    ).transform_filter("isValid(datum.forecast)")
    ahead = base.mark_line(strokeDash=[6, 4], color=ACCENT).encode(y="forecast:Q").transform_filter(
        "isValid(datum.forecast)")
    return (band + actual + ahead).properties(height=300)
