"""Real-world header sets: the detected table and the whole column mapping, worked out by hand."""

from __future__ import annotations

import pytest

from ingest.mapping import detect_table, guess_mapping
from ingest.schema import TABLES
from ingest.synonyms import load_synonyms

# Ours only: a synonyms.json in the developer's data folder must not change these results.
SYNONYMS = load_synonyms("/nonexistent/synonyms.json")

# name: (headers, table, {canonical column: header}, extras)
CASES = {
    "hubspot-deals": (
        ["Record ID", "Deal Name", "Deal Stage", "Close Date", "Deal owner", "Amount",
         "Create Date", "Pipeline", "Associated Company", "Deal Type", "Original Source Type"],
        "deals",
        {"deal_id": "Record ID", "deal_name": "Deal Name", "customer_id": "Associated Company",
         "stage": "Deal Stage", "deal_amount": "Amount", "owner": "Deal owner",
         "source": "Original Source Type", "pipeline": "Pipeline", "created_date": "Create Date",
         "close_date": "Close Date"},
        {}),
    "hubspot-deals-stage-dates": (
        ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date",
         'Date entered "Appointment Scheduled (Sales Pipeline)"',
         'Date entered "Closed Won (Sales Pipeline)"'],
        "deals",
        {"deal_id": "Record ID", "deal_name": "Deal Name", "stage": "Deal Stage",
         "deal_amount": "Amount", "close_date": "Close Date"},
        {"stage_dates": {
            "Appointment Scheduled": 'Date entered "Appointment Scheduled (Sales Pipeline)"',
            "Closed Won": 'Date entered "Closed Won (Sales Pipeline)"'}}),
    "hubspot-contacts": (
        ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "Contact owner",
         "Lifecycle Stage", "Create Date", "Original Source", "City", "State/Region"],
        "customers",
        {"customer_id": "Record ID", "email": "Email", "phone": "Phone Number",
         "region": "State/Region", "city": "City", "channel": "Original Source",
         "owner": "Contact owner", "signup_date": "Create Date"},
        {"first_name": "First Name", "last_name": "Last Name"}),
    "salesforce-report-opportunities": (
        ["Opportunity Name", "Account Name", "Stage", "Amount", "Probability (%)", "Close Date",
         "Opportunity Owner", "Lead Source", "Created Date", "Type", "Next Step"],
        "deals",
        {"deal_name": "Opportunity Name", "customer_id": "Account Name", "stage": "Stage",
         "deal_amount": "Amount", "probability": "Probability (%)", "owner": "Opportunity Owner",
         "source": "Lead Source", "created_date": "Created Date", "close_date": "Close Date"},
        {}),
    "zoho-deals-amount-beats-expected-revenue": (
        ["Deal Owner", "Deal Name", "Account Name", "Stage", "Amount", "Expected Revenue",
         "Closing Date", "Lead Source", "Created Time", "Probability (%)"],
        "deals",
        {"deal_name": "Deal Name", "customer_id": "Account Name", "stage": "Stage",
         "deal_amount": "Amount", "probability": "Probability (%)", "owner": "Deal Owner",
         "source": "Lead Source", "created_date": "Created Time", "close_date": "Closing Date"},
        {}),
    "pipedrive-deals": (
        ["Deal - ID", "Deal - Title", "Deal - Value", "Deal - Stage", "Deal - Owner",
         "Deal - Status", "Deal - Won time", "Deal - Expected close date",
         "Organization - Name", "Deal - Pipeline"],
        "deals",
        {"deal_id": "Deal - ID", "deal_name": "Deal - Title", "customer_id": "Organization - Name",
         "stage": "Deal - Stage", "deal_amount": "Deal - Value", "owner": "Deal - Owner",
         "pipeline": "Deal - Pipeline", "close_date": "Deal - Expected close date"},
        {"deal_status": "Deal - Status", "stage_dates": {"Won": "Deal - Won time"}}),
    "shopify-orders": (
        ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency",
         "Subtotal", "Total", "Discount Amount", "Created at", "Lineitem quantity",
         "Lineitem name", "Lineitem price", "Lineitem sku", "Lineitem discount",
         "Billing Name", "Billing Province", "Billing Country", "Source", "Id"],
        "order_lines",
        {"order_id": "Name", "ordered_at": "Created at", "customer_id": "Email",
         "customer_name": "Billing Name", "product_id": "Lineitem sku",
         "product_name": "Lineitem name", "quantity": "Lineitem quantity",
         "unit_price": "Lineitem price", "discount_amount": "Lineitem discount",
         "channel": "Source", "region": "Billing Province", "status": "Financial Status",
         "currency": "Currency"},
        {}),
    "shopify-customers": (
        ["Customer ID", "First Name", "Last Name", "Email", "Default Address Company",
         "Default Address City", "Default Address Province Code", "Phone", "Total Spent"],
        "customers",
        {"customer_id": "Customer ID", "email": "Email", "phone": "Phone",
         "region": "Default Address Province Code", "city": "Default Address City"},
        {"first_name": "First Name", "last_name": "Last Name"}),
    "uci-online-retail": (
        ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice",
         "CustomerID", "Country"],
        "order_lines",
        {"order_id": "InvoiceNo", "ordered_at": "InvoiceDate", "customer_id": "CustomerID",
         "product_id": "StockCode", "product_name": "Description", "quantity": "Quantity",
         "unit_price": "UnitPrice", "region": "Country"},
        {}),
    "simple-orders-total-kept-without-lines": (
        ["Order ID", "Date", "Customer", "Total"],
        "order_lines",
        {"order_id": "Order ID", "ordered_at": "Date", "customer_name": "Customer",
         "line_amount": "Total"},
        {}),
    "google-ads": (
        ["Campaign", "Day", "Cost", "Impressions", "Clicks", "Conversions", "Conv. value"],
        "campaign_performance",
        {"campaign_id": "Campaign", "activity_date": "Day", "cost_amount": "Cost",
         "count_impressions": "Impressions", "count_clicks": "Clicks",
         "count_conversions": "Conversions", "revenue_amount": "Conv. value"},
        {}),
    "meta-ads": (
        ["Campaign name", "Reporting starts", "Amount spent (USD)", "Impressions",
         "Link clicks", "Results"],
        "campaign_performance",
        {"campaign_id": "Campaign name", "activity_date": "Reporting starts",
         "cost_amount": "Amount spent (USD)", "count_impressions": "Impressions",
         "count_clicks": "Link clicks", "count_conversions": "Results"},
        {}),
    "salesforce-campaigns": (
        ["ID", "NAME", "TYPE", "STATUS", "STARTDATE", "ENDDATE", "BUDGETEDCOST", "ACTUALCOST",
         "NUMBEROFLEADS", "AMOUNTWONOPPORTUNITIES"],
        "campaigns",
        {"campaign_id": "ID", "campaign_name": "NAME", "channel": "TYPE",
         "start_date": "STARTDATE", "end_date": "ENDDATE", "cost_amount": "ACTUALCOST",
         "count_leads": "NUMBEROFLEADS", "revenue_amount": "AMOUNTWONOPPORTUNITIES"},
        {}),
    "taobao-orders": (
        ["订单编号", "买家会员名", "买家实际支付金额", "订单状态", "收货人姓名", "收货地址",
         "订单创建时间", "订单付款时间", "宝贝标题"],
        "order_lines",
        {"order_id": "订单编号", "ordered_at": "订单创建时间", "customer_id": "买家会员名",
         "customer_name": "收货人姓名", "product_name": "宝贝标题",
         "line_amount": "买家实际支付金额", "status": "订单状态"},
        {"address": "收货地址"}),
    "chinese-order-lines": (
        ["订单号", "子订单编号", "客户名称", "商品名称", "商品编码", "购买数量", "单价", "优惠金额",
         "实付金额", "下单时间", "付款时间", "收货地址", "城市", "负责人"],
        "order_lines",
        {"order_id": "订单号", "ordered_at": "下单时间", "customer_name": "客户名称",
         "product_id": "商品编码", "product_name": "商品名称", "quantity": "购买数量",
         "unit_price": "单价", "discount_amount": "优惠金额", "line_amount": "实付金额",
         "owner": "负责人"},
        {"address": "收货地址"}),
    "chinese-deals": (
        ["商机名称", "客户名称", "商机阶段", "金额", "预计成交日期", "赢率", "负责人", "客户来源", "创建时间"],
        "deals",
        {"deal_name": "商机名称", "customer_id": "客户名称", "stage": "商机阶段",
         "deal_amount": "金额", "probability": "赢率", "owner": "负责人", "source": "客户来源",
         "created_date": "创建时间", "close_date": "预计成交日期"},
        {}),
    "chinese-customers": (
        ["客户编号", "客户名称", "手机", "邮箱", "省份", "城市", "所属行业", "客户来源", "负责人", "创建时间"],
        "customers",
        {"customer_id": "客户编号", "customer_name": "客户名称", "email": "邮箱", "phone": "手机",
         "region": "省份", "city": "城市", "industry": "所属行业", "channel": "客户来源",
         "owner": "负责人", "signup_date": "创建时间"},
        {}),
    "chinese-tickets": (
        ["工单编号", "客户名称", "工单类型", "优先级", "状态", "处理人", "创建时间", "解决时间", "满意度"],
        "tickets",
        {"ticket_id": "工单编号", "customer_id": "客户名称", "ticket_type": "工单类型",
         "priority": "优先级", "status": "状态", "owner": "处理人", "opened_at": "创建时间",
         "resolved_at": "解决时间", "satisfaction_score": "满意度"},
        {}),
    "chinese-campaigns": (
        ["活动名称", "活动类型", "开始日期", "结束日期", "花费", "线索数"],
        "campaigns",
        {"campaign_name": "活动名称", "channel": "活动类型", "start_date": "开始日期",
         "end_date": "结束日期", "cost_amount": "花费", "count_leads": "线索数"},
        {}),
    "chinese-follow-ups": (
        ["跟进方式", "跟进时间", "跟进人", "客户名称", "商机名称", "跟进内容"],
        "activities",
        {"activity_type": "跟进方式", "occurred_at": "跟进时间", "owner": "跟进人",
         "customer_id": "客户名称", "deal_id": "商机名称", "subject": "跟进内容"},
        {}),
    "zendesk-tickets": (
        ["Ticket ID", "Requester", "Subject", "Type", "Priority", "Status", "Via", "Assignee",
         "Created at", "Solved at", "Satisfaction Score"],
        "tickets",
        {"ticket_id": "Ticket ID", "customer_id": "Requester", "ticket_type": "Type",
         "priority": "Priority", "status": "Status", "channel": "Via", "owner": "Assignee",
         "opened_at": "Created at", "resolved_at": "Solved at",
         "satisfaction_score": "Satisfaction Score"},
        {}),
    "salesforce-cases": (
        ["CASENUMBER", "ACCOUNTID", "TYPE", "PRIORITY", "STATUS", "ORIGIN", "OWNERID",
         "CREATEDDATE", "CLOSEDDATE"],
        "tickets",
        {"ticket_id": "CASENUMBER", "customer_id": "ACCOUNTID", "ticket_type": "TYPE",
         "priority": "PRIORITY", "status": "STATUS", "channel": "ORIGIN", "owner": "OWNERID",
         "opened_at": "CREATEDDATE", "resolved_at": "CLOSEDDATE"},
        {}),
    "hubspot-calls": (
        ["Activity date", "Activity type", "Activity assigned to", "Associated Company",
         "Associated Deal", "Call title", "Call duration"],
        "activities",
        {"activity_type": "Activity type", "occurred_at": "Activity date",
         "owner": "Activity assigned to", "customer_id": "Associated Company",
         "deal_id": "Associated Deal", "subject": "Call title", "duration_minutes": "Call duration"},
        {}),
    "targets": (
        ["Sales Rep", "Month", "Quota"], "targets",
        {"owner": "Sales Rep", "period_start": "Month", "target_amount": "Quota"}, {}),
    "chinese-targets": (
        ["销售", "月份", "目标金额"], "targets",
        {"owner": "销售", "period_start": "月份", "target_amount": "目标金额"}, {}),
    "stage-history": (
        ["Deal ID", "Stage", "Entered At"], "deal_stage_history",
        {"deal_id": "Deal ID", "stage": "Stage", "entered_at": "Entered At"}, {}),
    "chinese-stage-history": (
        ["商机编号", "阶段", "进入时间"], "deal_stage_history",
        {"deal_id": "商机编号", "stage": "阶段", "entered_at": "进入时间"}, {}),
    "normalised-headers": (
        ["\ufeffOrder ID", "ＯＲＤＥＲ　ＤＡＴＥ", "unit_price", "QTY", "  Product Name  "],
        "order_lines",
        {"order_id": "\ufeffOrder ID", "ordered_at": "ＯＲＤＥＲ　ＤＡＴＥ",
         "product_name": "  Product Name  ", "quantity": "QTY", "unit_price": "unit_price"},
        {}),
}


@pytest.mark.parametrize("name", list(CASES), ids=str)
def test_header_set_maps_to_its_table_and_columns(name):
    headers, table, columns, extras = CASES[name]
    ranking = detect_table(headers, synonyms=SYNONYMS)
    assert ranking[0][0] == table
    mapping = guess_mapping(headers, synonyms=SYNONYMS)
    assert (mapping.table, mapping.columns, mapping.extras) == (table, columns, extras)
    assert mapping.missing_required() == []


@pytest.mark.parametrize("name", list(CASES), ids=str)
def test_mapping_invariants(name):
    headers = CASES[name][0]
    ranking = detect_table(headers, synonyms=SYNONYMS)
    assert sorted(t for t, _ in ranking) == sorted(TABLES)
    assert [s for _, s in ranking] == sorted((s for _, s in ranking), reverse=True)
    assert all(0.0 <= s <= 1.0 for _, s in ranking)
    mapping = guess_mapping(headers, synonyms=SYNONYMS)
    sources = list(mapping.columns.values())
    roles = [h for k, h in mapping.extras.items() if k != "stage_dates"]
    assert len(set(sources)) == len(sources), "a header feeds one column at most"
    assert not set(roles) & set(sources), "a header is a column or an extra role, not both"
    assert set(sources) <= set(headers) and mapping.headers == headers
    assert set(mapping.confidence) == set(mapping.columns)
    assert all(0.0 < c <= 1.0 for c in mapping.confidence.values())
    assert mapping.table_confidence == dict(ranking)[mapping.table]
