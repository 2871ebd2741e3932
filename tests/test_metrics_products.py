"""Product ranking, Pareto share and ABC classes against values worked out by hand."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.filters import Filters
from metrics.sales import PRODUCT_COLUMNS, products


def line(order_id, product, amount, owner="bob", customer="c1", quantity=1):
    return {"order_id": order_id, "ordered_at": "2024-05-02 12:00:00", "customer_id": customer,
            "product_name": product, "line_amount": amount, "owner": owner, "quantity": quantity}


@pytest.fixture
def catalogue(con):
    # Net revenue: P1 500, P2 300, P3 100, P4 50, P5 50, P6 0 (sold 10, returned 10),
    # P7 -20 (only a return); positive total 1000. A line without a product is left out.
    insert(con, "order_lines", [
        line("o1", "P1", 300, owner="ann"),
        line("o2", "P1", 200, owner="ann", customer="c2"),
        line("o1", "P2", 300),
        line("o3", "P3", 100, quantity=2),
        line("o4", "P4", 50),
        line("o5", "P5", 50),
        line("o6", "P6", 10),
        line("o7", "P6", -10, quantity=-1),
        line("o8", "P7", -20, quantity=-1),
        line("o9", None, 999),
    ])
    return con


def expected(rows):
    return pd.DataFrame(rows, columns=PRODUCT_COLUMNS)


def assert_frame(got, want):
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False, atol=1e-9)


# Running share before each product: P1 0, P2 .5, P3 .8, P4 .9, P5 .95. A holds the products
# ranked above less than 80 % -> P1, P2 (P2 reaches exactly 80 % and is A); B below 95 %:
# P3, P4 (P4 reaches exactly 95 % and is B); P5 is C; P6 and P7 have no positive revenue: C.
DEFAULT_ROWS = [
    [1, "P1", 500, 0, 500, 2, 2, 0.5, 0.5, "A"],
    [2, "P2", 300, 0, 300, 1, 1, 0.3, 0.8, "A"],
    [3, "P3", 100, 0, 100, 1, 2, 0.1, 0.9, "B"],
    [4, "P4", 50, 0, 50, 1, 1, 0.05, 0.95, "B"],
    [5, "P5", 50, 0, 50, 1, 1, 0.05, 1.0, "C"],
    [6, "P6", 10, -10, 0, 1, 0, 0.0, 1.0, "C"],
    [7, "P7", 0, -20, -20, 0, -1, -0.02, 1.0, "C"],
]


def test_abc_boundaries_fall_to_the_product_that_reaches_them(catalogue):
    assert_frame(products(catalogue, Filters()), expected(DEFAULT_ROWS))


@pytest.mark.parametrize("thresholds, classes", [
    # (0.5, 0.9): P1 (before 0) A; P2 (before .5) B; P3 (before .8) B; P4 (before .9) C.
    pytest.param((Decimal("0.5"), Decimal("0.9")), list("ABBCCCC"), id="50-90"),
    # Floats are taken as their decimal text, so 0.8 is exactly 80 %.
    pytest.param((0.8, 0.95), list("AABBCCC"), id="floats"),
])
def test_thresholds_can_be_overridden(catalogue, thresholds, classes):
    assert list(products(catalogue, Filters(), abc_thresholds=thresholds)["abc_class"]) == classes


def test_owner_scope(catalogue):
    # ann sold only P1 (300 + 200 in two orders): all of her revenue, class A.
    assert_frame(products(catalogue, Filters(owner_scope=("ann",))),
                 expected([[1, "P1", 500, 0, 500, 2, 2, 1.0, 1.0, "A"]]))


def test_product_filter(catalogue):
    assert_frame(products(catalogue, Filters(products=("P3", "P7"))), expected([
        [1, "P3", 100, 0, 100, 1, 2, 1.0, 1.0, "A"],
        [2, "P7", 0, -20, -20, 0, -1, -0.2, 1.0, "C"],
    ]))


def test_shares_of_positive_products_sum_to_one(catalogue):
    got = products(catalogue, Filters())
    assert got.loc[got["net_revenue"] > 0, "share"].sum() == pytest.approx(1.0)
    assert got["cumulative_share"].is_monotonic_increasing


def test_empty_tables_give_an_empty_frame(con):
    got = products(con, Filters())
    assert got.empty
    assert list(got.columns) == PRODUCT_COLUMNS
