"""Tickets, complaints, activities per customer and contact conversion on tiny fixtures."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.filters import Filters
from metrics.service import (
    CONTACT_COLUMNS,
    CUSTOMER_ACTIVITY_COLUMNS,
    TICKET_COLUMNS,
    activities_per_customer,
    complaint_rate,
    contact_conversion,
    tickets_summary,
)

NAN = float("nan")
T = pd.Timestamp

CUSTOMERS = [
    {"customer_id": "C1", "customer_name": "Acme", "region": "North", "channel": "web",
     "owner": "ann", "signup_date": date(2023, 6, 1)},
    {"customer_id": "C2", "customer_name": "Globex", "region": "South", "channel": "fair",
     "owner": "bob", "signup_date": date(2023, 7, 1)},
    {"customer_id": "C4", "customer_name": "Initech", "region": "North", "owner": "bob",
     "signup_date": date(2024, 3, 1)},
    {"customer_id": "C5", "customer_name": "Umbrella", "channel": "web", "owner": "ann"},
]
# ticket type               owner           region       opened -> resolved           hours sat
# T1 Complaint              ann             C1: North    01-01 09:00 -> 13:00         4     5
# T2 question               (C1's: ann)     C1: North    01-02 10:00 -> 01-03 10:00   24    3
# T3 Product complaint      bob             C2: South    01-05 08:00 -> open          -     -
# T4 Return request         bob             East (own)   02-01 00:00 -> 02:00         2     4
# T5 投诉 (complaint)       carl            (C3 unknown) 02-10 -> 02-09 (negative)    -     1
TICKETS = [
    {"ticket_id": "T1", "customer_id": "C1", "ticket_type": "Complaint", "owner": "ann",
     "opened_at": T("2024-01-01 09:00"), "resolved_at": T("2024-01-01 13:00"),
     "satisfaction_score": 5},
    {"ticket_id": "T2", "customer_id": "C1", "ticket_type": "question",
     "opened_at": T("2024-01-02 10:00"), "resolved_at": T("2024-01-03 10:00"),
     "satisfaction_score": 3},
    {"ticket_id": "T3", "customer_id": "C2", "ticket_type": "Product complaint", "owner": "bob",
     "opened_at": T("2024-01-05 08:00")},
    {"ticket_id": "T4", "customer_id": "C2", "ticket_type": "Return request", "owner": "bob",
     "region": "East", "opened_at": T("2024-02-01 00:00"), "resolved_at": T("2024-02-01 02:00"),
     "satisfaction_score": 4},
    {"ticket_id": "T5", "customer_id": "C3", "ticket_type": "投诉", "owner": "carl",
     "opened_at": T("2024-02-10"), "resolved_at": T("2024-02-09"), "satisfaction_score": 1},
]
# Sales: C5 01-07, C1 01-10, C2 01-20, C2 01-25, C1 02-05; plus a return of C1 (not a sale).
ORDER_LINES = [
    {"order_id": "S1", "customer_id": "C5", "ordered_at": T("2024-01-07"), "line_amount": 10},
    {"order_id": "S2", "customer_id": "C1", "ordered_at": T("2024-01-10"), "line_amount": 100},
    {"order_id": "S3", "customer_id": "C2", "ordered_at": T("2024-01-20"), "line_amount": 50},
    {"order_id": "S4", "customer_id": "C2", "ordered_at": T("2024-01-25"), "line_amount": 30},
    {"order_id": "S5", "customer_id": "C1", "ordered_at": T("2024-02-05"), "line_amount": 70},
    {"order_id": "S6", "customer_id": "C1", "ordered_at": T("2024-02-06"), "line_amount": -20},
]
ACTIVITIES = [
    {"activity_id": "A1", "activity_type": "call", "owner": "ann", "customer_id": "C1",
     "occurred_at": T("2024-01-10 10:00")},
    {"activity_id": "A2", "activity_type": "email", "owner": "ann", "customer_id": "C1",
     "occurred_at": T("2024-01-11 09:00")},
    {"activity_id": "A3", "activity_type": "meeting", "owner": "bob", "customer_id": "C2",
     "occurred_at": T("2024-01-12 11:00")},
    {"activity_id": "A4", "activity_type": "call", "customer_id": "C1",
     "occurred_at": T("2024-02-01 16:00")},
    {"activity_id": "A5", "activity_type": "task", "owner": "carl",
     "occurred_at": T("2024-01-15 12:00")},
]


@pytest.fixture
def service(con):
    insert(con, "customers", CUSTOMERS)
    insert(con, "tickets", TICKETS)
    insert(con, "order_lines", ORDER_LINES)
    insert(con, "activities", ACTIVITIES)
    return con


def check(actual, rows, columns):
    expected = pd.DataFrame(rows, columns=columns)
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected, check_dtype=False,
                                  atol=0.0005)


# tickets, resolved, median_resolution_hours, mean_satisfaction, rated, satisfied_share,
# complaints, complaint_share
TICKET_CASES = {
    # Resolved: 4, 24, 2 hours -> median 4. Scores 5, 3, 4, 1 -> mean 3.25, 2 of 4 >= 4.
    # Complaints: T1, T3 and T5 (投诉).
    "all": (Filters(), [(5, 3, 4.0, 3.25, 4, 0.5, 3, 0.6)]),
    "january": (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)),
                [(3, 2, 14.0, 4.0, 2, 0.5, 2, 2 / 3)]),
    # T4 has its own region (East), so South is T3 alone.
    "region_south": (Filters(regions=("South",)), [(1, 0, NAN, NAN, 0, NAN, 1, 1.0)]),
    # ann: T1 and T2 (no owner: customer C1's).
    "owner_scope_ann": (Filters(owner_scope=("ann",)), [(2, 2, 14.0, 4.0, 2, 0.5, 1, 0.5)]),
}


@pytest.mark.parametrize("filters, rows", TICKET_CASES.values(), ids=TICKET_CASES.keys())
def test_tickets_summary(service, filters, rows):
    check(tickets_summary(service, filters), rows, TICKET_COLUMNS)


def test_tickets_by_region(service):
    check(tickets_summary(service, Filters(), by="region"), [
        ("(not set)", 1, 0, NAN, 1.0, 1, 0.0, 1, 1.0),
        ("East", 1, 1, 2.0, 4.0, 1, 1.0, 0, 0.0),
        ("North", 2, 2, 14.0, 4.0, 2, 0.5, 1, 0.5),
        ("South", 1, 0, NAN, NAN, 0, NAN, 1, 1.0),
    ], ["region"] + TICKET_COLUMNS)


def test_tickets_by_type_sum_to_total(service):
    # Invariant: the types partition the tickets.
    by_type = tickets_summary(service, Filters(), by="ticket_type")
    assert by_type["tickets"].sum() == 5 and by_type["complaints"].sum() == 3


COMPLAINT_CASES = {
    # 3 complaints over 5 sales.
    "all": (Filters(), {}, [(3, 5, 0.6)]),
    # January: T1, T3 over S1..S4.
    "january": (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)), {},
                [(2, 4, 0.5)]),
    # Only "return" tickets count: T4, over 5 sales.
    "own_words": (Filters(), {"complaint_words": ("return",)}, [(1, 5, 0.2)]),
    # bob: T3 (T4 is no complaint) over C2's sales S3, S4.
    "owner_scope_bob": (Filters(owner_scope=("bob",)), {}, [(1, 2, 0.5)]),
}


@pytest.mark.parametrize("filters, kwargs, rows", COMPLAINT_CASES.values(),
                         ids=COMPLAINT_CASES.keys())
def test_complaint_rate(service, filters, kwargs, rows):
    check(complaint_rate(service, filters, **kwargs), rows, ["complaints", "sales",
                                                              "complaint_rate"])


ACTIVITY_CASES = {
    # C1: A1, A2, A4 (call, email); C2: A3. A5 has no customer.
    "all": (Filters(), [
        ("C1", "Acme", 3, 2, T("2024-01-10 10:00"), T("2024-02-01 16:00")),
        ("C2", "Globex", 1, 1, T("2024-01-12 11:00"), T("2024-01-12 11:00")),
    ]),
    "february": (Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29)), [
        ("C1", "Acme", 1, 1, T("2024-02-01 16:00"), T("2024-02-01 16:00")),
    ]),
    "owner_scope_bob": (Filters(owner_scope=("bob",)), [
        ("C2", "Globex", 1, 1, T("2024-01-12 11:00"), T("2024-01-12 11:00")),
    ]),
}


@pytest.mark.parametrize("filters, rows", ACTIVITY_CASES.values(), ids=ACTIVITY_CASES.keys())
def test_activities_per_customer(service, filters, rows):
    check(activities_per_customer(service, filters), rows, CUSTOMER_ACTIVITY_COLUMNS)


CONTACT_CASES = {
    # Base C1, C2, C4, C5. Contacted C1, C2 (both bought); not contacted C4 (no sale), C5 (sale).
    "all": (Filters(), [("contacted", 2, 2, 1.0), ("not contacted", 2, 1, 0.5)]),
    # January: C4 signs up in March, so the base is C1, C2, C5; all three bought in January.
    "january": (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)),
                [("contacted", 2, 2, 1.0), ("not contacted", 1, 1, 1.0)]),
    # February: only C1 contacted (A4) and only C1 bought (S5).
    "february": (Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29)),
                 [("contacted", 1, 1, 1.0), ("not contacted", 2, 0, 0.0)]),
    # bob's customers C2 (contacted, bought) and C4 (neither).
    "owner_scope_bob": (Filters(owner_scope=("bob",)),
                        [("contacted", 1, 1, 1.0), ("not contacted", 1, 0, 0.0)]),
    # North: C1 and C4.
    "region_north": (Filters(regions=("North",)),
                     [("contacted", 1, 1, 1.0), ("not contacted", 1, 0, 0.0)]),
}


@pytest.mark.parametrize("filters, rows", CONTACT_CASES.values(), ids=CONTACT_CASES.keys())
def test_contact_conversion(service, filters, rows):
    check(contact_conversion(service, filters), rows, CONTACT_COLUMNS)


@pytest.mark.parametrize("metric, columns", [
    (tickets_summary, TICKET_COLUMNS),
    (activities_per_customer, CUSTOMER_ACTIVITY_COLUMNS),
    (contact_conversion, CONTACT_COLUMNS),
], ids=["tickets", "activities_per_customer", "contact_conversion"])
def test_empty_tables(con, metric, columns):
    got = metric(con, Filters(owner_scope=("ann",), end_date=date(2024, 1, 31)))
    assert got.empty and list(got.columns) == columns


def test_complaint_rate_on_empty_tables(con):
    # A one-row total: nothing to count, no rate.
    check(complaint_rate(con, Filters()), [(0, 0, NAN)], ["complaints", "sales", "complaint_rate"])
