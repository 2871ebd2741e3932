"""Two-pass parsing (ingest.plainpass): plain values first, the general parsers only where needed.

The oracle is the single pass (every column through ``values.parse_sql``): a load must store the
same rows and report the same problems either way, and hand-worked values pin what it stores.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from store_fixtures import write_csv

from ingest import plainpass, read
from ingest.load import load_path
from ingest.mapping import Mapping
from ingest.store import init_db

HEADERS = ["Order ID", "Order Date", "Customer ID", "SKU", "Quantity", "Unit Price", "Discount"]
# No line total: line_amount is derived from quantity, unit price and discount (and so must be
# worked out again wherever the second pass fixes one of them).
MAPPING = Mapping("order_lines", {
    "order_id": "Order ID", "ordered_at": "Order Date", "customer_id": "Customer ID",
    "product_id": "SKU", "quantity": "Quantity", "unit_price": "Unit Price",
    "discount_amount": "Discount"}, headers=HEADERS)

# The preview (20 rows) is plain; the rows after it hold what only the general parsers read.
PLAIN = [(f"SO-{i}", f"2024-01-{i + 1:02d} 10:00:00", f"C{i}", "SKU-1", "2", "10.50", "0")
         for i in range(20)]
LATER = [
    ("SO-20", "12/1/2010 8:26", "C20", "SKU-1", "3", "$1,234.50", "(10.00)"),
    ("SO-21", "2024年3月5日", "C21", "SKU-1", "1.0", "USD 12", "0"),
    ("SO-22", "2024-02-30", "C22", "SKU-1", "2", "N/A", "0"),
    ("SO-23", "infinity", "C23", "SKU-1", "2", "5", "0"),
    ("SO-24", "2024-03-05", "C24", "SKU-1", "", "7", ""),
    ("SO-25", "05.01.2024", "C25", "SKU-1", "1e1", "1 234,00 €", "5%"),
    ("SO-26", "2099-01-01", "C26", "SKU-1", "2", "3", "0"),
    ("SO-27", "2024-03-06", "C27", "SKU-1", "4", "2.5", "1"),
]


def _csv(tmp_path):
    return write_csv(tmp_path / "orders.csv", HEADERS, PLAIN + LATER)


def _xlsx(tmp_path):
    # Excel keeps the plain rows' numbers as numbers; the later rows' text stays text.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    for row in PLAIN:
        sheet.append([row[0], row[1], row[2], row[3], int(row[4]), float(row[5]), int(row[6])])
    for row in LATER:
        sheet.append(list(row))
    path = tmp_path / "orders.xlsx"
    book.save(path)
    return path


def _load(con, tmp_path, path, *, two_pass: bool, monkeypatch):
    init_db(con)
    with monkeypatch.context() as patch:
        if not two_pass:
            patch.setattr(plainpass, "plain_columns", lambda *a, **k: frozenset())
        [result] = load_path(con, path, mapping=MAPPING, mappings_dir=tmp_path / "maps")
    stored = con.execute("select * exclude (dataset_id) from order_lines "
                         "order by source_row").fetchdf()
    return stored, result.validation


@pytest.mark.parametrize("make", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_two_passes_store_what_one_pass_stores(tmp_path, monkeypatch, make):
    from ingest.db import connect_engine
    from ingest.schema import create_tables

    path = make(tmp_path)
    inspection = read.inspect(path)
    assert plainpass.plain_columns(MAPPING, inspection.preview) == {
        "ordered_at", "quantity", "unit_price", "discount_amount"}
    found = []
    for two_pass in (True, False):
        con = connect_engine()
        create_tables(con)
        try:
            found.append(_load(con, tmp_path, path, two_pass=two_pass, monkeypatch=monkeypatch))
        finally:
            con.close()
    (stored, checked), (oracle, oracle_checked) = found
    pd.testing.assert_frame_equal(stored, oracle)
    assert (checked.rows, checked.valid_rows, checked.counts) == (
        oracle_checked.rows, oracle_checked.valid_rows, oracle_checked.counts)
    pd.testing.assert_frame_equal(checked.problems, oracle_checked.problems)


def test_rows_after_the_preview_are_read_by_the_general_parsers(con, tmp_path, monkeypatch):
    stored, checked = _load(con, tmp_path, _csv(tmp_path), two_pass=True, monkeypatch=monkeypatch)
    by_order = stored.set_index("order_id")
    # 12/1/2010 with '/' reads month first; (10.00) is -10, so 3 x 1234.50 + 10 = 3713.50.
    row = by_order.loc["SO-20"]
    assert row["ordered_at"] == pd.Timestamp("2010-12-01 08:26")
    assert (row["quantity"], row["unit_price"], row["discount_amount"], row["line_amount"]) == (
        3, Decimal("1234.5000"), Decimal("-10.0000"), Decimal("3713.5000"))
    row = by_order.loc["SO-21"]
    assert row["ordered_at"] == pd.Timestamp("2024-03-05")
    assert (row["quantity"], row["unit_price"], row["line_amount"]) == (
        1, Decimal("12.0000"), Decimal("12.0000"))
    # Plain rows keep their first-pass values: 4 x 2.5 - 1 = 9.
    assert by_order.loc["SO-27", "line_amount"] == Decimal("9.0000")
    assert by_order.loc["SO-0", "line_amount"] == Decimal("21.0000")
    # 05.01.2024 with '.' reads day first; '1e1' is 10; '5%' is no amount (left empty): 10 x 1234.
    row = by_order.loc["SO-25"]
    assert row["ordered_at"] == pd.Timestamp("2024-01-05")
    assert (row["quantity"], row["unit_price"], row["line_amount"]) == (
        10, Decimal("1234.0000"), Decimal("12340.0000"))
    assert pd.isna(row["discount_amount"])
    # 2024-02-30 and 'infinity' are no dates in either pass, and a line without a quantity has
    # no amount: those three rows cannot be used.
    assert not {"SO-22", "SO-23", "SO-24"} & set(by_order.index)
    assert (checked.rows, checked.valid_rows) == (28, 25)


@pytest.mark.parametrize("values_, kind, chosen", [
    (["10.50", "-3", None, ""], "unit_price", True),
    (["10.50", "$5"], "unit_price", False),
    (["2024-01-02", "2024-01-02 10:00:00"], "ordered_at", True),
    (["2024-01-02", "12/1/2010"], "ordered_at", False),
], ids=["plain-money", "currency-money", "iso-dates", "us-date"])
def test_a_column_is_read_plain_only_when_its_preview_is(values_, kind, chosen):
    header = MAPPING.columns[kind]
    preview = pd.DataFrame({h: ["1"] * len(values_) for h in HEADERS})
    preview[header] = values_
    preview["Order Date"] = preview["Order Date"] if kind == "ordered_at" else "2024-01-02"
    assert (kind in plainpass.plain_columns(MAPPING, preview)) is chosen


def test_decimal_comma_columns_have_no_plain_reading():
    # With a decimal comma '1.234' is 1234: plain-looking text means something else there.
    mapping = Mapping("order_lines", dict(MAPPING.columns), headers=HEADERS,
                      options={"unit_price": {"decimal_comma": True}})
    preview = pd.DataFrame({h: ["1"] for h in HEADERS} | {"Order Date": ["2024-01-02"]})
    assert "unit_price" not in plainpass.plain_columns(mapping, preview)
    assert "quantity" in plainpass.plain_columns(mapping, preview)


def test_nothing_read_plain_needs_no_second_pass():
    assert plainpass.repair_sql(MAPPING, "t", frozenset()) is None


def test_a_clean_file_leaves_no_row_for_the_second_pass(con, tmp_path):
    # Every value plain: the check finds no row, so the general parsers are never bound.
    init_db(con)
    path = write_csv(tmp_path / "clean.csv", HEADERS, PLAIN)
    inspection = read.inspect(path)
    plain = plainpass.plain_columns(MAPPING, inspection.preview)
    from ingest.transform import parsed_shape

    read.stage(con, inspection, "staged", lambda trimmed: parsed_shape(
        MAPPING, spaces_trimmed=trimmed, plain_only=plain))
    repair = plainpass.repair_sql(MAPPING, "staged", plain)
    assert con.execute(f"select count(*) from staged where {repair.needed}").fetchall() == [(0,)]
    assert con.execute("select min(ordered_at), max(line_amount) from staged").fetchall() == [
        (dt.datetime(2024, 1, 1, 10, 0), Decimal("21.0000"))]
