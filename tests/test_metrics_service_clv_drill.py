"""The tickets behind a Service bar (paged), whether service data exists, and the CLV views of
the Customers page (one customer's historical value; the predictive report from one fit)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_clv import HISTORICAL, HISTORICAL_COLUMNS
from test_metrics_clv import shop as clv_shop  # noqa: F401  (a fixture)
from test_metrics_service import CUSTOMERS, TICKETS

from metrics.clv import clv_model, predictive_clv
from metrics.clv_models import NotEnoughData
from metrics.clv_views import TOP_COLUMNS, TOTAL_COLUMNS, clv_report, customer_value
from metrics.filters import Filters
from metrics.service import tickets_summary
from metrics.service_drill import TICKET_LIST_COLUMNS, has_service_data, ticket_list

T = pd.Timestamp
NAN = float("nan")


@pytest.fixture
def desk(con):
    insert(con, "customers", CUSTOMERS)
    insert(con, "tickets", TICKETS)
    return con


# Newest first: T5 (02-10), T4 (02-01), T3 (01-05), T2 (01-02), T1 (01-01).
ROWS = {
    "T1": ["T1", T("2024-01-01 09:00"), "C1", "Acme", "Complaint", None, None, "ann", "North",
           4.0, 5.0, True],
    "T2": ["T2", T("2024-01-02 10:00"), "C1", "Acme", "question", None, None, "ann", "North",
           24.0, 3.0, False],
    "T3": ["T3", T("2024-01-05 08:00"), "C2", "Globex", "Product complaint", None, None, "bob",
           "South", NAN, NAN, True],
    "T4": ["T4", T("2024-02-01 00:00"), "C2", "Globex", "Return request", None, None, "bob",
           "East", 2.0, 4.0, False],
    # C3 is not in the customers table; resolved before it was opened: no resolution time.
    "T5": ["T5", T("2024-02-10 00:00"), "C3", None, "投诉", None, None, "carl", None, NAN, 1.0,
           True],
}


@pytest.mark.parametrize("filters, kwargs, ids, total", [
    (Filters(), {}, ["T5", "T4", "T3", "T2", "T1"], 5),
    (Filters(), {"by": "ticket_type", "value": "Complaint"}, ["T1"], 1),
    (Filters(), {"by": "owner", "value": "bob"}, ["T4", "T3"], 2),
    (Filters(), {"by": "region", "value": "(not set)"}, ["T5"], 1),
    (Filters(), {"limit": 2, "offset": 1}, ["T4", "T3"], 5),
    (Filters(), {"offset": 5}, [], 0),
    (Filters(owner_scope=("ann",)), {}, ["T2", "T1"], 2),
    (Filters(start_date=date(2024, 1, 1), end_date=date(2024, 1, 31)), {"by": "owner",
                                                                        "value": "bob"}, ["T3"], 1),
    (Filters(), {"by": "owner", "value": "bob' or '1'='1"}, [], 0),
], ids=["all", "type", "owner", "no-region", "page", "past-the-end", "rep-scope", "january",
        "hostile-value"])
def test_ticket_list(desk, filters, kwargs, ids, total):
    got = ticket_list(desk, filters, **kwargs)
    want = pd.DataFrame([ROWS[i] + [total] for i in ids], columns=TICKET_LIST_COLUMNS)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.parametrize("by", ["ticket_type", "owner", "region", "priority", "channel",
                                "status"])
def test_ticket_list_counts_equal_the_summary(desk, by):
    summary = tickets_summary(desk, Filters(), by=by)
    for value, tickets in zip(summary[by], summary["tickets"], strict=True):
        assert len(ticket_list(desk, Filters(), by=by, value=value, limit=100)) == tickets


@pytest.mark.parametrize("kwargs", [{"by": "subject", "value": "x"}, {"limit": 0},
                                    {"limit": 5000}, {"offset": -2}],
                         ids=["unknown-group", "limit-0", "limit-5000", "offset"])
def test_ticket_list_refuses_bad_arguments(desk, kwargs):
    with pytest.raises(ValueError):
        ticket_list(desk, Filters(), **kwargs)


def test_has_service_data(con):
    assert has_service_data(con) is False
    insert(con, "activities", [{"activity_id": "A1", "activity_type": "call",
                                "occurred_at": T("2024-01-01 10:00")}])
    assert has_service_data(con) is True


@pytest.mark.parametrize("case", HISTORICAL.keys())
def test_customer_value_is_that_customers_historical_row(clv_shop, case):  # noqa: F811
    filters, rows = HISTORICAL[case]
    for row in rows:
        got = customer_value(clv_shop, row[0], filters)
        want = pd.DataFrame([row], columns=HISTORICAL_COLUMNS).astype(
            {"cost": "float64", "margin": "float64"})
        pd.testing.assert_frame_equal(got, want, check_dtype=False)


@pytest.mark.parametrize("customer_id, filters", [
    ("Z", Filters()), ("B", Filters(owner_scope=("ann",))), ("A' or '1'='1", Filters()),
], ids=["unknown", "other-rep", "hostile-id"])
def test_customer_value_empty(clv_shop, customer_id, filters):  # noqa: F811
    got = customer_value(clv_shop, customer_id, filters)
    assert got.empty and list(got.columns) == HISTORICAL_COLUMNS


@pytest.fixture
def repeat_buyers(con):
    # 60 customers who buy at random (seeded) rates and drop out at random, as BG/NBD assumes:
    # enough repeat buyers for a fit with finite parameters.
    rng = np.random.default_rng(4)
    lines = []
    for i in range(60):
        rate, dropout, day, j = rng.gamma(1.0, 1 / 10), rng.beta(2, 5), int(rng.integers(0, 60)), 0
        while day < 365:
            lines.append({"order_id": f"o{i}-{j}", "customer_id": f"k{i:02d}",
                          "ordered_at": f"{date(2024, 1, 1) + timedelta(days=day)} 10:00:00",
                          "line_amount": round(float(rng.gamma(4, 10)), 2)})
            j += 1
            if rng.random() < dropout:
                break
            day += 1 + int(rng.exponential(1 / rate))
    insert(con, "order_lines", lines)
    insert(con, "customers", [{"customer_id": c, "customer_name": f"名字 {c}"}
                              for c in ("k01", "k02", "k03")], dataset_id=2)
    return con


def test_clv_report_equals_predictive_clv_and_model(repeat_buyers):
    report = clv_report(repeat_buyers, Filters(), top=5)
    predicted = predictive_clv(repeat_buyers, Filters())
    assert list(report["top"].columns) == TOP_COLUMNS
    assert list(report["totals"].columns) == TOTAL_COLUMNS
    best = predicted.head(5)
    assert report["top"]["customer_id"].tolist() == best["customer_id"].tolist()
    assert report["top"]["clv"].tolist() == pytest.approx(best["clv"].tolist())
    totals = report["totals"].iloc[0]
    assert totals["customers"] == 60
    assert totals["total_clv"] == pytest.approx(predicted["clv"].sum())
    assert totals["mean_p_alive"] == pytest.approx(predicted["p_alive"].mean())
    pd.testing.assert_frame_equal(report["model"], clv_model(repeat_buyers, Filters()))
    assert np.isfinite(report["top"]["clv"]).all()
    names = dict(zip(report["top"]["customer_id"], report["top"]["customer_name"], strict=True))
    for customer_id, name in names.items():
        if customer_id in ("k01", "k02", "k03"):
            assert name == f"名字 {customer_id}"
        else:
            assert pd.isna(name)


def test_clv_report_refuses_a_fit_without_finite_values(repeat_buyers, monkeypatch):
    import metrics.clv_views as views

    real = views.predictive_frame

    def broken(*args, **kwargs):
        return real(*args, **kwargs).assign(clv=float("nan"))

    monkeypatch.setattr(views, "predictive_frame", broken)
    with pytest.raises(NotEnoughData, match="did not settle"):
        clv_report(repeat_buyers, Filters())


def test_clv_report_too_little_repeat_data(clv_shop):  # noqa: F811
    with pytest.raises(NotEnoughData):
        clv_report(clv_shop, Filters())


def test_clv_report_without_customers(con):
    report = clv_report(con, Filters())
    assert all(report[k].empty for k in ("top", "totals", "model"))
