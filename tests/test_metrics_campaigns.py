"""Campaign ROI with cost proration and attribution, worked out by hand on tiny fixtures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.campaigns import (
    CAMPAIGN_COLUMNS,
    CHANNEL_COLUMNS,
    campaign_channels,
    campaigns,
    channels_from_campaigns,
)
from metrics.filters import Filters

NAN = float("nan")

CAMPAIGNS = [
    # K1 runs the 31 days of March 2024.
    {"campaign_id": "K1", "campaign_name": "Spring Search", "channel": "search",
     "start_date": date(2024, 3, 1), "end_date": date(2024, 3, 31), "cost_amount": 3100,
     "count_impressions": 31000, "count_clicks": 620, "count_leads": 62, "count_conversions": 31,
     "revenue_amount": 5000},
    # K2 has no dates: counted in full whatever the period.
    {"campaign_id": "K2", "campaign_name": "Fair Booth", "channel": "events", "cost_amount": 1000,
     "count_leads": 20},
    # K3 has daily rows, so its totals row (9999) is ignored.
    {"campaign_id": "K3", "campaign_name": "Social", "channel": "social", "cost_amount": 9999},
    # K4 runs March 1-10; no conversions or revenue reported and nothing attributed.
    {"campaign_id": "K4", "campaign_name": "Brand Search", "channel": "search",
     "start_date": date(2024, 3, 1), "end_date": date(2024, 3, 10), "cost_amount": 400,
     "count_impressions": 4000, "count_clicks": 180, "count_leads": 8},
]
PERFORMANCE = [
    {"campaign_id": "K3", "activity_date": date(2024, 3, 1), "cost_amount": 100,
     "count_impressions": 1000, "count_clicks": 50, "count_conversions": 2, "revenue_amount": 300},
    {"campaign_id": "K3", "activity_date": date(2024, 3, 2), "cost_amount": 200,
     "count_impressions": 3000, "count_clicks": 100, "count_conversions": 3,
     "revenue_amount": 200},
    {"campaign_id": "K3", "activity_date": date(2024, 4, 1), "cost_amount": 50,
     "count_impressions": 500, "count_clicks": 10, "count_conversions": 0, "revenue_amount": 0},
]
CUSTOMERS = [
    {"customer_id": "U1", "signup_date": date(2024, 3, 5), "campaign_id": "K1", "owner": "ann"},
    {"customer_id": "U2", "signup_date": date(2024, 1, 1), "campaign_id": "K2", "owner": "bob"},
    # U3 has no signup date: its first touch is its first sale.
    {"customer_id": "U3", "campaign_id": "K3", "owner": "ann"},
]
# order customer date        amount own campaign  -> attributed to
# O1    U1       2024-03-10  500    -             -> K1 (5 days after signup), U1's first sale
# O2    U1       2024-07-01  300    -             -> none (118 days after signup)
# O3    U2       2024-03-15  800    K3            -> K3 (its own campaign)
# O4    U2       2024-03-20  -100   -             -> a return, never attributed
# O5    U3       2024-03-02  250    -             -> K3 (day 0 of its first touch), U3's first sale
# O6    -        2024-03-03  90     K1            -> K1 (anonymous)
# O7    U2       2024-01-05  40     -             -> K2 (4 days after signup), U2's first sale
ORDER_LINES = [
    {"order_id": "O1", "customer_id": "U1", "ordered_at": pd.Timestamp("2024-03-10"),
     "line_amount": 300},
    {"order_id": "O1", "customer_id": "U1", "ordered_at": pd.Timestamp("2024-03-10"),
     "line_amount": 200},
    {"order_id": "O2", "customer_id": "U1", "ordered_at": pd.Timestamp("2024-07-01"),
     "line_amount": 300},
    {"order_id": "O3", "customer_id": "U2", "ordered_at": pd.Timestamp("2024-03-15"),
     "line_amount": 800, "campaign_id": "K3"},
    {"order_id": "O4", "customer_id": "U2", "ordered_at": pd.Timestamp("2024-03-20"),
     "line_amount": -100},
    {"order_id": "O5", "customer_id": "U3", "ordered_at": pd.Timestamp("2024-03-02"),
     "line_amount": 250},
    {"order_id": "O6", "ordered_at": pd.Timestamp("2024-03-03"), "line_amount": 90,
     "campaign_id": "K1"},
    {"order_id": "O7", "customer_id": "U2", "ordered_at": pd.Timestamp("2024-01-05"),
     "line_amount": 40},
]


@pytest.fixture
def shop(con):
    insert(con, "campaigns", CAMPAIGNS)
    insert(con, "campaign_performance", PERFORMANCE)
    insert(con, "customers", CUSTOMERS)
    insert(con, "order_lines", ORDER_LINES)
    return con


SHOWN = ["campaign_id", "campaign", "channel", "cost", "impressions", "clicks", "ctr", "leads",
         "conversions", "conversion_rate", "revenue", "roi", "roas", "cost_per_conversion",
         "new_customers", "cac", "revenue_source"]


def check(actual, rows, columns=SHOWN):
    expected = pd.DataFrame(rows, columns=columns)
    pd.testing.assert_frame_equal(actual[columns].reset_index(drop=True), expected,
                                  check_dtype=False, atol=0.0005)


# Rows: campaign_id, campaign, channel, cost, impressions, clicks, ctr, leads, conversions,
# conversion_rate (per lead, else per click), revenue, roi, roas, cost_per_conversion,
# new_customers, cac, revenue_source.
K1_ALL = ("K1", "Spring Search", "search", 3100.0, 31000.0, 620.0, 0.02, 62.0, 2.0, 2 / 62,
          590.0, (590 - 3100) / 3100, 590 / 3100, 1550.0, 1, 3100.0, "orders")
K2_ALL = ("K2", "Fair Booth", "events", 1000.0, NAN, NAN, NAN, 20.0, 1.0, 0.05,
          40.0, -0.96, 0.04, 1000.0, 1, 1000.0, "orders")
K4_MARCH = ("K4", "Brand Search", "search", 400.0, 4000.0, 180.0, 0.045, 8.0, NAN, NAN,
            NAN, NAN, NAN, NAN, 0, NAN, None)

CASES = {
    # K3: daily cost 350, 4500 impressions, 160 clicks, no leads; sales O3 800 + O5 250.
    "all": (Filters(), [
        ("K3", "Social", "social", 350.0, 4500.0, 160.0, 160 / 4500, NAN, 2.0, 2 / 160,
         1050.0, 2.0, 3.0, 175.0, 1, 350.0, "orders"),
        K1_ALL, K2_ALL, K4_MARCH,
    ]),
    # March: K3's daily rows of March (300); O7 (K2's sale) is in January.
    "march": (Filters(start_date=date(2024, 3, 1), end_date=date(2024, 3, 31)), [
        ("K3", "Social", "social", 300.0, 4000.0, 150.0, 0.0375, NAN, 2.0, 2 / 150,
         1050.0, 2.5, 3.5, 150.0, 1, 300.0, "orders"),
        K1_ALL,
        ("K2", "Fair Booth", "events", 1000.0, NAN, NAN, NAN, 20.0, NAN, NAN,
         NAN, NAN, NAN, NAN, 0, NAN, None),
        K4_MARCH,
    ]),
    # March 16 - April 15: K1 prorated 16/31 and, with no attributed sale, the platform's
    # figures: revenue 5000 x 16/31 = 2580.65, 16 conversions. K3: April 1 only, platform
    # revenue 0. K4 ended March 10: no row.
    "prorated": (Filters(start_date=date(2024, 3, 16), end_date=date(2024, 4, 15)), [
        ("K1", "Spring Search", "search", 1600.0, 16000.0, 320.0, 0.02, 32.0, 16.0, 0.5,
         5000 * 16 / 31, (5000 * 16 / 31 - 1600) / 1600, 5000 * 16 / 31 / 1600, 100.0, 0, NAN,
         "platform"),
        ("K3", "Social", "social", 50.0, 500.0, 10.0, 0.02, NAN, 0.0, 0.0,
         0.0, -1.0, 0.0, NAN, 0, NAN, "platform"),
        ("K2", "Fair Booth", "events", 1000.0, NAN, NAN, NAN, 20.0, NAN, NAN,
         NAN, NAN, NAN, NAN, 0, NAN, None),
    ]),
    # ann's customers U1 and U3 only: K1 gets O1 (500), K3 gets O5 (250), one sale and one new
    # customer each. Cost and platform figures have no owner, so a rep sees none of them (and
    # every ratio over cost is empty); K2 and K4 attribute nothing to ann and drop out.
    "owner_scope_ann": (Filters(owner_scope=("ann",)), [
        ("K1", "Spring Search", "search", NAN, NAN, NAN, NAN, NAN, 1.0, NAN,
         500.0, NAN, NAN, NAN, 1, NAN, "orders"),
        ("K3", "Social", "social", NAN, NAN, NAN, NAN, NAN, 1.0, NAN,
         250.0, NAN, NAN, NAN, 1, NAN, "orders"),
    ]),
    "channel_search": (Filters(channels=("search",)), [K1_ALL, K4_MARCH]),
    "campaign_K2": (Filters(campaigns=("K2",)), [K2_ALL]),
}


@pytest.mark.parametrize("filters, rows", CASES.values(), ids=CASES.keys())
def test_campaigns(shop, filters, rows):
    check(campaigns(shop, filters), rows)


def test_attribution_window_is_a_parameter(shop):
    # With a 200-day window O2 (118 days after U1's signup) goes to K1 too: 590 + 300.
    got = campaigns(shop, Filters(campaigns=("K1",)), attribution_days=200)
    assert got["revenue"].tolist() == [890.0]
    assert got["sales"].tolist() == [3]


def test_platform_first(shop):
    # Platform figures first: K1 5000 and 31 conversions, K3 500 and 5; K2 reports nothing,
    # so its attributed sale (O7, 40) is used; K4 has neither.
    got = campaigns(shop, Filters(), revenue_from=("platform", "orders"))
    check(got, [("K1", 5000.0, 31.0, "platform"), ("K3", 500.0, 5.0, "platform"),
                ("K2", 40.0, 1.0, "orders"), ("K4", NAN, NAN, None)],
          ["campaign_id", "revenue", "conversions", "revenue_source"])


def test_won_deals_attribution(con):
    # No orders: revenue from won deals. W1 carries K9; W2 has none but its customer U9 signed
    # up through K9 four days before the deal was created; W3 is lost; W4 was created 100 days
    # after signup, outside the window.
    insert(con, "campaigns", [{"campaign_id": "K9", "channel": "email", "cost_amount": 200}])
    insert(con, "customers", [{"customer_id": "U9", "signup_date": date(2024, 3, 1),
                               "campaign_id": "K9"}])
    insert(con, "deals", [
        {"deal_id": "W1", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 1000,
         "campaign_id": "K9", "created_date": date(2024, 1, 1), "close_date": date(2024, 3, 10)},
        {"deal_id": "W2", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 500,
         "customer_id": "U9", "created_date": date(2024, 3, 5), "close_date": date(2024, 4, 1)},
        {"deal_id": "W3", "stage": "Lost", "is_won": False, "is_closed": True, "deal_amount": 700,
         "campaign_id": "K9", "created_date": date(2024, 1, 1), "close_date": date(2024, 2, 1)},
        {"deal_id": "W4", "stage": "Won", "is_won": True, "is_closed": True, "deal_amount": 300,
         "customer_id": "U9", "created_date": date(2024, 6, 9), "close_date": date(2024, 6, 20)},
    ])
    got = campaigns(con, Filters())
    # revenue 1500, 2 conversions: ROI (1500 - 200) / 200 = 6.5, ROAS 7.5, 100 per conversion.
    assert got[["campaign_id", "won_deals", "won_deal_revenue", "revenue", "roi", "roas",
                "cost_per_conversion", "revenue_source"]].values.tolist() == [
        ["K9", 2, 1500.0, 1500.0, 6.5, 7.5, 100.0, "deals"]]


def test_channels(shop):
    # search = K1 + K4: cost 3500, 35000 impressions, 800 clicks, 70 leads, 2 conversions,
    # revenue 590, 1 new customer.
    expected = [
        ("social", 1, 350.0, 4500.0, 160.0, 160 / 4500, NAN, 2.0, 2 / 160, 1050.0, 2.0, 3.0,
         175.0, 1, 350.0),
        ("search", 2, 3500.0, 35000.0, 800.0, 800 / 35000, 70.0, 2.0, 2 / 70, 590.0,
         (590 - 3500) / 3500, 590 / 3500, 1750.0, 1, 3500.0),
        ("events", 1, 1000.0, NAN, NAN, NAN, 20.0, 1.0, 0.05, 40.0, -0.96, 0.04, 1000.0, 1,
         1000.0),
    ]
    check(campaign_channels(shop, Filters()), expected, CHANNEL_COLUMNS)
    # The page derives the same table from its campaigns frame, without a second attribution.
    check(channels_from_campaigns(campaigns(shop, Filters())), expected, CHANNEL_COLUMNS)


@pytest.mark.parametrize("filters", [
    Filters(),
    Filters(start_date=date(2024, 3, 1), end_date=date(2024, 3, 31)),
    Filters(owner_scope=("ann",)),
    Filters(channels=("search",)),
], ids=["all", "march", "owner_scope_ann", "search"])
def test_channels_from_campaigns_equal_campaign_channels(shop, filters):
    # Invariant: summing the campaigns frame in pandas gives campaign_channels' SQL frame.
    derived = channels_from_campaigns(campaigns(shop, filters))
    pd.testing.assert_frame_equal(derived, campaign_channels(shop, filters))


def test_channel_totals_equal_campaign_totals(shop):
    # Invariant: channels partition the campaigns.
    filters = Filters(start_date=date(2024, 3, 1), end_date=date(2024, 3, 31))
    per_campaign = campaigns(shop, filters)
    per_channel = campaign_channels(shop, filters)
    for column in ("cost", "revenue", "new_customers", "clicks"):
        assert per_channel[column].sum() == pytest.approx(per_campaign[column].sum())


@pytest.mark.parametrize("metric, columns", [(campaigns, CAMPAIGN_COLUMNS),
                                             (campaign_channels, CHANNEL_COLUMNS)],
                         ids=["campaigns", "channels"])
def test_empty_tables(con, metric, columns):
    got = metric(con, Filters(owner_scope=("ann",), start_date=date(2024, 1, 1)))
    assert got.empty and list(got.columns) == columns


def test_unknown_revenue_source_is_refused(shop):
    with pytest.raises(ValueError, match="revenue_from"):
        campaigns(shop, Filters(), revenue_from=("hearsay",))
