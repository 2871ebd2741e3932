"""Guessing a mapping: ambiguous headers, value shapes in the preview, real Salesforce exports."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from ingest.errors import InputError
from ingest.mapping import Mapping, detect_table, guess_mapping
from ingest.synonyms import load_synonyms
from tests.conftest import REALDATA

SYNONYMS = load_synonyms("/nonexistent/synonyms.json")
DATALOADER = REALDATA / "salesforce_dataloader"


def preview(**columns) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(v, dtype="object") for k, v in columns.items()})


def read_csv_head(path, encoding, rows=20):
    with open(path, encoding=encoding, newline="") as f:
        reader = csv.reader(f)
        headers = next(reader)
        body = [r for _, r in zip(range(rows), reader)]
    return headers, pd.DataFrame(body, columns=headers, dtype="object")


@pytest.mark.parametrize("header, table, column", [
    pytest.param("Name", "order_lines", "order_id", id="name-shopify-order-number"),
    pytest.param("Name", "customers", "customer_name", id="name-customer"),
    pytest.param("Name", "deals", "deal_name", id="name-deal"),
    pytest.param("Name", "campaigns", "campaign_name", id="name-campaign"),
    pytest.param("Name", "targets", "owner", id="name-rep"),
    pytest.param("Amount", "order_lines", "line_amount", id="amount-line"),
    pytest.param("Amount", "deals", "deal_amount", id="amount-deal"),
    pytest.param("Stage", "deals", "stage", id="stage-deal"),
    pytest.param("Stage", "deal_stage_history", "stage", id="stage-history"),
    pytest.param("Type", "activities", "activity_type", id="type-activity"),
    pytest.param("Type", "tickets", "ticket_type", id="type-ticket"),
    pytest.param("Type", "campaigns", "channel", id="type-campaign"),
    pytest.param("Date", "order_lines", "ordered_at", id="date-order"),
    pytest.param("Date", "campaign_performance", "activity_date", id="date-ad-day"),
    pytest.param("Date", "activities", "occurred_at", id="date-activity"),
    pytest.param("Date", "targets", "period_start", id="date-target"),
])
def test_ambiguous_header_resolves_by_table(header, table, column):
    mapping = guess_mapping([header], table=table, synonyms=SYNONYMS)
    assert mapping.columns == {column: header}


def test_type_is_not_a_deal_column():
    assert guess_mapping(["Type"], table="deals", synonyms=SYNONYMS).columns == {}


@pytest.mark.parametrize("headers, table", [
    pytest.param(["Name", "Amount", "Stage", "Close Date"], "deals", id="with-stage-is-deals"),
    pytest.param(["Name", "Email", "Lineitem quantity", "Lineitem price", "Created at"],
                 "order_lines", id="with-line-items-is-orders"),
    pytest.param(["Name", "Email", "Phone", "City"], "customers", id="with-phone-is-customers"),
    pytest.param(["Campaign", "Date", "Spend", "Clicks"], "campaign_performance",
                 id="with-date-is-daily-performance"),
    pytest.param(["Campaign", "Start Date", "End Date", "Spend"], "campaigns",
                 id="with-start-end-is-campaigns"),
])
def test_ambiguous_headers_resolve_by_other_headers(headers, table):
    assert detect_table(headers, synonyms=SYNONYMS)[0][0] == table


def test_unknown_table_is_an_input_error():
    with pytest.raises(InputError, match="unknown table 'sales'"):
        guess_mapping(["Name"], table="sales", synonyms=SYNONYMS)


def test_order_total_gives_way_to_line_items():
    headers = ["Order", "Created at", "Lineitem quantity", "Lineitem price", "Total"]
    mapping = guess_mapping(headers, synonyms=SYNONYMS)
    assert "line_amount" not in mapping.columns
    assert mapping.missing_required() == []  # derived as quantity x price


def test_value_shapes_place_columns_with_meaningless_headers():
    data = preview(**{
        "Field 1": ["C-1", "C-2", "C-3"],
        "Field 2": ["ann@example.com", "bo@example.org", "cy@example.net"],
        "Field 3": ["2024-01-05", "2024-02-11", "2024-03-02"],
    })
    mapping = guess_mapping(list(data.columns), data, table="customers", synonyms=SYNONYMS)
    assert mapping.columns == {"email": "Field 2"}
    assert mapping.confidence == {"email": 0.5}


def test_required_date_found_by_its_values():
    data = preview(Ref=["A1", "A2"], When=["05/01/2024 10:00", "17/01/2024 11:30"],
                   Amount=["10.00", "12.50"])
    mapping = guess_mapping(list(data.columns), data, table="order_lines", synonyms=SYNONYMS)
    assert mapping.columns["ordered_at"] == "When"
    assert mapping.options == {"ordered_at": {"date_order": "DMY"}}


def test_stage_found_by_its_values():
    data = preview(Opportunity=["Big deal", "Small deal", "Other"],
                   Phase=["Prospecting", "Closed Won", "Negotiation/Review"],
                   Notes=["call back", "", "sent quote"])
    mapping = guess_mapping(list(data.columns), data, table="deals", synonyms=SYNONYMS)
    assert mapping.columns["stage"] == "Phase"
    assert mapping.stage_order == ["Prospecting", "Negotiation/Review", "Closed Won"]


@pytest.mark.parametrize("values, confidence", [
    pytest.param(["10.00", "$1,250.50", "(3.00)"], 1.0, id="all-money"),
    pytest.param(["10.00", "n/a", "TBD", "later"], 0.625, id="one-in-four-money"),
    pytest.param(["n/a", "TBD", "later"], 0.5, id="no-money"),
    pytest.param(["10.00"], 1.0, id="too-few-to-judge"),
])
def test_values_of_the_wrong_shape_lower_confidence(values, confidence):
    # Exact header match (1.0) x (0.5 + 0.5 x share of values that are money).
    data = preview(Amount=values)
    mapping = guess_mapping(["Amount"], data, table="deals", synonyms=SYNONYMS)
    assert mapping.confidence == {"deal_amount": confidence}


@pytest.mark.parametrize("values, options", [
    pytest.param(["13/01/2024", "02/02/2024"], {"close_date": {"date_order": "DMY"}}, id="dmy"),
    pytest.param(["01/13/2024", "02/02/2024"], {"close_date": {"date_order": "MDY"}}, id="mdy"),
    pytest.param(["01/02/2024", "03/04/2024"], {}, id="undecided"),
    pytest.param(["2024-01-13", "2024-02-02"], {}, id="iso"),
])
def test_date_order_option(values, options):
    data = preview(**{"Close Date": values})
    mapping = guess_mapping(["Close Date"], data, table="deals", synonyms=SYNONYMS)
    assert mapping.options == options


@pytest.mark.parametrize("values, options", [
    pytest.param(["12,50", "1.234,56"], {"deal_amount": {"decimal_comma": True}}, id="comma"),
    pytest.param(["€ 12,50", "3,00 €"], {"deal_amount": {"decimal_comma": True}}, id="euro"),
    pytest.param(["1,234", "12.50"], {}, id="thousands-comma"),
    pytest.param(["1,234", "5,678"], {}, id="ambiguous"),
])
def test_decimal_comma_option(values, options):
    data = preview(Amount=values)
    assert guess_mapping(["Amount"], data, table="deals", synonyms=SYNONYMS).options == options


def test_stage_order_uses_stage_date_columns_and_data_spelling():
    headers = ["Record ID", "Deal Stage", 'Date entered "Appointment Scheduled (Sales Pipeline)"',
               'Date entered "Contract Sent (Sales Pipeline)"', "Date entered Legal Review"]
    data = preview(**{"Record ID": ["1", "2"], "Deal Stage": ["contractsent", "closedwon"],
                      **{h: ["", ""] for h in headers[2:]}})
    mapping = guess_mapping(headers, data, synonyms=SYNONYMS)
    assert mapping.table == "deals"
    assert mapping.extras["stage_dates"] == {
        "Appointment Scheduled": headers[2], "Contract Sent": headers[3],
        "Legal Review": headers[4]}
    assert mapping.stage_order == ["Appointment Scheduled", "contractsent", "Legal Review",
                                   "closedwon"]


@pytest.mark.parametrize("table, columns, extras, missing", [
    pytest.param("deals", {"deal_name": "n"}, {}, ["stage"], id="deal-id-derivable"),
    pytest.param("order_lines", {"ordered_at": "d", "quantity": "q"}, {}, ["line_amount"],
                 id="line-amount-needs-price"),
    pytest.param("order_lines", {"ordered_at": "d", "quantity": "q", "unit_price": "p"}, {}, [],
                 id="line-amount-derivable"),
    pytest.param("targets", {"owner": "o"}, {}, ["period_start", "target_amount"], id="targets"),
    pytest.param("customers", {}, {}, ["customer_id"], id="customer-nothing"),
    pytest.param("customers", {"email": "e"}, {}, [], id="customer-id-from-email"),
    pytest.param("tickets", {}, {}, ["opened_at"], id="ticket-id-derivable"),
])
def test_missing_required(table, columns, extras, missing):
    assert Mapping(table, columns, extras=extras).missing_required() == missing


def test_real_salesforce_opportunities():
    headers, data = read_csv_head(DATALOADER / "opportunityData.csv", "utf-8")
    assert detect_table(headers, data, synonyms=SYNONYMS)[0][0] == "deals"
    mapping = guess_mapping(headers, data, synonyms=SYNONYMS)
    assert mapping.table == "deals"
    assert mapping.columns == {
        "deal_id": "ID", "deal_name": "NAME", "customer_id": "ACCOUNTID", "stage": "STAGENAME",
        "deal_amount": "AMOUNT", "probability": "PROBABILITY", "owner": "OWNERID",
        "source": "LEADSOURCE", "created_date": "CREATEDDATE", "close_date": "CLOSEDATE",
        "is_closed": "ISCLOSED", "is_won": "ISWON",
    }
    assert mapping.missing_required() == []
    # The first 20 rows hold these stages; Salesforce's standard order.
    assert mapping.stage_order == ["Prospecting", "Value Proposition", "Id. Decision Makers",
                                   "Proposal/Price Quote", "Negotiation/Review", "Closed Won"]


def test_real_salesforce_accounts_latin1():
    headers, data = read_csv_head(DATALOADER / "accountData.csv", "iso-8859-1")
    assert detect_table(headers, data, synonyms=SYNONYMS)[0][0] == "customers"
    mapping = guess_mapping(headers, data, synonyms=SYNONYMS)
    assert mapping.columns == {
        "customer_id": "ID", "customer_name": "NAME", "phone": "PHONE",
        "region": "BILLINGSTATE", "city": "BILLINGCITY", "industry": "INDUSTRY",
        "owner": "OWNERID", "signup_date": "CREATEDDATE",
    }
    assert mapping.stage_order is None
