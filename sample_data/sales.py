"""Salesforce side: opportunities with their stage history, activities, and monthly quotas."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from sample_data import world
from sample_data.people import Customer
from sample_data.world import CAMPAIGNS, END, N_DAYS, REPS, Rep

# Salesforce standard sales process: open stages with their default probability (%).
OPEN_STAGES = (("Prospecting", 10), ("Qualification", 10), ("Needs Analysis", 20),
               ("Value Proposition", 50), ("Id. Decision Makers", 60), ("Perception Analysis", 70),
               ("Proposal/Price Quote", 75), ("Negotiation/Review", 90))
WON, LOST = "Closed Won", "Closed Lost"
PROBABILITY = dict(OPEN_STAGES) | {WON: 100, LOST: 0}
STAGE_DAYS = (5, 7, 9, 10, 8, 7, 12, 10)  # mean days in each open stage
LOSS_SHAPE = (1.6, 1.4, 1.2, 1.0, 0.9, 0.8, 0.7, 0.5)  # deals are lost early more than late
END_TIME = datetime(END.year, END.month, END.day, 23, 59)

# Product, list price, quantity range, months billed, who buys it (office or venue).
DEAL_PRODUCTS = (
    ("Commercial 2-Group Espresso Machine", 6800.0, (1, 3), 1, "venue"),
    ("Office Bean-to-Cup Machine", 3499.0, (1, 6), 1, "office"),
    ("Dual Boiler Espresso Machine", 2199.0, (1, 4), 1, "venue"),
    ("Commercial Grinder 64mm", 1150.0, (1, 4), 1, "venue"),
    ("Annual Maintenance Plan", 480.0, (3, 25), 1, "any"),
    ("Office Subscription Box 5kg", 145.0, (1, 8), 12, "office"),
    ("Priority Support Plan", 900.0, (2, 10), 1, "any"),
)
VENUES = {"Restaurants", "Hospitality", "Retail"}
LEAD_SOURCE = {"Organic Search": "Web", "Paid Search": "Advertisement", "Referrals": "Word of mouth",
               "Direct Traffic": "Web", "Offline Sources": "Other", "Email Marketing": "Web",
               "Paid Social": "Advertisement", "Organic Social": "Web", "Other Campaigns": "Advertisement"}
LATER_SOURCES = ("Word of mouth", "Employee Referral", "Partner", "Other", "Web")


def sf_checksum(short: str) -> str:
    """The 3 characters Salesforce appends to a 15-character id: which letters are upper case."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    return "".join(alphabet[sum(1 << i for i, ch in enumerate(short[k:k + 5]) if "A" <= ch <= "Z")]
                   for k in (0, 5, 10))


def sf_id(prefix: str, n: int) -> str:
    """An 18-character Salesforce id: a 15-character base-62 id plus its checksum."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    body = ""
    for _ in range(5):
        n, r = divmod(n, 62)
        body = digits[r] + body
    short = f"{prefix}5g00000{body}"
    return short + sf_checksum(short)


@dataclass
class Deal:
    deal_id: str
    name: str
    account: Customer
    rep: Rep
    product: str
    amount: float
    lead_source: str
    campaign: str
    created: datetime
    stages: list[tuple[str, datetime]]  # every stage entered, in order; the last is current
    close: date  # actual close, or expected close for open deals
    effort: float

    @property
    def stage(self) -> str:
        return self.stages[-1][0]


def rep_on(rng: np.random.Generator, day: date) -> Rep:
    hired = [r for r in REPS if r.hired <= day]
    return hired[rng.integers(len(hired))]


def walk_stages(rng: np.random.Generator, created: datetime, win: float, speed: float) -> list:
    """Stages entered from Prospecting until won, lost, or still open at the end of the data."""
    c = -np.log(win) / sum(LOSS_SHAPE)
    t, stages = created, [(OPEN_STAGES[0][0], created)]
    for k, mean_days in enumerate(STAGE_DAYS):
        # Whole days, then a time in office hours: stage changes are made at work.
        days = max(1, round(rng.gamma(2.0, mean_days * speed / 2)))
        t = datetime.combine(t.date() + timedelta(days=days), datetime.min.time()) \
            + timedelta(seconds=int(rng.integers(8 * 3600, 19 * 3600)))
        if t > END_TIME:
            break
        if rng.random() >= np.exp(-c * LOSS_SHAPE[k]):
            stages.append((LOST, t))
            break
        stages.append((OPEN_STAGES[k + 1][0] if k + 1 < len(OPEN_STAGES) else WON, t))
    return stages


def make_deals(rng: np.random.Generator, customers: list[Customer]) -> list[Deal]:
    """About 1,500 opportunities on the B2B accounts, in order of creation."""
    by_name = {k.name: k for k in CAMPAIGNS}
    drafts = []
    for c in (x for x in customers if x.segment == "B2B"):
        start = world.day_index(c.created.date())
        days = []
        # An imported (existing) account rarely opens with a new-business deal.
        if rng.random() < (0.3 if c.tenure else 0.9):
            days.append(start + int(rng.geometric(1 / 7)))
        years_left = (N_DAYS - start - 30) / 365
        if years_left > 0:
            days += sorted(int(d) for d in rng.integers(start + 30, N_DAYS, rng.poisson(1.0 * years_left)))
        for j, day in enumerate(d for d in days if d < N_DAYS):
            drafts.append((world.at(day, int(rng.integers(9 * 3600, 18 * 3600))), c.index, j == 0, c))
    drafts.sort(key=lambda d: (d[0], d[1]))
    deals = []
    for n, (created, _, first, c) in enumerate(drafts):
        rep = next(r for r in REPS if r.name == c.owner)
        if rng.random() < 0.1:
            rep = rep_on(rng, created.date())
        venue = c.industry in VENUES
        options = [p for p in DEAL_PRODUCTS if p[4] in ("any", "venue" if venue else "office")]
        product, price, (q_lo, q_hi), months, _ = options[rng.integers(len(options))]
        qty = int(rng.integers(q_lo, q_hi + 1))
        amount = round(price * qty * months * (1 - rng.uniform(0, 0.15)) / 50) * 50
        camp = by_name.get(c.campaign) if first else None
        lead_source = ("Trade Show" if camp and camp.channel == "Events" else LEAD_SOURCE[c.source]) \
            if first else LATER_SOURCES[rng.integers(len(LATER_SOURCES))]
        # Deals the rep works harder on are won more often (effort also drives activities).
        effort = rep.effort * float(rng.lognormal(0, 0.4))
        win = float(np.clip(rep.win_rate * (effort / rep.effort) ** 0.7 / 1.04, 0.02, 0.85))
        stages = walk_stages(rng, created, win, rep.speed)
        current, entered = stages[-1]
        if current in (WON, LOST):
            close = entered.date()
        else:
            k = [s for s, _ in OPEN_STAGES].index(current)
            close = END + timedelta(days=int(sum(STAGE_DAYS[k:]) * rep.speed * rng.uniform(0.7, 1.5)))
        deals.append(Deal(sf_id("006", 4000 + n * 7), f"{c.name.strip()} - {product}", c, rep, product,
                          float(amount), lead_source, camp.name if camp else "", created, stages,
                          close, effort))
    return deals


def won_close_days(deals: list[Deal]) -> dict[int, int]:
    """Customer index -> day index of its first won deal."""
    out: dict[int, int] = {}
    for d in deals:
        if d.stage == WON:
            day = world.day_index(d.close)
            out[d.account.index] = min(out.get(d.account.index, day), day)
    return out


SUBJECTS = {
    "Call": ("Discovery call", "Follow-up call", "Check-in call", "Pricing call", "Left voicemail"),
    "Email": ("Intro email", "Sent pricing", "Sent proposal", "Follow-up email", "Sent case study"),
    "Meeting": ("Product demo", "On-site tasting", "Contract review", "Site survey", "Barista workshop"),
}
ACCOUNT_SUBJECTS = {"Call": ("Account check-in", "Reorder reminder"),
                    "Email": ("Account check-in", "New season beans"),
                    "Meeting": ("Quarterly business review",)}


@dataclass
class Activity:
    activity_id: str
    rep: Rep
    subject: str
    kind: str
    when: datetime
    account: Customer
    deal: Deal | None
    minutes: int | None


def activity(rng: np.random.Generator, kinds_p, subjects, t: datetime, rep, account, deal) -> tuple:
    kind = ("Call", "Email", "Meeting")[world.draw(rng, kinds_p)]
    minutes = {"Call": int(rng.integers(3, 46)), "Email": None,
               "Meeting": (30, 45, 60, 90, 120)[rng.integers(5)]}[kind]
    return (t, kind, subjects[kind][rng.integers(len(subjects[kind]))], rep, account, deal, minutes)


def make_activities(rng: np.random.Generator, deals: list[Deal], customers: list[Customer]) -> list[Activity]:
    """Calls, e-mails and meetings: per deal stage in proportion to effort, plus account check-ins."""
    drafts = []
    for deal in deals:
        bounds = [t for _, t in deal.stages] + [END_TIME]
        for k, (stage, entered) in enumerate(deal.stages):
            if stage in (WON, LOST):
                break
            span = (bounds[k + 1] - entered).total_seconds()
            kinds_p = (0.5, 0.4, 0.1) if k < 3 else (0.25, 0.4, 0.35)
            for _ in range(rng.poisson(deal.effort * 1.1)):
                t = entered + timedelta(seconds=float(rng.uniform(0, span)))
                t = t.replace(hour=int(rng.integers(8, 19)))
                drafts.append(activity(rng, kinds_p, SUBJECTS, t, deal.rep, deal.account, deal))
    for c in (x for x in customers if x.segment == "B2B"):
        rep = next(r for r in REPS if r.name == c.owner)
        start = world.day_index(c.created.date()) + 30
        if start >= N_DAYS:
            continue
        for day in rng.integers(start, N_DAYS, rng.poisson(rep.effort * 3 * (N_DAYS - start) / 365)):
            t = world.at(int(day), int(rng.integers(8 * 3600, 19 * 3600)))
            drafts.append(activity(rng, (0.45, 0.45, 0.1), ACCOUNT_SUBJECTS, t, rep, c, None))
    drafts = [d for d in drafts if d[0] <= END_TIME]
    drafts.sort(key=lambda d: (d[0], d[4].index, d[1]))
    return [Activity(sf_id("00U" if kind == "Meeting" else "00T", 9000 + n * 3), rep, subject, kind, t,
                     account, deal, minutes)
            for n, (t, kind, subject, rep, account, deal, minutes) in enumerate(drafts)]


def quota_rows(deals: list[Deal]) -> list[tuple[str, str, int]]:
    """(rep, "YYYY-MM", quota): a plan that grows, peaks in Q4 and ramps new hires up."""
    won = sum(d.amount for d in deals if d.stage == WON)
    cells = []
    for rep in REPS:
        first = world.month_index(rep.hired)
        for m in range(first, world.N_MONTHS):
            y, mo = divmod(world.START.year * 12 + world.START.month - 1 + m, 12)
            ramp = (0.3, 0.6, 0.85)[m - first] if m - first < 3 and rep.hired > world.START else 1.0
            shape = (1 + 0.5 * m / world.N_MONTHS) * (1.15 if mo + 1 >= 10 else 1.0)
            cells.append((rep, f"{y}-{mo + 1:02d}", shape * ramp * rep.quota_factor))
    # Set the plan 10% above what the team actually wins on average.
    unit = 1.10 * won / sum(w for _, _, w in cells)
    return [(rep.name, month, int(round(unit * w, -3))) for rep, month, w in cells]
