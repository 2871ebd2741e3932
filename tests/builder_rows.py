"""Hand-typed rows shared by the report-builder, sales drill-down and page tests (not a test module).

Orders (lines summed; sale = total > 0, return = total < 0):
  o1 2024-01-05 c1 north web    A 100 (q1) + B 50 (q2)        = 150 sale   campaign spring
  o2 2024-01-20 c2 south store  A 80 (q1)                     =  80 sale
  o3 2024-02-03 c1 north web    B 40 (q1)                     =  40 sale
  o4 2024-02-10 c3 (no region)  A -30 (q-1)                   = -30 return
  o5 2024-02-15 c2 south store  A 60 (q1) + C -10 (q-1)       =  50 sale
  o6 2024-03-01 anonymous south C 20 (q2) + B 30 (q1)         =  50 sale   (no channel)
Customers: c1 north retail (Alpha), c2 south tech (Beta), c3 retail, no region (Gamma).
"""

from __future__ import annotations

CUSTOMERS = [
    {"customer_id": "c1", "customer_name": "Alpha", "region": "north", "industry": "retail",
     "owner": "ann"},
    {"customer_id": "c2", "customer_name": "Beta", "region": "south", "industry": "tech",
     "owner": "bob"},
    {"customer_id": "c3", "customer_name": "Gamma", "industry": "retail", "owner": "ann"},
]


def _line(order, at, customer, product, category, amount, quantity, owner, region, channel,
          campaign=None, name=None):
    return {"order_id": order, "ordered_at": at, "customer_id": customer, "customer_name": name,
            "product_name": product, "category": category, "line_amount": amount,
            "quantity": quantity, "owner": owner, "region": region, "channel": channel,
            "campaign_id": campaign}


ORDER_LINES = [
    _line("o1", "2024-01-05 10:00:00", "c1", "A", "X", 100, 1, "ann", "north", "web", "spring"),
    _line("o1", "2024-01-05 10:00:00", "c1", "B", "Y", 50, 2, "ann", "north", "web", "spring"),
    _line("o2", "2024-01-20 11:00:00", "c2", "A", "X", 80, 1, "bob", "south", "store"),
    _line("o3", "2024-02-03 12:00:00", "c1", "B", "Y", 40, 1, "ann", "north", "web"),
    _line("o4", "2024-02-10 13:00:00", "c3", "A", "X", -30, -1, "ann", None, "web"),
    _line("o5", "2024-02-15 14:00:00", "c2", "A", "X", 60, 1, "bob", "south", "store"),
    _line("o5", "2024-02-15 14:00:00", "c2", "C", None, -10, -1, "bob", "south", "store"),
    _line("o6", "2024-03-01 15:00:00", None, "C", None, 20, 2, "bob", "south", None,
          name="Walk-in"),
    _line("o6", "2024-03-01 15:00:00", None, "B", "Y", 30, 1, "bob", "south", None,
          name="Walk-in"),
]

# d1 won (closed Feb), d2 lost (closed Feb), d3 open (created Feb), d4 won (closed Mar),
# d5 open (created Mar, no customer, no region).
DEALS = [
    {"deal_id": "d1", "stage": "Closed Won", "is_won": True, "is_closed": True, "deal_amount": 1000,
     "owner": "ann", "region": "north", "source": "web", "product_name": "A", "customer_id": "c1",
     "created_date": "2024-01-10", "close_date": "2024-02-05"},
    {"deal_id": "d2", "stage": "Closed Lost", "is_won": False, "is_closed": True, "deal_amount": 500,
     "owner": "bob", "region": "south", "source": "store", "customer_id": "c2",
     "created_date": "2024-01-15", "close_date": "2024-02-20"},
    {"deal_id": "d3", "stage": "Proposal", "is_closed": False, "deal_amount": 300, "owner": "ann",
     "region": "north", "customer_id": "c3", "created_date": "2024-02-01"},
    {"deal_id": "d4", "stage": "Closed Won", "is_won": True, "is_closed": True, "deal_amount": 200,
     "owner": "bob", "region": "south", "product_name": "B", "customer_id": "c2",
     "created_date": "2024-02-10", "close_date": "2024-03-01"},
    {"deal_id": "d5", "stage": "Negotiation", "is_closed": False, "deal_amount": 700, "owner": "bob",
     "created_date": "2024-03-05"},
]

# Complaints: t1 ("Complaint") and t3 ("投诉"); rated t1 (2) and t2 (5).
TICKETS = [
    {"ticket_id": "t1", "customer_id": "c1", "ticket_type": "Complaint", "owner": "ann",
     "region": "north", "opened_at": "2024-01-03 09:00:00", "satisfaction_score": 2},
    {"ticket_id": "t2", "customer_id": "c2", "ticket_type": "Question", "owner": "bob",
     "opened_at": "2024-01-20 09:00:00", "satisfaction_score": 5},
    {"ticket_id": "t3", "customer_id": "c2", "ticket_type": "投诉", "owner": "bob",
     "opened_at": "2024-02-02 09:00:00"},
]

ACTIVITIES = [
    {"activity_id": "a1", "activity_type": "call", "occurred_at": "2024-01-04 09:00:00",
     "owner": "ann", "customer_id": "c1"},
    {"activity_id": "a2", "activity_type": "email", "occurred_at": "2024-01-06 09:00:00",
     "owner": "bob", "customer_id": "c2"},
    {"activity_id": "a3", "activity_type": "meeting", "occurred_at": "2024-03-09 09:00:00",
     "owner": "ann", "customer_id": "c1"},
]

TABLES = {"customers": CUSTOMERS, "order_lines": ORDER_LINES, "deals": DEALS, "tickets": TICKETS,
          "activities": ACTIVITIES}
