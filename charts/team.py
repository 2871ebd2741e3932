"""Charts of the Team page: the leaderboard against targets, activities by type."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, axis, tooltip_format

REP_PICK = "rep_pick"
LABEL_LIMIT = 180


def _titles(titles: dict | None, **defaults: str) -> dict:
    return {**defaults, **(titles or {})}


def leaderboard(frame: pd.DataFrame, value: str, lang: str, titles: dict | None = None,
                max_reps: int = 25) -> alt.LayerChart:
    """One bar per rep (metrics.team.reps, best first) of ``value`` (revenue_won or
    sales_revenue), a dark tick at the rep's target, and the attainment % beside the bar.
    The ``max_reps`` first reps are shown. Clicking a bar selects ``REP_PICK`` (field owner)."""
    names = _titles(titles, owner="Rep", value="Revenue", target_amount="Target",
                    attainment="Attainment", win_rate="Win rate")
    data = frame.head(max_reps)[["owner", value, "target_amount", "attainment", "win_rate"]]
    data = data.rename(columns={value: "value"})
    data["label_at"] = data[["value", "target_amount"]].max(axis=1)
    data["label"] = ["" if pd.isna(a) else f"{a:.0%}" for a in data["attainment"]]
    reps = list(data["owner"])
    pick = alt.selection_point(name=REP_PICK, fields=["owner"], on="click", clear="dblclick")
    base = alt.Chart(data).encode(
        y=alt.Y("owner:N", sort=reps, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        tooltip=[alt.Tooltip("owner:N", title=names["owner"]),
                 alt.Tooltip("value:Q", title=names["value"], format=tooltip_format("amount")),
                 alt.Tooltip("target_amount:Q", title=names["target_amount"],
                             format=tooltip_format("amount")),
                 alt.Tooltip("attainment:Q", title=names["attainment"],
                             format=tooltip_format("percent")),
                 alt.Tooltip("win_rate:Q", title=names["win_rate"],
                             format=tooltip_format("percent"))],
    )
    # room right of the longest bar or tick for its attainment label
    widest = data["label_at"].max()
    scale = alt.Scale(domain=[0, float(widest) * 1.15 if pd.notna(widest) and widest > 0 else 1])
    bars = base.mark_bar(color=ACCENT, cornerRadiusEnd=3, height={"band": 0.7}).encode(
        x=alt.X("value:Q", title=names["value"], axis=axis(lang, "amount", names["value"]),
                scale=scale),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.4)),
    ).add_params(pick)
    target = base.mark_tick(color="#0f172a", thickness=3, size=22).encode(
        x=alt.X("target_amount:Q", scale=scale)).transform_filter("isValid(datum.target_amount)")
    labels = base.mark_text(align="left", dx=8, fontSize=12, color="#334155").encode(
        x=alt.X("label_at:Q", scale=scale), text="label:N")
    return (bars + target + labels).properties(height=alt.Step(32))
