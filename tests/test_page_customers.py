"""The Customers page through app.py on the seven customers of test_metrics_rfm (scores worked
out there by hand), and on an empty database."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st
from page_harness import frame_with, metric_values, open_page
from test_metrics_rfm import sales

PAGE = "pages/customers.py"
ALL_TIME = {"period": "all"}
REGIONS = {"c1": "North", "c2": "North", "c6": "North", "c3": "South", "c4": "South",
           "c5": "South", "c7": "South"}
NAMES = {"c1": "Acme 上海", "c6": "Globex"}


@pytest.fixture(autouse=True)
def fresh_cache():
    # Every test database starts at data version 0: results cached for another one must not leak.
    st.cache_data.clear()


def tables() -> dict[str, list[dict]]:
    lines = [
        *sales("c1", ("2024-03-01", 100), ("2024-04-01", 100), ("2024-05-01", 100),
               ("2024-06-30", 100)),
        *sales("c2", ("2024-05-01", 50), ("2024-06-01", 100), ("2024-06-21", 200)),
        *sales("c3", ("2024-06-21", 60)),
        *sales("c4", ("2024-03-02", 100), ("2024-04-02", 100)),
        *sales("c5", ("2024-01-03", 40)),
        *sales("c6", ("2023-09-01", 500), ("2023-10-01", 500), ("2023-11-01", 500),
               ("2023-12-01", 500), ("2024-01-03", 500)),
        *sales("c7", ("2024-05-01", 30), ("2024-05-02", 30)),
        *sales("c1", ("2024-06-15", -50)),
        *sales(None, ("2024-07-05", 999)),
    ]
    customers = [{"customer_id": c, "region": r, "customer_name": NAMES.get(c),
                  "owner": "ann" if c in {"c1", "c2", "c3"} else "bob"}
                 for c, r in REGIONS.items()]
    return {"order_lines": lines, "customers": customers}


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == [
        "No customers loaded yet. Load a customers or orders export on the Data page."]
    assert not at.dataframe and not at.metric


def test_segment_table_all_time(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    table = frame_with(at, "segment", "customers", "share", "action")
    # test_metrics_rfm.test_segment_table: Hibernating is c4 + c5 (200 + 40).
    assert table[["segment", "customers", "revenue"]].values.tolist() == [
        ["Champions", 1, 400], ["Loyal", 1, 350], ["Promising", 1, 60], ["About to Sleep", 1, 60],
        ["Can't Lose Them", 1, 2500], ["Hibernating", 2, 240]]
    assert table["share"].tolist() == pytest.approx([1 / 7] * 5 + [2 / 7])
    assert table["action"].iloc[0].startswith("Reward them")
    assert frame_with(at, "customer_id", "recency_days") is None  # no drill-down chosen yet


def test_region_filter_rescores_the_customers(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    at.multiselect(key="region").set_value(["North"]).run()
    assert not at.exception
    # North: c1 (1 day, 4 sales), c2 (10 days, 3), c6 (180 days, 5) scored among three:
    # ranks 1, 2, 3 -> scores 1, 3, 5. c1 R5 F3, c2 R3 F1, c6 R1 F5.
    table = frame_with(at, "segment", "customers", "share", "action")
    assert table[["segment", "customers", "revenue"]].values.tolist() == [
        ["Potential Loyalists", 1, 400], ["About to Sleep", 1, 350], ["Can't Lose Them", 1, 2500]]


@pytest.mark.parametrize("drill, rows", [
    ("segment:Hibernating", [["c4", None, 90, 2, 200, 200, 2, 2, 3, "Hibernating"],
                             ["c5", None, 180, 1, 40, 40, 1, 1, 1, "Hibernating"]]),
    # Cell R5 F5 is c1: 400 of sales, 350 net of the return.
    ("cell:55", [["c1", "Acme 上海", 1, 4, 400, 350, 5, 5, 5, "Champions"]]),
    ("cell:33", []),
], ids=["segment", "cell", "empty-cell"])
def test_drill_down_from_the_link(monkeypatch, tmp_path, drill, rows):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query={**ALL_TIME, "rfm_drill": drill})
    members = frame_with(at, "customer_id", "recency_days")
    if not rows:
        assert members is None and "Nothing to list." in [c.value for c in at.caption]
        return
    want = pd.DataFrame(rows, columns=list(members.columns))
    pd.testing.assert_frame_equal(members.reset_index(drop=True), want, check_dtype=False)


def test_drill_down_from_the_picker(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    at.selectbox(key="rfm_drill").set_value("segment:Loyal").run()
    assert frame_with(at, "customer_id", "recency_days")["customer_id"].tolist() == ["c2"]


def test_profile_tab(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(),
                   query={**ALL_TIME, "customers_tab": "Profile"})
    regions = frame_with(at, "region", "customers", "buyers")
    # South: c3 60 + c4 200 + c5 40 + c7 60; North: c1 400 + c2 350 + c6 2500 (gross sales).
    assert regions.values.tolist() == [["South", 4, pytest.approx(4 / 7), 4, 360.0],
                                       ["North", 3, pytest.approx(3 / 7), 3, 3250.0]]


def test_customer_360_tab(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(),
                   query={**ALL_TIME, "customers_tab": "Customer 360°", "customer": "c1"})
    tiles = metric_values(at)
    # c1: 4 sales of 100, a -50 return; first Mar 1, last Jun 30; no deals, activities, tickets.
    assert tiles == {
        "Number of sales": "4", "Gross revenue": "400", "Net revenue": "350",
        "Average order value": "100", "First sale": "2024-03-01", "Last sale": "2024-06-30",
        "Historical CLV": "350", "Open deals": "0", "Won value": "0", "Activities": "0",
        "Tickets": "0"}
    assert next(h.value for h in at.subheader) == "Acme 上海"
    orders = frame_with(at, "order_key", "order_total")
    assert orders["order_total"].tolist() == [100, -50, 100, 100, 100]


def test_customer_search_fills_the_id(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(),
                   query={**ALL_TIME, "customers_tab": "Customer 360°"})
    at.text_input(key="customer_search").input("globex").run()
    at.selectbox(key="customer_match").set_value("c6").run()
    assert not at.exception
    assert at.text_input(key="customer").value == "c6"
    assert metric_values(at)["Gross revenue"] == "2,500"


def test_unknown_customer(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(),
                   query={**ALL_TIME, "customers_tab": "Customer 360°", "customer": "x' or 1=1"})
    assert [i.value for i in at.info] == ["No customer with this id that you may see."]


def test_lifetime_value_tab(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(),
                   query={**ALL_TIME, "customers_tab": "Lifetime value"})
    # Net revenue: 350 + 350 + 60 + 200 + 40 + 2500 + 60 = 3,560 over 7 customers = 508.57.
    assert metric_values(at) == {"Customers with a sale": "7", "Net revenue": "3,560",
                                 "Net revenue per customer": "509"}
    at.button(key="clv_button").click().run()
    assert not at.exception
    # Five repeat buyers (c1, c2, c4, c6, c7) are fewer than the 10 a fit needs.
    assert next(i.value for i in at.info).startswith(
        "Not enough repeat purchases to fit the CLV model.")


def test_chinese(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query={**ALL_TIME, "lang": "zh"})
    assert at.title[0].value == "客户"
    table = frame_with(at, "segment", "customers", "share", "action")
    assert table["segment"].tolist()[0] == "冠军客户"


def test_customers_without_orders(monkeypatch, tmp_path):
    only_customers = {"customers": tables()["customers"]}
    at = open_page(monkeypatch, tmp_path, PAGE, only_customers, query=ALL_TIME)
    assert [i.value for i in at.info] == [
        ("No sales in this period, so no customer can be scored. Widen the period or clear a "
        "filter.")]
    (tmp_path / "profile").mkdir()
    st.cache_data.clear()
    at = open_page(monkeypatch, tmp_path / "profile", PAGE, only_customers,
                   query={**ALL_TIME, "customers_tab": "Profile"})
    regions = frame_with(at, "region", "customers", "buyers")
    assert regions[["region", "customers", "buyers"]].values.tolist() == [["South", 4, 0],
                                                                          ["North", 3, 0]]
