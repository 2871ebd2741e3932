"""Zoho Desk tickets raised by shop customers after their orders and returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from sample_data import world
from sample_data.orders import Order
from sample_data.people import Customer
from sample_data.sales import END_TIME

N_TICKETS = 1500
# Classification -> share of the tickets not about a return, subjects, satisfaction 1..5 weights.
KINDS = {
    "Question": (0.40, ("How do I adjust the grind size?", "Which beans for espresso?",
                        "Where is my order?", "Invoice copy request"), (1, 1, 4, 14, 30)),
    "Problem": (0.32, ("Machine not heating", "Grinder jammed", "Steam wand leaking",
                       "Error code E4 on display"), (3, 4, 8, 14, 11)),
    "Complaint": (0.16, ("Order arrived damaged", "Late delivery", "Wrong item shipped",
                         "Rude courier"), (14, 12, 8, 4, 2)),
    "Feature Request": (0.12, ("Oat milk preset please", "App support for scheduling",
                               "Bigger water tank option"), (2, 3, 9, 13, 8)),
}
RETURN_SCORES = (4, 5, 9, 12, 10)
PRIORITY = {  # classification -> weights of Low, Medium, High, Urgent
    "Question": (0.5, 0.4, 0.1, 0.0), "Problem": (0.1, 0.45, 0.35, 0.1),
    "Complaint": (0.05, 0.3, 0.45, 0.2), "Feature Request": (0.7, 0.3, 0.0, 0.0),
    "Return": (0.2, 0.6, 0.2, 0.0),
}
PRIORITIES = ("Low", "Medium", "High", "Urgent")
HOURS_TO_CLOSE = {"Low": 60, "Medium": 30, "High": 12, "Urgent": 5}


@dataclass
class Ticket:
    ticket_id: str
    customer: Customer
    subject: str
    kind: str
    priority: str
    status: str
    channel: str
    owner: str
    opened: datetime
    closed: datetime | None
    satisfaction: int | None


def make_tickets(rng: np.random.Generator, orders: list[Order]) -> list[Ticket]:
    """About 1,500 tickets in order of opening: most returns get one, the rest follow orders."""
    drafts = []
    for ret in (o for o in orders if o.is_return and o.customer):
        if rng.random() < 0.6:
            t = ret.created - timedelta(hours=float(rng.uniform(4, 60)))
            drafts.append((t, ret.customer, "Return", f"Return request for order {ret.name[:-2]}"))
    known = [o for o in orders if o.customer and not o.is_return]
    weight = np.array([2.0 if o.customer.segment == "B2B" else 1.0 for o in known])
    kinds = list(KINDS)
    kind_p = np.array([KINDS[k][0] for k in kinds])
    for i in rng.choice(len(known), size=N_TICKETS - len(drafts), p=weight / weight.sum()):
        kind = kinds[rng.choice(len(kinds), p=kind_p)]
        subjects = KINDS[kind][1]
        t = known[i].created + timedelta(hours=float(rng.uniform(2, 24 * 20)))
        drafts.append((t, known[i].customer, kind, subjects[rng.integers(len(subjects))]))
    drafts = [d for d in drafts if d[0] <= END_TIME]
    drafts.sort(key=lambda d: (d[0], d[1].index))
    tickets = []
    for n, (opened, customer, kind, subject) in enumerate(drafts):
        if opened.hour < world.FIRST_HOUR:
            opened = opened.replace(hour=world.FIRST_HOUR)
        priority = PRIORITIES[rng.choice(4, p=PRIORITY[kind])]
        hours = HOURS_TO_CLOSE[priority] * float(rng.lognormal(0, 0.8)) * (1.6 if kind == "Complaint" else 1)
        if rng.random() < 0.04:
            hours *= 15  # waiting on a spare part or on the customer
        closed = opened + timedelta(hours=hours)
        satisfaction = None
        if closed > END_TIME:
            closed, status = None, ("Open", "On Hold", "Escalated")[rng.choice(3, p=[0.6, 0.25, 0.15])]
        else:
            status = "Closed"
            scores = np.array(RETURN_SCORES if kind == "Return" else KINDS[kind][2], dtype=float)
            if hours > 72:
                scores = scores * np.array([2.0, 1.5, 1.0, 0.7, 0.5])  # slow answers annoy
            if rng.random() < 0.65:
                satisfaction = int(rng.choice(5, p=scores / scores.sum())) + 1
        channel = ("Email", "Phone", "Web", "Chat")[rng.choice(4, p=[0.4, 0.2, 0.25, 0.15])]
        owner = world.SUPPORT_AGENTS[rng.integers(len(world.SUPPORT_AGENTS))]
        tickets.append(Ticket(f"5382140000{n + 120001:08d}", customer, subject, kind, priority, status,
                              channel, owner, opened, closed, satisfaction))
    return tickets
