"""Customer lifetime value: historical (to date) and predictive (BG/NBD x Gamma-Gamma).

Definitions and edge cases: docs/metrics/clv.md. The models live in ``metrics.clv_models``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pandas as pd

from metrics.base import orders_sql
from metrics.clv_models import (
    DEFAULT_MIN_REPEAT_CUSTOMERS,
    BGNBDFit,
    GammaGammaFit,
    NotEnoughData,
    bgnbd_expected_purchases_at,
    bgnbd_p_alive,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
)
from metrics.filters import Filters, Params

DEFAULT_UNIT = "W"
DEFAULT_HORIZON_MONTHS = 12
DEFAULT_ANNUAL_DISCOUNT_RATE = 0.10
# Above this many customers the models are fitted on a fixed-seed random sample of them: the
# estimates barely move beyond it, and the fit's time grows with the customers.
DEFAULT_FIT_CUSTOMERS = 20_000
FIT_SAMPLE_SEED = 20050101
# Length of one unit in days; a month is the mean Gregorian month.
DAYS_PER_MONTH = 365.25 / 12
UNITS = {"D": ("days", 1.0), "W": ("weeks", 7.0), "M": ("months", DAYS_PER_MONTH)}

INPUT_COLUMNS = ["customer_id", "frequency", "recency", "T", "monetary_value", "unit"]
PREDICTIVE_COLUMNS = ["customer_id", "frequency", "recency", "T", "monetary_value",
                      "expected_purchases", "p_alive", "expected_spend", "clv", "unit"]
HISTORICAL_COLUMNS = ["customer_id", "first_purchase_date", "last_purchase_date", "sales",
                      "gross_revenue", "returns", "net_revenue", "cost", "margin"]
MODEL_COLUMNS = ["parameter", "value", "unit"]

__all__ = [
    "BGNBDFit",
    "GammaGammaFit",
    "NotEnoughData",
    "clv_inputs",
    "clv_model",
    "clv_summary_sql",
    "fit_bgnbd",
    "fit_clv",
    "fit_gamma_gamma",
    "fit_sample",
    "historical_clv",
    "model_frame",
    "predictive_clv",
    "predictive_frame",
]


def _unit(unit: str) -> tuple[str, float]:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(UNITS)}, not {unit!r}")
    return UNITS[unit]


def _before(filters: Filters, as_of: date | None) -> Filters:
    """The filters restricted to days before ``as_of`` (the as-of day itself is not observed)."""
    if as_of is None:
        return filters
    last = as_of - timedelta(days=1)
    if filters.end_date is None or filters.end_date > last:
        return replace(filters, end_date=last)
    return filters


def clv_summary_sql(filters: Filters, params: Params, as_of: date | None = None,
                    unit: str = DEFAULT_UNIT) -> str:
    """One row per customer with a sale: customer_id, frequency, recency, T, monetary_value, unit.

    frequency = distinct purchase days after the first; recency = first to last purchase day;
    T = first purchase day to the last observed day, the day before as-of (default as-of: the day
    after the last sale in the filtered data) — the papers' convention, where a purchase on the
    last day has recency = T; monetary_value = mean of the repeat purchase days' totals (0 without repeats). Times in ``unit``.
    """
    unit_name, unit_days = _unit(unit)
    orders = orders_sql(_before(filters, as_of), params)
    p_as_of, p_days, p_unit = params.add(as_of), params.add(unit_days), params.add(unit_name)
    # Read three times below: rescanning order_facts is cheaper than storing the orders, unless
    # a segment filter makes each reading compute the segments again.
    if filters.segments:
        head, sales = f"orders as materialized ({orders}),", "orders"
    else:
        head, sales = "", f"({orders}) o"
    return f"""
    with {head}
    observed as (
      -- the last observed day is the day before as-of; anonymous sales count for it too
      select coalesce(cast(cast({p_as_of} as date) - interval 1 day as date), max(order_date)) as last_day
      from {sales}
      where is_sale
    ),
    purchase_days as (
      -- several orders on one day are one purchase, as in the papers
      select customer_number, order_date as purchase_date, sum(order_total) as day_total
      from {sales}
      where is_sale and customer_number is not null
      group by customer_number, order_date
    ),
    per_customer as (
      select customer_number,
             count(*) - 1 as frequency,
             min(purchase_date) as first_date,
             max(purchase_date) as last_date,
             sum(day_total) as total
      from purchase_days
      group by customer_number
    ),
    with_first as (
      -- the first day's total, which the repeat mean leaves out
      select p.*, d.day_total as first_total
      from per_customer p
      join purchase_days d on d.customer_number = p.customer_number and d.purchase_date = p.first_date
    ),
    ids as (
      select customer_number, min(customer_id) as customer_id
      from {sales}
      where is_sale and customer_number is not null
      group by customer_number
    ),
    final as (
      select i.customer_id,
             cast(p.frequency as bigint) as frequency,
             cast(date_diff('day', p.first_date, p.last_date) as double) / {p_days} as recency,
             cast(date_diff('day', p.first_date, o.last_day) as double) / {p_days} as "T",
             case when p.frequency > 0
                  then cast(p.total - p.first_total as double) / p.frequency
                  else 0 end as monetary_value,
             cast({p_unit} as varchar) as unit
      from with_first p
      join ids i on i.customer_number = p.customer_number
      cross join observed o
    )
    select * from final order by customer_id
    """


def clv_inputs(con, filters: Filters, as_of: date | None = None, unit: str = DEFAULT_UNIT
               ) -> pd.DataFrame:
    """One row per customer with a sale: customer_id, frequency, recency, T, monetary_value, unit."""
    params = Params()
    sql = clv_summary_sql(filters, params, as_of=as_of, unit=unit)
    return con.execute(sql, params).df()[INPUT_COLUMNS]


def historical_clv(con, filters: Filters) -> pd.DataFrame:
    """One row per customer with a sale: customer_id, first_purchase_date, last_purchase_date,
    sales, gross_revenue, returns, net_revenue, cost, margin.

    cost and margin (= net_revenue - cost) are null unless every order of the customer has a cost.
    Ordered by net_revenue descending, then customer_id.
    """
    params = Params()
    orders = orders_sql(filters, params)
    sql = f"""
    with customer_orders as (
      select * from ({orders}) o where customer_id is not null
    ),
    per_customer as (
      select customer_id,
             min(case when is_sale then order_date end) as first_purchase_date,
             max(case when is_sale then order_date end) as last_purchase_date,
             count(case when is_sale then 1 end) as sales,
             coalesce(sum(case when is_sale then order_total end), 0) as gross_revenue,
             coalesce(sum(case when is_return then order_total end), 0) as returns,
             sum(order_total) as net_revenue,
             sum(cost_total) as cost,
             count(cost_total) = count(*) as cost_known
      from customer_orders
      group by customer_id
    ),
    final as (
      select customer_id, first_purchase_date, last_purchase_date,
             cast(sales as bigint) as sales,
             cast(gross_revenue as double) as gross_revenue,
             cast(returns as double) as returns,
             cast(net_revenue as double) as net_revenue,
             cast(case when cost_known then cost end as double) as cost,
             cast(case when cost_known then net_revenue - cost end as double) as margin
      from per_customer
      where sales > 0
    )
    select * from final order by net_revenue desc, customer_id
    """
    frame = con.execute(sql, params).df()[HISTORICAL_COLUMNS]
    for column in ("first_purchase_date", "last_purchase_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def fit_sample(inputs: pd.DataFrame, max_customers: int = DEFAULT_FIT_CUSTOMERS) -> pd.DataFrame:
    """The rows of ``inputs`` the models are fitted on: all of them up to ``max_customers``,
    else ``max_customers`` rows drawn without replacement by a fixed-seed generator, in their
    original order (the same inputs always give the same sample)."""
    if max_customers < 1:
        raise ValueError("max_customers must be at least 1")
    if len(inputs) <= max_customers:
        return inputs
    chosen = np.random.default_rng(FIT_SAMPLE_SEED).choice(len(inputs), max_customers, replace=False)
    return inputs.iloc[np.sort(chosen)]


def fit_clv(inputs: pd.DataFrame, min_repeat_customers: int = DEFAULT_MIN_REPEAT_CUSTOMERS,
            max_customers: int = DEFAULT_FIT_CUSTOMERS) -> tuple[BGNBDFit, GammaGammaFit]:
    """Both models fitted on one clv_inputs frame (on ``fit_sample(inputs, max_customers)``);
    NotEnoughData when it cannot support them."""
    sample = fit_sample(inputs, max_customers)
    bgnbd = fit_bgnbd(sample, min_repeat_customers)
    gamma_gamma = fit_gamma_gamma(sample, min_repeat_customers)
    if gamma_gamma.q <= 1:
        raise NotEnoughData("Gamma-Gamma fit has q <= 1, so mean spend per purchase is unbounded; "
                            "predictive CLV is not meaningful on this data")
    return bgnbd, gamma_gamma


def predictive_frame(inputs: pd.DataFrame, bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit,
                     horizon_months: int = DEFAULT_HORIZON_MONTHS,
                     annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT_RATE,
                     unit: str = DEFAULT_UNIT) -> pd.DataFrame:
    """predictive_clv's frame from fitted models: clv = sum over months m = 1..horizon of
    (E[purchases by m] - E[purchases by m-1]) x expected spend / (1 + monthly rate)^m."""
    _, unit_days = _unit(unit)
    x, t_x, T = (inputs[c].to_numpy(dtype="float64") for c in ("frequency", "recency", "T"))
    monthly_rate = (1 + annual_discount_rate) ** (1 / 12) - 1
    spend = gamma_gamma_expected_spend(gamma_gamma, x, inputs["monetary_value"].to_numpy("float64"))
    months = np.arange(1, horizon_months + 1)
    cumulative = np.vstack([np.zeros(len(inputs)), bgnbd_expected_purchases_at(
        bgnbd, months * DAYS_PER_MONTH / unit_days, x, t_x, T)])
    discount = (1 + monthly_rate) ** -months.astype("float64")
    # Elementwise, not a matrix product: BLAS threads would spin against the database's.
    clv = (discount[:, None] * np.diff(cumulative, axis=0)).sum(axis=0) * spend
    previous = cumulative[-1]
    frame = inputs[["customer_id", "frequency", "recency", "T", "monetary_value"]].copy()
    frame["expected_purchases"] = previous
    frame["p_alive"] = bgnbd_p_alive(bgnbd, x, t_x, T)
    frame["expected_spend"] = spend
    frame["clv"] = clv
    frame["unit"] = inputs["unit"]
    if frame["customer_id"].is_monotonic_increasing:
        # As clv_inputs gives them: a stable sort on clv alone leaves ties by customer_id.
        frame = frame.take(np.argsort(-clv, kind="stable"))
    else:
        frame = frame.sort_values(["clv", "customer_id"], ascending=[False, True], kind="stable")
    return frame.reset_index(drop=True)[PREDICTIVE_COLUMNS]


def predictive_clv(con, filters: Filters, horizon_months: int = DEFAULT_HORIZON_MONTHS,
                   annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT_RATE,
                   as_of: date | None = None, unit: str = DEFAULT_UNIT,
                   min_repeat_customers: int = DEFAULT_MIN_REPEAT_CUSTOMERS) -> pd.DataFrame:
    """One row per customer with a sale: customer_id, frequency, recency, T, monetary_value,
    expected_purchases (over the horizon), p_alive, expected_spend, clv (discounted), unit.

    Empty frame when there are no customers; NotEnoughData when too few repeat customers to fit.
    Ordered by clv descending, then customer_id.
    """
    inputs = clv_inputs(con, filters, as_of=as_of, unit=unit)
    if inputs.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in PREDICTIVE_COLUMNS}).astype(
            {"customer_id": "str", "unit": "str", "frequency": "int64"})
    bgnbd, gamma_gamma = fit_clv(inputs, min_repeat_customers)
    return predictive_frame(inputs, bgnbd, gamma_gamma, horizon_months, annual_discount_rate, unit)


def model_frame(bgnbd: BGNBDFit, gamma_gamma: GammaGammaFit, unit: str = DEFAULT_UNIT
                ) -> pd.DataFrame:
    """One row per parameter: parameter, value, unit (r, alpha, a, b, p, q, gamma, fit sizes)."""
    unit_name, _ = _unit(unit)
    rows = [
        ("r", bgnbd.r, "shape of purchase rate"),
        ("alpha", bgnbd.alpha, unit_name),
        ("a", bgnbd.a, "shape of dropout"),
        ("b", bgnbd.b, "shape of dropout"),
        ("bgnbd_log_likelihood", bgnbd.log_likelihood, "log-likelihood"),
        ("bgnbd_customers", bgnbd.customers, "customers"),
        ("p", gamma_gamma.p, "shape of spend"),
        ("q", gamma_gamma.q, "shape of spend scale"),
        ("gamma", gamma_gamma.gamma, "money"),
        ("gamma_gamma_log_likelihood", gamma_gamma.log_likelihood, "log-likelihood"),
        ("gamma_gamma_customers", gamma_gamma.customers, "repeat customers"),
    ]
    return pd.DataFrame(rows, columns=MODEL_COLUMNS).astype({"value": "float64"})


def clv_model(con, filters: Filters, as_of: date | None = None, unit: str = DEFAULT_UNIT,
              min_repeat_customers: int = DEFAULT_MIN_REPEAT_CUSTOMERS) -> pd.DataFrame:
    """One row per model parameter: parameter, value, unit. Empty frame when there are no
    customers; NotEnoughData when too few repeat customers to fit."""
    inputs = clv_inputs(con, filters, as_of=as_of, unit=unit)
    if inputs.empty:
        return pd.DataFrame({"parameter": pd.Series(dtype="str"), "value": pd.Series(dtype="float64"),
                             "unit": pd.Series(dtype="str")})
    bgnbd, gamma_gamma = fit_clv(inputs, min_repeat_customers)
    return model_frame(bgnbd, gamma_gamma, unit)
