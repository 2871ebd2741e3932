"""Funnel page charts: their Vega-Lite specs for tiny hand-typed frames."""

from __future__ import annotations

import pandas as pd
from chart_spec import marks, rows, selection, spec

from charts.funnel import (
    CELL_PICK,
    STAGE_PICK,
    durations_chart,
    funnel_chart,
    funnel_grid,
)

NAN = float("nan")
# The all-deals funnel of test_metrics_funnel: 8, 6, 4, 2.
STAGES = pd.DataFrame({
    "stage": ["Lead", "Qualified", "Proposal", "Won"], "deals": [8, 6, 4, 2],
    "conversion_from_previous": [NAN, 0.75, 4 / 6, 0.5], "conversion_from_top": [1, 0.75, 0.5, 0.25],
    "drop_off": [0, 2, 2, 2], "amount": [2850.0, 2150.0, 1900.0, 1100.0]})


def test_funnel_bars_are_centred_with_labels():
    chart = spec(funnel_chart(STAGES, "en"))
    assert marks(chart) == ["bar", "text"]
    data = rows(chart)
    # Each bar runs from -deals/2 to +deals/2; the label is deals, then % of the previous stage.
    assert [(r["neg_half"], r["half"]) for r in data] == [(-4, 4), (-3, 3), (-2, 2), (-1, 1)]
    assert [r["label"] for r in data] == ["8", "6  ·  75%", "4  ·  67%", "2  ·  50%"]
    assert [r["is_won"] for r in data] == [False, False, False, True]
    bars, labels = chart["layer"]
    assert bars["encoding"]["x"]["field"] == "neg_half" and bars["encoding"]["x2"]["field"] == "half"
    assert bars["encoding"]["y"]["sort"] == ["Lead", "Qualified", "Proposal", "Won"]
    # Room on the right of the widest bar (half of 8) for its label.
    assert bars["encoding"]["x"]["scale"]["domain"] == [-4.0, 4.0 * 1.7]
    assert labels["encoding"]["text"]["field"] == "label"


def test_funnel_click_selects_a_stage_with_tooltips():
    chart = spec(funnel_chart(STAGES, "en", {"deals": "商机数"}))
    pick = selection(chart, STAGE_PICK)
    assert pick["select"]["fields"] == ["stage"] and pick["select"]["on"] == "click"
    tooltip = chart["layer"][0]["encoding"]["tooltip"]
    assert [t["field"] for t in tooltip] == ["stage", "deals", "conversion_from_previous",
                                             "conversion_from_top", "drop_off", "amount"]
    assert tooltip[1]["title"] == "商机数" and tooltip[2]["format"] == ".1%"


GROUPED = pd.DataFrame({
    "owner": ["ann"] * 2 + ["bob"] * 2 + ["carl"] * 2,
    "stage": ["Lead", "Won"] * 3,
    "deals": [5, 1, 3, 1, 9, 0],
    "conversion_from_top": [1, 0.2, 1, 1 / 3, 1, 0.0],
    "amount": [10.0, 1.0, 20.0, 2.0, 30.0, 0.0]})


def test_grid_keeps_the_biggest_groups():
    chart = spec(funnel_grid(GROUPED, "owner", "en", max_groups=2))
    assert marks(chart) == ["rect", "text"]
    # Most deals at the first stage: carl 9, ann 5 (bob's 3 left out).
    assert chart["layer"][0]["encoding"]["y"]["sort"] == ["carl", "ann"]
    assert sorted({r["group"] for r in rows(chart)}) == ["ann", "carl"]
    assert chart["layer"][0]["encoding"]["x"]["sort"] == ["Lead", "Won"]
    assert chart["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 1]
    assert selection(chart, CELL_PICK)["select"]["fields"] == ["group", "stage"]


def test_durations_bars_and_median_ticks():
    frame = pd.DataFrame({"stage": ["Lead", "Qualified"], "deals": [3, 2],
                          "mean_days": [2.5, 6.0], "median_days": [2.5, 6.0]})
    chart = spec(durations_chart(frame, "zh"))
    assert marks(chart) == ["bar", "tick"]
    assert chart["layer"][0]["encoding"]["x"]["field"] == "mean_days"
    assert chart["layer"][1]["encoding"]["x"]["field"] == "median_days"
    assert "万" in chart["layer"][0]["encoding"]["x"]["axis"]["labelExpr"]
