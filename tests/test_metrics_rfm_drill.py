"""The RFM grid, the customers of a segment or a cell (paged) and one customer's RFM row."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert
from test_metrics_rfm import ALL_ROWS, shop  # noqa: F401  (shop is a fixture)

from metrics.filters import Filters
from metrics.rfm import RFM_COLUMNS, rfm
from metrics.rfm_drill import (
    CUSTOMER_RFM_COLUMNS,
    GRID_COLUMNS,
    MEMBER_COLUMNS,
    customer_rfm,
    rfm_customers,
    rfm_grid,
)

NAN = float("nan")


@pytest.fixture
def named(shop):  # noqa: F811
    # c6 is named in the customers table; c4 only on an order line. That line's order totals 0,
    # so it is no sale and the scores of test_metrics_rfm stay as they are.
    insert(shop, "customers", [{"customer_id": "c6", "customer_name": "Six & Co 六号"}],
           dataset_id=2)
    insert(shop, "order_lines", [{"order_id": "zero", "ordered_at": "2024-04-02 09:00:00",
                                  "customer_id": "c4", "customer_name": "Four Inc",
                                  "line_amount": 0, "owner": "bob"}], dataset_id=3)
    return shop


def frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


def assert_frame(got, want):
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False, atol=0.005)


# Cells of the seven customers of test_metrics_rfm (R, F): c1 (5, 5), c2 (4, 4), c3 (4, 1),
# c4 (2, 2), c5 (1, 1), c6 (1, 5), c7 (3, 2). Monetary: 400, 350, 60, 200, 40, 2500, 60.
FILLED = {(5, 5): 400, (4, 4): 350, (4, 1): 60, (2, 2): 200, (1, 1): 40, (1, 5): 2500,
          (3, 2): 60}
# Cell names read off the segment table of docs/metrics/rfm.md.
NAMES = {(5, 1): "New", (5, 2): "Potential Loyalists", (5, 4): "Champions", (4, 1): "Promising",
         (4, 3): "Potential Loyalists", (4, 5): "Loyal", (3, 1): "About to Sleep",
         (3, 3): "Need Attention", (3, 4): "Loyal", (2, 3): "At Risk", (2, 5): "Can't Lose Them",
         (1, 2): "Hibernating"}


def test_grid_has_every_cell_in_reading_order(shop):  # noqa: F811
    grid = rfm_grid(shop, Filters())
    assert list(grid.columns) == GRID_COLUMNS
    cells = list(zip(grid["r_score"], grid["f_score"], strict=True))
    assert cells == [(r, f) for r in (5, 4, 3, 2, 1) for f in (1, 2, 3, 4, 5)]
    by_cell = grid.set_index(["r_score", "f_score"])
    for cell, name in NAMES.items():
        assert by_cell.loc[cell, "segment"] == name
    for cell in cells:
        monetary = FILLED.get(cell)
        row = by_cell.loc[cell]
        assert row["customers"] == (1 if monetary else 0)
        assert row["share"] == pytest.approx(1 / 7 if monetary else 0.0)
        assert row["revenue"] == pytest.approx(monetary or 0.0)
        if monetary:
            assert row["mean_monetary"] == pytest.approx(monetary)
        else:
            assert pd.isna(row["mean_monetary"])


def test_grid_adds_up_to_the_segment_table(shop):  # noqa: F811
    grid = rfm_grid(shop, Filters())
    assert grid["customers"].sum() == len(rfm(shop, Filters())) == 7
    assert grid.groupby("segment")["customers"].sum()["Hibernating"] == 2


def test_grid_with_segment_filter_keeps_shares_of_everyone(shop):  # noqa: F811
    grid = rfm_grid(shop, Filters(segments=("Hibernating",))).set_index(["r_score", "f_score"])
    assert grid["customers"].sum() == 2
    assert grid.loc[(2, 2), "share"] == pytest.approx(1 / 7)
    assert grid.loc[(5, 5), "customers"] == 0


def test_grid_on_empty_tables(con):
    grid = rfm_grid(con, Filters())
    assert len(grid) == 25 and grid["customers"].sum() == 0 and grid["share"].sum() == 0


def row(customer_id, name, net, rfm_row):
    # rfm_row is one row of ALL_ROWS: id, recency, frequency, monetary, r, f, m, segment.
    return [customer_id, name, *rfm_row[1:4], net, *rfm_row[4:]]


BY_ID = {r[0]: r for r in ALL_ROWS}


@pytest.mark.parametrize("kwargs, expected, total", [
    # Hibernating: c4 (200) before c5 (40); c4 is named only on its order line.
    ({"segment": "Hibernating"}, [row("c4", "Four Inc", 200, BY_ID["c4"]),
                                  row("c5", None, 40, BY_ID["c5"])], 2),
    ({"r_score": 1, "f_score": 5}, [row("c6", "Six & Co 六号", 2500, BY_ID["c6"])], 1),
    # c1 sold 400 and took back 50: net 350.
    ({"segment": "Champions", "r_score": 5}, [row("c1", None, 350, BY_ID["c1"])], 1),
    ({"segment": "Champions", "r_score": 4}, [], 0),
    ({"r_score": 3, "f_score": 3}, [], 0),
    # By monetary: c6 2500, c1 400, c2 350, c4 200, then c3 and c7 tie at 60 (by id), c5 40.
    ({"limit": 2, "offset": 3}, [row("c4", "Four Inc", 200, BY_ID["c4"]),
                                 row("c3", None, 60, BY_ID["c3"])], 7),
    ({"limit": 10, "offset": 6}, [row("c5", None, 40, BY_ID["c5"])], 7),
    ({"offset": 7}, [], 0),
    ({"segment": "x' or '1'='1"}, [], 0),
], ids=["segment", "cell", "segment-and-r", "segment-and-wrong-r", "empty-cell", "page-2",
        "last-page", "past-the-end", "hostile-segment"])
def test_customers_of_a_segment_or_cell(named, kwargs, expected, total):
    got = rfm_customers(named, Filters(), **kwargs)
    assert_frame(got, frame([r + [total] for r in expected], MEMBER_COLUMNS))


def test_customers_scoped_to_a_rep(named):
    # ann sees c1, c2, c3, scored among themselves (test_metrics_rfm.test_owner_scope).
    got = rfm_customers(named, Filters(owner_scope=("ann",)))
    assert_frame(got, frame([
        ["c1", None, 1, 4, 400, 350, 5, 5, 5, "Champions", 3],
        ["c2", None, 10, 3, 350, 350, 1, 3, 3, "At Risk", 3],
        ["c3", None, 10, 1, 60, 60, 1, 1, 1, "Hibernating", 3],
    ], MEMBER_COLUMNS))


def test_customers_honour_the_segment_filter(named):
    got = rfm_customers(named, Filters(segments=("Loyal",)))
    assert got["customer_id"].tolist() == ["c2"]
    assert rfm_customers(named, Filters(segments=("Loyal",)), segment="Champions").empty


def test_customers_before_as_of(named):
    # As-of Jun 22: c1's Jun 30 sale is out, and so is nothing else of c1's net: 300 - 50.
    got = rfm_customers(named, Filters(), as_of=date(2024, 6, 22)).set_index("customer_id")
    assert got.loc["c1", ["recency_days", "frequency", "monetary", "net_revenue"]].tolist() == [
        52, 3, 300, 250]


def test_every_member_listed_once_across_pages(named):
    pages = [rfm_customers(named, Filters(), limit=3, offset=o) for o in (0, 3, 6)]
    ids = [c for p in pages for c in p["customer_id"]]
    assert sorted(ids) == sorted(BY_ID) and len(ids) == len(set(ids))


@pytest.mark.parametrize("kwargs", [{"limit": 0}, {"limit": 1001}, {"offset": -1}, {"r_score": 6},
                                    {"f_score": 0}, {"r_score": 2.5}],
                         ids=["limit-0", "limit-1001", "negative-offset", "r-6", "f-0",
                              "r-fraction"])
def test_customers_refuse_bad_arguments(named, kwargs):
    with pytest.raises(ValueError):
        rfm_customers(named, Filters(), **kwargs)


def test_one_customer_row(shop):  # noqa: F811
    got = customer_rfm(shop, "c7", Filters())
    assert_frame(got, frame([["c7", date(2024, 7, 1), 60, 2, 60, 3, 2, 1, "About to Sleep"]],
                            CUSTOMER_RFM_COLUMNS))
    assert got[RFM_COLUMNS[1:]].values.tolist() == [BY_ID["c7"][1:]]


@pytest.mark.parametrize("customer_id, filters", [
    ("nobody", Filters()), ("c1", Filters(owner_scope=("bob",))), ("c1' or '1'='1", Filters()),
], ids=["unknown", "other-rep", "hostile-id"])
def test_one_customer_row_empty(shop, customer_id, filters):  # noqa: F811
    got = customer_rfm(shop, customer_id, filters)
    assert got.empty and list(got.columns) == CUSTOMER_RFM_COLUMNS
