"""Every metric that reads orders gives the same frame three ways: orders grouped from the order
lines (the path before order_facts, kept for product filters), from the order_facts view, and
from the built order_facts table. An invariant over tricky hand-typed data: orders split over
two days, over two regions, over two customers, lines without order id, customer or owner."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_marts import CUSTOMERS, LINES, ln

from metrics import base, marts
from metrics.campaign_lists import campaign_sales
from metrics.campaigns import campaign_channels, campaigns
from metrics.clv import clv_inputs, historical_clv
from metrics.customers import customer_360, profile
from metrics.filters import Filters, Params
from metrics.kpis import kpis
from metrics.retention import churn, cohorts, retention_curve, time_between_purchases
from metrics.retention_drill import cohort_customers, purchase_gap_distribution
from metrics.rfm import rfm, rfm_segments
from metrics.rfm_drill import rfm_customers, rfm_grid
from metrics.sales import breakdown, products, sales_forecast, sales_trend
from metrics.service import contact_conversion

# More customers and months, so scores, cohorts and gaps have something to tell apart.
MORE_CUSTOMERS = [
    {"customer_id": "c3", "region": "North", "channel": "store", "owner": "ann",
     "campaign_id": "K9", "signup_date": date(2024, 1, 20)},
    {"customer_id": "c4", "region": "South", "channel": "web", "owner": "bob"},
]
MORE_LINES = [
    ln("p1", datetime(2024, 1, 5, 8), "c3", 40, product_name="Tea", cost_amount=10),
    ln("p2", datetime(2024, 1, 5, 8), "c3", 12, product_name="Cup"),  # same time as p1
    ln("p3", datetime(2024, 2, 14), "c3", 30, product_name="Tea", region="East"),
    ln("p3", datetime(2024, 2, 14), "c3", -5, product_name="Cup"),  # p3 split over regions
    ln("p4", datetime(2024, 3, 20), "c4", 22, product_name="Tea", channel="phone"),
    ln("p5", datetime(2024, 4, 2), "c4", 18, product_name="Cup"),
    ln("p6", datetime(2024, 5, 30), "c4", 9, product_name="Tea", owner="ann"),
    ln("p6", datetime(2024, 5, 30), "c3", 3, product_name="Tea"),  # two customers in one order
    ln("p7", datetime(2024, 6, 3), "c3", 25, product_name="Tea", campaign_id="K2"),
    ln("p8", datetime(2024, 6, 3), "c1", -4, product_name="Cup"),
]
CAMPAIGNS = [
    {"campaign_id": "K2", "campaign_name": "Spring", "channel": "email", "cost_amount": 20,
     "start_date": date(2024, 3, 1), "end_date": date(2024, 6, 30)},
    {"campaign_id": "K9", "campaign_name": "Launch", "channel": "social", "cost_amount": 30,
     "start_date": date(2024, 1, 1), "end_date": date(2024, 3, 31)},
]

METRICS = {
    "kpis": lambda con, f: kpis(con, f),
    "trend": lambda con, f: sales_trend(con, f, "month", 2),
    "forecast": lambda con, f: sales_forecast(con, f, "week"),
    "breakdown": lambda con, f: breakdown(con, f, "region"),
    "products": lambda con, f: products(con, f),
    "rfm": lambda con, f: rfm(con, f),
    "rfm_segments": lambda con, f: rfm_segments(con, f),
    "rfm_grid": lambda con, f: rfm_grid(con, f),
    "rfm_customers": lambda con, f: rfm_customers(con, f),
    "cohorts": lambda con, f: cohorts(con, f),
    "retention_curve": lambda con, f: retention_curve(con, f),
    "cohort_customers": lambda con, f: cohort_customers(con, f, cohort_start=date(2024, 3, 1),
                                                        period=0),
    "churn": lambda con, f: churn(con, f, 30),
    "time_between": lambda con, f: time_between_purchases(con, f),
    "gap_distribution": lambda con, f: purchase_gap_distribution(con, f),
    "clv_inputs": lambda con, f: clv_inputs(con, f),
    "historical_clv": lambda con, f: historical_clv(con, f),
    "campaigns": lambda con, f: campaigns(con, f),
    "campaign_channels": lambda con, f: campaign_channels(con, f),
    "campaign_sales": lambda con, f: campaign_sales(con, f, "K2"),
    "profile": lambda con, f: profile(con, f),
    "contact_conversion": lambda con, f: contact_conversion(con, f),
    "customer_360": lambda con, f: customer_360(con, "c3", f),
}

SPRING = {"start_date": date(2024, 3, 2), "end_date": date(2024, 5, 31)}
FILTERS = {
    "none": Filters(),
    "dates": Filters(**SPRING),
    "region": Filters(regions=("South", "East")),
    "channel": Filters(channels=("store",)),
    "owner": Filters(owners=("bob", "cat")),
    "campaign": Filters(campaigns=("K2",)),
    "segment": Filters(segments=("Champions", "Potential Loyalists", "New")),
    "scope": Filters(owner_scope=("ann",)),
    "scope-empty": Filters(owner_scope=()),
    "product": Filters(products=("Tea",)),
    "dates-scope-segment": Filters(owner_scope=("bob", "ann"), segments=("Hibernating", "New"),
                                   **SPRING),
}


@pytest.fixture(scope="module")
def shop():
    from ingest.db import connect_engine
    from ingest.schema import create_tables

    con = connect_engine(":memory:")
    create_tables(con)
    marts.reset(con)
    insert(con, "customers", CUSTOMERS + MORE_CUSTOMERS)
    insert(con, "order_lines", LINES + MORE_LINES)
    insert(con, "campaigns", CAMPAIGNS)
    yield con
    con.close()


def _frames(result) -> dict[str, pd.DataFrame]:
    return result if isinstance(result, dict) else {"frame": result}


def _three_ways(con, monkeypatch, metric, filters):
    marts.reset(con)
    with monkeypatch.context() as patched:
        patched.setattr(base, "fact_orders_sql", base.line_orders_sql)
        lines = _frames(metric(con, filters))
    view = _frames(metric(con, filters))
    assert marts.refresh(con) is True
    table = _frames(metric(con, filters))
    marts.reset(con)
    return lines, view, table


@pytest.mark.parametrize("filters", list(FILTERS.values()), ids=list(FILTERS))
@pytest.mark.parametrize("name", list(METRICS))
def test_lines_view_and_table_agree(shop, monkeypatch, name, filters):
    lines, view, table = _three_ways(shop, monkeypatch, METRICS[name], filters)
    assert list(lines) == list(view) == list(table)
    for part in lines:
        pd.testing.assert_frame_equal(view[part], lines[part], obj=f"{name}/{part} view")
        pd.testing.assert_frame_equal(table[part], lines[part], obj=f"{name}/{part} table")


def _order_count(con, filters: Filters) -> int:
    params = Params()
    return con.execute(f"select count(*) from ({base.orders_sql(filters, params)}) o",
                       params).fetchone()[0]


def test_the_data_is_not_trivial(shop):
    # The comparison above means something only if orders really split and filters really bite.
    split = shop.execute("select count(distinct order_key) from order_facts where fact_rows > 1")
    assert split.fetchone()[0] == 5  # o1, o2, o5, p3 (two regions) and p6 (two customers)
    everything = _order_count(shop, Filters())
    assert everything == 13
    for name, filters in FILTERS.items():
        if name not in ("none", "scope-empty"):
            assert 0 < _order_count(shop, filters) < everything, name
