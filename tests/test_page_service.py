"""The Service page through app.py on the tickets, sales and activities of test_metrics_service
(figures worked out there by hand), and on an empty database."""

from __future__ import annotations

import pytest
import streamlit as st
from page_harness import frame_with, metric_values, open_page
from test_metrics_service import ACTIVITIES, CUSTOMERS, ORDER_LINES, TICKETS

PAGE = "pages/service.py"
ALL_TIME = {"period": "all"}


@pytest.fixture(autouse=True)
def fresh_cache():
    # Every test database starts at data version 0: results cached for another one must not leak.
    st.cache_data.clear()


def tables() -> dict[str, list[dict]]:
    return {"customers": CUSTOMERS, "tickets": TICKETS, "order_lines": ORDER_LINES,
            "activities": ACTIVITIES}


def test_empty_database(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {})
    assert [i.value for i in at.info] == [
        ("No tickets or activities loaded yet. Load a service tickets or activities export on "
        "the Data page.")]
    assert not at.dataframe and not at.metric


def test_ticket_tiles_all_time(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    # 5 tickets; resolved in 4, 24 and 2 hours (median 4); scores 5, 3, 4, 1 (mean 3.25);
    # complaints T1, T3, T5 (投诉) over 5 tickets and 5 sales.
    assert metric_values(at) == {
        "Number of tickets": "5", "Complaint rate": "60.0%", "Complaint share": "60.0%",
        "Median resolution": "4.0 h", "Mean satisfaction": "3.25"}
    by_owner = frame_with(at, "owner", "tickets", "satisfied_share")
    # ann: T1, T2 (C1's owner); bob: T3, T4; carl: T5.
    assert by_owner[["owner", "tickets", "complaints"]].values.tolist() == [
        ["ann", 2, 1], ["bob", 2, 1], ["carl", 1, 1]]


def test_region_filter_changes_the_numbers(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    at.multiselect(key="region").set_value(["South"]).run()
    assert not at.exception
    # South: T3 alone (T4 has its own region, East): open, unrated, a complaint; C2's 2 sales.
    assert metric_values(at) == {
        "Number of tickets": "1", "Complaint rate": "50.0%", "Complaint share": "100.0%",
        "Median resolution": "–", "Mean satisfaction": "–"}


def test_drill_down(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query={**ALL_TIME,
                                                                 "ticket_drill": "owner:bob"})
    rows = frame_with(at, "ticket_id", "opened_at")
    assert rows["ticket_id"].tolist() == ["T4", "T3"]
    at.selectbox(key="ticket_drill").set_value("ticket_type:投诉").run()
    assert frame_with(at, "ticket_id", "opened_at")["ticket_id"].tolist() == ["T5"]


def test_activities_and_contact_conversion(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query=ALL_TIME)
    per_rep = frame_with(at, "owner", "activity_type", "activities")
    # A1 and A4 (no owner: C1's, ann) are calls to C1; A2 an e-mail; A3 bob's meeting with C2;
    # A5 carl's task without a customer.
    assert per_rep[["owner", "activity_type", "activities", "customers"]].values.tolist() == [
        ["ann", "call", 2, 1], ["ann", "email", 1, 1], ["bob", "meeting", 1, 1],
        ["carl", "task", 1, 0]]
    conversion = frame_with(at, "contacted_label", "conversion_rate")
    # Contacted C1 and C2 both bought; of C4 and C5 only C5 did.
    assert conversion.values.tolist() == [["contacted", 2, 2, 1.0], ["not contacted", 2, 1, 0.5]]


def test_chinese(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, tables(), query={**ALL_TIME, "lang": "zh"})
    assert at.title[0].value == "客服"
    assert "投诉率" in metric_values(at)
    conversion = frame_with(at, "contacted_label", "conversion_rate")
    assert conversion["contacted_label"].tolist() == ["有联系", "未联系"]


def test_activities_without_tickets(monkeypatch, tmp_path):
    at = open_page(monkeypatch, tmp_path, PAGE, {"customers": CUSTOMERS, "activities": ACTIVITIES},
                   query=ALL_TIME)
    assert "No tickets in this period." in [c.value for c in at.caption]
    assert not at.metric
    assert frame_with(at, "owner", "activity_type", "activities")["activities"].sum() == 5
