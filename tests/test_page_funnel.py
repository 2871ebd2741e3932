"""The Funnel page through app.py on the eight hand-typed deals of test_metrics_funnel, and on an
empty database. Expected figures are worked out in test_metrics_funnel's comments."""

from __future__ import annotations

import pandas as pd
import pytest
from page_harness import frame_with, metric_values, open_page
from test_metrics_funnel import CUSTOMERS, DEALS, HISTORY, ORDER

PAGE = "pages/funnel.py"
ALL_TIME = {"period": "all"}


def tables(history: bool = True) -> dict[str, list[dict]]:
    rows = {"deals": DEALS, "customers": CUSTOMERS}
    if history:
        rows["deal_stage_history"] = [{"deal_id": d, "stage": s, "entered_at": pd.Timestamp(t)}
                                      for d, s, t in HISTORY]
    return rows


MAPPING = {"deals": {"table": "deals", "columns": {}, "stage_order": ORDER}}


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == [
        "No deals loaded yet. Load a deals export on the Data page."]
    assert not at.metric and not at.dataframe


def test_tiles_and_funnel_all_time(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), MAPPING, query=ALL_TIME)
    # Open D1 D2 D3 D8 = 650, weighted 250; won D4 D7, lost D5 D6; 30 and 10 days;
    # velocity 4 x 0.5 x 550 / 20 = 55.
    assert metric_values(at) == {
        "Open pipeline": "650", "Weighted pipeline": "250", "Win rate": "50.0%",
        "Mean days to close": "20", "Median days to close": "20", "Velocity per day": "55"}
    stages = frame_with(at, "stage", "deals", "conversion_from_top")
    assert stages["stage"].tolist() == ["Lead", "Qualified", "Proposal", "Won"]
    assert stages["deals"].tolist() == [8, 6, 4, 2]
    # Stage durations (history): Lead 2.5, Qualified 6, Proposal 27.5 mean days.
    durations = frame_with(at, "stage", "mean_days")
    assert durations["mean_days"].tolist() == pytest.approx([2.5, 6.0, 27.5])


def test_owner_filter_changes_the_numbers(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), MAPPING, query=ALL_TIME)
    at.multiselect(key="owner").set_value(["bob"]).run()
    assert not at.exception
    # bob: open D3 300 (weighted 180); D4 won in 30 days, D6 lost; 1 x 0.5 x 400 / 30.
    assert metric_values(at) == {
        "Open pipeline": "300", "Weighted pipeline": "180", "Win rate": "50.0%",
        "Mean days to close": "30", "Median days to close": "30", "Velocity per day": "7"}
    assert frame_with(at, "stage", "deals", "conversion_from_top")["deals"].tolist() == [3, 2, 2, 1]


def test_compare_by_control(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), MAPPING, query=ALL_TIME)
    assert frame_with(at, "owner", "open_deals")["owner"].tolist() == ["ann", "bob"]
    at.segmented_control(key="by").set_value("source").run()
    # fair: D3 open 300, D4 and D7 won; web: D1 D2 D8 open 350, D5 and D6 lost.
    by_source = frame_with(at, "source", "open_deals")
    assert by_source[["source", "open_deals", "won", "lost"]].values.tolist() == [
        ["fair", 1, 2, 0], ["web", 3, 0, 2]]
    assert at.query_params["by"] == "source"  # the view travels in the link


def test_drill_down_lists_the_deals_of_a_stage(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), MAPPING, query=ALL_TIME)
    assert frame_with(at, "deal_id") is None
    at.selectbox(key="stage").set_value("Qualified").run()
    # Reached Qualified: D2 D3 D4 D5 D7 D8, largest first.
    assert frame_with(at, "deal_id")["deal_id"].tolist() == ["D7", "D5", "D4", "D3", "D2", "D8"]
    at.selectbox(key="group").set_value("bob").run()
    # bob's deals that reached Qualified: D3 (300, history) and D4 (400, won).
    assert frame_with(at, "deal_id")["deal_id"].tolist() == ["D4", "D3"]


def test_saved_stage_order_is_used(monkeypatch, tmp_path):
    # Saved order Proposal, Qualified, Lead: reached D1 3, D2 2, D3 3 (history reaches Lead),
    # D4 won, D5 3 (history), D6 1, D7 won, D8 2 -> 8, 7, 5, 2.
    mapping = {"deals": {"table": "deals", "columns": {},
                         "stage_order": ["Proposal", "Qualified", "Lead", "Won", "Lost"]}}
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), mapping, query=ALL_TIME)
    stages = frame_with(at, "stage", "deals", "conversion_from_top")
    assert stages[["stage", "deals"]].values.tolist() == [
        ["Proposal", 8], ["Qualified", 7], ["Lead", 5], ["Won", 2]]


def test_product_filter_narrows_the_funnel(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), MAPPING, query=ALL_TIME)
    at.multiselect(key="product").set_value(["A"]).run()
    # Product A: D1 1, D5 3, D7 4, D8 2.
    assert frame_with(at, "stage", "deals", "conversion_from_top")["deals"].tolist() == [4, 3, 2, 1]


def test_nothing_in_view_is_not_nothing_loaded(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), MAPPING, query=ALL_TIME)
    # bob has only product B deals.
    at.multiselect(key="product").set_value(["A"]).run()
    at.multiselect(key="owner").set_value(["bob"]).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        "No deals in this period. Widen the period or clear a filter."]


def test_chinese_long_labels_and_no_history(monkeypatch, tmp_path):
    long_owner = "华东区域大客户销售部高级客户经理 " * 4
    deals = [*DEALS,
             {"deal_id": "Z1", "stage": "方案报价", "owner": long_owner, "deal_amount": 88,
              "source": "展会", "product_name": "智能咖啡机"}]
    at = open_page(monkeypatch, tmp_path, PAGE, {"deals": deals, "customers": CUSTOMERS},
                   query={**ALL_TIME, "lang": "zh"})
    assert at.title[0].value == "销售漏斗"
    assert set(metric_values(at)) == {"在手商机金额", "加权商机金额", "赢单率", "平均成交天数",
                                      "成交天数中位数", "每日销售速度"}
    assert frame_with(at, "stage", "mean_days") is None  # no stage history: no durations
    owners = frame_with(at, "owner", "open_deals")["owner"].tolist()
    assert long_owner in owners
