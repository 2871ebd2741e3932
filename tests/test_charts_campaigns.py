"""Campaigns page charts: their Vega-Lite specs for tiny hand-typed frames."""

from __future__ import annotations

import pandas as pd
from chart_spec import marks, rows, selection, spec

from charts.campaigns import CAMPAIGN_PICK, ROI_RANGE, bubble_chart, channel_chart

NAN = float("nan")
CAMPAIGNS = pd.DataFrame({
    "campaign_id": ["K3", "K1", "K2", "K4"],
    "campaign": ["Social", "Spring Search", "Fair Booth", "Brand Search"],
    "channel": ["social", "search", "events", "search"],
    "cost": [350.0, 3100.0, 1000.0, 400.0], "revenue": [1050.0, 590.0, 40.0, NAN],
    "conversions": [2.0, 2.0, 1.0, NAN], "roi": [2.0, -0.81, -0.96, NAN],
    "roas": [3.0, 0.19, 0.04, NAN]})


def test_bubbles_and_break_even_line():
    chart = spec(bubble_chart(CAMPAIGNS, "en"))
    assert marks(chart) == ["line", "circle"]
    line, bubbles = chart["layer"]
    # K4 has no revenue: it cannot be placed.
    assert [r["campaign_id"] for r in rows(chart, bubbles)] == ["K3", "K1", "K2"]
    # Break-even y = x from 0 to the largest cost or revenue (3100).
    assert rows(chart, line) == [{"cost": 0.0, "revenue": 0.0}, {"cost": 3100.0, "revenue": 3100.0}]
    assert line["mark"]["strokeDash"] == [6, 4]
    encoding = bubbles["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"], encoding["size"]["field"]) == (
        "cost", "revenue", "conversions")
    # ROI diverges around 0: red below, grey at break-even, green above.
    assert encoding["color"]["field"] == "roi"
    assert encoding["color"]["scale"]["domain"] == [-1, 0, 2]
    assert encoding["color"]["scale"]["range"] == ROI_RANGE
    assert selection(chart, CAMPAIGN_PICK)["select"]["fields"] == ["campaign_id"]
    # About three size symbols: five ran past a half-width column in Chinese.
    assert encoding["size"]["legend"] == {"tickCount": 3}


def test_bubbles_without_any_plottable_campaign():
    chart = spec(bubble_chart(CAMPAIGNS.iloc[3:], "en"))
    assert rows(chart, chart["layer"][1]) == []
    assert rows(chart, chart["layer"][0])[1] == {"cost": 1.0, "revenue": 1.0}


def test_channels_cost_beside_revenue():
    channels = pd.DataFrame({"channel": ["social", "search"], "cost": [350.0, 3500.0],
                             "revenue": [1050.0, 590.0], "roi": [2.0, -0.83],
                             "roas": [3.0, 0.17]})
    chart = spec(channel_chart(channels, "en", {"cost": "花费", "revenue": "收入"}))
    assert marks(chart) == ["bar"]
    assert [(r["channel"], r["label"], r["value"]) for r in rows(chart)] == [
        ("social", "花费", 350.0), ("search", "花费", 3500.0),
        ("social", "收入", 1050.0), ("search", "收入", 590.0)]
    assert chart["encoding"]["y"]["sort"] == ["social", "search"]
    assert chart["encoding"]["yOffset"]["sort"] == ["花费", "收入"]
