"""Charts of the Retention page: the cohort heatmap, the average retention curve and the
histogram of days between purchases."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, axis, tooltip_format

COHORT_PICK = "cohort_cell"
VALUES = ("retention_rate", "revenue_retention")
ROW_STEP = 24


def _titles(titles: dict | None, **defaults: str) -> dict:
    return {**defaults, **(titles or {})}


def _check_value(value: str) -> str:
    if value not in VALUES:
        raise ValueError(f"value must be one of {', '.join(VALUES)}, not {value!r}")
    return value


def cohort_heatmap(cells: pd.DataFrame, lang: str, value: str = "retention_rate",
                   titles: dict | None = None) -> alt.LayerChart:
    """Cohorts (rows, oldest on top) x periods since acquisition (columns) from
    metrics.retention.cohorts: colour and text are ``value`` (retention_rate or
    revenue_retention) as a percent. The colour scale tops out at the largest value after
    period 0, so later periods stay readable. Clicking a cell selects ``COHORT_PICK`` with fields
    cohort, period."""
    value = _check_value(value)
    names = _titles(titles, cohort="Cohort", period="Period", cohort_size="Cohort size",
                    customers="Customers", retention_rate="Retention",
                    revenue="Revenue", revenue_retention="Revenue retention")
    data = cells[["cohort", "cohort_start", "period", "cohort_size", "customers",
                  "retention_rate", "revenue", "revenue_retention"]].copy()
    data["cohort_start"] = data["cohort_start"].astype(str)
    data["label"] = [("" if pd.isna(v) else f"{v:.0%}") for v in data[value]]
    later = data.loc[data["period"] > 0, value].dropna()
    top = float(later.max()) if not later.empty and later.max() > 0 else 1.0
    cohorts = list(dict.fromkeys(data.sort_values("cohort_start")["cohort"]))
    pick = alt.selection_point(name=COHORT_PICK, fields=["cohort", "period"], on="click",
                               clear="dblclick")
    base = alt.Chart(data).encode(
        x=alt.X("period:O", title=names["period"], axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("cohort:O", title=names["cohort"], sort=cohorts),
        tooltip=[alt.Tooltip("cohort:N", title=names["cohort"]),
                 alt.Tooltip("period:O", title=names["period"]),
                 alt.Tooltip("cohort_size:Q", title=names["cohort_size"],
                             format=tooltip_format("count")),
                 alt.Tooltip("customers:Q", title=names["customers"],
                             format=tooltip_format("count")),
                 alt.Tooltip("retention_rate:Q", title=names["retention_rate"],
                             format=tooltip_format("percent")),
                 alt.Tooltip("revenue:Q", title=names["revenue"], format=tooltip_format("amount")),
                 alt.Tooltip("revenue_retention:Q", title=names["revenue_retention"],
                             format=tooltip_format("percent"))],
    )
    rects = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(f"{value}:Q", title=names[value],
                        scale=alt.Scale(scheme="blues", domain=[0, top], clamp=True),
                        legend=alt.Legend(format=".0%")),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
    ).add_params(pick)
    text = base.mark_text(fontSize=10).encode(
        text="label:N",
        color=alt.condition(f"datum.{value} > {top * 0.6}", alt.value("white"),
                            alt.value("#0f172a")))
    # A step, not a total height: Streamlit's theme squeezes a fixed height on discrete axes.
    return (rects + text).properties(height=alt.Step(ROW_STEP))


def retention_curve_chart(curve: pd.DataFrame, lang: str, value: str = "retention_rate",
                          titles: dict | None = None) -> alt.Chart:
    """The size-weighted average curve (metrics.retention.retention_curve): ``value`` by period
    since acquisition as a line with points."""
    value = _check_value(value)
    names = _titles(titles, period="Period", cohorts="Cohorts", cohort_customers="Customers in those cohorts",
                    customers="Customers", retention_rate="Retention",
                    revenue_retention="Revenue retention")
    return alt.Chart(curve).mark_line(point=True, color=ACCENT).encode(
        x=alt.X("period:Q", title=names["period"], axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y(f"{value}:Q", title=None, axis=axis(lang, "percent")),
        tooltip=[alt.Tooltip("period:Q", title=names["period"]),
                 alt.Tooltip(f"{value}:Q", title=names[value], format=tooltip_format("percent")),
                 alt.Tooltip("cohorts:Q", title=names["cohorts"], format=tooltip_format("count")),
                 alt.Tooltip("cohort_customers:Q", title=names["cohort_customers"],
                             format=tooltip_format("count")),
                 alt.Tooltip("customers:Q", title=names["customers"],
                             format=tooltip_format("count"))],
    ).properties(height=260)


def gap_histogram(buckets: pd.DataFrame, lang: str, titles: dict | None = None) -> alt.Chart:
    """Gaps between consecutive purchases per day bucket (metrics.retention_drill
    .purchase_gap_distribution), buckets in their order."""
    names = _titles(titles, bucket="Days between purchases", gaps="Gaps", share="Share")
    return alt.Chart(buckets).mark_bar(color=ACCENT, cornerRadius=2).encode(
        x=alt.X("bucket:O", title=names["bucket"], sort=list(buckets["bucket"]),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("gaps:Q", title=None, axis=axis(lang, "count")),
        tooltip=[alt.Tooltip("bucket:N", title=names["bucket"]),
                 alt.Tooltip("gaps:Q", title=names["gaps"], format=tooltip_format("count")),
                 alt.Tooltip("share:Q", title=names["share"], format=tooltip_format("percent"))],
    ).properties(height=240)
