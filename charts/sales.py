"""Charts of the Sales page: trend with moving average and forecast band, breakdown bars, Pareto."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import ACCENT, MUTED, PALETTE, axis, number_label_expr, tooltip_format

# d3 time formats naming one period of each grain (weeks by their Monday).
PERIOD_FORMATS = {"day": "%Y-%m-%d", "week": "%Y-%m-%d", "month": "%Y-%m", "quarter": "%Y-Q%q"}
PICK = "pick"  # name of the click selection of the breakdown bars
ABC_COLORS = {"A": PALETTE[0], "B": PALETTE[5], "C": MUTED}


def trend_frame(trend: pd.DataFrame, forecast: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Long frame of the trend chart: one row per period and series (period, series, amount).

    Series: labels["net"] (net revenue), labels["average"] (moving average, where known),
    labels["forecast"] (the forecast periods, starting from the last complete actual period so
    the dashed line continues the solid one).
    """
    parts = [trend[["period", "net_revenue"]].rename(columns={"net_revenue": "amount"})
             .assign(series=labels["net"])]
    average = trend[["period", "moving_average"]].dropna()
    parts.append(average.rename(columns={"moving_average": "amount"}).assign(series=labels["average"]))
    ahead = forecast.dropna(subset=["forecast"])
    if not ahead.empty:
        actual = forecast.dropna(subset=["net_revenue"]).tail(1)
        parts.append(actual[["period", "net_revenue"]].rename(columns={"net_revenue": "amount"})
                     .assign(series=labels["forecast"]))
        parts.append(ahead[["period", "forecast"]].rename(columns={"forecast": "amount"})
                     .assign(series=labels["forecast"]))
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({"period": pd.Series(dtype="datetime64[us]"),
                             "series": pd.Series(dtype="object"), "amount": pd.Series(dtype="float64")})
    out = pd.concat(parts, ignore_index=True)
    out["period"] = pd.to_datetime(out["period"]).astype("datetime64[us]")
    out["amount"] = out["amount"].astype("float64")
    return out[["period", "series", "amount"]]


def trend_chart(trend: pd.DataFrame, forecast: pd.DataFrame, grain: str, lang: str,
                labels: dict[str, str]) -> alt.LayerChart:
    """Net revenue per period (solid), its moving average (dotted), the forecast (dashed) and
    the forecast's prediction interval as a band."""
    lines = trend_frame(trend, forecast, labels)
    fmt = PERIOD_FORMATS[grain]
    series = [labels["net"], labels["average"], labels["forecast"]]
    legend = alt.Legend(symbolType="stroke", symbolStrokeWidth=2)
    color = alt.Color("series:N", title=None, legend=legend, scale=alt.Scale(domain=series,
                                                              range=[ACCENT, PALETTE[1], ACCENT]))
    dash = alt.StrokeDash("series:N", title=None, legend=legend, scale=alt.Scale(
        domain=series, range=[[1, 0], [2, 2], [6, 4]]))
    x = alt.X("period:T", title=None, axis=alt.Axis(format=fmt, labelOverlap=True))
    line = alt.Chart(lines).mark_line(point=alt.OverlayMarkDef(size=25)).encode(
        x=x, y=alt.Y("amount:Q", axis=axis(lang), title=None), color=color, strokeDash=dash,
        tooltip=[alt.Tooltip("period:T", title=labels["period"], format=fmt),
                 alt.Tooltip("series:N", title=labels["series"]),
                 alt.Tooltip("amount:Q", title=labels["amount"], format=tooltip_format("amount"))])
    band_data = forecast.dropna(subset=["forecast"])[["period", "lower", "upper"]]
    band = alt.Chart(band_data).mark_area(opacity=0.18, color=MUTED).encode(
        x=x, y="lower:Q", y2="upper:Q",
        tooltip=[alt.Tooltip("period:T", title=labels["period"], format=fmt),
                 alt.Tooltip("lower:Q", title=labels["lower"], format=tooltip_format("amount")),
                 alt.Tooltip("upper:Q", title=labels["upper"], format=tooltip_format("amount"))])
    return alt.layer(band, line).properties(height=320)


def breakdown_chart(frame: pd.DataFrame, focus: str | None, lang: str,
                    labels: dict[str, str]) -> alt.Chart:
    """Horizontal bars of net revenue per value, largest on top; clicking a bar selects its
    value (selection ``PICK`` on field ``value``). The ``focus`` value is highlighted."""
    data = frame[["value", "net_revenue", "gross_revenue", "returns", "share"]].copy()
    data["focus"] = (data["value"] == focus) if focus is not None else True
    pick = alt.selection_point(name=PICK, fields=["value"], on="click", clear=False)
    return alt.Chart(data).mark_bar(cursor="pointer").encode(
        y=alt.Y("value:N", sort=list(data["value"]), title=None,
                axis=alt.Axis(labelLimit=160)),
        x=alt.X("net_revenue:Q", axis=axis(lang), title=None),
        color=alt.condition("datum.focus", alt.value(ACCENT), alt.value(MUTED)),
        tooltip=[alt.Tooltip("value:N", title=labels["value"]),
                 alt.Tooltip("net_revenue:Q", title=labels["net"], format=tooltip_format("amount")),
                 alt.Tooltip("gross_revenue:Q", title=labels["gross"],
                             format=tooltip_format("amount")),
                 alt.Tooltip("returns:Q", title=labels["returns"], format=tooltip_format("amount")),
                 alt.Tooltip("share:Q", title=labels["share"], format=tooltip_format("percent"))],
    ).add_params(pick).properties(height=max(len(data), 1) * 24 + 20)


def pareto_chart(frame: pd.DataFrame, lang: str, labels: dict[str, str]) -> alt.LayerChart:
    """Pareto chart of ranked products: net revenue bars coloured by ABC class, the cumulative
    share as a line on a 0-100 % axis, and rules at 80 % and 95 %."""
    data = frame[["rank", "product", "net_revenue", "share", "cumulative_share", "abc_class"]]
    x = alt.X("product:N", sort=list(data["product"]), title=None,
              axis=alt.Axis(labelAngle=-40, labelLimit=110))
    tooltip = [alt.Tooltip("rank:Q", title=labels["rank"]),
               alt.Tooltip("product:N", title=labels["product"]),
               alt.Tooltip("net_revenue:Q", title=labels["net"], format=tooltip_format("amount")),
               alt.Tooltip("share:Q", title=labels["share"], format=tooltip_format("percent")),
               alt.Tooltip("cumulative_share:Q", title=labels["cumulative"],
                           format=tooltip_format("percent")),
               alt.Tooltip("abc_class:N", title=labels["abc"])]
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y("net_revenue:Q", axis=axis(lang), title=None),
        color=alt.Color("abc_class:N", title=labels["abc"],
                        scale=alt.Scale(domain=list(ABC_COLORS), range=list(ABC_COLORS.values()))),
        tooltip=tooltip)
    percent = alt.Scale(domain=[0, 1])
    cumulative = alt.Chart(data).mark_line(
        color=PALETTE[1], point=alt.OverlayMarkDef(color=PALETTE[1], size=25)).encode(
        x=x, y=alt.Y("cumulative_share:Q", scale=percent, title=None,
                     axis=alt.Axis(labelExpr=number_label_expr(lang, "percent"), orient="right")),
        tooltip=tooltip)
    thresholds = pd.DataFrame({"threshold": [0.8, 0.95], "label": ["80%", "95%"]})
    rules = alt.Chart(thresholds).mark_rule(strokeDash=[4, 4], color=MUTED).encode(
        y=alt.Y("threshold:Q", scale=percent, axis=None),
        tooltip=[alt.Tooltip("label:N", title=labels["threshold"])])
    # Three independent y scales: revenue (left), cumulative share (right), rules on the same 0-1.
    return alt.layer(bars, cumulative, rules).resolve_scale(y="independent").properties(height=320)
