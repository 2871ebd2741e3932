"""A tiny CRM where two reps, ann and bob, own different rows, for the row-level security tests
(not a test module).

Every row ann must not see carries a canary: text containing "bob" or "zorphan" (any case), or
an amount of a million or more. ann's own amounts stay below a thousand, so no figure ann may
see can reach ``CANARY_AMOUNT``. bob also sold to and contacted ann's customer A1 (OB3, DB2,
AB2): those rows are bob's, so ann must not see them either.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

T = pd.Timestamp
CANARY_WORDS = ("bob", "zorphan")
CANARY_AMOUNT = 500_000

CUSTOMERS = [
    {"customer_id": "A1", "customer_name": "Acme", "owner": "ann", "region": "North",
     "channel": "web", "signup_date": date(2024, 1, 2), "campaign_id": "KANN",
     "email": "buyer@acme.example"},
    {"customer_id": "A2", "customer_name": "Apex", "owner": "ann", "region": "North",
     "channel": "fair", "signup_date": date(2024, 1, 3)},
    {"customer_id": "B1", "customer_name": "Bobsecret Ltd", "owner": "bob", "region": "Bobland",
     "channel": "bobchannel", "signup_date": date(2024, 1, 4), "campaign_id": "KBOB",
     "email": "boss@bobsecret.example", "industry": "Bobindustry", "city": "Bobcity"},
    {"customer_id": "N1", "customer_name": "Zorphan Inc", "region": "Zorphanland",
     "signup_date": date(2024, 1, 5)},
]
# Lines without an owner take their customer's. ann: O1-O4 (net 170); bob: OB1-OB3; no owner: ON1.
ORDER_LINES = [
    {"order_id": "O1", "customer_id": "A1", "ordered_at": T("2024-01-10 10:00"),
     "product_name": "Widget", "category": "Tools", "quantity": 2, "line_amount": 100},
    {"order_id": "O2", "customer_id": "A1", "ordered_at": T("2024-02-10 10:00"),
     "product_name": "Widget", "category": "Tools", "quantity": 1, "line_amount": 50},
    {"order_id": "O3", "customer_id": "A2", "ordered_at": T("2024-02-15 10:00"),
     "product_name": "Gadget", "category": "Tools", "quantity": 1, "line_amount": 30,
     "owner": "ann"},
    {"order_id": "O4", "customer_id": "A2", "ordered_at": T("2024-03-01 10:00"),
     "product_name": "Gadget", "category": "Tools", "quantity": -1, "line_amount": -10},
    {"order_id": "OB1", "customer_id": "B1", "ordered_at": T("2024-01-20 10:00"),
     "product_name": "Bobwidget", "category": "Bobcat", "quantity": 1, "line_amount": 1_000_000,
     "region": "Bobland", "campaign_id": "KBOB"},
    {"order_id": "OB2", "customer_id": "B1", "ordered_at": T("2024-02-20 10:00"),
     "product_name": "Bobwidget", "category": "Bobcat", "quantity": 2, "line_amount": 2_000_000},
    {"order_id": "OB3", "customer_id": "A1", "ordered_at": T("2024-02-25 10:00"),
     "product_name": "Bobgizmo", "category": "Bobcat", "quantity": 1, "line_amount": 3_000_000,
     "owner": "bob", "channel": "bobchannel"},
    {"order_id": "ON1", "customer_id": "N1", "ordered_at": T("2024-02-01 10:00"),
     "product_name": "Zorphanthing", "quantity": 1, "line_amount": 4_000_000},
]
DEALS = [
    {"deal_id": "DA1", "deal_name": "Acme renewal", "customer_id": "A1", "stage": "Closed Won",
     "deal_amount": 500, "owner": "ann", "created_date": date(2024, 1, 5),
     "close_date": date(2024, 2, 1), "is_closed": True, "is_won": True, "probability": 1.0},
    {"deal_id": "DA2", "deal_name": "Apex pilot", "customer_id": "A2", "stage": "Proposal",
     "deal_amount": 300, "owner": "ann", "created_date": date(2024, 2, 1),
     "close_date": date(2024, 4, 1), "probability": 0.5},
    {"deal_id": "DBOB1", "deal_name": "Bobdeal", "customer_id": "B1", "stage": "Proposal",
     "deal_amount": 5_000_000, "owner": "bob", "created_date": date(2024, 1, 15),
     "close_date": date(2024, 4, 1), "probability": 0.5, "source": "bobsource",
     "product_name": "Bobwidget", "campaign_id": "KBOB"},
    {"deal_id": "DBOB2", "deal_name": "Bobdeal two", "customer_id": "A1", "stage": "Closed Won",
     "deal_amount": 6_000_000, "owner": "bob", "created_date": date(2024, 1, 10),
     "close_date": date(2024, 2, 10), "is_closed": True, "is_won": True, "probability": 1.0},
]
STAGE_HISTORY = [
    {"deal_id": "DA2", "stage": "Qualification", "entered_at": T("2024-02-01")},
    {"deal_id": "DA2", "stage": "Proposal", "entered_at": T("2024-02-11")},
    {"deal_id": "DBOB1", "stage": "Qualification", "entered_at": T("2024-01-15")},
    {"deal_id": "DBOB1", "stage": "Proposal", "entered_at": T("2024-01-25")},
]
ACTIVITIES = [
    {"activity_id": "AA1", "activity_type": "call", "occurred_at": T("2024-01-11 09:00"),
     "owner": "ann", "customer_id": "A1", "subject": "Intro", "duration_minutes": 15},
    {"activity_id": "AB1", "activity_type": "call", "occurred_at": T("2024-01-21 09:00"),
     "owner": "bob", "customer_id": "B1", "subject": "Bobcall", "duration_minutes": 900_000},
    {"activity_id": "AB2", "activity_type": "meeting", "occurred_at": T("2024-02-11 09:00"),
     "owner": "bob", "customer_id": "A1", "subject": "Bobmeeting", "deal_id": "DBOB2"},
]
TICKETS = [
    {"ticket_id": "TA1", "customer_id": "A1", "ticket_type": "Complaint", "owner": "ann",
     "opened_at": T("2024-01-12 09:00"), "resolved_at": T("2024-01-12 13:00"),
     "satisfaction_score": 4, "priority": "high", "status": "closed"},
    {"ticket_id": "TBOB1", "customer_id": "B1", "ticket_type": "Bobcomplaint", "owner": "bob",
     "opened_at": T("2024-01-22 09:00"), "priority": "bobpriority", "status": "open"},
]
CAMPAIGNS = [
    {"campaign_id": "KANN", "campaign_name": "Spring mail", "channel": "email",
     "start_date": date(2024, 1, 1), "end_date": date(2024, 1, 31), "cost_amount": 100},
    {"campaign_id": "KBOB", "campaign_name": "Bobcampaign", "channel": "bobads",
     "start_date": date(2024, 1, 1), "end_date": date(2024, 1, 31), "cost_amount": 7_000_000},
]
CAMPAIGN_PERFORMANCE = [
    {"campaign_id": "KBOBDAILY", "activity_date": date(2024, 1, 15), "channel": "bobads",
     "cost_amount": 9_000_000, "count_clicks": 10},
]
TARGETS = [
    {"owner": "ann", "period_start": date(2024, 1, 1), "target_amount": 900},
    {"owner": "bob", "period_start": date(2024, 1, 1), "target_amount": 8_000_000},
]
TABLES = {
    "customers": CUSTOMERS, "order_lines": ORDER_LINES, "deals": DEALS,
    "deal_stage_history": STAGE_HISTORY, "activities": ACTIVITIES, "tickets": TICKETS,
    "campaigns": CAMPAIGNS, "campaign_performance": CAMPAIGN_PERFORMANCE, "targets": TARGETS,
}
# ann's orders by hand: O1 100, O2 50, O3 30 are sales (gross 180), O4 -10 a return (net 170);
# 3 sales to 2 customers, A1 twice (repeat rate 1/2).
ANN_GROSS, ANN_NET, ANN_SALES, ANN_CUSTOMERS = 180.0, 170.0, 3, 2


def leaks(value, path: str = "") -> list[str]:
    """Where ``value`` (a frame, dict, sequence, text or number) shows a canary; [] when clean."""
    found: list[str] = []
    if isinstance(value, pd.DataFrame):
        for column in value.columns:
            found += leaks(str(column), f"{path}[column]")
            for i, cell in enumerate(value[column].tolist()):
                found += leaks(cell, f"{path}.{column}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            found += leaks(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple, set)):
        for i, item in enumerate(value):
            found += leaks(item, f"{path}[{i}]")
    elif isinstance(value, str):
        if any(word in value.lower() for word in CANARY_WORDS):
            found.append(f"{path}: {value[:80]!r}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isnan(value) and abs(value) >= CANARY_AMOUNT:
            found.append(f"{path}: {value}")
    elif hasattr(value, "__float__") and not hasattr(value, "year"):
        found += leaks(float(value), path)
    return found
