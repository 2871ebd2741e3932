"""The Retention page through app.py on the six customers of test_metrics_retention_drill
(cohorts and gaps worked out there by hand), and on an empty database."""

from __future__ import annotations

import json

import pytest
import streamlit as st
from page_harness import frame_with, metric_values, open_page
from test_metrics_retention_drill import OWNERS, SALES

PAGE = "pages/retention.py"
ALL_TIME = {"period": "all"}


@pytest.fixture(autouse=True)
def fresh_cache():
    # Every test database starts at data version 0: results cached for another one must not leak.
    st.cache_data.clear()


def tables() -> dict[str, list[dict]]:
    lines = [{"order_id": f"{c}-{i}", "ordered_at": f"{day} 10:00:00", "customer_id": c,
              "line_amount": amount, "owner": OWNERS[c]}
             for i, (c, day, amount) in enumerate(SALES)]
    return {"order_lines": lines,
            "customers": [{"customer_id": "a", "customer_name": "Alpha 阿尔法"}]}


def chart_specs(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == [
        "No orders loaded yet. Load an orders export on the Data page."]
    assert not at.dataframe and not at.metric


def test_churn_tiles_and_window(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    # As-of 2025-06-02 (the day after f's last sale). Within 90 days: f only. Churned a (200),
    # b (80 + 40; its return is no sale), c (85), d (80), e (5): 490.
    assert metric_values(at) == {
        "Customers with a sale": "6", "Active customers": "1", "Churned": "5",
        "Churn rate": "83.3%", "Revenue of churned customers": "490"}
    at.number_input(key="churn_days").set_value(450).run()
    # Days before as-of: a 427, c 444, f 1 stay; b 456, d 483, e 488 churn (120 + 80 + 5).
    assert metric_values(at) == {
        "Customers with a sale": "6", "Active customers": "3", "Churned": "3",
        "Churn rate": "50.0%", "Revenue of churned customers": "205"}


def test_curve_and_gaps(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    curve = frame_with(at, "period", "cohorts", "retention_rate")
    # Month 1: of the cohorts Dec (d), Jan (a, b, e), Feb (c), Mar (f), a and c came back: 2 / 6.
    row = curve[curve["period"] == 1].iloc[0]
    assert (row["cohorts"], row["cohort_customers"], row["customers"]) == (4, 6, 2)
    assert row["retention_rate"] == pytest.approx(1 / 3)
    gaps = frame_with(at, "transition", "gaps", "median_days")
    # Eight gaps of five customers (e bought once).
    assert gaps[gaps["transition"] == "all"][["gaps", "customers"]].values.tolist() == [[8, 5]]


def test_drill_down_from_the_link(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(),
                   query={**ALL_TIME, "cohort": "2024-01", "cohort_period": "1"})
    members = frame_with(at, "customer_id", "first_sale_date")
    # January's only customer back in February: a, with 2 orders (50 + 30).
    assert members[["customer_id", "customer_name", "sales", "revenue"]].values.tolist() == [
        ["a", "Alpha 阿尔法", 2, 80.0]]


def test_grain_and_drill_down_by_quarter(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    assert frame_with(at, "customer_id", "first_sale_date") is None
    at.segmented_control(key="cohort_grain").set_value("quarter").run()
    at.selectbox(key="cohort").set_value("2024-Q1").run()
    assert not at.exception
    members = frame_with(at, "customer_id", "first_sale_date")
    # Q1 2024 in its first quarter: a 180, b 120, c 85, f 30, e 5.
    assert members[["customer_id", "revenue"]].values.tolist() == [
        ["a", 180.0], ["b", 120.0], ["c", 85.0], ["f", 30.0], ["e", 5.0]]
    heatmap = chart_specs(at)[0]
    # d came in Q4 2023, everyone else in Q1 2024 (f's 2025 order is a repeat).
    assert heatmap["layer"][0]["encoding"]["y"]["sort"] == ["2023-Q4", "2024-Q1"]


def test_revenue_retention_toggle(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    assert chart_specs(at)[0]["layer"][0]["encoding"]["color"]["field"] == "retention_rate"
    at.toggle(key="revenue_retention").set_value(True).run()
    assert chart_specs(at)[0]["layer"][0]["encoding"]["color"]["field"] == "revenue_retention"


def test_owner_scope_by_filter(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    at.multiselect(key="owner").set_value(["ann"]).run()
    # ann's customers a, b, e: as-of 2024-04-02; within 90 days a (1) and b (30); e 62 days.
    assert metric_values(at)["Customers with a sale"] == "3"
    assert metric_values(at)["Churned"] == "0"


def test_chinese(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query={**ALL_TIME, "lang": "zh"})
    assert at.title[0].value == "留存"
    assert "客户流失" in [h.value for h in at.subheader]


def test_period_without_new_customers_still_shows_churn(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query={
        "period": "custom", "from": "2024-06-01", "to": "2025-06-01"})
    # Everyone bought first before June 2024: no cohort. Sales in the period: f's alone.
    assert [i.value for i in at.info] == [
        ("No customer made a first purchase in this period, so there is no cohort to follow. "
        "Widen the period or clear a filter.")]
    tiles = metric_values(at)
    assert (tiles["Customers with a sale"], tiles["Active customers"]) == ("1", "1")
