"""Charts of the Funnel page: the funnel, the funnel per group as a grid, time in each stage."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, MUTED, PALETTE, axis, tooltip_format

STAGE_PICK = "stage_pick"
CELL_PICK = "cell_pick"
WON_COLOR = PALETTE[2]
# Longest stage or group label shown in full on an axis (pixels); longer ones end in "…".
LABEL_LIMIT = 200


def _titles(titles: dict | None, **defaults: str) -> dict:
    return {**defaults, **(titles or {})}


def funnel_chart(frame: pd.DataFrame, lang: str, titles: dict | None = None) -> alt.LayerChart:
    """One centred bar per funnel row (metrics.funnel.funnel), first stage on top, the won row
    green; beside each bar its deals and the share of the previous stage that reached it.
    Clicking a bar selects its stage (selection ``STAGE_PICK``, field ``stage``)."""
    names = _titles(titles, stage="Stage", deals="Deals", conversion_from_previous="From previous",
                    conversion_from_top="From top", drop_off="Dropped", amount="Value")
    data = frame[["stage", "deals", "conversion_from_previous", "conversion_from_top", "drop_off",
                  "amount"]].copy()
    data["half"] = data["deals"] / 2
    data["neg_half"] = -data["half"]
    data["is_won"] = [i == len(data) - 1 for i in range(len(data))]
    data["label"] = [f"{int(d):,}" + ("" if pd.isna(c) else f"  ·  {c:.0%}")
                     for d, c in zip(data["deals"], data["conversion_from_previous"], strict=True)]
    widest = float(data["half"].max() or 1)
    pick = alt.selection_point(name=STAGE_PICK, fields=["stage"], on="click", clear="dblclick")
    base = alt.Chart(data).encode(
        y=alt.Y("stage:N", sort=list(data["stage"]), title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT, ticks=False, domain=False)),
        tooltip=[alt.Tooltip("stage:N", title=names["stage"]),
                 alt.Tooltip("deals:Q", title=names["deals"], format=tooltip_format("count")),
                 alt.Tooltip("conversion_from_previous:Q", title=names["conversion_from_previous"],
                             format=tooltip_format("percent")),
                 alt.Tooltip("conversion_from_top:Q", title=names["conversion_from_top"],
                             format=tooltip_format("percent")),
                 alt.Tooltip("drop_off:Q", title=names["drop_off"], format=tooltip_format("count")),
                 alt.Tooltip("amount:Q", title=names["amount"], format=tooltip_format("amount"))],
    )
    # room on the right of the widest bar for its label
    scale = alt.Scale(domain=[-widest, widest * 1.7])
    bars = base.mark_bar(cornerRadius=3, height={"band": 0.8}).encode(
        x=alt.X("neg_half:Q", scale=scale, axis=None), x2="half:Q",
        color=alt.condition("datum.is_won", alt.value(WON_COLOR), alt.value(ACCENT)),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
    ).add_params(pick)
    labels = base.mark_text(align="left", dx=6, fontSize=12, color="#334155").encode(
        x=alt.X("half:Q", scale=scale, axis=None), text="label:N")
    return (bars + labels).properties(height=alt.Step(40))


def funnel_grid(frame: pd.DataFrame, by: str, lang: str, titles: dict | None = None,
                max_groups: int = 15) -> alt.Chart:
    """Groups (rows) x funnel rows (columns) from funnel(by=...): colour is the share of the
    group's first stage that reached the stage, text the deals. The ``max_groups`` groups with
    most deals are shown. Clicking a cell selects ``CELL_PICK`` with fields group, stage."""
    names = _titles(titles, group=by, stage="Stage", deals="Deals",
                    conversion_from_top="From top", amount="Value")
    data = frame.rename(columns={by: "group"})[["group", "stage", "deals", "conversion_from_top",
                                                "amount"]]
    stages = list(dict.fromkeys(data["stage"]))
    first = data[data["stage"] == stages[0]] if stages else data
    groups = first.sort_values(["deals", "group"], ascending=[False, True])["group"].head(max_groups)
    data = data[data["group"].isin(set(groups))]
    pick = alt.selection_point(name=CELL_PICK, fields=["group", "stage"], on="click",
                               clear="dblclick")
    base = alt.Chart(data).encode(
        x=alt.X("stage:N", sort=stages, title=None,
                axis=alt.Axis(labelAngle=-40, labelAlign="left", labelLimit=140, orient="top",
                              labelOverlap=False)),
        y=alt.Y("group:N", sort=list(groups), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        tooltip=[alt.Tooltip("group:N", title=names["group"]),
                 alt.Tooltip("stage:N", title=names["stage"]),
                 alt.Tooltip("deals:Q", title=names["deals"], format=tooltip_format("count")),
                 alt.Tooltip("conversion_from_top:Q", title=names["conversion_from_top"],
                             format=tooltip_format("percent")),
                 alt.Tooltip("amount:Q", title=names["amount"], format=tooltip_format("amount"))],
    )
    cells = base.mark_rect(cornerRadius=2, stroke="white", strokeWidth=2).encode(
        color=alt.Color("conversion_from_top:Q", title=names["conversion_from_top"],
                        scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(format=".0%", orient="right",
                                          gradientLength=max(50, 28 * len(groups) - 20))),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.4)),
    ).add_params(pick)
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("deals:Q", format=",.0f"),
        color=alt.condition("datum.conversion_from_top > 0.55", alt.value("white"),
                            alt.value("#1e293b")),
    )
    return (cells + text).properties(height=alt.Step(28))


def durations_chart(frame: pd.DataFrame, lang: str, titles: dict | None = None) -> alt.LayerChart:
    """Mean days in each stage (stage_durations) as bars in funnel order, the median as a dark
    tick on each bar."""
    names = _titles(titles, stage="Stage", mean_days="Mean days", median_days="Median days",
                    deals="Deals")
    base = alt.Chart(frame).encode(
        y=alt.Y("stage:N", sort=list(frame["stage"]), title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        tooltip=[alt.Tooltip("stage:N", title=names["stage"]),
                 alt.Tooltip("mean_days:Q", title=names["mean_days"], format=",.1f"),
                 alt.Tooltip("median_days:Q", title=names["median_days"], format=",.1f"),
                 alt.Tooltip("deals:Q", title=names["deals"], format=tooltip_format("count"))],
    )
    bars = base.mark_bar(color=MUTED, cornerRadiusEnd=3).encode(
        x=alt.X("mean_days:Q", title=names["mean_days"], axis=axis(lang, "amount",
                                                                    names["mean_days"])))
    median = base.mark_tick(color="#0f172a", thickness=3, size=18).encode(x="median_days:Q")
    return (bars + median).properties(height=alt.Step(30))
