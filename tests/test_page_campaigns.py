"""The Campaigns page through app.py on the hand-typed shop of test_metrics_campaigns, and on an
empty database. Expected figures are worked out in test_metrics_campaigns' comments."""

from __future__ import annotations

import pytest
from page_harness import frame_with, open_page
from test_metrics_campaigns import CAMPAIGNS, CUSTOMERS, ORDER_LINES, PERFORMANCE

PAGE = "pages/campaigns.py"
ALL_TIME = {"period": "all"}
SHOP = {"campaigns": CAMPAIGNS, "campaign_performance": PERFORMANCE, "customers": CUSTOMERS,
        "order_lines": ORDER_LINES}


def per_campaign(at):
    return frame_with(at, "campaign", "roi", "cac")


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == [
        "No campaigns loaded yet. Load a campaign export on the Data page."]
    assert not at.dataframe


def test_campaign_and_channel_tables(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, SHOP, query=ALL_TIME)
    table = per_campaign(at)
    # K3 Social: daily cost 350, sales O3 800 + O5 250; K1: 3100, O1 500 + O6 90; K2: 1000,
    # O7 40; K4: 400 and nothing attributed. Highest revenue first.
    assert table[["campaign", "cost", "revenue"]].values.tolist()[:3] == [
        ["Social", 350.0, 1050.0], ["Spring Search", 3100.0, 590.0], ["Fair Booth", 1000.0, 40.0]]
    assert table["campaign"].tolist()[3] == "Brand Search"
    assert table["roi"].tolist()[:3] == pytest.approx([2.0, (590 - 3100) / 3100, -0.96])
    assert table["revenue_source"].tolist()[:3] == ["orders"] * 3
    channels = frame_with(at, "channel", "campaigns", "roas")
    # search = K1 + K4: cost 3500, revenue 590.
    assert channels[["channel", "campaigns", "cost", "revenue"]].values.tolist() == [
        ["social", 1, 350.0, 1050.0], ["search", 2, 3500.0, 590.0], ["events", 1, 1000.0, 40.0]]


def test_attribution_window_control(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, SHOP, query=ALL_TIME)
    at.number_input(key="window").set_value(200).run()
    assert not at.exception
    # O2, 118 days after U1's signup, now counts for K1: 590 + 300.
    revenue = per_campaign(at).set_index("campaign")["revenue"]
    assert revenue["Spring Search"] == pytest.approx(890.0)


def test_campaign_filter(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, SHOP, query=ALL_TIME)
    at.multiselect(key="campaign").set_value(["K2"]).run()
    assert per_campaign(at)["campaign"].tolist() == ["Fair Booth"]


def test_drill_down_lists_attributed_sales(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, SHOP, query=ALL_TIME)
    assert frame_with(at, "order_id") is None
    at.selectbox(key="drill").set_value("K1").run()
    # K1: O1 (U1's first touch, a new customer) and O6 (carries K1, anonymous).
    sales = frame_with(at, "order_id", "is_new_customer")
    assert sales[["order_id", "order_total", "by_own_campaign", "is_new_customer"]].values.tolist() \
        == [["O1", 500.0, False, True], ["O6", 90.0, True, False]]
    assert at.query_params["drill"] == "K1"
    at.number_input(key="window").set_value(200).run()
    assert frame_with(at, "order_id", "is_new_customer")["order_id"].tolist() == ["O2", "O1", "O6"]


def test_drill_down_without_attributed_revenue(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, SHOP, query=ALL_TIME)
    at.selectbox(key="drill").set_value("K4").run()
    assert frame_with(at, "order_id") is None
    assert ("No sale, won deal or platform revenue is attributed to Brand Search in this period."
            in [c.value for c in at.caption])


def test_nothing_in_view(monkeypatch, tmp_path):
    # 2023: K1 ran in March 2024 and has no sale in 2023.
    at = open_page(monkeypatch, tmp_path, PAGE, SHOP, query={"period": "last_year"})
    at.multiselect(key="campaign").set_value(["K1"]).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        ("No campaign has cost or attributed revenue in this period. Widen the period or clear a "
        "filter.")]


def test_chinese_and_long_names(monkeypatch, tmp_path):
    long_name = "双十一全渠道会员拉新与老客召回组合营销活动" * 4
    campaigns = [*CAMPAIGNS, {"campaign_id": "K5", "campaign_name": long_name, "channel": "微信",
                              "cost_amount": 2000}]
    at = open_page(monkeypatch, tmp_path, PAGE, {**SHOP, "campaigns": campaigns},
                   query={**ALL_TIME, "lang": "zh"})
    assert at.title[0].value == "营销活动"
    assert long_name in per_campaign(at)["campaign"].tolist()
    assert "订单" in per_campaign(at)["revenue_source"].tolist()
