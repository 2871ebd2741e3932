"""KPIs against values worked out by hand from a tiny order book."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.filters import Filters
from metrics.kpis import KPI_COLUMNS, kpis

FEB = Filters(start_date=date(2024, 2, 1), end_date=date(2024, 2, 29))  # previous: Jan 3 - Jan 31


def line(order_id, day, customer, amount, product, owner, region=None):
    return {"order_id": order_id, "ordered_at": f"{day} 10:00:00", "customer_id": customer,
            "line_amount": amount, "product_name": product, "owner": owner, "region": region}


@pytest.fixture
def book(con):
    insert(con, "order_lines", [
        line("o1", "2024-01-10", "c1", 100, "A", "ann", "north"),
        line("o2", "2024-02-05", "c1", 60, "A", "ann", "north"),
        line("o2", "2024-02-05", "c1", 40, "B", "ann", "north"),  # o2 totals 100
        line("o3", "2024-02-10", "c2", 80, "B", "bob", "south"),
        line("o4", "2024-02-20", "c3", 50, "A", "ann", "north"),
        line("o5", "2024-02-25", "c1", -30, "A", "ann", "north"),  # a return
        line("o6", "2024-02-26", None, 20, "C", "bob", "south"),  # anonymous sale
        line("o7", "2024-02-27", "c2", 10, "C", "bob", "south"),
        line("o7", "2024-02-27", "c2", -10, "C", "bob", "south"),  # zero total: ignored
        line("o8", "2024-03-03", "c2", 70, "B", "bob", "south"),  # after February
        line("o9", "2024-02-28", "c3", 30, "A", "ann", "north"),
    ])
    return con


def as_dict(frame: pd.DataFrame) -> dict:
    return {row.metric: (row.value, row.previous_value, row.change, row.change_pct)
            for row in frame.itertuples()}


def check(frame: pd.DataFrame, expected: dict) -> None:
    assert list(frame.columns) == KPI_COLUMNS
    assert list(frame["metric"]) == list(expected)
    got = as_dict(frame)
    for metric, values in expected.items():
        assert got[metric] == pytest.approx(values, abs=0.005, nan_ok=True), metric


NAN = float("nan")


def test_february_beside_previous_period(book):
    # February sales: o2 100, o3 80, o4 50, o6 20, o9 30 -> gross 280, 5 sales; o5 returns -30.
    # Customers c1, c2, c3; c3 has two sales -> repeat 1/3; new: c2 (first Feb 10), c3 (Feb 20);
    # c1 first bought Jan 10. Previous period Jan 3-31: o1 100 by c1, new that period.
    check(kpis(book, FEB), {
        "gross_revenue": (280, 100, 180, 1.8),
        "net_revenue": (250, 100, 150, 1.5),
        "returns": (-30, 0, -30, NAN),  # no previous returns: no percentage
        "sales": (5, 1, 4, 4.0),
        "customers": (3, 1, 2, 2.0),
        "new_customers": (2, 1, 1, 1.0),
        "aov": (56, 100, -44, -0.44),  # 280 / 5
        "repeat_rate": (1 / 3, 0, 1 / 3, NAN),
    })


def test_owner_scope_sees_only_own_rows(book):
    # bob in February: o3 80 (c2), o6 20 (anonymous), o7 zero; January: nothing.
    check(kpis(book, Filters(start_date=FEB.start_date, end_date=FEB.end_date,
                             owner_scope=("bob",))), {
        "gross_revenue": (100, 0, 100, NAN),
        "net_revenue": (100, 0, 100, NAN),
        "returns": (0, 0, 0, NAN),
        "sales": (2, 0, 2, NAN),
        "customers": (1, 0, 1, NAN),
        "new_customers": (1, 0, 1, NAN),
        "aov": (50, NAN, NAN, NAN),
        "repeat_rate": (0, NAN, NAN, NAN),
    })


def test_new_customers_honour_non_date_filters(book):
    # Product B only: o2's B line 40 (c1), o3 80 (c2). c1's first ever *B* sale is Feb 5, so
    # under this filter both are new; in January nobody bought B.
    frame = kpis(book, Filters(start_date=FEB.start_date, end_date=FEB.end_date, products=("B",)))
    got = as_dict(frame)
    assert got["gross_revenue"][:2] == (120, 0)
    assert got["customers"][:2] == (2, 0)
    assert got["new_customers"][:2] == (2, 0)


def test_open_start_counts_every_customer_as_new_and_has_no_previous(book):
    # Up to Feb 29: gross 100 + 280 = 380 over 6 sales; c1 has o1 and o2, c3 has o4 and o9.
    frame = kpis(book, Filters(end_date=date(2024, 2, 29)))
    got = as_dict(frame)
    assert got["gross_revenue"][0] == pytest.approx(380)
    assert got["sales"][0] == 6
    assert got["customers"][0] == 3
    assert got["new_customers"][0] == 3
    assert got["repeat_rate"][0] == pytest.approx(2 / 3)
    assert frame["previous_value"].isna().all()
    assert frame["change"].isna().all()


def test_segment_filter_uses_rfm_of_the_period(book):
    # RFM over February (as-of Feb 29): recency c1 24, c2 19, c3 1; frequency 1, 1, 2.
    # R: c1 1, c2 3, c3 5; F: c1 1, c2 1, c3 5 -> only c3 is a Champion.
    # c3 in February: o4 50, o9 30. In January the only customer (c1) is Hibernating.
    frame = kpis(book, Filters(start_date=FEB.start_date, end_date=FEB.end_date,
                               segments=("Champions",)))
    got = as_dict(frame)
    assert got["gross_revenue"][:2] == (80, 0)
    assert got["returns"][0] == 0
    assert got["sales"][0] == 2
    assert got["new_customers"][0] == 1
    assert got["repeat_rate"][0] == 1


def test_net_is_gross_plus_returns(book):
    got = as_dict(kpis(book, FEB))
    assert got["net_revenue"][0] == pytest.approx(got["gross_revenue"][0] + got["returns"][0])


def test_empty_tables_give_an_empty_frame(con):
    frame = kpis(con, FEB)
    assert frame.empty
    assert list(frame.columns) == KPI_COLUMNS
