"""CLV as the Customers page shows it: one customer's historical value, and the predictive
section (top customers, totals and the fitted parameters) from ONE model fit.

Definitions: docs/metrics/clv.md. The models are those of ``metrics.clv``.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from metrics.base import customers_current_sql, sales_lines_sql
from metrics.clv import (
    DEFAULT_ANNUAL_DISCOUNT_RATE,
    DEFAULT_HORIZON_MONTHS,
    DEFAULT_UNIT,
    HISTORICAL_COLUMNS,
    clv_inputs,
    fit_clv,
    model_frame,
    predictive_frame,
)
from metrics.clv_models import DEFAULT_MIN_REPEAT_CUSTOMERS, NotEnoughData
from metrics.filters import Filters, Params
from metrics.sqlparts import values_sql

DEFAULT_TOP = 20
TOP_COLUMNS = ["customer_id", "customer_name", "frequency", "monetary_value", "p_alive",
               "expected_purchases", "expected_spend", "clv"]
TOTAL_COLUMNS = ["customers", "total_clv", "mean_clv", "mean_p_alive", "horizon_months",
                 "annual_discount_rate"]


def customer_value(con, customer_id, filters: Filters) -> pd.DataFrame:
    """One row (none without a sale): the historical CLV of one customer in ``filters``, with
    the columns and definitions of ``metrics.clv.historical_clv``: customer_id,
    first_purchase_date, last_purchase_date, sales, gross_revenue, returns, net_revenue,
    cost, margin (cost and margin null unless every order has a cost)."""
    params = Params()
    lines = sales_lines_sql(filters, params)
    sql = f"""
    with lines as (
      select * from ({lines}) l where customer_id = {params.add(customer_id)}
    ),
    orders as (
      select order_key, min(order_date) as order_date, sum(line_amount) as order_total,
             sum(cost_amount) as cost_total
      from lines
      group by order_key
      having sum(line_amount) <> 0
    ),
    per_customer as (
      select
        min(case when order_total > 0 then order_date end) as first_purchase_date,
        max(case when order_total > 0 then order_date end) as last_purchase_date,
        count(case when order_total > 0 then 1 end) as sales,
        coalesce(sum(case when order_total > 0 then order_total end), 0) as gross_revenue,
        coalesce(sum(case when order_total < 0 then order_total end), 0) as returns,
        sum(order_total) as net_revenue,
        sum(cost_total) as cost,
        count(cost_total) = count(*) as cost_known
      from orders
    ),
    final as (
      select
        cast({params.add(customer_id)} as varchar) as customer_id,
        first_purchase_date,
        last_purchase_date,
        cast(sales as bigint) as sales,
        cast(gross_revenue as double) as gross_revenue,
        cast(returns as double) as returns,
        cast(net_revenue as double) as net_revenue,
        cast(case when cost_known then cost end as double) as cost,
        cast(case when cost_known then net_revenue - cost end as double) as margin
      from per_customer
      where sales > 0
    )
    select * from final
    """
    frame = con.execute(sql, params).df()[HISTORICAL_COLUMNS]
    for column in ("first_purchase_date", "last_purchase_date"):
        frame[column] = pd.to_datetime(frame[column]).dt.date
    return frame


def clv_report(con, filters: Filters, *, top: int = DEFAULT_TOP,
               horizon_months: int = DEFAULT_HORIZON_MONTHS,
               annual_discount_rate: float = DEFAULT_ANNUAL_DISCOUNT_RATE,
               as_of: date | None = None, unit: str = DEFAULT_UNIT,
               min_repeat_customers: int = DEFAULT_MIN_REPEAT_CUSTOMERS) -> dict[str, pd.DataFrame]:
    """Predictive CLV from one BG/NBD x Gamma-Gamma fit, as three small frames:

    - ``top``: the ``top`` customers by predicted CLV (ties by customer_id): customer_id,
      customer_name, frequency, monetary_value, p_alive, expected_purchases, expected_spend, clv;
    - ``totals``: one row: customers, total_clv, mean_clv, mean_p_alive, horizon_months,
      annual_discount_rate;
    - ``model``: ``metrics.clv.model_frame`` (parameter, value, unit).

    Values equal ``predictive_clv`` / ``clv_model`` for the same arguments. Empty frames without
    customers; NotEnoughData when there are too few repeat customers to fit, or the
    fit gives no finite prediction.
    """
    inputs = clv_inputs(con, filters, as_of=as_of, unit=unit)
    if inputs.empty:
        return {"top": pd.DataFrame(columns=TOP_COLUMNS),
                "totals": pd.DataFrame(columns=TOTAL_COLUMNS),
                "model": pd.DataFrame(columns=["parameter", "value", "unit"])}
    bgnbd, gamma_gamma = fit_clv(inputs, min_repeat_customers)
    predicted = predictive_frame(inputs, bgnbd, gamma_gamma, horizon_months,
                                 annual_discount_rate, unit)
    if not np.isfinite(predicted["clv"].to_numpy(dtype="float64")).all():
        # A fit that ran to its parameter bounds gives no usable prediction: say so plainly.
        raise NotEnoughData("The CLV model did not settle on usable values for this data "
                            "(too little or too regular repeat buying); try a wider period")
    best = predicted.head(int(top))
    totals = pd.DataFrame([{
        "customers": len(predicted),
        "total_clv": float(predicted["clv"].sum()),
        "mean_clv": float(predicted["clv"].mean()),
        "mean_p_alive": float(predicted["p_alive"].mean()),
        "horizon_months": int(horizon_months),
        "annual_discount_rate": float(annual_discount_rate),
    }], columns=TOTAL_COLUMNS)
    return {"top": _with_names(con, best)[TOP_COLUMNS],
            "totals": totals,
            "model": model_frame(bgnbd, gamma_gamma, unit)}


def _with_names(con, frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with customer_name from the customers table (latest load), in its own order."""
    params = Params()
    ids = values_sql([(c,) for c in frame["customer_id"]], ("customer_id",), ("varchar",), params)
    sql = f"""
    with ids as ({ids}),
    final as (
      select i.customer_id, c.customer_name
      from ids i
      left join ({customers_current_sql()}) c on c.customer_id = i.customer_id
    )
    select * from final
    """
    names = con.execute(sql, params).df().drop_duplicates("customer_id")
    return frame.merge(names, on="customer_id", how="left")
