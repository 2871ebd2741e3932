"""Sales over time (trend with moving average, seasonal-naive forecast) and by dimension
(breakdowns, product ranking with Pareto share and ABC class).

Definitions: docs/metrics/sales.md.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
from scipy.stats import norm

from metrics.base import orders_sql, sales_lines_sql
from metrics.filters import Filters, Params
from metrics.grains import SEASON_LENGTH, STEP_SQL, check_grain, period_start_sql

# Dimension name -> column of sales_lines_sql() that carries it.
BREAKDOWN_DIMENSIONS = {
    "region": "region",
    "channel": "channel",
    "product": "product",
    "category": "category",
    "industry": "industry",
    "owner": "owner",
    "campaign": "campaign_id",
}
NOT_SET = "(not set)"
DEFAULT_ABC_THRESHOLDS = (Decimal("0.80"), Decimal("0.95"))
DEFAULT_FORECAST_HORIZON = 6
DEFAULT_FORECAST_LEVEL = 0.8

TREND_COLUMNS = ["period", "gross_revenue", "returns", "net_revenue", "sales", "customers",
                 "moving_average"]
FORECAST_COLUMNS = ["period", "net_revenue", "forecast", "lower", "upper", "method"]
BREAKDOWN_COLUMNS = ["value", "gross_revenue", "returns", "net_revenue", "sale_lines",
                     "quantity", "share"]
PRODUCT_COLUMNS = ["rank", "product", "gross_revenue", "returns", "net_revenue", "sale_lines",
                   "quantity", "share", "cumulative_share", "abc_class"]


def _trend_sql(filters: Filters, params: Params, grain: str, window: int) -> str:
    period = period_start_sql("order_date", grain)
    orders = orders_sql(filters, params)
    start = params.add(filters.start_date)
    end = params.add(filters.end_date)
    return f"""
    with per_period as (
      select
        {period} as period,
        max(order_date) as last_order_date,
        sum(case when is_sale then order_total else 0 end) as gross_revenue,
        sum(case when is_return then order_total else 0 end) as returns,
        count(case when is_sale then 1 end) as sales,
        count(distinct case when is_sale then customer_id end) as customers
      from ({orders}) orders
      group by {period}
    ),
    bounds as (
      -- from the filter dates, or from the data where a date is open
      select
        coalesce({period_start_sql(f"cast({start} as date)", grain)}, min(period)) as first_period,
        coalesce({period_start_sql(f"cast({end} as date)", grain)}, max(period)) as last_period,
        max(last_order_date) as last_order_date
      from per_period
      having count(*) > 0
    ),
    periods as (
      -- every period between the bounds, so that gaps show as zero
      select cast(generate_series as date) as period, b.last_order_date
      from bounds b,
           generate_series(cast(b.first_period as timestamp), cast(b.last_period as timestamp),
                           {STEP_SQL[grain]})
    ),
    filled as (
      select
        p.period,
        coalesce(x.gross_revenue, 0) as gross_revenue,
        coalesce(x.returns, 0) as returns,
        coalesce(x.sales, 0) as sales,
        coalesce(x.customers, 0) as customers,
        p.last_order_date
      from periods p
      left join per_period x on x.period = p.period
    ),
    final as (
      select
        period,
        cast(gross_revenue as double) as gross_revenue,
        cast(returns as double) as returns,
        cast(gross_revenue + returns as double) as net_revenue,
        sales,
        customers,
        case when count(*) over last_periods = {window}
             then cast(avg(gross_revenue + returns) over last_periods as double) end as moving_average,
        last_order_date
      from filled
      window last_periods as (order by period rows between {window - 1} preceding and current row)
    )
    select * from final order by period
    """


def _trend(con, filters: Filters, grain: str, window: int) -> pd.DataFrame:
    check_grain(grain)
    window = int(window)
    if window < 1:
        raise ValueError("window must be at least 1 period")
    params = Params()
    return con.execute(_trend_sql(filters, params, grain, window), params).df()


def sales_trend(con, filters: Filters, grain: str = "month", window: int = 3) -> pd.DataFrame:
    """One row per period (day, week from Monday, month or quarter) from the first to the last
    period of the filter dates, or of the data when a date is open: period (its first day),
    gross_revenue, returns, net_revenue, sales, customers, moving_average (mean net revenue
    over this and the ``window - 1`` previous periods; null until ``window`` periods exist).
    Periods without orders are zero. Empty frame when there is no order.
    """
    frame = _trend(con, filters, grain, window)
    return frame[TREND_COLUMNS]


def _seasonal_naive(y: np.ndarray, horizon: int, season: int, level: float):
    """Seasonal naive forecast with normal intervals (Hyndman & Athanasopoulos, FPP3 5.5):
    yhat(T+h) = y(T+h-m(k+1)), sigma_h = sigma * sqrt(k+1), k = floor((h-1)/m), sigma the
    root mean square of the one-season-back residuals y(t) - y(t-m). season=1 is naive."""
    residuals = y[season:] - y[:-season]
    sigma = float(np.sqrt(np.mean(residuals ** 2)))
    z = float(norm.ppf(0.5 + level / 2))
    steps = np.arange(1, horizon + 1)
    k = (steps - 1) // season
    point = y[len(y) - season + (steps - 1) % season]
    half = z * sigma * np.sqrt(k + 1)
    return point, point - half, point + half


def sales_forecast(con, filters: Filters, grain: str = "month",
                   horizon: int = DEFAULT_FORECAST_HORIZON,
                   level: float = DEFAULT_FORECAST_LEVEL) -> pd.DataFrame:
    """Net revenue per period and its forecast ``horizon`` periods ahead with a ``level``
    prediction interval. One row per period: period, net_revenue (actual; null ahead),
    forecast, lower, upper (null on actual rows), method.

    Method: seasonal naive (season: 7 days, 52 weeks, 12 months, 4 quarters) when at least
    two periods more than one season are complete, otherwise naive (last value); fewer than
    3 complete periods give an empty frame. A last period the data (or end date) does not
    cover to its end is incomplete and left out, so a half month does not drag the forecast.
    """
    check_grain(grain)
    horizon = int(horizon)
    if horizon < 1 or not 0 < level < 1:
        raise ValueError("horizon must be >= 1 and level between 0 and 1")
    trend = _trend(con, filters, grain, 1)
    empty = pd.DataFrame({c: pd.Series(dtype="object" if c == "method" else "float64")
                          for c in FORECAST_COLUMNS})
    empty["period"] = empty["period"].astype("datetime64[us]")
    if trend.empty:
        return empty
    periods = pd.to_datetime(trend["period"])
    step = _offset(grain)
    covered_to = pd.Timestamp(filters.end_date or trend["last_order_date"].iloc[0])
    if periods.iloc[-1] + step - pd.Timedelta(days=1) > covered_to:
        trend, periods = trend.iloc[:-1], periods.iloc[:-1]
    y = trend["net_revenue"].to_numpy(dtype="float64")
    season = SEASON_LENGTH[grain]
    if len(y) >= season + 2:
        method = f"seasonal naive ({season} {grain}s)"
    elif len(y) >= 3:
        method, season = "naive", 1
    else:
        return empty
    point, lower, upper = _seasonal_naive(y, horizon, season, level)
    future = [periods.iloc[-1] + step * h for h in range(1, horizon + 1)]
    actual = pd.DataFrame({"period": periods.to_numpy(), "net_revenue": y})
    ahead = pd.DataFrame({"period": future, "forecast": point, "lower": lower, "upper": upper})
    frame = pd.concat([actual, ahead], ignore_index=True)
    frame["method"] = method
    frame["period"] = pd.to_datetime(frame["period"]).astype("datetime64[us]")
    return frame[FORECAST_COLUMNS]


def _offset(grain: str) -> pd.DateOffset:
    return {"day": pd.DateOffset(days=1), "week": pd.DateOffset(weeks=1),
            "month": pd.DateOffset(months=1), "quarter": pd.DateOffset(months=3)}[grain]


def _per_value_sql(filters: Filters, params: Params, column: str) -> str:
    """One row per value of ``column`` (our own column name): value, gross_revenue, returns,
    net_revenue, sale_lines, quantity, summed over order lines: a line above zero is sold
    revenue, below zero returned. Line level, as product analyses count: grouping by order
    first (or counting distinct orders or customers) takes 2-3 times as long at 1M orders."""
    lines = sales_lines_sql(filters, params)
    return f"""
    select
      "{column}" as value,
      sum(case when line_amount > 0 then line_amount else 0 end) as gross_revenue,
      sum(case when line_amount < 0 then line_amount else 0 end) as returns,
      sum(line_amount) as net_revenue,
      count(case when line_amount > 0 then 1 end) as sale_lines,
      sum(quantity) as quantity
    from ({lines}) l
    group by "{column}"
    """


def breakdown(con, filters: Filters, dimension: str) -> pd.DataFrame:
    """One row per value of ``dimension`` (region, channel, product, category, industry,
    owner, campaign): value ('(not set)' when missing), gross_revenue, returns, net_revenue,
    sale_lines (lines above zero), quantity, share (of net
    revenue over all values; null when that total is not positive). Sorted by net revenue,
    largest first, then value. Net revenue over all values sums to the overall net revenue.
    """
    if dimension not in BREAKDOWN_DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(BREAKDOWN_DIMENSIONS)}")
    params = Params()
    per_value = _per_value_sql(filters, params, BREAKDOWN_DIMENSIONS[dimension])
    not_set = params.add(NOT_SET)
    sql = f"""
    with per_value as (
      select *, sum(net_revenue) over () as total_net from ({per_value}) v
    ),
    final as (
      select
        coalesce(v.value, {not_set}) as value,
        cast(v.gross_revenue as double) as gross_revenue,
        cast(v.returns as double) as returns,
        cast(v.net_revenue as double) as net_revenue,
        v.sale_lines,
        v.quantity,
        case when v.total_net > 0 then cast(v.net_revenue / v.total_net as double) end as share,
        v.value is null as is_not_set
      from per_value v
    )
    select * from final order by net_revenue desc, is_not_set, value
    """
    return con.execute(sql, params).df()[BREAKDOWN_COLUMNS]


def products(con, filters: Filters,
             abc_thresholds: tuple[Decimal, Decimal] = DEFAULT_ABC_THRESHOLDS) -> pd.DataFrame:
    """One row per product (lines without a product are left out), ranked by net revenue
    (ties: product name): rank, product, gross_revenue, returns, net_revenue, sale_lines,
    quantity, share, cumulative_share, abc_class (all summed over order lines).

    share = net revenue / sum of positive net revenues; cumulative_share adds the shares of
    this and every higher-ranked product. ABC: a product is A when the products ranked above
    it hold less than 80 % of revenue (so the product that carries the running share to or
    across 80 % is A), else B when they hold less than 95 %, else C; a product with no
    positive net revenue is always C. Thresholds are exact decimals.
    """
    a_limit, b_limit = (Decimal(str(t)) for t in abc_thresholds)
    if not 0 < a_limit <= b_limit <= 1:
        raise ValueError("ABC thresholds must satisfy 0 < A <= B <= 1")
    params = Params()
    per_value = _per_value_sql(filters, params, "product")
    a_param, b_param = params.add(str(a_limit)), params.add(str(b_limit))
    sql = f"""
    with per_product as (
      select * from ({per_value}) v where value is not null
    ),
    ranked as (
      select
        *,
        sum(case when net_revenue > 0 then net_revenue else 0 end) over () as total,
        row_number() over by_revenue as rank,
        sum(case when net_revenue > 0 then net_revenue else 0 end) over (
          by_revenue rows between unbounded preceding and current row) as running_revenue
      from per_product
      window by_revenue as (order by net_revenue desc, value)
    ),
    classified as (
      select
        r.*,
        case
          when r.net_revenue <= 0 then 'C'
          when r.running_revenue - r.net_revenue < cast({a_param} as decimal(9, 6)) * r.total then 'A'
          when r.running_revenue - r.net_revenue < cast({b_param} as decimal(9, 6)) * r.total then 'B'
          else 'C'
        end as abc_class
      from ranked r
    ),
    final as (
      select
        rank,
        value as product,
        cast(gross_revenue as double) as gross_revenue,
        cast(returns as double) as returns,
        cast(net_revenue as double) as net_revenue,
        sale_lines,
        quantity,
        case when total > 0 then cast(net_revenue / total as double) end as share,
        case when total > 0 then cast(running_revenue / total as double) end as cumulative_share,
        abc_class
      from classified
    )
    select * from final order by rank
    """
    return con.execute(sql, params).df()[PRODUCT_COLUMNS]
