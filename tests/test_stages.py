"""Stage orders and won/lost stages (ingest.stages)."""

from __future__ import annotations

import csv

import duckdb
import pytest

from ingest.stages import (
    KNOWN_STAGE_ORDERS,
    LOST_STAGES,
    WON_STAGES,
    guess_stage_order,
    is_lost_stage,
    is_won_stage,
    normalize_stage,
    stage_norm_sql,
)
from tests.conftest import REALDATA

OPPORTUNITIES = REALDATA / "salesforce_dataloader" / "opportunityData.csv"


@pytest.mark.parametrize("name, won, lost", [
    pytest.param("Closed Won", True, False, id="salesforce-won"),
    pytest.param("closedwon", True, False, id="hubspot-id-won"),
    pytest.param("CLOSED_WON", True, False, id="upper-underscore-won"),
    pytest.param("  Closed   won ", True, False, id="spaces-won"),
    pytest.param("Ｃｌｏｓｅｄ Ｗｏｎ", True, False, id="full-width-won"),
    pytest.param("Won", True, False, id="pipedrive-won"),
    pytest.param("赢单", True, False, id="zh-won"),
    pytest.param("成交", True, False, id="zh-deal-done"),
    pytest.param("Closed Lost", False, True, id="salesforce-lost"),
    pytest.param("closedlost", False, True, id="hubspot-id-lost"),
    pytest.param("Closed-Lost to Competition", False, True, id="zoho-lost-competition"),
    pytest.param("输单", False, True, id="zh-lost"),
    pytest.param("丢单", False, True, id="zh-dropped"),
    pytest.param("Prospecting", False, False, id="open"),
    pytest.param("Closed", False, False, id="closed-alone-is-neither"),
    pytest.param("", False, False, id="empty"),
    pytest.param(None, False, False, id="none"),
])
def test_won_and_lost_stages(name, won, lost):
    assert (is_won_stage(name), is_lost_stage(name)) == (won, lost)


def test_won_and_lost_sets_do_not_overlap():
    assert WON_STAGES & LOST_STAGES == set()


@pytest.mark.parametrize("order", sorted(KNOWN_STAGE_ORDERS), ids=str)
def test_every_known_order_ends_won_then_lost(order):
    stages = KNOWN_STAGE_ORDERS[order]
    flags = [(is_won_stage(s), is_lost_stage(s)) for s in stages]
    first_closed = next(i for i, f in enumerate(flags) if any(f))
    assert all(not any(f) for f in flags[:first_closed]), "open stages come first"
    assert any(w for w, _ in flags) and any(lost for _, lost in flags)
    closed = flags[first_closed:]
    assert closed == sorted(closed, key=lambda f: f[1]), "won stages before lost ones"


@pytest.mark.parametrize("internal_id, label", [
    pytest.param("appointmentscheduled", "Appointment Scheduled", id="appointment"),
    pytest.param("qualifiedtobuy", "Qualified To Buy", id="qualified"),
    pytest.param("presentationscheduled", "Presentation Scheduled", id="presentation"),
    pytest.param("decisionmakerboughtin", "Decision Maker Bought-In", id="decision-maker"),
    pytest.param("contractsent", "Contract Sent", id="contract"),
    pytest.param("closedwon", "Closed Won", id="won"),
    pytest.param("closedlost", "Closed Lost", id="lost"),
])
def test_hubspot_internal_ids_are_its_labels(internal_id, label):
    assert label in KNOWN_STAGE_ORDERS["hubspot"]
    assert normalize_stage(label) == internal_id


@pytest.mark.parametrize("values, expected", [
    pytest.param(
        ["Closed Lost", "Negotiation/Review", "Prospecting", "Closed Won", "Qualification"],
        ["Prospecting", "Qualification", "Negotiation/Review", "Closed Won", "Closed Lost"],
        id="salesforce"),
    pytest.param(
        ["closedwon", "contractsent", "appointmentscheduled", "closedlost", "qualifiedtobuy"],
        ["appointmentscheduled", "qualifiedtobuy", "contractsent", "closedwon", "closedlost"],
        id="hubspot-internal-ids"),
    pytest.param(
        ["closed won", "PROSPECTING", "value proposition"],
        ["PROSPECTING", "value proposition", "closed won"],
        id="case-and-spaces-kept-as-found"),
    pytest.param(
        ["赢单", "商务谈判", "线索", "输单", "需求确认"],
        ["线索", "需求确认", "商务谈判", "赢单", "输单"],
        id="chinese"),
    pytest.param(
        ["Won", "Proposal", "Lead", "Lost", "Negotiation"],
        ["Lead", "Proposal", "Negotiation", "Won", "Lost"],
        id="generic"),
    pytest.param(
        ["Lost", "Demo Scheduled", "Lead In", "Won", "Proposal Made"],
        ["Lead In", "Demo Scheduled", "Proposal Made", "Won", "Lost"],
        id="pipedrive"),
    pytest.param(
        ["Closed Won", "Legal Review", "Prospecting", "Pilot", "Closed Lost", "Legal Review"],
        ["Prospecting", "Legal Review", "Pilot", "Closed Won", "Closed Lost"],
        id="unknown-stages-first-seen-after-known-open-ones"),
    pytest.param(["Alpha", "Gamma", "Beta"], ["Alpha", "Gamma", "Beta"], id="all-unknown"),
    pytest.param(["Lost", "Alpha", "Won"], ["Alpha", "Won", "Lost"], id="unknown-with-won-lost"),
    pytest.param(["", None, "  ", "Lead", "Lead"], ["Lead"], id="blanks-and-repeats-dropped"),
    pytest.param([], [], id="empty"),
])
def test_guess_stage_order(values, expected):
    assert guess_stage_order(values) == expected


def test_real_salesforce_stages_follow_salesforce_order():
    with OPPORTUNITIES.open(encoding="utf-8", newline="") as f:
        stages = [row["STAGENAME"] for row in csv.DictReader(f)]
    assert guess_stage_order(stages) == [
        "Prospecting", "Needs Analysis", "Value Proposition", "Id. Decision Makers",
        "Proposal/Price Quote", "Negotiation/Review", "Closed Won",
    ]


@pytest.mark.parametrize("text", [
    "Closed Won", "closed_won", "Decision Maker Bought-In", "Id. Decision Makers",
    "方案/报价", " 赢 单 ", "Proposal/Price Quote", "",
], ids=repr)
def test_sql_normalisation_equals_python(text):
    got = duckdb.execute(f"select {stage_norm_sql('$v')}", {"v": text}).fetchone()[0]
    assert got == normalize_stage(text)
