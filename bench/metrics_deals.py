"""Deal, team, campaign, service and customer metrics on the ~1M-order synthetic database,
beside the same computation in pandas written the way tutorials write it (groupby with
per-group lambdas), from tables already in memory.

Target: every metric <= 0.5 s.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import pandas as pd

from bench.metrics_sales import DEFAULT_LINES, _database, _size
from bench.registry import Context, Result, benchmark, timed
from metrics.campaigns import DEFAULT_ATTRIBUTION_DAYS, campaign_channels, campaigns
from metrics.customers import customer_360, profile
from metrics.deals_base import stage_rules
from metrics.filters import Filters
from metrics.funnel import funnel, pipeline, stage_durations
from metrics.service import (
    activities_by_rep,
    activities_per_customer,
    complaint_rate,
    contact_conversion,
    tickets_summary,
)
from metrics.team import reps

SECONDS_LIMIT = 0.5
YEAR = Filters(start_date=date(2024, 1, 1), end_date=date(2024, 12, 31))


@cache
def _frames(rows: int) -> dict[str, pd.DataFrame]:
    """The tables a pandas tutorial starts from (read once, not timed)."""
    con = _database(rows)
    return {
        "deals": con.execute("select deal_id, stage, owner, deal_amount::double as amount, "
                             "is_won, is_closed, created_date, close_date from deals").df(),
        "history": con.execute("select deal_id, stage from deal_stage_history").df(),
        "lines": con.execute("select order_id, ordered_at, customer_id, campaign_id, owner, "
                             "line_amount::double as amount from order_lines").df(),
        "activities": con.execute("select activity_id, owner from activities").df(),
        "customers": con.execute("select customer_id, signup_date, campaign_id "
                                 "from customers").df(),
        "tickets": con.execute("select ticket_id, region, opened_at, resolved_at, "
                               "satisfaction_score from tickets").df(),
    }


# ---- tutorial pandas --------------------------------------------------------------------------

def _pandas_funnel(frames, order: list[str]) -> pd.DataFrame:
    deals, history = frames["deals"], frames["history"]
    rank = {s: i for i, s in enumerate(order, 1)}
    furthest = history.groupby("deal_id")["stage"].agg(lambda x: max(rank.get(s, 1) for s in x))
    deals = deals.assign(history_rank=deals["deal_id"].map(furthest).fillna(1))
    deals["reached"] = deals.apply(
        lambda d: len(order) + 1 if d["is_won"]
        else max(rank.get(d["stage"], 1), d["history_rank"]), axis=1)
    rows = [{"stage": s, "deals": (deals["reached"] >= i).sum()}
            for i, s in enumerate(order + ["Won"], 1)]
    table = pd.DataFrame(rows)
    table["conversion_from_previous"] = table["deals"] / table["deals"].shift()
    table["conversion_from_top"] = table["deals"] / table["deals"].iloc[0]
    return table


def _pandas_reps(frames) -> pd.DataFrame:
    deals = frames["deals"]
    closed = deals[deals["is_closed"].fillna(False)]
    table = closed.groupby("owner").agg(
        won=("is_won", lambda x: x.sum()), lost=("is_won", lambda x: (~x).sum()),
        revenue_won=("amount", lambda x: x[closed.loc[x.index, "is_won"]].sum()))
    table["win_rate"] = table["won"] / (table["won"] + table["lost"])
    table["open"] = deals[~deals["is_closed"].fillna(False)].groupby("owner")["deal_id"].agg(
        lambda x: x.count())
    table["activities"] = frames["activities"].groupby("owner")["activity_id"].agg(
        lambda x: x.count())
    orders = frames["lines"].groupby("order_id").agg(owner=("owner", lambda x: x.min()),
                                                      total=("amount", lambda x: x.sum()))
    table["sales_revenue"] = orders[orders["total"] > 0].groupby("owner")["total"].agg(
        lambda x: x.sum())
    return table


def _pandas_campaigns(frames) -> pd.DataFrame:
    lines, customers = frames["lines"], frames["customers"]
    orders = lines.groupby("order_id").agg(
        customer_id=("customer_id", lambda x: x.min()), date=("ordered_at", lambda x: x.min()),
        total=("amount", lambda x: x.sum()), campaign=("campaign_id", lambda x: x.min()))
    sales = orders[orders["total"] > 0].reset_index()
    sales = sales.merge(customers.rename(columns={"campaign_id": "first_touch"}), how="left",
                        on="customer_id")
    window = pd.Timedelta(days=DEFAULT_ATTRIBUTION_DAYS)
    signup = pd.to_datetime(sales["signup_date"])
    in_window = (sales["date"] >= signup) & (sales["date"] <= signup + window)
    sales["attributed"] = sales["campaign"].fillna(sales["first_touch"].where(in_window))
    return sales.groupby("attributed").agg(revenue=("total", lambda x: x.sum()),
                                           sales=("order_id", lambda x: x.count()))


def _pandas_tickets(frames) -> pd.DataFrame:
    tickets = frames["tickets"]
    tickets = tickets.assign(hours=(tickets["resolved_at"] - tickets["opened_at"])
                             .dt.total_seconds() / 3600)
    return tickets.groupby("region").agg(
        tickets=("ticket_id", lambda x: x.count()),
        median_resolution_hours=("hours", lambda x: x[x >= 0].median()),
        mean_satisfaction=("satisfaction_score", lambda x: x.mean()),
        satisfied_share=("satisfaction_score", lambda x: (x.dropna() >= 4).mean()))


# ---- benchmarks -------------------------------------------------------------------------------

def _first_customer(con) -> str:
    return con.execute("select min(customer_id) from customers").fetchone()[0]


OURS = {
    "funnel": lambda con: funnel(con, Filters()),
    "funnel_by_owner": lambda con: funnel(con, YEAR, by="owner"),
    "pipeline": lambda con: pipeline(con, YEAR),
    "stage_durations": lambda con: stage_durations(con, Filters()),
    "reps": lambda con: reps(con, YEAR),
    "rep_activities": lambda con: activities_by_rep(con, YEAR),
    "campaigns": lambda con: campaigns(con, YEAR),
    "campaign_channels": lambda con: campaign_channels(con, YEAR),
    "tickets": lambda con: tickets_summary(con, Filters(), by="region"),
    "complaint_rate": lambda con: complaint_rate(con, YEAR),
    "activities_per_customer": lambda con: activities_per_customer(con, YEAR),
    "contact_conversion": lambda con: contact_conversion(con, YEAR),
    "profile": lambda con: profile(con, YEAR, by="region"),
    "customer_360": lambda con: customer_360(con, _first_customer(con), Filters()),
}
TUTORIAL = {
    "funnel": lambda con, frames: _pandas_funnel(frames, list(stage_rules(con).order)),
    "reps": lambda con, frames: _pandas_reps(frames),
    "campaigns": lambda con, frames: _pandas_campaigns(frames),
    "tickets": lambda con, frames: _pandas_tickets(frames),
}


def _run(ctx: Context, name: str) -> list[Result]:
    rows = ctx.size(DEFAULT_LINES)
    con = _database(rows)
    ours = min(timed(lambda: OURS[name](con))[0] for _ in range(2))
    label, size = f"metrics.deals.{name}", _size(rows)
    # Against the time budget: a ratio above 1 is over 0.5 s.
    results = [Result(label, size, ours, "budget", SECONDS_LIMIT, 1.0)]
    if name in TUTORIAL and not ctx.runs_pandas(rows):
        results.append(ctx.pandas_skipped(label + ".vs_pandas", size, ours))
    elif name in TUTORIAL:
        frames = _frames(rows)
        tutorial, _ = timed(lambda: TUTORIAL[name](con, frames))
        results.append(Result(label + ".vs_pandas", size, ours, "tutorial pandas", tutorial))
    return results


def _register(name: str) -> None:
    benchmark(f"metrics.deals.{name}")(lambda ctx: _run(ctx, name))


for _name in OURS:
    _register(_name)
