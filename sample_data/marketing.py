"""Campaign spend and daily ad-platform figures, consistent with the orders and deals they credit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from sample_data import world
from sample_data.orders import Order
from sample_data.people import Customer
from sample_data.sales import WON, Deal
from sample_data.world import CAMPAIGNS, Campaign

MIN_COST = 300.0


@dataclass
class DailyRow:
    day: date
    campaign: str
    cost: float
    impressions: int | None  # None for trade shows: no ad platform behind them
    clicks: int | None
    conversions: int | None
    value: float | None


@dataclass
class CampaignRow:
    campaign: Campaign
    budget: float
    cost: float
    impressions: int | None
    clicks: int | None
    leads: int


def split_cents(rng: np.random.Generator, total_cents: int, n: int, front_loaded: bool) -> list[int]:
    """Split a total in cents over ``n`` days; the parts add up to the total exactly."""
    w = rng.lognormal(0, 0.25, size=n)
    if front_loaded:
        w = w * np.exp(-np.arange(n) / 3)  # e-mail sends cost most on the first days
    parts = np.floor(total_cents * w / w.sum()).astype(int)
    parts[-1] += total_cents - parts.sum()
    return parts.tolist()


def make_campaigns(rng: np.random.Generator, orders: list[Order], deals: list[Deal],
                   customers: list[Customer]) -> tuple[list[CampaignRow], list[DailyRow]]:
    """One row per campaign and one per campaign-day; cost = credited revenue / target ROAS."""
    conversions: dict[tuple[str, date], list[float]] = defaultdict(lambda: [0, 0.0])
    revenue: dict[str, float] = defaultdict(float)
    for o in orders:
        if o.campaign and not o.is_return:
            cell = conversions[(o.campaign, o.created.date())]
            cell[0] += 1
            cell[1] += sum(line.amount for line in o.lines)
            revenue[o.campaign] += sum(line.amount for line in o.lines)
    sourced: dict[str, int] = defaultdict(int)
    for d in deals:
        if d.campaign:
            sourced[d.campaign] += 1
            if d.stage == WON:
                revenue[d.campaign] += d.amount
    signups: dict[str, int] = defaultdict(int)
    for c in customers:
        if c.campaign:
            signups[c.campaign] += 1
    summary, daily = [], []
    for camp in CAMPAIGNS:
        days = list(camp.days)
        total = max(round(revenue[camp.name] / camp.roas, 2), MIN_COST)
        cents = split_cents(rng, round(total * 100), len(days), camp.channel == "Email")
        impressions_total = clicks_total = 0
        for day, part in zip(days, cents):
            d = world.day_date(day)
            cost = part / 100
            impressions = clicks = n_conv = value = None
            if camp.cpm:
                impressions = round(cost / camp.cpm * 1000 * rng.lognormal(0, 0.1))
                clicks = int(rng.binomial(impressions, camp.ctr))
                impressions_total += impressions
                clicks_total += clicks
                n_conv, value = conversions.get((camp.name, d), (0, 0.0))
                value = round(value, 2)
            daily.append(DailyRow(d, camp.name, cost, impressions, clicks, n_conv, value))
        extra_leads = rng.poisson(clicks_total * 0.01) if camp.cpm else rng.poisson(60)
        budget = float(round(total * rng.uniform(0.9, 1.25), -2))
        summary.append(CampaignRow(camp, budget, sum(cents) / 100,
                                   impressions_total if camp.cpm else None,
                                   clicks_total if camp.cpm else None,
                                   int(signups[camp.name] + sourced[camp.name] + extra_leads)))
    return summary, daily


def write_workbook(path, summary: list[CampaignRow], daily: list[DailyRow]) -> None:
    """Two sheets with real date and number cells, as a marketer would keep them."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from sample_data.formats import save_workbook_reproducibly

    wb = Workbook()
    ws = wb.active
    ws.title = "Campaigns"
    ws.append(["Campaign Name", "Channel", "Start Date", "End Date", "Budget", "Cost", "Impressions",
               "Clicks", "Leads"])
    for r in summary:
        ws.append([r.campaign.name, r.campaign.channel, r.campaign.start, r.campaign.end, r.budget,
                   r.cost, r.impressions, r.clicks, r.leads])
    days = wb.create_sheet("Daily Performance")
    days.append(["Date", "Campaign", "Cost", "Impressions", "Clicks", "Conversions", "Conversion value"])
    for r in daily:
        days.append([r.day, r.campaign, r.cost, r.impressions, r.clicks, r.conversions, r.value])
    for sheet, date_cols, money_cols, widths in (
            (ws, "CD", "EF", {"A": 34, "B": 10, "C": 12, "D": 12}),
            (days, "A", "CG", {"A": 12, "B": 34, "G": 16})):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        for col, width in widths.items():
            sheet.column_dimensions[col].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.column_letter in date_cols:
                    cell.number_format = "yyyy-mm-dd"
                elif cell.column_letter in money_cols:
                    cell.number_format = "#,##0.00"
    save_workbook_reproducibly(wb, path)
