"""CLV over the canonical tables: inputs, historical CLV, predictive CLV end to end."""

from __future__ import annotations

import importlib.metadata
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest

from metrics.clv import (
    DAYS_PER_MONTH,
    clv_inputs,
    clv_model,
    historical_clv,
    predictive_clv,
    predictive_frame,
)
from metrics.clv_models import (
    BGNBDFit,
    GammaGammaFit,
    NotEnoughData,
    bgnbd_expected_purchases,
)
from metrics.filters import Filters

# order_id, ordered_at, customer_id, line_amount, cost_amount, owner, region
LINES = [
    ("O1", "2024-01-01 10:00", "A", 100, 60, "ann", "north"),
    ("O2", "2024-01-08 09:00", "A", 50, 30, "ann", "north"),
    ("O3", "2024-01-08 15:00", "A", 30, 20, "ann", "north"),  # same day as O2: one purchase
    ("O4", "2024-01-29 12:00", "A", 40, 25, "ann", "north"),
    ("O5", "2024-01-15 12:00", "B", 200, 120, "bob", "south"),
    ("O6", "2024-01-20 12:00", "B", -50, None, "bob", "south"),  # a return, cost unknown
    ("O7", "2024-01-01 12:00", "C", 10, None, "ann", "south"),
    ("O8", "2024-01-15 12:00", "C", 20, None, "ann", "south"),
    ("O9", "2024-01-22 12:00", "C", 5, None, "ann", "south"),  # zero total: ignored
    ("O9", "2024-01-22 12:00", "C", -5, None, "ann", "south"),
    ("O10", "2024-02-04 12:00", None, 999, None, "carl", "south"),  # anonymous
]


@pytest.fixture
def shop(con):
    for row_number, line in enumerate(LINES, start=1):
        con.execute(
            "insert into order_lines__base (dataset_id, source_row, order_id, ordered_at, customer_id, "
            "line_amount, cost_amount, owner, region) values (1, ?, ?, ?, ?, ?, ?, ?, ?)",
            [row_number, *line])
    return con


def inputs_frame(rows):
    frame = pd.DataFrame(rows, columns=["customer_id", "frequency", "recency", "T", "monetary_value",
                                        "unit"])
    return frame.astype({"frequency": "int64", "recency": "float64", "T": "float64",
                         "monetary_value": "float64"})


def assert_frames(actual, expected):
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected, check_dtype=False,
                                  atol=0.005, check_exact=False)


# As-of defaults to the day after the last sale (the anonymous one on 02-04): 2024-02-05, so the
# last observed day is 02-04 and T runs to it (the papers' convention: a purchase on the last
# observed day has recency = T).
# A buys on 01-01, 01-08 (80 over two orders), 01-29 (40): x = 2, t_x = 28 d, T = 34 d, m = 60.
# B buys once on 01-15 (its 01-20 return is not a purchase): x = 0, T = 20 d.
# C buys on 01-01 and 01-15 (01-22 nets to zero): x = 1, t_x = 14 d, T = 34 d, m = 20.
CASES = {
    "weeks": (Filters(), None, "W", [("A", 2, 4.0, 34 / 7, 60.0, "weeks"),
                                     ("B", 0, 0.0, 20 / 7, 0.0, "weeks"),
                                     ("C", 1, 2.0, 34 / 7, 20.0, "weeks")]),
    "days": (Filters(), None, "D", [("A", 2, 28.0, 34.0, 60.0, "days"), ("B", 0, 0.0, 20.0, 0.0, "days"),
                                    ("C", 1, 14.0, 34.0, 20.0, "days")]),
    # 28 / 30.4375 = 0.919918, 34 / 30.4375 = 1.117043, 20 / 30.4375 = 0.657084, 14 / 30.4375 = 0.459959
    "months": (Filters(), None, "M", [("A", 2, 0.919918, 1.117043, 60.0, "months"),
                                      ("B", 0, 0.0, 0.657084, 0.0, "months"),
                                      ("C", 1, 0.459959, 1.117043, 20.0, "months")]),
    # Only days before 01-16 (last observed 01-15): A buys 01-01 and 01-08 (80): x=1, t_x=1 w,
    # T=14 d = 2 w; B first buys on the last day: T = 0; C buys 01-01 and 01-15: t_x = T = 2 w.
    "as-of": (Filters(), date(2024, 1, 16), "W", [("A", 1, 1.0, 2.0, 80.0, "weeks"),
                                                  ("B", 0, 0.0, 0.0, 0.0, "weeks"),
                                                  ("C", 1, 2.0, 2.0, 20.0, "weeks")]),
    # North is A alone; its last sale 01-29 is the last observed day: T = t_x = 28 days.
    "region-filter": (Filters(regions=("north",)), None, "W", [("A", 2, 4.0, 4.0, 60.0, "weeks")]),
    # Bob sees B alone; its only sale 01-15 is the last observed day: T = 0.
    "owner-scope": (Filters(owner_scope=("bob",)), None, "W", [("B", 0, 0.0, 0.0, 0.0, "weeks")]),
    "empty-scope": (Filters(owner_scope=()), None, "W", []),
}


@pytest.mark.parametrize("filters, as_of, unit, rows", CASES.values(), ids=CASES.keys())
def test_clv_inputs(shop, filters, as_of, unit, rows):
    assert_frames(clv_inputs(shop, filters, as_of=as_of, unit=unit), inputs_frame(rows))


def test_clv_inputs_rejects_unknown_unit(shop):
    with pytest.raises(ValueError, match="unit must be one of D, W, M"):
        clv_inputs(shop, Filters(), unit="fortnight")


HISTORICAL_COLUMNS = ["customer_id", "first_purchase_date", "last_purchase_date", "sales",
                      "gross_revenue", "returns", "net_revenue", "cost", "margin"]
D = date
HISTORICAL = {
    # A: 4 sale orders 100+50+30+40 = 220, cost 60+30+20+25 = 135, margin 85.
    # B: 200 - 50 = 150; its return has no cost, so cost and margin are unknown.
    # C: 10 + 20 = 30 (the zero order is ignored), no cost.
    "all": (Filters(), [("A", D(2024, 1, 1), D(2024, 1, 29), 4, 220.0, 0.0, 220.0, 135.0, 85.0),
                        ("B", D(2024, 1, 15), D(2024, 1, 15), 1, 200.0, -50.0, 150.0, None, None),
                        ("C", D(2024, 1, 1), D(2024, 1, 15), 2, 30.0, 0.0, 30.0, None, None)]),
    # 01-10..01-31: A keeps 01-29 (40, cost 25, margin 15), B all, C keeps 01-15 (20).
    "period": (Filters(start_date=D(2024, 1, 10), end_date=D(2024, 1, 31)),
               [("B", D(2024, 1, 15), D(2024, 1, 15), 1, 200.0, -50.0, 150.0, None, None),
                ("A", D(2024, 1, 29), D(2024, 1, 29), 1, 40.0, 0.0, 40.0, 25.0, 15.0),
                ("C", D(2024, 1, 15), D(2024, 1, 15), 1, 20.0, 0.0, 20.0, None, None)]),
    "owner-scope": (Filters(owner_scope=("ann",)),
                    [("A", D(2024, 1, 1), D(2024, 1, 29), 4, 220.0, 0.0, 220.0, 135.0, 85.0),
                     ("C", D(2024, 1, 1), D(2024, 1, 15), 2, 30.0, 0.0, 30.0, None, None)]),
}


@pytest.mark.parametrize("filters, rows", HISTORICAL.values(), ids=HISTORICAL.keys())
def test_historical_clv(shop, filters, rows):
    expected = pd.DataFrame(rows, columns=HISTORICAL_COLUMNS).astype(
        {"cost": "float64", "margin": "float64"})
    assert_frames(historical_clv(shop, filters), expected)


@pytest.mark.parametrize("function, columns", [
    (clv_inputs, ["customer_id", "frequency", "recency", "T", "monetary_value", "unit"]),
    (historical_clv, HISTORICAL_COLUMNS),
    (predictive_clv, ["customer_id", "frequency", "recency", "T", "monetary_value",
                      "expected_purchases", "p_alive", "expected_spend", "clv", "unit"]),
    (clv_model, ["parameter", "value", "unit"]),
], ids=["inputs", "historical", "predictive", "model"])
def test_empty_tables_give_empty_frames(con, function, columns):
    frame = function(con, Filters())
    assert frame.empty and list(frame.columns) == columns


def test_too_few_repeat_customers_is_one_clear_line(shop):
    with pytest.raises(NotEnoughData) as error:
        predictive_clv(shop, Filters())
    assert str(error.value) == ("BG/NBD needs at least 10 customers with a repeat purchase; "
                                "the filtered data has 2 (of 3 customers)")


def test_discounting_by_hand():
    # One customer, two months. Monthly rate d = 1.1^(1/12) - 1 = 0.00797414.
    # clv = E1 * s / (1+d) + (E2 - E1) * s / (1+d)^2 with E_m the cumulative expected purchases.
    bgnbd = BGNBDFit(0.243, 4.414, 0.793, 2.426, 0.0, 1)
    gamma_gamma = GammaGammaFit(6.25, 3.74, 15.44, 0.0, 1)
    inputs = inputs_frame([("Z", 2, 30.43, 38.86, 22.35, "weeks")])
    e1, e2 = bgnbd_expected_purchases(bgnbd, np.array([1, 2]) * DAYS_PER_MONTH / 7, 2, 30.43, 38.86)
    spend = 24.663714  # (15.44 + 2 * 22.35) * 6.25 / (6.25 * 2 + 2.74)
    d = 1.1 ** (1 / 12) - 1
    frame = predictive_frame(inputs, bgnbd, gamma_gamma, horizon_months=2)
    assert frame.loc[0, "expected_purchases"] == pytest.approx(e2)
    assert frame.loc[0, "expected_spend"] == pytest.approx(spend, abs=1e-5)
    assert frame.loc[0, "clv"] == pytest.approx(e1 * spend / (1 + d) + (e2 - e1) * spend / (1 + d) ** 2)


# --- CDNOW rebuilt as order lines: the whole path from SQL to the published estimates -------

AS_OF = date(1997, 10, 1)


@pytest.fixture(scope="module")
def cdnow_db():
    """The CDNOW calibration sample as orders: T and t_x are whole days / 7 in the published file
    (38.86 = 272/7), so the days are recovered exactly; each repeat purchase is worth zbar.
    The calibration period ends on 1997-09-30 (T = 38.86 for a first purchase on 01-01), so the
    first unobserved day, as-of, is 1997-10-01."""
    from ingest.db import connect_engine
    from ingest.schema import create_tables
    from metrics.marts import reset as reset_order_facts

    path = importlib.metadata.distribution("lifetimes").locate_file(
        "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv")
    summary = pd.read_csv(path)
    rows = []
    for customer in summary.itertuples(index=False):
        first = AS_OF - timedelta(days=1 + round(customer.T * 7))
        last_day = round(customer.t_x * 7)
        days = [0, *range(1, int(customer.x)), last_day] if customer.x > 0 else [0]
        for k, day in enumerate(days):
            rows.append((f"{customer.ID}-{k}", first + timedelta(days=day), str(customer.ID),
                         10.0 if k == 0 else customer.zbar, "rep1" if customer.ID % 2 else "rep2"))
    lines = pd.DataFrame(rows, columns=["order_id", "ordered_at", "customer_id", "line_amount", "owner"])
    lines["ordered_at"] = pd.to_datetime(lines["ordered_at"])
    connection = connect_engine(":memory:")
    create_tables(connection)
    reset_order_facts(connection)
    connection.register("cdnow_lines", lines)
    connection.execute(
        "insert into order_lines__base (dataset_id, source_row, order_id, ordered_at, customer_id, "
        "line_amount, owner) select 1, row_number() over (order by order_id), order_id, ordered_at, "
        "customer_id, line_amount, owner from cdnow_lines")
    yield connection, summary
    connection.close()


def test_cdnow_inputs_reproduce_the_published_summary(cdnow_db):
    connection, summary = cdnow_db
    inputs = clv_inputs(connection, Filters(), as_of=AS_OF).set_index("customer_id")
    published = summary.assign(customer_id=summary["ID"].astype(str)).set_index("customer_id")
    inputs = inputs.loc[published.index]
    assert (inputs["frequency"].to_numpy() == published["x"].to_numpy()).all()
    assert np.abs(inputs["recency"] - published["t_x"]).max() <= 0.005
    assert np.abs(inputs["T"] - published["T"]).max() <= 0.005
    assert np.abs(inputs["monetary_value"] - published["zbar"]).max() <= 0.005


def test_cdnow_model_matches_published_estimates(cdnow_db):
    connection, _ = cdnow_db
    model = clv_model(connection, Filters(), as_of=AS_OF).set_index("parameter")
    assert model.loc[["r", "alpha", "a", "b"], "value"].tolist() == pytest.approx(
        [0.243, 4.414, 0.793, 2.426], abs=0.001)
    assert model.loc[["p", "q"], "value"].tolist() == pytest.approx([6.25, 3.74], abs=0.01)
    assert model.loc["gamma", "value"] == pytest.approx(15.44, rel=0.01)
    assert model.loc["alpha", "unit"] == "weeks"
    assert model.loc["gamma_gamma_customers", "value"] == 946


def test_cdnow_predictive_invariants(cdnow_db):
    connection, _ = cdnow_db
    year = predictive_clv(connection, Filters(), as_of=AS_OF)
    two_years = predictive_clv(connection, Filters(), as_of=AS_OF, horizon_months=24)
    undiscounted = predictive_clv(connection, Filters(), as_of=AS_OF, annual_discount_rate=0.0)
    assert len(year) == 2357 and year["customer_id"].is_unique
    assert year["p_alive"].between(0, 1).all() and (year["expected_purchases"] >= 0).all()
    assert year["clv"].is_monotonic_decreasing
    by_id = [f.set_index("customer_id").loc[year["customer_id"]] for f in (two_years, undiscounted)]
    assert (by_id[0]["clv"].to_numpy() > year["clv"].to_numpy()).all()
    # Without discounting, CLV is expected purchases times expected spend exactly.
    assert by_id[1]["clv"].to_numpy() == pytest.approx(
        (by_id[1]["expected_purchases"] * by_id[1]["expected_spend"]).to_numpy())
    assert (by_id[1]["clv"].to_numpy() >= year["clv"].to_numpy()).all()


def test_cdnow_owner_scope_fits_on_the_reps_customers(cdnow_db):
    connection, summary = cdnow_db
    frame = predictive_clv(connection, Filters(owner_scope=("rep1",)), as_of=AS_OF)
    assert sorted(frame["customer_id"]) == sorted(str(i) for i in summary["ID"] if i % 2)
    # rep1 holds the odd ids of 1..2357: (2357 + 1) / 2 = 1179 customers.
    model = clv_model(connection, Filters(owner_scope=("rep1",)), as_of=AS_OF).set_index("parameter")
    assert model.loc["bgnbd_customers", "value"] == 1179
