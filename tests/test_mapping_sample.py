"""Every sample export maps to its table with every column sample_data/README.md names.

Headers and the first 20 rows are read here with the csv module (encoding and delimiter as
the README states them) so that only the mapper is under test.
"""

from __future__ import annotations

import csv
import io
import re

import duckdb
import fastexcel
import pandas as pd
import pytest

from ingest.derive import derivations
from ingest.mapping import detect_table, guess_mapping
from ingest.synonyms import load_synonyms
from tests.conftest import SAMPLE_DATA

SYNONYMS = load_synonyms("/nonexistent/synonyms.json")
PREVIEW_ROWS = 20

# file (sheet): (encoding, delimiter, table, {canonical: header}, extras, options)
CASES = {
    "hubspot_companies.csv": ("utf-8-sig", ",", "customers", {
        "customer_id": "Record ID", "customer_name": "Company name", "email": "Email",
        "phone": "Phone Number", "region": "State/Region", "city": "City",
        "industry": "Industry", "channel": "Original Source", "owner": "Company owner",
        "signup_date": "Create Date"}, {}, {}),
    "shop_orders.csv": ("utf-8", ",", "order_lines", {
        "order_id": "Name", "ordered_at": "Created at", "customer_id": "Customer ID",
        "product_id": "Lineitem sku", "product_name": "Lineitem name", "category": "Product Type",
        "quantity": "Lineitem quantity", "unit_price": "Lineitem price",
        "discount_amount": "Lineitem discount", "channel": "Source",
        "campaign_id": "UTM Campaign", "region": "Shipping Province",
        "status": "Financial Status", "currency": "Currency"}, {}, {}),
    "天猫订单导出.csv": ("gb18030", ",", "order_lines", {
        "order_id": "订单编号", "ordered_at": "下单时间", "customer_id": "买家会员名",
        "product_id": "商品编码", "product_name": "商品名称", "quantity": "购买数量",
        "unit_price": "单价", "discount_amount": "优惠金额", "line_amount": "实付金额",
        "status": "订单状态"}, {"address": "收货地址"}, {}),
    "salesforce_opportunities.csv": ("utf-8", ",", "deals", {
        "deal_id": "Opportunity ID", "deal_name": "Opportunity Name", "customer_id": "Account ID",
        "stage": "Stage", "deal_amount": "Amount", "probability": "Probability (%)",
        "owner": "Opportunity Owner", "source": "Lead Source", "product_name": "Product",
        "campaign_id": "Campaign", "created_date": "Created Date", "close_date": "Close Date"},
        {}, {"close_date": {"date_order": "MDY"}}),
    "opportunity_stage_history.csv": ("utf-8", ",", "deal_stage_history", {
        "deal_id": "Opportunity ID", "stage": "Stage", "entered_at": "Last Modified"},
        {}, {"entered_at": {"date_order": "MDY"}}),
    "activities.csv": ("utf-8-sig", ";", "activities", {
        "activity_id": "Activity ID", "owner": "Assigned", "subject": "Subject",
        "activity_type": "Type", "occurred_at": "Date", "customer_id": "Account ID",
        "deal_id": "Opportunity ID", "duration_minutes": "Duration (min)"},
        {}, {"occurred_at": {"date_order": "DMY"}}),
    "service_tickets.csv": ("utf-8", ",", "tickets", {
        "ticket_id": "Ticket Id", "customer_id": "Account ID", "ticket_type": "Classification",
        "priority": "Priority", "status": "Status", "channel": "Channel", "owner": "Ticket Owner",
        "opened_at": "Created Time", "resolved_at": "Closed Time",
        "satisfaction_score": "Satisfaction"}, {}, {}),
    "sales_targets.csv": ("utf-8", ",", "targets", {
        "owner": "Rep", "period_start": "Month", "target_amount": "Quota"}, {}, {}),
    # The README suggests Campaign Name as the id: it is mapped as the name, and the id is
    # derived from it unchanged (not row-made), which gives the same key.
    "marketing_campaigns.xlsx:Campaigns": (None, None, "campaigns", {
        "campaign_name": "Campaign Name", "channel": "Channel", "start_date": "Start Date",
        "end_date": "End Date", "cost_amount": "Cost", "count_impressions": "Impressions",
        "count_clicks": "Clicks", "count_leads": "Leads"}, {}, {}),
    "marketing_campaigns.xlsx:Daily Performance": (None, None, "campaign_performance", {
        "activity_date": "Date", "campaign_id": "Campaign", "cost_amount": "Cost",
        "count_impressions": "Impressions", "count_clicks": "Clicks",
        "count_conversions": "Conversions", "revenue_amount": "Conversion value"}, {}, {}),
}


def read_sample(name: str, encoding, delimiter, rows=PREVIEW_ROWS):
    """(headers, preview of the first rows as text) of a sample file or workbook sheet."""
    file, _, sheet = name.partition(":")
    path = SAMPLE_DATA / file
    if sheet:
        frame = fastexcel.read_excel(path).load_sheet_by_name(sheet, n_rows=rows).to_pandas()
        text = frame.astype("object").where(frame.notna(), None)
        text = text.map(lambda v: None if v is None else str(v))
        return [str(c) for c in frame.columns], text
    reader = csv.reader(io.StringIO(path.read_bytes().decode(encoding)), delimiter=delimiter)
    headers = next(reader)
    body = [r for _, r in zip(range(rows), reader)]
    return headers, pd.DataFrame(body, columns=headers, dtype="object")


def test_every_sample_file_is_covered():
    files = {p.name for p in SAMPLE_DATA.iterdir() if p.suffix in (".csv", ".xlsx")}
    assert files == {name.partition(":")[0] for name in CASES}


@pytest.mark.parametrize("name", list(CASES), ids=str)
def test_sample_file_maps_to_its_table_and_columns(name):
    encoding, delimiter, table, columns, extras, options = CASES[name]
    headers, preview = read_sample(name, encoding, delimiter)
    assert detect_table(headers, preview, synonyms=SYNONYMS)[0][0] == table
    mapping = guess_mapping(headers, preview, synonyms=SYNONYMS)
    assert (mapping.table, mapping.columns, mapping.extras) == (table, columns, extras)
    assert {k: v for k, v in mapping.options.items() if "date_order" in v} == options
    assert mapping.missing_required() == []


def test_sample_amounts_with_dollar_signs_keep_full_confidence():
    headers, preview = read_sample("salesforce_opportunities.csv", "utf-8", ",")
    mapping = guess_mapping(headers, preview, synonyms=SYNONYMS)
    assert mapping.confidence["deal_amount"] == 1.0  # "$12,500.00" is money


def test_tmall_province_from_address_matches_the_readme_rule():
    # README: "the province is the text up to the first 省 or 市" (no autonomous regions occur).
    headers, preview = read_sample("天猫订单导出.csv", "gb18030", ",", rows=5000)
    mapping = guess_mapping(headers, preview.head(PREVIEW_ROWS), synonyms=SYNONYMS)
    sql = derivations("order_lines", {"order_id": '"订单编号"'}, mapping)["region"]
    con = duckdb.connect(":memory:")
    con.register("s", preview[["收货地址"]])
    got = [r[0] for r in con.execute(f"select {sql} from s").fetchall()]
    expected = [re.match(r"^.*?[省市]", a).group(0) for a in preview["收货地址"]]
    assert len(got) > 3000
    assert got == expected
