"""Team page charts: their Vega-Lite specs for tiny hand-typed frames."""

from __future__ import annotations

import pandas as pd
from chart_spec import marks, rows, selection, spec

from charts.service import activities_by_rep_chart
from charts.team import REP_PICK, leaderboard

NAN = float("nan")
# As reps() of test_metrics_team (all time): ann 700 of 2000, bob 400 of 900, carl no target.
BOARD = pd.DataFrame({
    "owner": ["ann", "bob", "carl"], "revenue_won": [700.0, 400.0, 0.0],
    "sales_revenue": [150.0, 0.0, 80.0], "target_amount": [2000.0, 900.0, NAN],
    "attainment": [0.35, 400 / 900, NAN], "win_rate": [0.5, 0.5, NAN]})


def test_leaderboard_bars_target_ticks_and_attainment():
    chart = spec(leaderboard(BOARD, "revenue_won", "en"))
    assert marks(chart) == ["bar", "tick", "text"]
    bars, ticks, labels = chart["layer"]
    assert bars["encoding"]["y"]["sort"] == ["ann", "bob", "carl"]
    data = rows(chart)
    assert [r["value"] for r in data] == [700.0, 400.0, 0.0]
    # Labels sit right of the bar or the tick, whichever is longer.
    assert [r["label_at"] for r in data] == [2000.0, 900.0, 0.0]
    assert [r["label"] for r in data] == ["35%", "44%", ""]
    assert ticks["encoding"]["x"]["field"] == "target_amount"
    assert labels["encoding"]["text"]["field"] == "label"
    assert bars["encoding"]["x"]["scale"]["domain"] == [0, 2000.0 * 1.15]
    assert selection(chart, REP_PICK)["select"]["fields"] == ["owner"]


def test_leaderboard_on_sales_and_at_most_max_reps():
    chart = spec(leaderboard(BOARD, "sales_revenue", "en", max_reps=2))
    assert [r["value"] for r in rows(chart)] == [150.0, 0.0]
    assert chart["layer"][0]["encoding"]["y"]["sort"] == ["ann", "bob"]


def test_leaderboard_without_any_value():
    empty = BOARD.assign(revenue_won=0.0, target_amount=NAN)
    chart = spec(leaderboard(empty, "revenue_won", "en"))
    assert chart["layer"][0]["encoding"]["x"]["scale"]["domain"] == [0, 1]


def test_activities_stack_by_type():
    frame = pd.DataFrame({"owner": ["ann", "ann", "bob"], "activity_type": ["call", "email", "call"],
                          "activities": [2, 1, 1], "customers": [1, 1, 1],
                          "duration_minutes": [35.0, 0.0, 5.0]})
    # The Team page draws the Service page's chart: ann has 2 + 1 = 3 activities, bob 1.
    chart = spec(activities_by_rep_chart(frame, "en", {"activity_type": "类型"}))
    assert marks(chart) == ["bar"]
    encoding = chart["encoding"]
    assert encoding["color"] == {"field": "activity_type", "title": "类型", "type": "nominal"}
    assert encoding["y"]["sort"] == ["ann", "bob"]
    assert [t["field"] for t in encoding["tooltip"]] == [
        "owner", "activity_type", "activities", "customers", "duration_minutes"]
