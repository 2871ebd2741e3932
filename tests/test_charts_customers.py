"""Chart specs of the Customers page: marks, encodings, selections, tooltips, sorting."""

from __future__ import annotations

import pandas as pd
import pytest

from charts.customers import (
    CELL_PICK,
    SEGMENT_COLORS,
    SEGMENT_PICK,
    clv_top_bars,
    profile_bars,
    rfm_heatmap,
    segment_bars,
    segment_colors,
)


def grid() -> pd.DataFrame:
    """Two filled cells of the 25 (the others empty) with Chinese labels."""
    rows = []
    for r in (5, 4, 3, 2, 1):
        for f in (1, 2, 3, 4, 5):
            name = {5: "Champions", 1: "Hibernating"}.get(r, "Loyal")
            filled = (r, f) in {(5, 5), (1, 1)}
            rows.append({"r_score": r, "f_score": f, "segment": name,
                         "segment_label": {"Champions": "冠军客户", "Hibernating": "沉睡客户",
                                           "Loyal": "忠诚客户"}[name],
                         "customers": 3 if filled else 0, "share": 0.5 if filled else 0.0,
                         "revenue": 120.0 if filled else 0.0,
                         "mean_monetary": 40.0 if filled else None})
    return pd.DataFrame(rows)


def layers(spec: dict) -> list[dict]:
    return spec["layer"]


def test_heatmap_cells_counts_and_names():
    spec = rfm_heatmap(grid(), "zh").to_dict()
    rect, counts, names = layers(spec)
    assert rect["mark"]["type"] == "rect"
    assert rect["encoding"]["x"]["field"] == "f_score" and rect["encoding"]["x"]["type"] == "ordinal"
    assert rect["encoding"]["y"]["field"] == "r_score" and rect["encoding"]["y"]["sort"] == "descending"
    assert rect["encoding"]["color"]["field"] == "segment_label"
    # Each label keeps its segment's fill, in the order the labels first appear.
    scale = rect["encoding"]["color"]["scale"]
    assert scale["domain"] == ["冠军客户", "忠诚客户", "沉睡客户"]
    assert scale["range"] == [SEGMENT_COLORS["Champions"], SEGMENT_COLORS["Loyal"],
                              SEGMENT_COLORS["Hibernating"]]
    assert counts["encoding"]["text"]["field"] == "count_text"
    assert names["encoding"]["text"]["field"] == "segment_label"
    assert spec["height"] == {"step": 64}
    # Clicking picks a cell by its two scores.
    param = next(p for p in spec["params"] if p["name"] == CELL_PICK)
    assert param["select"]["fields"] == ["r_score", "f_score"]
    assert param["views"] == [rect["name"]]  # the cells, not the text, take the click
    tooltip = [t["field"] for t in rect["encoding"]["tooltip"]]
    assert tooltip == ["segment_label", "r_score", "f_score", "customers", "share", "revenue",
                       "mean_monetary"]


def test_heatmap_by_count_uses_a_sequential_scale():
    spec = rfm_heatmap(grid(), "en", color_by="count").to_dict()
    rect, counts, _ = layers(spec)
    assert rect["encoding"]["color"]["field"] == "customers"
    assert rect["encoding"]["color"]["scale"]["scheme"] == "blues"
    # White text only on the dark cells: above 60% of the largest count (3).
    assert counts["encoding"]["color"]["condition"]["test"] == "datum.customers > 1.7999999999999998"


def test_heatmap_refuses_an_unknown_colouring():
    with pytest.raises(ValueError):
        rfm_heatmap(grid(), "en", color_by="rainbow")


def test_heatmap_without_labels_uses_segment_names():
    data = grid().drop(columns="segment_label")
    rect = layers(rfm_heatmap(data, "en").to_dict())[0]
    assert rect["encoding"]["color"]["scale"]["domain"] == ["Champions", "Loyal", "Hibernating"]


def test_segment_bars():
    segments = pd.DataFrame({
        "segment": ["Champions", "My own segment"], "segment_label": ["冠军客户", "My own segment"],
        "customers": [3, 1], "share": [0.75, 0.25], "revenue": [100.0, 5.0],
        "mean_recency": [2.0, 40.0], "mean_frequency": [3.0, 1.0], "mean_monetary": [33.3, 5.0],
        "action": ["a", None]})
    spec = segment_bars(segments, "en").to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["sort"] == ["冠军客户", "My own segment"]
    assert spec["encoding"]["x"]["field"] == "customers"
    # A segment the default map does not name takes a spare fill.
    assert spec["encoding"]["color"]["scale"]["range"] == [SEGMENT_COLORS["Champions"], "#bae6fd"]
    assert spec["params"][0]["name"] == SEGMENT_PICK
    assert spec["params"][0]["select"]["fields"] == ["segment"]


def test_segment_colors_never_run_out():
    names = [f"s{i}" for i in range(20)]
    assert len(segment_colors(names)) == 20


def test_profile_bars_largest_first_and_months_in_order():
    regions = pd.DataFrame({"region": [f"r{i}" for i in range(15)], "customers": range(15, 0, -1),
                            "share": [1 / 15] * 15, "buyers": [1] * 15, "revenue": [1.0] * 15})
    spec = profile_bars(regions, "region", "en", max_rows=12).to_dict()
    assert spec["encoding"]["y"]["sort"] == [f"r{i}" for i in range(12)]
    assert len(spec["datasets"][spec["data"]["name"]]) == 12
    months = pd.DataFrame({"signup_month": ["2024-01", "2024-02", "(not set)"],
                           "customers": [1, 5, 2], "share": [0.125, 0.625, 0.25],
                           "buyers": [0, 1, 0], "revenue": [0.0, 9.0, 0.0]})
    spec = profile_bars(months, "signup_month", "en").to_dict()
    assert spec["encoding"]["x"]["field"] == "signup_month"
    assert spec["encoding"]["x"]["sort"] == ["2024-01", "2024-02", "(not set)"]


def test_clv_top_bars_name_customers():
    top = pd.DataFrame({"customer_id": ["k1", "k2"], "customer_name": ["上海咖啡馆", None],
                        "frequency": [3, 1], "monetary_value": [20.0, 5.0], "p_alive": [0.9, 0.5],
                        "expected_purchases": [2.0, 0.5], "expected_spend": [21.0, 9.0],
                        "clv": [40.0, 4.0]})
    spec = clv_top_bars(top, "zh").to_dict()
    assert spec["encoding"]["y"]["sort"] == ["上海咖啡馆 (k1)", "k2"]
    assert spec["encoding"]["x"]["field"] == "clv"
    # Chinese axis labels in 万/亿.
    assert "万" in spec["encoding"]["x"]["axis"]["labelExpr"]
