"""Campaign drill-down: the sales and won deals attributed to one campaign, by hand on the
shop of test_metrics_campaigns."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_campaigns import CAMPAIGNS, CUSTOMERS, ORDER_LINES, PERFORMANCE

from metrics.campaign_lists import (
    CAMPAIGN_DEAL_COLUMNS,
    CAMPAIGN_SALE_COLUMNS,
    campaign_data_loaded,
    campaign_deals,
    campaign_sales,
)
from metrics.campaigns import campaigns
from metrics.filters import Filters

MARCH = Filters(start_date=date(2024, 3, 1), end_date=date(2024, 3, 31))


@pytest.fixture
def shop(con):
    insert(con, "campaigns", CAMPAIGNS)
    insert(con, "campaign_performance", PERFORMANCE)
    insert(con, "customers", CUSTOMERS)
    insert(con, "order_lines", ORDER_LINES)
    return con


def test_campaign_sales_whole_rows(shop):
    # K3: O3 carries K3 itself (U2, whose first sale is O7); O5 is U3's first sale, on the day
    # of its first touch.
    expected = pd.DataFrame([
        ("O3", pd.Timestamp("2024-03-15"), "U2", None, 800.0, True, False, 2),
        ("O5", pd.Timestamp("2024-03-02"), "U3", None, 250.0, False, True, 2),
    ], columns=CAMPAIGN_SALE_COLUMNS)
    pd.testing.assert_frame_equal(campaign_sales(shop, Filters(), "K3"), expected,
                                  check_dtype=False)


SALE_CASES = {
    # K1: O1 (U1's first touch, 5 days on) and O6 (anonymous, carries K1); newest first.
    "k1_all": (Filters(), "K1", {}, ["O1", "O6"]),
    # 200 days: O2, 118 days after U1's signup, joins.
    "k1_long_window": (Filters(), "K1", {"attribution_days": 200}, ["O2", "O1", "O6"]),
    "k2_all": (Filters(), "K2", {}, ["O7"]),
    # O7 is in January.
    "k2_march": (MARCH, "K2", {}, []),
    # ann's customers only: the anonymous O6 has no owner.
    "k1_scope_ann": (Filters(owner_scope=("ann",)), "K1", {}, ["O1"]),
    # The channel and campaign filters pick campaigns; they never hide a campaign's own sales.
    "k3_with_campaign_filter": (Filters(campaigns=("K3",), channels=("social",)), "K3", {},
                                ["O3", "O5"]),
    "k1_page_two": (Filters(), "K1", {"limit": 1, "offset": 1}, ["O6"]),
    "hostile_id": (Filters(), "K1' or '1'='1", {}, []),
}


@pytest.mark.parametrize("filters, campaign, options, expected", SALE_CASES.values(),
                         ids=SALE_CASES.keys())
def test_campaign_sales(shop, filters, campaign, options, expected):
    got = campaign_sales(shop, filters, campaign, **options)
    assert got["order_id"].tolist() == expected


@pytest.mark.parametrize("filters, days", [(Filters(), 90), (MARCH, 90), (Filters(), 200),
                                           (Filters(owner_scope=("ann",)), 90)],
                         ids=["all", "march", "long_window", "scope_ann"])
def test_campaign_sales_add_up_to_the_campaign_row(shop, filters, days):
    for row in campaigns(shop, filters, attribution_days=days).itertuples():
        listed = campaign_sales(shop, filters, row.campaign_id, attribution_days=days, limit=100)
        assert len(listed) == row.sales, row.campaign_id
        assert listed["order_total"].sum() == pytest.approx(row.sales_revenue)
        assert listed["is_new_customer"].sum() == row.new_customers


def test_campaign_deals(con):
    # As in test_won_deals_attribution: W1 carries K9, W2 comes through U9's first touch
    # (4 days); W3 is lost and W4 outside the 90-day window.
    insert(con, "customers", [{"customer_id": "U9", "customer_name": "九号客户",
                               "signup_date": date(2024, 3, 1), "campaign_id": "K9"}])
    insert(con, "deals", [
        {"deal_id": "W1", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 1000,
         "campaign_id": "K9", "owner": "ann", "created_date": date(2024, 1, 1),
         "close_date": date(2024, 3, 10)},
        {"deal_id": "W2", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 500,
         "customer_id": "U9", "created_date": date(2024, 3, 5), "close_date": date(2024, 4, 1)},
        {"deal_id": "W3", "stage": "Lost", "is_won": False, "is_closed": True, "deal_amount": 700,
         "campaign_id": "K9", "created_date": date(2024, 1, 1), "close_date": date(2024, 2, 1)},
        {"deal_id": "W4", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 300,
         "customer_id": "U9", "created_date": date(2024, 6, 9), "close_date": date(2024, 6, 20)},
    ])
    expected = pd.DataFrame([
        ("W1", None, None, None, "ann", 1000.0, pd.Timestamp("2024-01-01"),
         pd.Timestamp("2024-03-10"), True, 2),
        ("W2", None, "U9", "九号客户", None, 500.0, pd.Timestamp("2024-03-05"),
         pd.Timestamp("2024-04-01"), False, 2),
    ], columns=CAMPAIGN_DEAL_COLUMNS)
    pd.testing.assert_frame_equal(campaign_deals(con, Filters(), "K9"), expected,
                                  check_dtype=False)
    # Closed in March: W1 only.
    assert campaign_deals(con, MARCH, "K9")["deal_id"].tolist() == ["W1"]


def test_empty_tables(con):
    assert list(campaign_sales(con, Filters(), "K1").columns) == CAMPAIGN_SALE_COLUMNS
    assert campaign_deals(con, Filters(), "K1").empty


@pytest.mark.parametrize("table, row", [
    ("campaigns", {"campaign_id": "K1"}),
    ("campaign_performance", {"campaign_id": "K1", "activity_date": date(2024, 3, 1)}),
    ("order_lines", {"ordered_at": pd.Timestamp("2024-03-01"), "line_amount": 5,
                     "campaign_id": "K1"}),
    ("customers", {"customer_id": "U1", "campaign_id": "K1"}),
    ("deals", {"deal_id": "D1", "stage": "Lead", "campaign_id": "K1"}),
], ids=["campaigns", "daily", "order", "customer", "deal"])
def test_campaign_data_loaded(con, table, row):
    assert not campaign_data_loaded(con)
    # Rows without any campaign make no campaign report.
    insert(con, "order_lines", [{"ordered_at": pd.Timestamp("2024-03-01"), "line_amount": 5}])
    insert(con, "deals", [{"deal_id": "D0", "stage": "Lead"}], dataset_id=9)
    assert not campaign_data_loaded(con)
    insert(con, table, [row], dataset_id=2)
    assert campaign_data_loaded(con)
