"""Staging that parses while it reads (read.stage with transform.parsed_shape), as loads use it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import openpyxl
import pyarrow as pa
import pytest

from ingest import db, excel, read, staging
from ingest.errors import InputError
from ingest.mapping import Mapping
from ingest.store import init_db, load
from ingest.transform import over_parsed, parsed_shape, plan_columns, select_sql

ORDERS = Mapping("order_lines", {"order_id": "Order", "ordered_at": "Date", "customer_name": "Customer",
                                 "quantity": "Qty", "unit_price": "Price"})
TYPED = ["order_id", "ordered_at", "customer_name", "quantity", "unit_price", "line_amount"]
RAW = ["ordered_at", "quantity", "unit_price"]  # the columns whose kept text is read back


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def raw_of(con, table, column, mapping=ORDERS):
    """SQL of the text kept for ``column`` (as validation reads it, through over_parsed)."""
    planned = over_parsed(plan_columns(mapping), set(columns_of(con, table)))
    return next(p.raw for p in planned if p.name == column)


def stage_parsed(con, inspection, mapping=ORDERS, table="p"):
    read.stage(con, inspection, table,
               lambda trimmed: parsed_shape(mapping, spaces_trimmed=trimmed))
    raws = [raw_of(con, table, c, mapping) for c in RAW]
    return con.execute(f'select source_row, {", ".join(TYPED + raws)} from "{table}" '
                       "order by source_row").fetchall()


def columns_of(con, table):
    return [r[0] for r in con.execute("select column_name from information_schema.columns "
                                      "where table_name = ? order by ordinal_position",
                                      [table]).fetchall()]


# Row 3 has no value at all: left out, its number kept. line_amount is worked out (qty x price).
ASCII_CSV = (b"Order,Date,Customer,Qty,Price\n"
             b"A1,2024-01-05, Ann ,2,10.50\n"
             b"A2,not a date,Bob,x,5\n"
             b",,,,\n"
             b"A3,2999-01-01,,1,\n")
EXPECTED = [
    (1, "A1", dt.datetime(2024, 1, 5), "Ann", 2.0, Decimal("10.5000"), Decimal("21.0000"),
     None, None, None),
    # Unreadable date and quantity: NULL, their text kept beside them.
    (2, "A2", None, "Bob", None, Decimal("5.0000"), None, "not a date", "x", None),
    # A future date keeps its text (validation shows it); an empty price keeps none.
    (4, "A3", dt.datetime(2999, 1, 1), None, 1.0, None, None, "2999-01-01", None, None),
]


def test_an_ascii_file_is_parsed_while_read(tmp_path, con):
    inspection = read.inspect(write(tmp_path, "o.csv", ASCII_CSV))
    assert stage_parsed(con, inspection) == EXPECTED
    # One list of the row's texts, kept only on rows 2 and 4 (mapped columns in plan order).
    assert columns_of(con, "p") == ["order_id", "ordered_at", "customer_id", "customer_name",
                                    "product_id", "product_name", "category", "quantity",
                                    "unit_price", "discount_amount", "line_amount", "cost_amount",
                                    "channel", "campaign_id", "region", "owner", "status",
                                    "currency", "__raw", "source_row"]
    assert con.execute('select source_row, "__raw" from p order by 1').fetchall() == [
        (1, None), (2, ["A2", "not a date", "Bob", "x", "5"]), (4, ["A3", "2999-01-01", None, "1", None])]


def test_odd_whitespace_is_stripped_and_whitespace_only_text_is_kept_raw(tmp_path, con):
    data = ("Order,Date,Customer,Qty,Price\n"
            "A1,2024-01-05,\tAnn\u00a0,2,10.50\n"
            "A2,2024-01-06,\u3000,1,3\n").encode()
    inspection = read.inspect(write(tmp_path, "o.csv", data))
    got = stage_parsed(con, inspection)
    assert [r[:4] for r in got] == [(1, "A1", dt.datetime(2024, 1, 5), "Ann"),
                                    (2, "A2", dt.datetime(2024, 1, 6), None)]
    assert con.execute(f'select source_row, {raw_of(con, "p", "customer_name")} from p '
                       "order by 1").fetchall() == [(1, None), (2, "\u3000")]


@pytest.mark.parametrize("data", [
    ASCII_CSV,
    ASCII_CSV.replace(b"Bob", b"B\xc3\xb6b").replace(b" Ann ", b"\tAnn\t"),
], ids=["spaces-only", "tabs-and-non-ascii"])
def test_parsing_while_reading_equals_parsing_the_staged_text(tmp_path, con, data):
    inspection = read.inspect(write(tmp_path, "o.csv", data))
    stage_parsed(con, inspection)
    read.stage(con, inspection, "t")
    names = ", ".join(p.name for p in plan_columns(ORDERS))
    fused = con.execute(f"select source_row, {names} from p order by 1").fetchall()
    apart = con.execute(f"select source_row, {names} from ({select_sql(ORDERS, 't')}) "
                        "order by 1", {"dataset_id": 0}).fetchall()
    assert fused == apart


def test_a_load_shows_the_text_of_problem_values(tmp_path, con):
    init_db(con)
    data = (b"Order,Date,Customer,Qty,Amount\n"
            b"A1,2024-01-05,Ann,2,21\n"
            b"A2,not a date,Bob,x,5\n"
            b"A3,2999-01-01,Cy,1,\n")
    mapping = Mapping("order_lines", {"order_id": "Order", "ordered_at": "Date",
                                      "customer_name": "Customer", "quantity": "Qty",
                                      "line_amount": "Amount"})
    result = load(con, read.inspect(write(tmp_path, "o.csv", data)), mapping)
    assert result.rows_loaded == 1
    records = result.validation.problems.drop(columns="file").to_dict("records")
    assert records == [
        {"row": 2, "column": "Date", "value": "not a date", "reason": "is not a date", "severity": "error"},
        {"row": 3, "column": "Amount", "value": None, "reason": "is empty", "severity": "error"},
        {"row": 2, "column": "Qty", "value": "x", "reason": "is not a number; left empty",
         "severity": "warning"},
        {"row": 3, "column": "Date", "value": "2999-01-01", "reason": "lies in the future",
         "severity": "warning"},
    ]
    counts = result.validation.counts
    assert (counts["missing_values"], counts["unparseable_dates"], counts["unparseable_numbers"],
            counts["future_dates"], counts["rows_with_problems"]) == (1, 1, 1, 1, 2)


def test_row_made_ids_are_numbered_after_the_read(tmp_path, con):
    init_db(con)
    data = b"Date,Amount\n2024-01-05,10\n,\n2024-01-06,20\n"
    mapping = Mapping("order_lines", {"ordered_at": "Date", "line_amount": "Amount"})
    result = load(con, read.inspect(write(tmp_path, "o.csv", data)), mapping)
    event = con.execute("select max(event_id) from dataset_events").fetchall()[0][0]
    got = con.execute("select source_row, order_id from order_lines order by 1").fetchall()
    # Row 2 has no value: left out, so the ids are row-1 and row-3, tagged with the load.
    assert got == [(1, f"L{event}-row-1"), (3, f"L{event}-row-3")]
    assert result.rows_loaded == 2


# --- workbooks ----------------------------------------------------------------------------------

def _workbook(path, rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_a_workbook_is_read_once_per_load(tmp_path, con, monkeypatch):
    init_db(con)
    calls = []
    real = excel.read_sheet

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(excel, "read_sheet", counted)
    path = _workbook(tmp_path / "o.xlsx", [["Order", "Date", "Customer", "Amount"],
                                           ["A1", "2024-01-05", "\tAnn ", 10],
                                           ["A2", "2024-01-06", "Bob", 2.5]])
    mapping = Mapping("order_lines", {"order_id": "Order", "ordered_at": "Date",
                                      "customer_name": "Customer", "line_amount": "Amount"})
    inspection = read.inspect(path)
    result = load(con, inspection, mapping)
    assert calls == ["Sheet"]
    assert result.rows_loaded == 2
    got = con.execute("select order_id, customer_name, line_amount from order_lines "
                      "order by order_id").fetchall()
    # The tab makes staging strip every kind of whitespace, not only spaces.
    assert got == [("A1", "Ann", Decimal("10.0000")), ("A2", "Bob", Decimal("2.5000"))]


def test_a_changed_workbook_is_read_again(tmp_path, con):
    path = _workbook(tmp_path / "o.xlsx", [["Order"], ["A1"]])
    inspection = read.inspect(path)
    _workbook(path, [["Order"], ["B1"], ["B2"]])  # saved again after it was looked at
    assert read.stage(con, inspection, "t") == 2
    assert con.execute('select "Order" from t order by source_row').fetchall() == [("B1",), ("B2",)]


@pytest.mark.parametrize("keep_sheets,keep_bytes,expected", [
    (4, 1 << 20, ["a.xlsx", "b.xlsx"]),                      # both kept
    (1, 1 << 20, ["a.xlsx", "b.xlsx", "a.xlsx"]),            # b pushed a out
    (4, 1, ["a.xlsx", "b.xlsx", "a.xlsx"]),                  # too big to keep at all
], ids=["kept", "one-sheet-kept", "too-big"])
def test_sheets_kept_are_bounded(tmp_path, monkeypatch, keep_sheets, keep_bytes, expected):
    from collections import OrderedDict

    monkeypatch.setattr(excel, "_kept", OrderedDict())
    monkeypatch.setattr(excel, "_KEEP_SHEETS", keep_sheets)
    monkeypatch.setattr(excel, "_KEEP_BYTES", keep_bytes)
    calls = []
    real = excel.read_sheet
    monkeypatch.setattr(excel, "read_sheet",
                        lambda path, *a, **k: calls.append(path.name) or real(path, *a, **k))
    a = _workbook(tmp_path / "a.xlsx", [["x"], ["1"]])
    b = _workbook(tmp_path / "b.xlsx", [["y"], ["2"]])
    for path in (a, b, a):
        assert excel.read_whole_sheet(path, "Sheet", path.name).num_rows == 2
    assert calls == expected


@pytest.mark.parametrize("values,expected", [
    (["Ann", "a b", None], True),
    (["Ann", "x\ty"], False),
    (["two\nlines"], False),
    (["Zoë"], False),
    ([None, None], True),
], ids=["plain", "tab", "line-break", "non-ascii", "all-null"])
def test_spaces_only_in_arrow_text(values, expected):
    assert staging._spaces_only([pa.array(values, pa.string())]) is expected


def test_a_slice_is_judged_by_its_whole_buffer():
    # The tab lies outside the slice; judging more text than needed only costs speed.
    assert staging._spaces_only([pa.array(["Ann", "x\ty"], pa.string()).slice(0, 1)]) is False


# --- files the locked database may not read -----------------------------------------------------

@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_a_file_outside_the_allowed_folders_gets_the_real_reason(tmp_path, kind):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = elsewhere / f"o.{kind}"
    if kind == "csv":
        path.write_bytes(b'a,b\n1,"x"\n')
    else:
        maker = duckdb.connect()
        maker.execute(f"copy (select 1 as a, 'x' as b) to '{path}' (format parquet)")
        maker.close()
    inspection = read.inspect(path)
    locked = db.open_database(":memory:", tmp_path / "uploads")
    try:
        with pytest.raises(InputError) as err:
            read.stage(locked, inspection, "t")
    finally:
        locked.close()
    assert str(err.value) == (f"o.{kind}: the file lies outside the folders this app may read "
                              "(the upload folder and the sample data); upload it instead")
