"""Customers (the HubSpot companies export) and Tmall buyers."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from sample_data import world
from sample_data.orders import REPEAT, existing_wait
from sample_data.world import CAMPAIGNS, N_DAYS, REPS

N_B2B, N_B2C = 760, 1260
# Existing customers imported into HubSpot in one batch when it was set up, the first morning.
N_IMPORTED = {"B2B": 160, "B2C": 200}
IMPORT_SECONDS = 10 * 3600 + 14 * 60
N_TMALL_NEW, N_TMALL_KNOWN = 1000, 220

B2C_SOURCES = (("Organic Search", 30), ("Direct Traffic", 24), ("Organic Social", 16),
               ("Referrals", 14), ("Paid Search", 6), ("Email Marketing", 5), ("Other Campaigns", 5))
B2B_SOURCES = (("Organic Search", 26), ("Referrals", 26), ("Direct Traffic", 14),
               ("Offline Sources", 24), ("Paid Search", 10))
CAMPAIGN_SOURCE = {"Search": "Paid Search", "Social": "Paid Social", "Display": "Other Campaigns",
                   "Email": "Email Marketing", "Events": "Offline Sources"}


@dataclass
class Customer:
    index: int
    record_id: str
    segment: str  # B2B or B2C
    name: str
    contact: str  # the person who writes to support
    email: str
    phone: str
    state: str
    state_code: str
    city: str
    industry: str
    source: str
    owner: str
    created: datetime
    campaign: str  # acquiring campaign, "" when none
    loyalty: float  # repeat-purchase propensity, mean 1
    tenure: int  # months a customer had bought before the data starts; 0 for new ones


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits of ``text`` (accents dropped), for e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return sep.join("".join(ch for ch in word if ch.isalnum()) for word in plain.lower().split())


def pick(rng: np.random.Generator, pairs) -> str:
    names = [p[0] for p in pairs]
    weights = np.array([p[1] for p in pairs], dtype=float)
    return names[rng.choice(len(names), p=weights / weights.sum())]


def signup_weights(segment: str) -> tuple[np.ndarray, np.ndarray]:
    """Per-day sign-up intensity of a segment, and per-campaign extra intensity (campaigns x days)."""
    months = np.array([world.US_MONTH_FACTOR[d.month] for d in world.DAY_DATES])
    base = months * world.growth(np.arange(N_DAYS))
    extra = np.zeros((len(CAMPAIGNS), N_DAYS))
    for c, camp in enumerate(CAMPAIGNS):
        if camp.segment in (segment, "both"):
            extra[c, list(camp.days)] = camp.signup_boost * base[list(camp.days)]
    return base, extra


def phone_number(rng: np.random.Generator, area: str) -> str:
    line = f"01{rng.integers(0, 100):02d}"  # 555-01xx numbers are reserved for fiction
    styles = (f"({area}) 555-{line}", f"+1 {area}-555-{line}", f"{area}.555.{line}", f"{area}555{line}")
    return styles[rng.integers(len(styles))] if rng.random() > 0.08 else ""


def make_customers(rng: np.random.Generator) -> list[Customer]:
    """About 2,000 customers, B2B companies and B2C individuals, ordered by creation."""
    drafts = []
    for segment, n in (("B2B", N_B2B), ("B2C", N_B2C)):
        base, extra = signup_weights(segment)
        total = base + extra.sum(axis=0)
        for _ in range(N_IMPORTED[segment]):
            drafts.append((0, segment, None, True))
        days = rng.choice(N_DAYS, size=n - N_IMPORTED[segment], p=total / total.sum())
        for day in days:
            # Credit a campaign in proportion to the extra sign-ups it brought that day.
            shares = np.append(extra[:, day], base[day]) / total[day]
            c = rng.choice(len(shares), p=shares)
            drafts.append((int(day), segment, CAMPAIGNS[c] if c < len(CAMPAIGNS) else None, False))
    seconds = rng.integers(world.FIRST_HOUR * 3600, world.LAST_HOUR * 3600, size=len(drafts))
    seconds = np.where([d[3] for d in drafts], IMPORT_SECONDS + rng.integers(0, 60, len(drafts)), seconds)
    order = sorted(range(len(drafts)), key=lambda i: (drafts[i][0], int(seconds[i]), i))
    ids = world.unique_ints(rng, 5_100_000_000, 5_400_000_000, len(drafts))
    states = world.US_STATES
    state_p = np.array([s[2] for s in states], dtype=float)
    state_p /= state_p.sum()
    industry_p = np.array([i[1] for i in world.INDUSTRIES])
    industry_p /= industry_p.sum()
    odd_names = list(world.ODD_COMPANY_NAMES)
    used_names: set[str] = set()
    customers = []
    for k, i in enumerate(order):
        day, segment, camp, imported = drafts[i]
        created = world.at(day, int(seconds[i]))
        state, code, _, cities, areas = states[rng.choice(len(states), p=state_p)]
        city = cities[rng.integers(len(cities))]
        first = world.FIRST_NAMES[rng.integers(len(world.FIRST_NAMES))]
        last = world.LAST_NAMES[rng.integers(len(world.LAST_NAMES))]
        person = f"{first} {last}"
        if segment == "B2B":
            industry, _, endings = world.INDUSTRIES[rng.choice(len(world.INDUSTRIES), p=industry_p)]
            if odd_names and rng.random() < 0.02:
                name = odd_names.pop()
            else:
                name = (f"{world.COMPANY_WORDS[rng.integers(len(world.COMPANY_WORDS))]} "
                        f"{endings[rng.integers(len(endings))]}")
                if name in used_names:
                    name = f"{name} {city}"
                if name in used_names:
                    name = f"{name} {k}"
                name += world.COMPANY_SUFFIXES[rng.integers(len(world.COMPANY_SUFFIXES))]
            domain = ascii_slug(name.replace(",", " ").replace(" LLC", "").replace(" Inc.", ""))
            box = ("info", "office", "hello", "purchasing", ascii_slug(person, "."))[rng.integers(5)]
            email = f"{box}@{domain}.example"
            hired = [r for r in REPS if r.hired <= created.date()]
            owner = hired[rng.integers(len(hired))].name
            source = CAMPAIGN_SOURCE[camp.channel] if camp else pick(rng, B2B_SOURCES)
            source = "Offline Sources" if imported else source
            loyalty = rng.gamma(3.0, 1 / 3.0)
        else:
            industry, name = "", person
            email = f"{ascii_slug(person, '.')}{rng.integers(1, 100)}@example.{('com', 'net', 'org')[rng.integers(3)]}"
            owner = REPS[rng.integers(len(REPS) - 1)].name if rng.random() < 0.06 else ""
            source = CAMPAIGN_SOURCE[camp.channel] if camp else pick(rng, B2C_SOURCES)
            source = "Offline Sources" if imported else source
            loyalty = rng.gamma(1.5, 1 / 1.5)
        used_names.add(name)
        customers.append(Customer(
            index=k, record_id=str(ids[k]), segment=segment, name=name, contact=person,
            email=email if rng.random() > 0.03 else "", phone=phone_number(rng, areas[rng.integers(len(areas))]),
            state=state, state_code=code, city=city, industry=industry, source=source, owner=owner,
            created=created, campaign=camp.name if camp else "", loyalty=float(loyalty),
            tenure=int(rng.integers(3, 31)) if imported else 0))
    return customers


@dataclass
class Buyer:
    """A Tmall account; ``member`` is the HubSpot Record ID for the known customers."""

    member: str
    address: str
    first_day: int
    loyalty: float
    tenure: int = 0


def chinese_address(rng: np.random.Generator) -> str:
    provinces = world.CN_PROVINCES
    p = np.array([x[1] for x in provinces], dtype=float)
    province, _, cities = provinces[rng.choice(len(provinces), p=p / p.sum())]
    city = list(cities)[rng.integers(len(cities))]
    districts = cities[city]
    street = world.CN_STREETS[rng.integers(len(world.CN_STREETS))]
    estate = world.CN_ESTATES[rng.integers(len(world.CN_ESTATES))]
    unit = f"{rng.integers(1, 20)}栋{rng.integers(1, 30)}0{rng.integers(1, 5)}室" if estate else ""
    return (f"{province}{city}{districts[rng.integers(len(districts))]}{street}"
            f"{rng.integers(1, 300)}号{estate}{unit}")


NICK_HEADS = ("快乐的", "爱喝", "安静的", "小", "大", "喝咖啡的", "早起的", "慢慢")
NICK_TAILS = ("咖啡豆", "拿铁", "猫", "熊", "柠檬", "鲸鱼", "兔子", "摩卡", "美式")


def make_tmall_buyers(rng: np.random.Generator, customers: list[Customer]) -> list[Buyer]:
    """New Tmall members plus a subset of the B2C customers buying under their Record ID."""
    weights = world.tmall_daily_weight()
    buyers: list[Buyer] = []
    members: set[str] = set()
    while len(buyers) < N_TMALL_NEW:
        r = rng.random()
        if r < 0.55:
            member = f"tb{rng.integers(10**9, 10**10)}"
        elif r < 0.9:
            member = (f"{NICK_HEADS[rng.integers(len(NICK_HEADS))]}"
                      f"{NICK_TAILS[rng.integers(len(NICK_TAILS))]}{rng.integers(1, 1000)}")
        else:
            member = f"coffee_lover_{rng.integers(1, 10000)}"
        if member in members:
            continue
        members.add(member)
        loyalty = float(rng.gamma(1.5, 1 / 1.5))
        if len(buyers) < N_TMALL_NEW * 0.2:  # the store's buyers from before the data starts
            tenure = int(rng.integers(3, 31))
            day = existing_wait(rng, loyalty, tenure, REPEAT["Tmall"])
        else:
            day, tenure = int(rng.choice(N_DAYS, p=weights / weights.sum())), 0
        buyers.append(Buyer(member, chinese_address(rng), day, loyalty, tenure))
    buyers = [b for b in buyers if b.first_day < N_DAYS]
    b2c = [c for c in customers if c.segment == "B2C"]
    for i in sorted(rng.choice(len(b2c), size=N_TMALL_KNOWN, replace=False)):
        c = b2c[i]
        lo = world.day_index(c.created.date())
        w = weights[lo:]
        day = lo + int(rng.choice(len(w), p=w / w.sum()))
        buyers.append(Buyer(c.record_id, chinese_address(rng), day, c.loyalty))
    return buyers
