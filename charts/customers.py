"""Charts of the Customers page: the RFM grid, segment bars, profile distributions, top CLV.

Builders are pure: a small frame in, an Altair chart out. Labels shown to the user (translated
segment names, titles) come in the frame or in ``titles``; the page translates them.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, axis, tooltip_format

CELL_PICK = "rfm_cell"
SEGMENT_PICK = "segment_pick"
# Light fills so the black count and name stay readable in every cell; one per default segment
# in the order of metrics.rfm.DEFAULT_SEGMENT_MAP, then "Other".
SEGMENT_COLORS = {
    "Champions": "#93c5fd", "Loyal": "#a7f3d0", "Potential Loyalists": "#d9f99d",
    "New": "#fde68a", "Promising": "#fed7aa", "Need Attention": "#e9d5ff",
    "About to Sleep": "#fbcfe8", "At Risk": "#fecaca", "Can't Lose Them": "#fca5a5",
    "Hibernating": "#e2e8f0", "Other": "#f1f5f9",
}
EXTRA_COLORS = ["#bae6fd", "#99f6e4", "#fef08a", "#ddd6fe", "#fecdd3", "#cbd5e1"]
LABEL_LIMIT = 220
# Row heights as steps, not totals: Streamlit's theme squeezes a fixed height on discrete
# axes, so a chart with few rows would come out flat.
CELL_STEP = 64
BAR_STEP = 28


def _titles(titles: dict | None, **defaults: str) -> dict:
    return {**defaults, **(titles or {})}


def segment_colors(segments: list[str]) -> list[str]:
    """A fill for each segment name: the default segments keep theirs, others take spare ones."""
    spare = iter(EXTRA_COLORS * (1 + len(segments) // len(EXTRA_COLORS)))
    return [SEGMENT_COLORS.get(s) or next(spare) for s in segments]


def _labelled(frame: pd.DataFrame) -> pd.DataFrame:
    data = frame.copy()
    if "segment_label" not in data.columns:
        data["segment_label"] = data["segment"]
    return data


def rfm_heatmap(grid: pd.DataFrame, lang: str, color_by: str = "segment",
                titles: dict | None = None) -> alt.LayerChart:
    """The 25 cells of metrics.rfm_drill.rfm_grid: frequency score across, recency score down
    (5 on top), filled by segment (or by customer count when ``color_by="count"``), each cell
    showing its customers and its segment name (``segment_label`` when the frame has it).
    Clicking a cell selects ``CELL_PICK`` with fields r_score, f_score."""
    if color_by not in ("segment", "count"):
        raise ValueError(f"color_by must be 'segment' or 'count', not {color_by!r}")
    names = _titles(titles, r_score="Recency score (R)", f_score="Frequency score (F)",
                    segment="Segment", customers="Customers", share="Share",
                    revenue="Revenue", mean_monetary="Mean monetary")
    data = _labelled(grid)
    data["count_text"] = [f"{int(c):,}" for c in data["customers"]]
    pick = alt.selection_point(name=CELL_PICK, fields=["r_score", "f_score"], on="click",
                               clear="dblclick")
    base = alt.Chart(data).encode(
        x=alt.X("f_score:O", title=names["f_score"], sort="ascending",
                axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("r_score:O", title=names["r_score"], sort="descending"),
        tooltip=[alt.Tooltip("segment_label:N", title=names["segment"]),
                 alt.Tooltip("r_score:O", title=names["r_score"]),
                 alt.Tooltip("f_score:O", title=names["f_score"]),
                 alt.Tooltip("customers:Q", title=names["customers"], format=tooltip_format("count")),
                 alt.Tooltip("share:Q", title=names["share"], format=tooltip_format("percent")),
                 alt.Tooltip("revenue:Q", title=names["revenue"], format=tooltip_format("amount")),
                 alt.Tooltip("mean_monetary:Q", title=names["mean_monetary"],
                             format=tooltip_format("amount"))],
    )
    if color_by == "segment":
        labels = list(dict.fromkeys(data["segment_label"]))
        firsts = data.drop_duplicates("segment_label")
        fills = segment_colors(list(firsts["segment"]))
        color = alt.Color("segment_label:N", title=names["segment"], legend=None,
                          scale=alt.Scale(domain=labels, range=fills))
        text_color = alt.value("#0f172a")
    else:
        top = float(data["customers"].max() or 0)
        color = alt.Color("customers:Q", title=names["customers"], scale=alt.Scale(scheme="blues"),
                          legend=alt.Legend(format=",.0f"))
        text_color = alt.condition(f"datum.customers > {top * 0.6}", alt.value("white"),
                                   alt.value("#0f172a"))
    cells = base.mark_rect(stroke="white", strokeWidth=2, cornerRadius=4).encode(
        color=color, opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
    ).add_params(pick)
    counts = base.mark_text(fontSize=15, fontWeight="bold", dy=-8).encode(
        text="count_text:N", color=text_color)
    segment_names = base.mark_text(fontSize=10, dy=10, limit=110).encode(
        text="segment_label:N", color=text_color)
    return (cells + counts + segment_names).properties(height=alt.Step(CELL_STEP))


def segment_bars(segments: pd.DataFrame, lang: str, titles: dict | None = None) -> alt.Chart:
    """One horizontal bar of customers per segment (metrics.rfm.rfm_segments), in the frame's
    order, in the segment's grid colour. Clicking a bar selects ``SEGMENT_PICK`` (field segment)."""
    names = _titles(titles, segment="Segment", customers="Customers", share="Share",
                    revenue="Revenue", mean_recency="Mean recency (days)",
                    mean_frequency="Mean frequency", mean_monetary="Mean monetary")
    data = _labelled(segments)
    pick = alt.selection_point(name=SEGMENT_PICK, fields=["segment"], on="click", clear="dblclick")
    labels = list(data["segment_label"])
    return alt.Chart(data).mark_bar(cornerRadius=3, stroke="#94a3b8", strokeWidth=0.5).encode(
        y=alt.Y("segment_label:N", sort=labels, title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("customers:Q", title=names["customers"], axis=axis(lang, "count")),
        color=alt.Color("segment_label:N", legend=None,
                        scale=alt.Scale(domain=labels, range=segment_colors(list(data["segment"])))),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("segment_label:N", title=names["segment"]),
                 alt.Tooltip("customers:Q", title=names["customers"], format=tooltip_format("count")),
                 alt.Tooltip("share:Q", title=names["share"], format=tooltip_format("percent")),
                 alt.Tooltip("revenue:Q", title=names["revenue"], format=tooltip_format("amount")),
                 alt.Tooltip("mean_recency:Q", title=names["mean_recency"], format=",.1f"),
                 alt.Tooltip("mean_frequency:Q", title=names["mean_frequency"], format=",.2f"),
                 alt.Tooltip("mean_monetary:Q", title=names["mean_monetary"],
                             format=tooltip_format("amount"))],
    ).add_params(pick).properties(height=alt.Step(BAR_STEP))


def profile_bars(frame: pd.DataFrame, by: str, lang: str, titles: dict | None = None,
                 max_rows: int = 12) -> alt.Chart:
    """Customers per value of ``by`` (metrics.customers.profile): horizontal bars, largest first,
    the ``max_rows`` largest only; for ``signup_month`` columns over time instead, all months."""
    names = _titles(titles, group=by, customers="Customers", share="Share", buyers="Buyers",
                    revenue="Revenue")
    tooltip = [alt.Tooltip(f"{by}:N", title=names["group"]),
               alt.Tooltip("customers:Q", title=names["customers"], format=tooltip_format("count")),
               alt.Tooltip("share:Q", title=names["share"], format=tooltip_format("percent")),
               alt.Tooltip("buyers:Q", title=names["buyers"], format=tooltip_format("count")),
               alt.Tooltip("revenue:Q", title=names["revenue"], format=tooltip_format("amount"))]
    if by == "signup_month":
        return alt.Chart(frame).mark_bar(color=ACCENT, cornerRadius=2).encode(
            x=alt.X(f"{by}:O", title=None, sort=list(frame[by]), axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("customers:Q", title=None, axis=axis(lang, "count")),
            tooltip=tooltip,
        ).properties(height=240)
    data = frame.head(max_rows)
    return alt.Chart(data).mark_bar(color=ACCENT, cornerRadius=2).encode(
        y=alt.Y(f"{by}:N", sort=list(data[by]), title=None, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("customers:Q", title=None, axis=axis(lang, "count")),
        tooltip=tooltip,
    ).properties(height=alt.Step(BAR_STEP))


def clv_top_bars(top: pd.DataFrame, lang: str, titles: dict | None = None) -> alt.Chart:
    """Predicted CLV of the top customers (metrics.clv_views.clv_report ``top``), highest on top;
    each bar named by the customer's name, else id."""
    names = _titles(titles, customer="Customer", clv="Predicted CLV", p_alive="P(alive)",
                    expected_purchases="Expected purchases", expected_spend="Expected spend")
    data = top.copy()
    data["customer"] = [f"{n} ({c})" if isinstance(n, str) and n else str(c)
                        for n, c in zip(data["customer_name"], data["customer_id"], strict=True)]
    return alt.Chart(data).mark_bar(color=ACCENT, cornerRadius=2).encode(
        y=alt.Y("customer:N", sort=list(data["customer"]), title=None,
                axis=alt.Axis(labelLimit=LABEL_LIMIT)),
        x=alt.X("clv:Q", title=names["clv"], axis=axis(lang)),
        tooltip=[alt.Tooltip("customer:N", title=names["customer"]),
                 alt.Tooltip("clv:Q", title=names["clv"], format=tooltip_format("amount")),
                 alt.Tooltip("p_alive:Q", title=names["p_alive"], format=tooltip_format("percent")),
                 alt.Tooltip("expected_purchases:Q", title=names["expected_purchases"],
                             format=",.2f"),
                 alt.Tooltip("expected_spend:Q", title=names["expected_spend"],
                             format=tooltip_format("amount"))],
    ).properties(height=alt.Step(BAR_STEP))
