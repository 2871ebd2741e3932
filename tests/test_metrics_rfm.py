"""RFM scores and segments against values worked out by hand."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from fixture_rows import insert

from metrics.filters import Filters, Params
from metrics.rfm import (
    DEFAULT_SEGMENT_ACTIONS,
    RFM_COLUMNS,
    SEGMENT_COLUMNS,
    rfm,
    rfm_segments,
    segment_cells,
    segment_members_sql,
)

ANN = {"c1", "c2", "c3"}


def sales(customer, *dated_amounts):
    owner = "ann" if customer in ANN else "bob"
    return [{"order_id": f"{customer}-{day}", "ordered_at": f"{day} 08:00:00",
             "customer_id": customer, "line_amount": amount, "owner": owner}
            for day, amount in dated_amounts]


@pytest.fixture
def shop(con):
    insert(con, "order_lines", [
        *sales("c1", ("2024-03-01", 100), ("2024-04-01", 100), ("2024-05-01", 100),
               ("2024-06-30", 100)),
        *sales("c2", ("2024-05-01", 50), ("2024-06-01", 100), ("2024-06-21", 200)),
        *sales("c3", ("2024-06-21", 60)),
        *sales("c4", ("2024-03-02", 100), ("2024-04-02", 100)),
        *sales("c5", ("2024-01-03", 40)),
        *sales("c6", ("2023-09-01", 500), ("2023-10-01", 500), ("2023-11-01", 500),
               ("2023-12-01", 500), ("2024-01-03", 500)),
        *sales("c7", ("2024-05-01", 30), ("2024-05-02", 30)),
        *sales("c1", ("2024-06-15", -50)),  # a return: neither frequency nor monetary
        *sales(None, ("2024-07-05", 999)),  # anonymous: not a customer, does not move as-of
    ])
    return con


# As-of = day after the last customer sale = 2024-07-01. Seven customers, so
# score = least(5, 1 + floor(5 * (rank - 1) / 6)): rank 1 -> 1, 2 -> 1, 3 -> 2, 4 -> 3,
# 5 -> 4, 6 -> 5, 7 -> 5.
# Recency desc: 180 (c5, c6) rank 1; 90 (c4) 3; 60 (c7) 4; 10 (c2, c3) 5; 1 (c1) 7.
# Frequency asc: 1 (c3, c5) rank 1; 2 (c4, c7) 3; 3 (c2) 5; 4 (c1) 6; 5 (c6) 7.
# Monetary asc: 40 (c5) 1; 60 (c3, c7) 2; 200 (c4) 4; 350 (c2) 5; 400 (c1) 6; 2500 (c6) 7.
ALL_ROWS = [
    ["c1", 1, 4, 400, 5, 5, 5, "Champions"],
    ["c2", 10, 3, 350, 4, 4, 4, "Loyal"],
    ["c3", 10, 1, 60, 4, 1, 1, "Promising"],
    ["c4", 90, 2, 200, 2, 2, 3, "Hibernating"],
    ["c5", 180, 1, 40, 1, 1, 1, "Hibernating"],
    ["c6", 180, 5, 2500, 1, 5, 5, "Can't Lose Them"],
    ["c7", 60, 2, 60, 3, 2, 1, "About to Sleep"],
]


def expected(rows, columns=RFM_COLUMNS):
    return pd.DataFrame(rows, columns=columns)


def assert_frame(got, want):
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want, check_dtype=False, atol=0.005)


@pytest.mark.parametrize("as_of", [None, date(2024, 7, 1)], ids=["default-as-of", "given-as-of"])
def test_scores_and_segments(shop, as_of):
    assert_frame(rfm(shop, Filters(), as_of=as_of), expected(ALL_ROWS))


def test_sales_on_or_after_as_of_do_not_count(shop):
    # As-of Jun 22: c1's Jun 30 sale is out -> last sale May 1 (52 days), 3 sales, 300.
    got = rfm(shop, Filters(), as_of=date(2024, 6, 22)).set_index("customer_id")
    assert got.loc["c1", ["recency_days", "frequency", "monetary"]].tolist() == [52, 3, 300]


def test_date_filter(shop):
    # June only, as-of Jul 1: c1 (1 day, 1 sale, 100), c2 (10, 2, 300), c3 (10, 1, 60).
    # Three customers: rank 1 -> 1, 2 -> 1 + floor(2.5) = 3, 3 -> 5.
    got = rfm(shop, Filters(start_date=date(2024, 6, 1), end_date=date(2024, 6, 30)))
    assert_frame(got, expected([
        ["c1", 1, 1, 100, 5, 1, 3, "New"],
        ["c2", 10, 2, 300, 1, 5, 5, "Can't Lose Them"],
        ["c3", 10, 1, 60, 1, 1, 1, "Hibernating"],
    ]))


def test_owner_scope(shop):
    # ann: c1 (1, 4, 400), c2 (10, 3, 350), c3 (10, 1, 60); ranks as in the date filter test.
    got = rfm(shop, Filters(owner_scope=("ann",)))
    assert_frame(got, expected([
        ["c1", 1, 4, 400, 5, 5, 5, "Champions"],
        ["c2", 10, 3, 350, 1, 3, 3, "At Risk"],
        ["c3", 10, 1, 60, 1, 1, 1, "Hibernating"],
    ]))


def test_segment_filter_keeps_scores_among_all_customers(shop):
    got = rfm(shop, Filters(segments=("Hibernating",)))
    assert_frame(got, expected([row for row in ALL_ROWS if row[-1] == "Hibernating"]))


def test_segment_table(shop):
    # Hibernating: c4 + c5 -> revenue 240, mean recency (90 + 180) / 2, frequency 1.5, M 120.
    rows = [
        ["Champions", 1, 1 / 7, 400, 1, 4, 400],
        ["Loyal", 1, 1 / 7, 350, 10, 3, 350],
        ["Promising", 1, 1 / 7, 60, 10, 1, 60],
        ["About to Sleep", 1, 1 / 7, 60, 60, 2, 60],
        ["Can't Lose Them", 1, 1 / 7, 2500, 180, 5, 2500],
        ["Hibernating", 2, 2 / 7, 240, 135, 1.5, 120],
    ]
    want = expected([[*r, DEFAULT_SEGMENT_ACTIONS[r[0]]] for r in rows], SEGMENT_COLUMNS)
    got = rfm_segments(shop, Filters())
    assert_frame(got, want)
    assert got["customers"].sum() == len(rfm(shop, Filters()))


def test_segment_table_owner_scope(shop):
    # ann's customers as in test_owner_scope: c1 Champions, c2 At Risk, c3 Hibernating.
    rows = [["Champions", 1, 1 / 3, 400, 1, 4, 400],
            ["At Risk", 1, 1 / 3, 350, 10, 3, 350],
            ["Hibernating", 1, 1 / 3, 60, 10, 1, 60]]
    want = expected([[*r, DEFAULT_SEGMENT_ACTIONS[r[0]]] for r in rows], SEGMENT_COLUMNS)
    assert_frame(rfm_segments(shop, Filters(owner_scope=("ann",))), want)


def test_segment_table_with_segment_filter_keeps_shares_of_everyone(shop):
    got = rfm_segments(shop, Filters(segments=("Hibernating", "Loyal")))
    assert list(got["segment"]) == ["Loyal", "Hibernating"]
    assert list(got["share"]) == pytest.approx([1 / 7, 2 / 7])


def test_custom_segment_map_and_unmapped_cells(shop):
    # The first matching pattern wins; cells no pattern names fall in "Other".
    custom = {r"[4-5][4-5]": "Top", r"1.": "Lapsed"}
    got = rfm(shop, Filters(), segment_map=custom)
    assert dict(zip(got["customer_id"], got["segment"], strict=True)) == {
        "c1": "Top", "c2": "Top", "c3": "Other", "c4": "Other", "c5": "Lapsed",
        "c6": "Lapsed", "c7": "Other"}
    table = rfm_segments(shop, Filters(), segment_map=custom, actions={"Top": "Thank them."})
    assert list(table["segment"]) == ["Top", "Lapsed", "Other"]
    assert table["action"].iloc[0] == "Thank them."
    assert table["action"].iloc[1:].isna().all()


def test_segment_names_are_bound_not_formatted(shop):
    hostile = {r"..": "x' or '1'='1"}
    assert set(rfm(shop, Filters(), segment_map=hostile)["segment"]) == {"x' or '1'='1"}


def test_default_map_covers_every_cell_once():
    cells = segment_cells()
    assert len(cells) == 25
    assert "Other" not in cells.values()
    assert cells[55] == "Champions" and cells[33] == "Need Attention" and cells[15] == "Can't Lose Them"


def test_segment_members_sql(shop):
    params = Params()
    got = shop.execute(f"select * from ({segment_members_sql(Filters(), params)}) s "
                       "order by customer_id", params).df()
    assert list(got.columns) == ["customer_id", "segment"]
    assert got.values.tolist() == [[r[0], r[-1]] for r in ALL_ROWS]


def test_single_customer_scores_one(con):
    insert(con, "order_lines", sales("c1", ("2024-01-01", 10)))
    assert rfm(con, Filters())[["r_score", "f_score", "m_score"]].values.tolist() == [[1, 1, 1]]


def test_empty_tables_give_empty_frames(con):
    for got, columns in ((rfm(con, Filters()), RFM_COLUMNS),
                         (rfm_segments(con, Filters()), SEGMENT_COLUMNS)):
        assert got.empty
        assert list(got.columns) == columns
