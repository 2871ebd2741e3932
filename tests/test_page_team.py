"""The Team page through app.py on the hand-typed team of test_metrics_team (deals of
test_metrics_funnel, activities, targets, two sales), and on an empty database."""

from __future__ import annotations

import pytest
from page_harness import frame_with, metric_values, open_page
from test_metrics_team import ACTIVITIES, CUSTOMERS, DEALS, ORDER_LINES, TARGETS

PAGE = "pages/team.py"
ALL_TIME = {"period": "all"}
TEAM = {"deals": DEALS, "customers": CUSTOMERS, "activities": ACTIVITIES, "targets": TARGETS,
        "order_lines": ORDER_LINES}


def board(at):
    return frame_with(at, "owner", "attainment", "target_amount")


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == [
        ("No sales team data loaded yet. Load deals, orders, activities or targets on the Data "
        "page.")]
    assert not at.metric and not at.dataframe


def test_leaderboard_on_won_deals(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TEAM, query=ALL_TIME)
    # Won D4 400 + D7 700; 2 won of 4 closed; open D1 D2 D3 D8 = 650.
    assert metric_values(at) == {"Revenue won": "1,100", "Win rate": "50.0%",
                                 "Open pipeline": "650"}
    reps = board(at)
    # ann 700 of 2000 target, bob 400 of 900, carl only a sale; best first.
    assert reps["owner"].tolist() == ["ann", "bob", "carl"]
    assert reps[["won", "lost", "open", "activities"]].values.tolist() == [
        [1, 1, 3, 3], [1, 1, 1, 2], [0, 0, 0, 0]]
    assert reps["attainment"].tolist()[:2] == pytest.approx([0.35, 400 / 900])
    # Activities by type are drawn (ann: call, email; bob: call, meeting).
    assert at.session_state["basis"] == "deals"


def test_measure_against_sales_orders(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TEAM, query=ALL_TIME)
    at.segmented_control(key="basis").set_value("orders").run()
    assert not at.exception
    # Sales: ann 150, carl 80 -> gross 230, 2 sales, 115 a sale.
    assert metric_values(at) == {"Gross revenue": "230", "Number of sales": "2",
                                 "Average order value": "115"}
    reps = board(at)
    # Ranked by sales revenue: ann 150, carl 80, bob 0; ann 150 / 2000.
    assert reps["owner"].tolist() == ["ann", "carl", "bob"]
    assert reps["attainment"].tolist()[0] == pytest.approx(0.075)
    assert at.query_params["basis"] == "orders"


def test_owner_filter_changes_the_board(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TEAM, query=ALL_TIME)
    at.multiselect(key="owner").set_value(["bob"]).run()
    # bob: D4 won 400, D6 lost; open D3 300.
    assert metric_values(at) == {"Revenue won": "400", "Win rate": "50.0%",
                                 "Open pipeline": "300"}
    assert board(at)["owner"].tolist() == ["bob"]


def test_drill_down_lists_a_reps_deals(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TEAM, query=ALL_TIME)
    assert frame_with(at, "deal_id") is None
    at.selectbox(key="rep").set_value("ann").run()
    # ann: won D7; open D2 200, D1 100, D8 50; lost D5.
    assert frame_with(at, "deal_id")["deal_id"].tolist() == ["D7", "D2", "D1", "D8", "D5"]


def test_drill_down_lists_a_reps_sales(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TEAM, query={**ALL_TIME, "basis": "orders"})
    at.selectbox(key="rep").set_value("carl").run()
    sales = frame_with(at, "order_id", "order_total")
    assert sales[["order_id", "order_total"]].values.tolist() == [["O2", 80.0]]


def test_nothing_in_view(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, TEAM, query=ALL_TIME)
    # carl has no deal of product A, no activity and no target; his sale has no product.
    at.multiselect(key="product").set_value(["A"]).run()
    at.multiselect(key="owner").set_value(["carl"]).run()
    assert not at.exception
    assert [i.value for i in at.info] == [
        ("No rep has deals, sales, activities or targets in this period. Widen the period or "
        "clear a filter.")]


def test_chinese_and_long_names(monkeypatch, tmp_path):
    long_rep = "华东区域大客户销售部高级客户经理" * 5
    lines = [*ORDER_LINES, {"order_id": "O9", "ordered_at": ORDER_LINES[0]["ordered_at"],
                            "line_amount": 12345678, "owner": long_rep}]
    at = open_page(monkeypatch, tmp_path, PAGE, {**TEAM, "order_lines": lines},
                   query={**ALL_TIME, "lang": "zh"})
    assert at.title[0].value == "团队"
    assert set(metric_values(at)) == {"赢单金额", "赢单率", "在手商机金额"}
    assert long_rep in board(at)["owner"].tolist()
