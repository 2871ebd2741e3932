"""Chart specs of the Retention and Service pages: marks, encodings, selections, scales."""

from __future__ import annotations

import pandas as pd
import pytest

from charts.retention import (
    COHORT_PICK,
    cohort_heatmap,
    gap_histogram,
    retention_curve_chart,
)
from charts.service import (
    COMPLAINT_COLOR,
    GROUP_PICK,
    TYPE_PICK,
    activities_by_rep_chart,
    contact_conversion_chart,
    satisfaction_by,
    tickets_by_type,
)

T = pd.Timestamp


def cells() -> pd.DataFrame:
    # Cohort 2024-02 (listed first on purpose) and 2024-01; period 1 of January is 25%.
    return pd.DataFrame({
        "cohort": ["2024-02", "2024-01", "2024-01"],
        "cohort_start": [T("2024-02-01"), T("2024-01-01"), T("2024-01-01")],
        "period": [0, 0, 1], "cohort_size": [2, 4, 4], "customers": [2, 4, 1],
        "retention_rate": [1.0, 1.0, 0.25], "revenue": [50.0, 100.0, 40.0],
        "revenue_retention": [1.0, 1.0, 0.4]})


def test_cohort_heatmap():
    spec = cohort_heatmap(cells(), "en").to_dict()
    rect, text = spec["layer"]
    assert rect["mark"]["type"] == "rect"
    assert rect["encoding"]["x"]["field"] == "period"
    # Oldest cohort on top, whatever the frame's order.
    assert rect["encoding"]["y"]["sort"] == ["2024-01", "2024-02"]
    # The colour scale tops out at the best later period (25%), so period 0 does not flatten it.
    assert rect["encoding"]["color"]["field"] == "retention_rate"
    assert rect["encoding"]["color"]["scale"] == {"scheme": "blues", "domain": [0, 0.25],
                                                  "clamp": True}
    data = spec["datasets"][spec["data"]["name"]]
    assert [row["label"] for row in data] == ["100%", "100%", "25%"]
    assert text["encoding"]["text"]["field"] == "label"
    assert spec["params"][0]["name"] == COHORT_PICK
    assert spec["params"][0]["select"]["fields"] == ["cohort", "period"]
    assert spec["height"] == {"step": 24}


def test_cohort_heatmap_by_revenue_and_without_later_periods():
    spec = cohort_heatmap(cells(), "en", "revenue_retention").to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 0.4]
    first_only = cells().iloc[:2]
    spec = cohort_heatmap(first_only, "en").to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 1.0]
    with pytest.raises(ValueError):
        cohort_heatmap(cells(), "en", "customers")


def test_retention_curve_and_gaps():
    curve = pd.DataFrame({"period": [0, 1], "cohorts": [2, 1], "cohort_customers": [6, 4],
                          "customers": [6, 1], "retention_rate": [1.0, 0.25], "revenue": [150.0, 40.0],
                          "revenue_retention": [1.0, 0.4]})
    spec = retention_curve_chart(curve, "zh", "revenue_retention").to_dict()
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["y"]["field"] == "revenue_retention"
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == "format(datum.value, '.0%')"
    buckets = pd.DataFrame({"bucket": ["0–7", "8–14", "366+"], "min_days": [0, 8, 366],
                            "max_days": pd.array([7, 14, None], dtype="Int64"),
                            "gaps": [3, 0, 1], "share": [0.75, 0.0, 0.25]})
    spec = gap_histogram(buckets.drop(columns=["min_days", "max_days"]), "en").to_dict()
    assert spec["encoding"]["x"]["sort"] == ["0–7", "8–14", "366+"]
    assert spec["encoding"]["y"]["field"] == "gaps"


def summary(by: str, values: list[str], tickets: list[int], complaints: list[int]) -> pd.DataFrame:
    n = len(values)
    return pd.DataFrame({by: values, "tickets": tickets, "resolved": tickets,
                         "median_resolution_hours": [4.0] * n, "mean_satisfaction": [4.0] * n,
                         "rated": tickets, "satisfied_share": [0.5] * n, "complaints": complaints,
                         "complaint_share": [c / t for c, t in zip(complaints, tickets, strict=True)]})


def test_tickets_by_type():
    frame = summary("ticket_type", ["Question", "投诉", "Return"], [2, 5, 2], [0, 5, 0])
    spec = tickets_by_type(frame, "en").to_dict()
    # Most tickets first; ties by name.
    assert spec["encoding"]["y"]["sort"] == ["投诉", "Question", "Return"]
    assert spec["encoding"]["color"]["condition"]["value"] == COMPLAINT_COLOR
    assert spec["params"][0]["name"] == TYPE_PICK
    assert spec["params"][0]["select"]["fields"] == ["ticket_type"]
    assert spec["height"] == {"step": 28}


def test_satisfaction_by_owner():
    frame = summary("owner", ["bob", "王芳"], [1, 3], [0, 1]).assign(satisfied_share=[None, 2 / 3])
    spec = satisfaction_by(frame, "owner", "en").to_dict()
    bars, _labels = spec["layer"]
    assert bars["encoding"]["x"]["field"] == "mean_satisfaction"
    assert spec["params"][0]["name"] == GROUP_PICK
    assert spec["params"][0]["select"]["fields"] == ["owner"]
    data = spec["datasets"][spec["data"]["name"]]
    assert [(row["owner"], row["label"]) for row in data] == [("王芳", "67% ≥ 4"), ("bob", "")]


def test_activities_and_conversion():
    per_rep = pd.DataFrame({"owner": ["ann", "ann", "bob"], "activity_type": ["call", "email", "call"],
                            "activities": [1, 1, 5], "customers": [1, 1, 2],
                            "duration_minutes": [10.0, 0.0, 30.0]})
    spec = activities_by_rep_chart(per_rep, "en").to_dict()
    assert spec["encoding"]["y"]["sort"] == ["bob", "ann"]
    assert spec["encoding"]["color"]["field"] == "activity_type"
    conversion = pd.DataFrame({"contacted": ["contacted", "not contacted"],
                               "contacted_label": ["有联系", "未联系"], "customers": [2, 3],
                               "converted": [1, 0], "conversion_rate": [0.5, 0.0]})
    spec = contact_conversion_chart(conversion, "zh").to_dict()
    assert spec["encoding"]["x"]["sort"] == ["有联系", "未联系"]
    assert spec["encoding"]["y"]["field"] == "conversion_rate"
