"""CLV benchmarks at 1M orders (2.5M order lines of ``bench.data``), beside the same inputs
computed the way tutorials write them in pandas (groupby with per-group lambdas)."""

from __future__ import annotations

from functools import cache

import pandas as pd

# One synthetic database per size for every metric benchmark (5M orders take gigabytes).
from bench.metrics_sales import _database
from bench.registry import Context, Result, benchmark, timed
from metrics.filters import Filters

# bench.data makes about 2.5 lines per order: 2.5M lines are 1M orders.
LINES_PER_ORDER = 2.5
TARGET = 1.0  # at most as slow as the pandas version




def _size(ctx: Context) -> tuple[int, str]:
    rows = ctx.size(2_500_000)
    orders = _database(rows).execute("select count(distinct order_id) from order_lines").fetchone()[0]
    return rows, f"{orders:,} orders ({rows:,} lines)"


@cache
def _pandas_lines(rows: int) -> pd.DataFrame:
    """The order lines as a tutorial would read them (not timed: it is the file read)."""
    return _database(rows).execute("select order_id, cast(ordered_at as date) as order_date, customer_id, "
                       "cast(line_amount as double) as line_amount, "
                       "cast(cost_amount as double) as cost_amount from order_lines").df()


def _pandas_inputs(lines: pd.DataFrame) -> pd.DataFrame:
    """frequency / recency / T / monetary_value in weeks, tutorial style."""
    orders = lines.groupby("order_id").agg(customer_id=("customer_id", "first"),
                                           order_date=("order_date", "min"),
                                           total=("line_amount", "sum")).reset_index()
    sales = orders[(orders["total"] > 0) & orders["customer_id"].notna()]
    last_day = pd.Timestamp(orders.loc[orders["total"] > 0, "order_date"].max())
    daily = sales.groupby(["customer_id", "order_date"])["total"].sum().reset_index()
    daily["order_date"] = pd.to_datetime(daily["order_date"])
    summary = daily.sort_values("order_date").groupby("customer_id").agg(
        frequency=("order_date", lambda s: s.nunique() - 1),
        recency=("order_date", lambda s: (s.max() - s.min()).days / 7),
        T=("order_date", lambda s: (last_day - s.min()).days / 7),
        monetary_value=("total", lambda s: s.iloc[1:].mean() if len(s) > 1 else 0.0),
    )
    return summary.reset_index()


def _pandas_historical(lines: pd.DataFrame) -> pd.DataFrame:
    orders = lines.groupby("order_id").agg(customer_id=("customer_id", "first"),
                                           total=("line_amount", "sum"),
                                           cost=("cost_amount", "sum")).reset_index()
    orders = orders[orders["customer_id"].notna() & (orders["total"] != 0)]
    return orders.groupby("customer_id").apply(lambda g: pd.Series({
        "sales": (g["total"] > 0).sum(),
        "gross_revenue": g.loc[g["total"] > 0, "total"].sum(),
        "returns": g.loc[g["total"] < 0, "total"].sum(),
        "net_revenue": g["total"].sum(),
        "margin": g["total"].sum() - g["cost"].sum(),
    })).reset_index()


@benchmark("metrics.clv.inputs")
def clv_inputs_bench(ctx: Context) -> Result:
    from metrics.clv import clv_inputs

    rows, size = _size(ctx)
    con = _database(rows)
    ours, _ = timed(lambda: clv_inputs(con, Filters()))
    if not ctx.runs_pandas(rows):
        return ctx.pandas_skipped("metrics.clv.inputs", size, ours)
    lines = _pandas_lines(rows)
    theirs, _ = timed(lambda: _pandas_inputs(lines))
    return Result("metrics.clv.inputs", size, ours, "pandas groupby + lambdas", theirs, TARGET)


@benchmark("metrics.clv.historical")
def historical_bench(ctx: Context) -> Result:
    from metrics.clv import historical_clv

    rows, size = _size(ctx)
    con = _database(rows)
    ours, _ = timed(lambda: historical_clv(con, Filters()))
    if not ctx.runs_pandas(rows):
        return ctx.pandas_skipped("metrics.clv.historical", size, ours)
    lines = _pandas_lines(rows)
    theirs, _ = timed(lambda: _pandas_historical(lines))
    return Result("metrics.clv.historical", size, ours, "pandas groupby.apply", theirs, TARGET)


@benchmark("metrics.clv.predictive")
def predictive_bench(ctx: Context) -> list[Result]:
    from metrics.clv import clv_inputs, fit_clv, predictive_clv, predictive_frame

    rows, size = _size(ctx)
    con = _database(rows)
    total, _ = timed(lambda: predictive_clv(con, Filters()))
    inputs = clv_inputs(con, Filters())
    fitting, fits = timed(lambda: fit_clv(inputs))
    scoring, _ = timed(lambda: predictive_frame(inputs, *fits))
    return [Result("metrics.clv.predictive", size, total),
            Result("metrics.clv.predictive.fit", f"{len(inputs):,} customers", fitting),
            Result("metrics.clv.predictive.score", f"{len(inputs):,} customers", scoring)]
