"""Orders: the Shopify store (USD, with returns) and the Tmall store (CNY)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from sample_data import world
from sample_data.world import CAMPAIGNS, N_DAYS, N_MONTHS, PRODUCTS, Product

if TYPE_CHECKING:  # people imports this module for the repeat-purchase model
    from sample_data.people import Buyer, Customer

# Repeat-purchase hazard in month k after the first order: loyalty * (a * exp(-(k-1)/tau) + floor),
# until the customer churns for good after a geometric number of months (mean: churn).
REPEAT = {"B2C": (0.32, 0.05, 3.0, 14), "B2B": (0.38, 0.27, 8.0, 30), "Tmall": (0.26, 0.04, 3.0, 14)}
RETURN_RATE = {world.EM: 0.12, world.GR: 0.10, world.AC: 0.07, world.CB: 0.03, world.SP: 0.015}
# Products only a business buys; consumers never see them in the shop.
COMMERCIAL = {"EM-103", "EM-105", "EM-106", "GR-203", "GR-206", "CB-312", "SP-501", "SP-502",
              "SP-503", "SP-505"}
CATEGORY_MIX = {  # (segment, first order?) -> weight per category, times product popularity
    ("B2C", True): {world.EM: 3.0, world.GR: 2.0, world.CB: 1.0, world.AC: 1.5, world.SP: 0.3},
    ("B2C", False): {world.EM: 0.15, world.GR: 0.3, world.CB: 3.0, world.AC: 1.2, world.SP: 0.2},
    ("B2B", True): {world.EM: 3.0, world.GR: 2.0, world.CB: 1.0, world.AC: 0.6, world.SP: 2.0},
    ("B2B", False): {world.EM: 0.1, world.GR: 0.1, world.CB: 4.0, world.AC: 0.8, world.SP: 0.4},
    ("Tmall", True): {world.EM: 1.2, world.GR: 1.2, world.CB: 1.0, world.AC: 1.2},
    ("Tmall", False): {world.EM: 0.05, world.GR: 0.1, world.CB: 3.0, world.AC: 1.0},
}
N_ANONYMOUS_SHARE = 0.02


@dataclass
class Line:
    product: Product
    quantity: int
    price: float
    discount: float

    @property
    def amount(self) -> float:
        return round(self.quantity * self.price - self.discount, 2)


@dataclass
class Order:
    name: str
    customer: Customer | None
    created: datetime
    source: str
    campaign: str
    province: str
    lines: list[Line]
    status: str = "paid"
    is_return: bool = False
    returns: list[Order] = field(default_factory=list)


def product_weights(segment: str, first: bool) -> np.ndarray:
    mix = CATEGORY_MIX[(segment, first)]
    w = np.array([
        p.popularity * mix.get(p.category, 0.0)
        * (0.0 if segment == "B2C" and p.sku in COMMERCIAL else 1.0)
        * (0.0 if segment == "Tmall" and not p.name_cn else 1.0)
        * (0.3 if segment == "B2B" and p.sku in ("EM-104", "GR-204") else 1.0)
        for p in PRODUCTS])
    return w / w.sum()


WEIGHTS = {key: product_weights(*key) for key in CATEGORY_MIX}


def quantity(rng: np.random.Generator, segment: str, product: Product) -> int:
    if segment == "B2B":
        if product.category == world.CB:
            return int(min(2 + rng.geometric(0.25), 12))
        if product.category == world.AC:
            return int(rng.integers(1, 7))
        return 1 + world.draw(rng, (0.85, 0.12, 0.03))
    if product.category == world.CB:
        return 1 + world.draw(rng, (0.6, 0.3, 0.1))
    if product.category == world.AC:
        return 1 + world.draw(rng, (0.85, 0.15))
    return 1


def pick_products(rng: np.random.Generator, segment: str, first: bool) -> list[Product]:
    """1-4 different products, each drawn in proportion to its weight."""
    n = 1 + world.draw(rng, (0.62, 0.25, 0.10, 0.03))
    # Weighted sampling without replacement: the n smallest exponential(1) / weight keys.
    with np.errstate(divide="ignore"):
        keys = rng.exponential(size=len(PRODUCTS)) / WEIGHTS[(segment, first)]
    return [PRODUCTS[i] for i in np.argsort(keys, kind="stable")[:n]]


def month_season(daily: np.ndarray) -> np.ndarray:
    """Per-month intensity without growth, mean 1: repeat buyers follow the season, not the growth."""
    per_day = world.monthly_totals(daily / world.growth(np.arange(N_DAYS)))
    season = per_day / np.diff(world.MONTH_FIRST)
    return season / season.mean()


def repeat_days(rng: np.random.Generator, first_days: np.ndarray, loyalty: np.ndarray,
                tenure: np.ndarray, params: tuple[float, float, float, float],
                daily: np.ndarray) -> list[list[int]]:
    """Per buyer: the first-order day then the repeat-order days, a decaying monthly hazard.

    ``tenure`` is how many months a buyer had already been buying before the data starts.
    """
    a, floor, tau, churn = params
    k = np.arange(N_MONTHS)[None, :] - world.DAY_MONTH[first_days][:, None]
    life = rng.geometric(1 / churn, size=len(first_days))[:, None]
    since = k + tenure[:, None]
    lam = loyalty[:, None] * (a * np.exp(-(since - 1) / tau) + floor) * month_season(daily)[None, :]
    counts = rng.poisson(np.where((k >= 1) & (k <= life), lam, 0.0))
    buyer, month = np.nonzero(counts)
    reps = counts[buyer, month]
    buyer, month = np.repeat(buyer, reps), np.repeat(month, reps)
    # Day within the month drawn in proportion to that day's intensity.
    cw = np.cumsum(daily)
    lo, hi = world.MONTH_FIRST[month], world.MONTH_FIRST[month + 1]
    base = np.where(lo > 0, cw[np.maximum(lo - 1, 0)], 0.0)
    days = np.searchsorted(cw, base + rng.random(len(month)) * (cw[hi - 1] - base), side="right")
    days = np.clip(days, lo, hi - 1)
    out = [[int(d)] for d in first_days]
    for b, d in sorted(zip(buyer.tolist(), days.tolist())):
        out[b].append(d)
    return out


def order_time(rng: np.random.Generator, day: int, source: str) -> datetime:
    lo, hi = (9, 20) if source == "pos" else (world.FIRST_HOUR, world.LAST_HOUR)
    return world.at(day, int(rng.integers(lo * 3600, hi * 3600)))


def credit(rng: np.random.Generator, day: int, segment: str) -> str:
    """Campaign an online order on ``day`` is credited with, or ""."""
    for camp in CAMPAIGNS:
        if camp.order_share and camp.start <= world.day_date(day) <= camp.end \
                and camp.segment in (segment, "both") and rng.random() < camp.order_share:
            return camp.name
    return ""


def build_lines(rng: np.random.Generator, segment: str, first: bool, day: int, campaign: str) -> list[Line]:
    coupon = 0.15 if "_EM_" in campaign else (0.10 if rng.random() < 0.07 else 0.0)
    lines = []
    for product in pick_products(rng, segment, first):
        qty = quantity(rng, segment, product)
        price = product.price
        if product.category == world.CB and world.day_date(day) >= world.BEANS_PRICE_RISE:
            price += 2.0
        rate = max(coupon, 0.05 if segment == "B2B" and qty >= 5 else 0.0)
        lines.append(Line(product, qty, price, round(qty * price * rate, 2)))
    return lines


def existing_wait(rng: np.random.Generator, loyalty: float, tenure: int, params) -> int:
    """Days until an existing buyer's next order, at the hazard their tenure gives them."""
    a, floor, tau, _ = params
    per_month = loyalty * (a * np.exp(-(tenure - 1) / tau) + floor)
    return int(rng.exponential(30 / per_month))


def first_order_day(rng: np.random.Generator, c: Customer, after_deal: dict[int, int]) -> int | None:
    created = world.day_index(c.created.date())
    if c.tenure:
        return created + existing_wait(rng, c.loyalty, c.tenure, REPEAT[c.segment])
    if c.segment == "B2B":
        if c.index in after_deal:
            return after_deal[c.index] + int(rng.integers(1, 15)) if rng.random() < 0.95 else None
        return created + int(rng.geometric(1 / 30)) if rng.random() < 0.45 else None
    if rng.random() >= 0.9:
        return None
    return created if rng.random() < 0.7 else created + int(rng.geometric(1 / 10))


def make_shop_orders(rng: np.random.Generator, customers: list[Customer],
                     after_deal: dict[int, int]) -> list[Order]:
    """Every Shopify order, returns included, oldest first; names #1001.. in time order."""
    daily = world.us_daily_weight()
    drafts: list[tuple[datetime, Customer | None, bool]] = []
    for segment in ("B2C", "B2B"):
        group = [c for c in customers if c.segment == segment]
        firsts = [first_order_day(rng, c, after_deal) for c in group]
        keep = [(c, d) for c, d in zip(group, firsts) if d is not None and d < N_DAYS]
        days = repeat_days(rng, np.array([d for _, d in keep]), np.array([c.loyalty for c, _ in keep]),
                           np.array([c.tenure for c, _ in keep]), REPEAT[segment], daily)
        for (c, _), buyer_days in zip(keep, days):
            for j, day in enumerate(buyer_days):
                if j == 0 and day == world.day_index(c.created.date()):
                    # Account created at checkout: the order follows within minutes.
                    t = c.created + timedelta(minutes=int(rng.integers(2, 30)))
                else:
                    t = order_time(rng, day, "web")
                drafts.append((t, c, j == 0 and not c.tenure))
    n_anon = round(len(drafts) * N_ANONYMOUS_SHARE / (1 - N_ANONYMOUS_SHARE))
    for day in rng.choice(N_DAYS, size=n_anon, p=daily / daily.sum()):
        drafts.append((order_time(rng, int(day), "pos"), None, False))
    drafts.sort(key=lambda d: (d[0], d[1].index if d[1] else -1))

    orders = []
    for n, (t, c, first) in enumerate(drafts, start=1001):
        day = world.day_index(t.date())
        segment = c.segment if c else "B2C"
        if c is None:
            source = "pos" if rng.random() < 0.8 else "web"
        elif segment == "B2B":
            source = "web" if rng.random() < 0.93 else "pos"
        else:
            source = str(rng.choice(["web", "pos", "marketplace"], p=[0.75, 0.15, 0.10]))
        campaign = ""
        acquired = next((k for k in CAMPAIGNS if c and k.name == c.campaign and k.order_share), None)
        if first and acquired and day <= world.day_index(acquired.end) + 14:
            source, campaign = "web", acquired.name
        elif source == "web":
            campaign = credit(rng, day, segment)
        province = c.state_code if c else ("CA" if source == "pos" else "NY")
        orders.append(Order(f"#{n}", c, t, source, campaign, province,
                            build_lines(rng, segment, first, day, campaign)))
    add_returns(rng, orders)
    return orders


def add_returns(rng: np.random.Generator, orders: list[Order]) -> None:
    """Some lines come back days later as a "#1234-R" order with negative quantities."""
    for order in list(orders):
        back = []
        for line in order.lines:
            if rng.random() >= RETURN_RATE[line.product.category]:
                continue
            qty = line.quantity if line.quantity == 1 or rng.random() < 0.8 \
                else int(rng.integers(1, line.quantity))
            discount = round(line.discount * qty / line.quantity, 2)
            back.append(Line(line.product, -qty, line.price, -discount))
        day = world.day_index(order.created.date()) + 2 + int(rng.geometric(1 / 9))
        if not back or day >= N_DAYS:
            continue
        whole = sum(-b.quantity for b in back) == sum(x.quantity for x in order.lines)
        order.status = "refunded" if whole else "partially_refunded"
        ret = Order(f"{order.name}-R", order.customer, order_time(rng, day, order.source),
                    order.source, order.campaign, order.province, back, "refunded", True)
        order.returns.append(ret)
        orders.append(ret)


@dataclass
class TmallLine:
    order_no: str
    member: str
    created: datetime
    product: Product
    quantity: int
    price: float
    discount: float
    address: str
    status: str

    @property
    def paid(self) -> float:
        return 0.0 if self.status == "交易关闭" else round(self.quantity * self.price - self.discount, 2)


def is_festival(day: int) -> bool:
    d = world.day_date(day)
    return (d.month == 11 and d.day <= 11) or (d.month == 10 and d.day >= 20) or (d.month == 6 and d.day <= 18)


def make_tmall_orders(rng: np.random.Generator, buyers: list[Buyer]) -> list[TmallLine]:
    """Tmall order lines, oldest first; festivals bring bigger discounts and more closed orders."""
    daily = world.tmall_daily_weight()
    days = repeat_days(rng, np.array([b.first_day for b in buyers]), np.array([b.loyalty for b in buyers]),
                       np.array([b.tenure for b in buyers]), REPEAT["Tmall"], daily)
    drafts = sorted((order_time(rng, d, "web"), i, j == 0 and not buyers[i].tenure)
                    for i, ds in enumerate(days) for j, d in enumerate(ds))
    numbers = world.unique_ints(rng, 2 * 10**18, 4 * 10**18, len(drafts))
    lines = []
    for (t, i, first), number in zip(drafts, numbers):
        day = world.day_index(t.date())
        festival = is_festival(day)
        r = rng.random()
        status = "交易关闭" if r < (0.10 if festival else 0.05) else ("退款成功" if r > 0.96 else "交易成功")
        for product in pick_products(rng, "Tmall", first):
            qty = 1 + world.draw(rng, (0.7, 0.22, 0.08)) if product.category in (world.CB, world.AC) else 1
            gross = qty * product.price_cny
            if festival:
                discount = float(round(gross * 0.15))
            elif rng.random() < 0.3:
                discount = float(min(rng.choice([5, 10, 20]), round(gross * 0.3)))
            else:
                discount = 0.0
            lines.append(TmallLine(str(number), buyers[i].member, t, product, qty, product.price_cny,
                                   discount, buyers[i].address, status))
    return lines
