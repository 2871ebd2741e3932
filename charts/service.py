"""Charts of the Service page: tickets by type, satisfaction by region or owner, activities
per rep and the conversion of contacted vs not contacted customers."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, MUTED, PALETTE, axis, tooltip_format

TYPE_PICK = "type_pick"
GROUP_PICK = "group_pick"
COMPLAINT_COLOR = PALETTE[4]
LABEL_LIMIT = 200
# Row height of horizontal bars as a step, not a total: Streamlit's theme squeezes a fixed
# height on discrete axes, so a chart with few rows would come out flat.
BAR_STEP = 28


def _titles(titles: dict | None, **defaults: str) -> dict:
    return {**defaults, **(titles or {})}


def tickets_by_type(by_type: pd.DataFrame, lang: str, titles: dict | None = None,
                    max_rows: int = 15) -> alt.Chart:
    """One horizontal bar per ticket type (metrics.service.tickets_summary(by="ticket_type")),
    most tickets first, the ``max_rows`` largest; complaint types in red. Clicking a bar selects
    ``TYPE_PICK`` (field ticket_type)."""
    names = _titles(titles, ticket_type="Type", tickets="Tickets", complaints="Complaints",
                    median_resolution_hours="Median resolution (hours)",
                    mean_satisfaction="Mean satisfaction", satisfied_share="Share ≥ 4")
    data = by_type.sort_values(["tickets", "ticket_type"], ascending=[False, True]).head(max_rows)
    data = data.assign(is_complaint=data["complaints"] > 0)
    pick = alt.selection_point(name=TYPE_PICK, fields=["ticket_type"], on="click", clear="dblclick")
    return alt.Chart(data).mark_bar(cornerRadius=2).encode(
        y=alt.Y("ticket_type:N", sort=list(data["ticket_type"]), title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("tickets:Q", title=None, axis=axis(lang, "count")),
        color=alt.condition("datum.is_complaint", alt.value(COMPLAINT_COLOR), alt.value(ACCENT)),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("ticket_type:N", title=names["ticket_type"]),
                 alt.Tooltip("tickets:Q", title=names["tickets"], format=tooltip_format("count")),
                 alt.Tooltip("complaints:Q", title=names["complaints"],
                             format=tooltip_format("count")),
                 alt.Tooltip("median_resolution_hours:Q", title=names["median_resolution_hours"],
                             format=",.1f"),
                 alt.Tooltip("mean_satisfaction:Q", title=names["mean_satisfaction"],
                             format=".2f"),
                 alt.Tooltip("satisfied_share:Q", title=names["satisfied_share"],
                             format=tooltip_format("percent"))],
    ).add_params(pick).properties(height=alt.Step(BAR_STEP))


def satisfaction_by(frame: pd.DataFrame, by: str, lang: str, titles: dict | None = None,
                    max_rows: int = 15) -> alt.LayerChart:
    """Mean satisfaction (1-5) per value of ``by`` (tickets_summary(by=region|owner)) as bars,
    the share of rated tickets scoring >= 4 written beside them; groups with most tickets first.
    Clicking a bar selects ``GROUP_PICK`` (field ``by``)."""
    names = _titles(titles, group=by, mean_satisfaction="Mean satisfaction",
                    satisfied_share="Share ≥ 4", rated="Rated", tickets="Tickets",
                    median_resolution_hours="Median resolution (hours)")
    data = frame.sort_values(["tickets", by], ascending=[False, True]).head(max_rows).copy()
    data["label"] = [("" if pd.isna(s) else f"{s:.0%} ≥ 4") for s in data["satisfied_share"]]
    pick = alt.selection_point(name=GROUP_PICK, fields=[by], on="click", clear="dblclick")
    base = alt.Chart(data).encode(
        y=alt.Y(f"{by}:N", sort=list(data[by]), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        tooltip=[alt.Tooltip(f"{by}:N", title=names["group"]),
                 alt.Tooltip("mean_satisfaction:Q", title=names["mean_satisfaction"], format=".2f"),
                 alt.Tooltip("satisfied_share:Q", title=names["satisfied_share"],
                             format=tooltip_format("percent")),
                 alt.Tooltip("rated:Q", title=names["rated"], format=tooltip_format("count")),
                 alt.Tooltip("tickets:Q", title=names["tickets"], format=tooltip_format("count")),
                 alt.Tooltip("median_resolution_hours:Q", title=names["median_resolution_hours"],
                             format=",.1f")],
    )
    scale = alt.Scale(domain=[0, 6.2])
    bars = base.mark_bar(color=ACCENT, cornerRadius=2).encode(
        x=alt.X("mean_satisfaction:Q", title=names["mean_satisfaction"], scale=scale,
                axis=alt.Axis(values=[0, 1, 2, 3, 4, 5])),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
    ).add_params(pick)
    labels = base.mark_text(align="left", dx=4, fontSize=11, color="#334155").encode(
        x=alt.X("mean_satisfaction:Q", scale=scale), text="label:N")
    return (bars + labels).properties(height=alt.Step(BAR_STEP))


def activities_by_rep_chart(frame: pd.DataFrame, lang: str, titles: dict | None = None
                            ) -> alt.Chart:
    """Activities per rep stacked by type (metrics.service.activities_by_rep), busiest rep on top."""
    names = _titles(titles, owner="Owner", activity_type="Type", activities="Activities",
                    customers="Customers contacted", duration_minutes="Minutes")
    order = (frame.groupby("owner")["activities"].sum().reset_index()
             .sort_values(["activities", "owner"], ascending=[False, True])["owner"].tolist())
    return alt.Chart(frame).mark_bar().encode(
        y=alt.Y("owner:N", sort=order, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("activities:Q", title=None, axis=axis(lang, "count")),
        color=alt.Color("activity_type:N", title=names["activity_type"]),
        tooltip=[alt.Tooltip("owner:N", title=names["owner"]),
                 alt.Tooltip("activity_type:N", title=names["activity_type"]),
                 alt.Tooltip("activities:Q", title=names["activities"],
                             format=tooltip_format("count")),
                 alt.Tooltip("customers:Q", title=names["customers"],
                             format=tooltip_format("count")),
                 alt.Tooltip("duration_minutes:Q", title=names["duration_minutes"],
                             format=",.0f")],
    ).properties(height=alt.Step(BAR_STEP))


def contact_conversion_chart(frame: pd.DataFrame, lang: str, titles: dict | None = None
                             ) -> alt.Chart:
    """Conversion rate of contacted vs not contacted customers (metrics.service
    .contact_conversion), labelled by ``contacted_label`` when the frame has it."""
    names = _titles(titles, contacted="Customers", conversion_rate="Bought in the period",
                    customers="Customers", converted="Bought")
    data = frame.copy()
    if "contacted_label" not in data.columns:
        data["contacted_label"] = data["contacted"]
    return alt.Chart(data).mark_bar(cornerRadius=2).encode(
        x=alt.X("contacted_label:N", sort=list(data["contacted_label"]), title=None,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("conversion_rate:Q", title=None, axis=axis(lang, "percent")),
        color=alt.condition("datum.contacted == 'contacted'", alt.value(ACCENT), alt.value(MUTED)),
        tooltip=[alt.Tooltip("contacted_label:N", title=names["contacted"]),
                 alt.Tooltip("customers:Q", title=names["customers"],
                             format=tooltip_format("count")),
                 alt.Tooltip("converted:Q", title=names["converted"],
                             format=tooltip_format("count")),
                 alt.Tooltip("conversion_rate:Q", title=names["conversion_rate"],
                             format=tooltip_format("percent"))],
    ).properties(height=220)
