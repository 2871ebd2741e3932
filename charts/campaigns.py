"""Charts of the Campaigns page: cost against revenue per campaign, and per channel."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import MUTED, PALETTE, axis, tooltip_format

CAMPAIGN_PICK = "campaign_pick"
LABEL_LIMIT = 180
# ROI colours: red below break-even, grey at it, green above.
ROI_RANGE = ["#dc2626", "#e5e7eb", "#059669"]


def _titles(titles: dict | None, **defaults: str) -> dict:
    return {**defaults, **(titles or {})}


def bubble_chart(frame: pd.DataFrame, lang: str, titles: dict | None = None) -> alt.LayerChart:
    """One bubble per campaign with both cost and revenue (metrics.campaigns.campaigns): x cost,
    y revenue, size conversions, colour ROI diverging around 0; the dashed line y = x is
    break-even (above it a campaign earns more than it costs). Clicking a bubble selects
    ``CAMPAIGN_PICK`` (field campaign_id)."""
    names = _titles(titles, campaign="Campaign", channel="Channel", cost="Cost",
                    revenue="Revenue", conversions="Conversions", roi="ROI", roas="ROAS")
    data = frame[["campaign_id", "campaign", "channel", "cost", "revenue", "conversions", "roi",
                  "roas"]]
    data = data[data["cost"].notna() & data["revenue"].notna()]
    top = float(max(data["cost"].max(), data["revenue"].max())) if not data.empty else 1.0
    even = pd.DataFrame({"cost": [0.0, top], "revenue": [0.0, top]})
    # ROI is unbounded above: the colour saturates at -100 % and +200 %
    colour = alt.Color("roi:Q", title=names["roi"],
                       scale=alt.Scale(domain=[-1, 0, 2], range=ROI_RANGE, clamp=True),
                       legend=alt.Legend(format=".0%"))
    pick = alt.selection_point(name=CAMPAIGN_PICK, fields=["campaign_id"], on="click",
                               clear="dblclick")
    line = alt.Chart(even).mark_line(strokeDash=[6, 4], color=MUTED).encode(
        x=alt.X("cost:Q", title=names["cost"], axis=axis(lang, "amount", names["cost"])),
        y=alt.Y("revenue:Q", title=names["revenue"], axis=axis(lang, "amount", names["revenue"])))
    bubbles = alt.Chart(data).mark_circle(stroke="#334155", strokeWidth=0.5).encode(
        x="cost:Q", y="revenue:Q",
        # About three size symbols (a hint to Vega) fit beside the ROI legend in a half-width column.
        size=alt.Size("conversions:Q", title=names["conversions"], scale=alt.Scale(range=[40, 1600]),
                      legend=alt.Legend(tickCount=3)),
        color=colour,
        opacity=alt.condition(pick, alt.value(0.85), alt.value(0.3)),
        tooltip=[alt.Tooltip("campaign:N", title=names["campaign"]),
                 alt.Tooltip("channel:N", title=names["channel"]),
                 alt.Tooltip("cost:Q", title=names["cost"], format=tooltip_format("amount")),
                 alt.Tooltip("revenue:Q", title=names["revenue"], format=tooltip_format("amount")),
                 alt.Tooltip("conversions:Q", title=names["conversions"],
                             format=tooltip_format("count")),
                 alt.Tooltip("roi:Q", title=names["roi"], format=tooltip_format("percent")),
                 alt.Tooltip("roas:Q", title=names["roas"], format=",.2f")],
    ).add_params(pick)
    return (line + bubbles).properties(height=380)


def channel_chart(frame: pd.DataFrame, lang: str, titles: dict | None = None) -> alt.Chart:
    """Cost and revenue side by side per marketing channel (metrics.campaigns.campaign_channels),
    highest revenue first."""
    names = _titles(titles, channel="Channel", measure="", value="Amount", cost="Cost",
                    revenue="Revenue", roi="ROI", roas="ROAS")
    channels = list(frame["channel"])
    data = frame.melt(id_vars=["channel", "roi", "roas"], value_vars=["cost", "revenue"],
                      var_name="measure", value_name="value")
    data["label"] = data["measure"].map({"cost": names["cost"], "revenue": names["revenue"]})
    return alt.Chart(data).mark_bar(cornerRadiusEnd=2).encode(
        y=alt.Y("channel:N", sort=channels, title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        yOffset=alt.YOffset("label:N", sort=[names["cost"], names["revenue"]]),
        x=alt.X("value:Q", title=names["value"], axis=axis(lang, "amount", names["value"])),
        color=alt.Color("label:N", title=None, sort=[names["cost"], names["revenue"]],
                        scale=alt.Scale(range=[MUTED, PALETTE[0]])),
        tooltip=[alt.Tooltip("channel:N", title=names["channel"]),
                 alt.Tooltip("label:N", title=names["measure"] or " "),
                 alt.Tooltip("value:Q", title=names["value"], format=tooltip_format("amount")),
                 alt.Tooltip("roi:Q", title=names["roi"], format=tooltip_format("percent")),
                 alt.Tooltip("roas:Q", title=names["roas"], format=",.2f")],
    ).properties(height=alt.Step(16))
