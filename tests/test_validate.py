"""validate(): unusable rows, warnings, counts and sentences, worked out by hand."""

from __future__ import annotations

import pytest
from store_fixtures import make_stage

from ingest.mapping import Mapping
from ingest.validate import MAX_LISTED, PROBLEM_COLUMNS, validate

ORDER_HEADERS = ["Order", "Date", "SKU", "Qty", "Price", "Amount", "Cust"]
ORDER_MAPPING = Mapping("order_lines", {
    "order_id": "Order", "ordered_at": "Date", "product_id": "SKU", "quantity": "Qty",
    "unit_price": "Price", "line_amount": "Amount", "customer_id": "Cust"})
ORDER_ROWS = [
    ("A1", "2024-01-05", "P1", "2", "10", "20", "C1"),         # fine
    ("A1", "2024-01-05", "P2", "x", "5", "5", "C1"),           # optional number unreadable
    ("A2", None, "P1", "1", "10", "10", "C2"),                 # required date empty
    ("A3", "not a date", "P1", "1", "10", None, "C2"),         # date unreadable, amount empty
    ("R1", "2024-02-01", "P1", "-1", "10", "-10", "C1"),       # a return
    ("A4", "2999-01-01", "P3", "1", "7.5", "7.5", None),       # future; anonymous is fine
]


def record(row, column, value, reason, severity, file="orders.csv"):
    return {"file": file, "row": row, "column": column, "value": value, "reason": reason,
            "severity": severity}


@pytest.fixture
def orders(con):
    make_stage(con, "st", ORDER_HEADERS, ORDER_ROWS)
    return validate(con, "st", ORDER_MAPPING, "orders.csv")


def test_order_problems_listed_errors_first(orders):
    assert orders.problems.to_dict("records") == [
        record(3, "Date", None, "is empty", "error"),
        record(4, "Date", "not a date", "is not a date", "error"),
        record(4, "Amount", None, "is empty", "error"),
        record(2, "Qty", "x", "is not a number; left empty", "warning"),
        record(6, "Date", "2999-01-01", "lies in the future", "warning"),
    ]


def test_order_counts(orders):
    assert (orders.rows, orders.valid_rows, orders.rejected_rows) == (6, 4, 2)
    assert orders.counts == {
        "rows_with_problems": 2, "missing_ids": 0, "missing_values": 2,
        "unparseable_dates": 1, "unparseable_numbers": 1, "unparseable_other": 0,
        "unparseable_optional": 1, "duplicate_keys": 0, "returns": 1, "future_dates": 1,
        "problems": 5}


def test_order_summary_sentences(orders):
    assert orders.summary() == [
        "Read 6 rows from orders.csv; 4 can be loaded.",
        ("2 rows cannot be used because a required value is empty or unreadable. "
         "First: row 3, column 'Date' is empty."),
        "1 optional value could not be read and will be left empty.",
        "1 row is a return or refund (negative quantity or amount).",
        "1 date lies in the future.",
        "Row numbers count data rows; the header row is not counted.",
    ]
    assert orders.first_error() == record(3, "Date", None, "is empty", "error")


def test_duplicate_keys_are_warnings_naming_the_first_row(con):
    make_stage(con, "st", ["Opportunity ID", "Stage"],
               [("D1", "Won"), ("D2", "Lost"), ("D1", "Won"), ("D3", "Won"), ("D2", "Won"),
                ("D1", "Lost")])
    found = validate(con, "st", Mapping("deals", {"deal_id": "Opportunity ID", "stage": "Stage"}),
                     "deals.csv")
    assert found.counts["duplicate_keys"] == 3  # 6 rows, 3 distinct ids
    assert found.valid_rows == 6
    assert found.problems.to_dict("records") == [
        record(3, "Opportunity ID", "D1", "repeats the key of row 1", "warning", "deals.csv"),
        record(5, "Opportunity ID", "D2", "repeats the key of row 2", "warning", "deals.csv"),
        record(6, "Opportunity ID", "D1", "repeats the key of row 1", "warning", "deals.csv"),
    ]
    assert found.summary()[1] == ("3 rows repeat the key of an earlier row in the file; "
                                  "all are kept.")


def test_composite_key_duplicates(con):
    make_stage(con, "st", ["Rep", "Month", "Quota"],
               [("Ann", "2024-05-01", "100"), ("Ann", "2024-06-01", "100"),
                ("Bob", "2024-05-01", "90"), ("Ann", "2024-05-01", "120")])
    mapping = Mapping("targets", {"owner": "Rep", "period_start": "Month", "target_amount": "Quota"})
    found = validate(con, "st", mapping, "t.csv")
    assert found.counts["duplicate_keys"] == 1
    assert found.problems.to_dict("records") == [
        record(4, "Rep + Month", "Ann / 2024-05-01", "repeats the key of row 1", "warning", "t.csv")]


def test_order_lines_have_no_in_file_key_check(con):
    # Two lines of one order with the same product are legitimate.
    make_stage(con, "st", ORDER_HEADERS, [ORDER_ROWS[0], ORDER_ROWS[0]])
    found = validate(con, "st", ORDER_MAPPING, "orders.csv")
    assert found.counts["duplicate_keys"] == 0
    assert found.problems.empty


def test_clean_file(con):
    make_stage(con, "st", ORDER_HEADERS, [ORDER_ROWS[0]])
    found = validate(con, "st", ORDER_MAPPING, "orders.csv")
    assert (found.rows, found.valid_rows, found.counts["problems"]) == (1, 1, 0)
    assert list(found.problems.columns) == PROBLEM_COLUMNS and found.problems.empty
    assert found.first_error() is None
    assert found.summary() == ["Read 1 row from orders.csv; 1 can be loaded."]


def test_unreadable_bool_and_derived_required_column(con):
    # line_amount is worked out from quantity x unit price; it fails where quantity is unreadable.
    make_stage(con, "st", ["Date", "Qty", "Price"],
               [("2024-01-01", "2", "3"), ("2024-01-01", "two", "3")])
    mapping = Mapping("order_lines", {"ordered_at": "Date", "quantity": "Qty", "unit_price": "Price"})
    found = validate(con, "st", mapping, "o.csv")
    assert found.problems.to_dict("records") == [
        record(2, "line_amount", None,
               "is empty and could not be worked out from the other columns", "error", "o.csv"),
        record(2, "Qty", "two", "is not a number; left empty", "warning", "o.csv"),
    ]
    assert found.counts["missing_values"] == 1 and found.counts["unparseable_numbers"] == 1

    make_stage(con, "st2", ["Id", "Stage", "Won"], [("D1", "Closed", "maybe"), ("D2", "x", "true")])
    deals = validate(con, "st2", Mapping("deals", {"deal_id": "Id", "stage": "Stage", "is_won": "Won"}),
                     "d.csv")
    assert deals.counts["unparseable_other"] == 1
    assert deals.problems.to_dict("records") == [
        record(1, "Won", "maybe", "is not yes/no (true/false); left empty", "warning", "d.csv")]


def test_listing_is_capped_but_counts_are_complete(con):
    con.execute('create temp table st as select range + 1 as source_row, \'D\' || range as "Id", '
                'cast(null as varchar) as "Stage" from range(1500)')
    found = validate(con, "st", Mapping("deals", {"deal_id": "Id", "stage": "Stage"}), "big.csv")
    assert (found.rows, found.valid_rows, found.counts["rows_with_problems"]) == (1500, 0, 1500)
    assert found.counts["problems"] == 1500
    assert len(found.problems) == MAX_LISTED
    assert found.problems["row"].tolist() == list(range(1, MAX_LISTED + 1))


def test_hostile_header_is_reported_verbatim(con):
    header = 'a"; DROP TABLE x; --'
    make_stage(con, "st", ["Id", header], [("D1", None)])
    found = validate(con, "st", Mapping("deals", {"deal_id": "Id", "stage": header}), "h.csv")
    assert found.problems.to_dict("records") == [record(1, header, None, "is empty", "error", "h.csv")]


def test_long_values_are_cut(con):
    make_stage(con, "st", ["Id", "Stage", "Amount"], [("D1", "Won", "9" * 150 + "x" * 150)])
    found = validate(con, "st", Mapping("deals", {"deal_id": "Id", "stage": "Stage",
                                                  "deal_amount": "Amount"}), "l.csv")
    assert found.problems["value"].tolist() == ["9" * 150 + "x" * 50]
