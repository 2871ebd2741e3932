"""Charts of the report builder: one builder for every measure x dimension x grain x chart type."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, axis, tooltip_format
from metrics.builder import MEASURES, ReportSpec

PERIOD_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "quarter": "%Y-Q%q"}


def effective_chart(spec: ReportSpec, frame: pd.DataFrame) -> str:
    """The chart type actually drawn: 'number' for a single value without grain or dimension;
    a pie only for an additive measure by a dimension, without time grain and without negative
    values (else bars); line and area need a time grain or a dimension (else bars)."""
    if spec.chart == "table":
        return "table"
    if spec.grain == "none" and spec.dimension == "none":
        return "number"
    if spec.chart == "pie":
        values = frame[spec.measure].dropna() if spec.measure in frame else pd.Series(dtype="float64")
        if (spec.grain != "none" or spec.dimension == "none" or not MEASURES[spec.measure].additive
                or (values < 0).any()):
            return "bar"
    return spec.chart


def report_chart(frame: pd.DataFrame, spec: ReportSpec, lang: str, labels: dict[str, str],
                 height: int = 320) -> alt.Chart | None:
    """The report drawn as ``effective_chart`` says; None for 'number' and 'table'.

    ``labels`` names the measure ("measure"), the dimension ("dimension") and the period
    ("period") in the reader's language. Values keep the frame's order (largest first,
    '(other)' last); additive measures stack, the others are drawn side by side.
    """
    kind = effective_chart(spec, frame)
    if kind in ("number", "table"):
        return None
    measure = MEASURES[spec.measure]
    value_kind = "percent" if measure.kind == "percent" else "amount"
    number = alt.Tooltip(f"{spec.measure}:Q", title=labels["measure"],
                         format=tooltip_format(measure.kind))
    y = alt.Y(f"{spec.measure}:Q", axis=axis(lang, value_kind), title=None)
    dimension = spec.dimension if spec.dimension != "none" else None
    order = list(dict.fromkeys(frame[dimension])) if dimension else []
    tooltip = [number]
    if dimension:
        tooltip.insert(0, alt.Tooltip(f"{dimension}:N", title=labels["dimension"]))
    if spec.grain != "none":
        tooltip.insert(0, alt.Tooltip("period:T", title=labels["period"],
                                      format=PERIOD_FORMATS[spec.grain]))
    base = alt.Chart(frame).properties(height=height)
    # Small charts (the Overview's cards) put a short legend at the side, so it does not eat the
    # plot's height.
    legend = (alt.Legend(orient="right", labelLimit=80, symbolLimit=8) if height < 250
              else alt.Legend(labelLimit=160))

    if kind == "pie":
        return base.mark_arc(innerRadius=height // 6).encode(
            theta=alt.Theta(f"{spec.measure}:Q", stack=True),
            color=alt.Color(f"{dimension}:N", sort=order, title=None, legend=legend),
            order=alt.Order(f"{spec.measure}:Q", sort="descending"), tooltip=tooltip)

    if spec.grain == "none":
        # One bar / point per value, in the frame's order.
        if kind == "bar":
            return base.mark_bar(color=ACCENT).encode(
                y=alt.Y(f"{dimension}:N", sort=order, title=None, axis=alt.Axis(labelLimit=180)),
                x=alt.X(f"{spec.measure}:Q", axis=axis(lang, value_kind), title=None),
                tooltip=tooltip).properties(height=max(len(frame), 1) * 24 + 20)
        mark = base.mark_line(point=True, color=ACCENT) if kind == "line" else base.mark_area(
            color=ACCENT, opacity=0.6)
        return mark.encode(x=alt.X(f"{dimension}:N", sort=order, title=None,
                                   axis=alt.Axis(labelAngle=-30, labelLimit=120)),
                           y=y, tooltip=tooltip)

    fmt = PERIOD_FORMATS[spec.grain]
    color = (alt.Color(f"{dimension}:N", sort=order, title=None, legend=legend) if dimension
             else alt.value(ACCENT))
    stack = "zero" if measure.additive else None
    if kind == "bar":
        x = alt.X("period:O", title=None, timeUnit=_time_unit(spec.grain),
                  axis=alt.Axis(format=fmt, labelOverlap=True, labelAngle=-30))
        encoding = {"x": x, "y": alt.Y(f"{spec.measure}:Q", axis=axis(lang, value_kind), title=None,
                                       stack=stack), "color": color, "tooltip": tooltip}
        if dimension and not measure.additive:
            encoding["xOffset"] = alt.XOffset(f"{dimension}:N", sort=order)
        return base.mark_bar().encode(**encoding)
    x = alt.X("period:T", title=None, axis=alt.Axis(format=fmt, labelOverlap=True))
    if kind == "line":
        return base.mark_line(point=True).encode(x=x, y=y, color=color, tooltip=tooltip)
    return base.mark_area(opacity=0.85 if stack else 0.35).encode(
        x=x, y=alt.Y(f"{spec.measure}:Q", axis=axis(lang, value_kind), title=None, stack=stack),
        color=color, tooltip=tooltip)


def _time_unit(grain: str) -> str:
    """Vega-Lite time unit that keeps each period distinct on an ordinal axis."""
    return {"day": "yearmonthdate", "week": "yearmonthdate", "month": "yearmonth",
            "quarter": "yearquarter"}[grain]
