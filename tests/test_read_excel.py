"""ingest.read on workbooks and Parquet, including hostile workbooks."""

from __future__ import annotations

import datetime as dt
import zipfile

import duckdb
import openpyxl
import pytest
import xlwt

from ingest import excel, read
from ingest.errors import InputError


def rows_of(con, table="t"):
    return con.execute(f'select source_row, * exclude (source_row) from "{table}" order by source_row').fetchall()


def make_xlsx(path, sheets: dict, epoch_1904=False):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    if epoch_1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    book.save(path)
    return path


ORDERS = [
    [" Order ", "Amount", None, "Amount", "When", "Paid"],
    ["A-1", 1234.5, "x", 3, dt.datetime(2024, 3, 5, 8, 26), True],
    [None, None, None, None, None, None],
    ["  A-2 ", -3, None, None, dt.date(2024, 3, 6), False],
]


def test_xlsx_sheets_default_to_first_with_rows(tmp_path, con):
    path = make_xlsx(tmp_path / "book.xlsx", {"Cover": [], "Header only": [["a", "b"]], "Orders": ORDERS})
    inspection = read.inspect(path)
    assert (inspection.format, inspection.sheets, inspection.sheet) == ("excel", ["Cover", "Header only", "Orders"], "Orders")
    assert inspection.raw_headers == [" Order ", "Amount", "", "Amount", "When", "Paid"]
    assert inspection.headers == ["Order", "Amount", "column_3", "Amount_2", "When", "Paid"]
    assert (inspection.encoding, inspection.delimiter, inspection.excel_1904) == (None, None, False)
    assert read.stage(con, inspection, "t") == 2
    # Row 2 of the data is empty: left out, its number kept by the rows around it.
    assert rows_of(con) == [
        (1, "A-1", "1234.5", "x", "3", "2024-03-05 08:26:00", "true"),
        (3, "A-2", "-3", None, None, "2024-03-06 00:00:00", "false"),
    ]


def test_macro_workbook_name_is_read_as_excel(tmp_path, con):
    path = make_xlsx(tmp_path / "m.xlsx", {"S": [["a"], ["x"]]}).rename(tmp_path / "macros.xlsm")
    inspection = read.inspect(path)
    assert (inspection.format, inspection.notes) == ("excel", [])
    assert read.stage(con, inspection, "t") == 1


def test_chosen_sheet_and_unknown_sheet(tmp_path):
    path = make_xlsx(tmp_path / "book.xlsx", {"One": [["a"], [1]], "Two": [["b"], [2]]})
    assert read.inspect(path, sheet="Two").headers == ["b"]
    with pytest.raises(InputError) as err:
        read.inspect(path, sheet="Three")
    assert str(err.value) == "book.xlsx: the workbook has no sheet 'Three' (its sheets: One, Two)"


@pytest.mark.parametrize("sheets,message", [
    ({"A": [], "B": []}, "every sheet of the workbook is empty"),
    ({"A": [], "B": [["x", "y"]]}, "the sheet 'B' has a header but no rows"),
], ids=["all-empty", "header-only"])
def test_workbooks_without_rows(tmp_path, sheets, message):
    with pytest.raises(InputError) as err:
        read.inspect(make_xlsx(tmp_path / "e.xlsx", sheets))
    assert str(err.value) == f"e.xlsx: {message}"


def test_1904_date_system_is_detected(tmp_path):
    assert read.inspect(make_xlsx(tmp_path / "mac.xlsx", {"S": [["d"], [1]]}, epoch_1904=True)).excel_1904
    assert not read.inspect(make_xlsx(tmp_path / "win.xlsx", {"S": [["d"], [1]]})).excel_1904


@pytest.mark.parametrize("dates_1904", [False, True], ids=["1900", "1904"])
def test_xls_via_fastexcel(tmp_path, con, dates_1904):
    book = xlwt.Workbook()
    book.dates_1904 = dates_1904
    sheet = book.add_sheet("Kunden")
    for col, value in enumerate(["id", "Name", "Umsatz"]):
        sheet.write(0, col, value)
    sheet.write(1, 0, 7)
    sheet.write(1, 1, "Müller")
    sheet.write(1, 2, 12.5)
    book.add_sheet("Leer")
    path = tmp_path / "alt.xls"
    book.save(str(path))
    inspection = read.inspect(path)
    assert (inspection.sheets, inspection.sheet, inspection.excel_1904) == (["Kunden", "Leer"], "Kunden", dates_1904)
    read.stage(con, inspection, "t")
    assert rows_of(con) == [(1, "7", "Müller", "12.5")]


def test_workbook_named_csv_is_read_as_excel_with_a_note(tmp_path):
    path = make_xlsx(tmp_path / "x.xlsx", {"S": [["a"], [1]]})
    renamed = path.rename(tmp_path / "export.csv")
    inspection = read.inspect(renamed)
    assert inspection.format == "excel"
    assert inspection.notes == ["read as an Excel workbook: the file is named .csv but is not text"]


def _rewrite_member(src, dest, member, transform):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, transform(data) if info.filename == member else data)
    return dest


def _refuse_parsing(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the workbook reached the parser")
    monkeypatch.setattr(excel.fastexcel, "read_excel", boom)


ENTITY_TRICKS = [
    ("billion laughs", (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>')),
    ("external entity", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'),
    ("doctype only", b'<?xml version="1.0"?><!DOCTYPE worksheet>'),
]


@pytest.mark.parametrize("prolog", [p for _, p in ENTITY_TRICKS], ids=[i for i, _ in ENTITY_TRICKS])
def test_xml_entity_tricks_are_refused_before_parsing(tmp_path, monkeypatch, prolog):
    good = make_xlsx(tmp_path / "good.xlsx", {"S": [["a"], [1]]})
    bad = _rewrite_member(good, tmp_path / "bad.xlsx", "xl/worksheets/sheet1.xml",
                          lambda data: prolog + data.split(b"?>", 1)[-1])
    _refuse_parsing(monkeypatch)
    with pytest.raises(InputError) as err:
        read.inspect(bad)
    assert str(err.value) == ("bad.xlsx: the workbook contains XML entity declarations (a known way to "
                              "attack spreadsheet readers); refusing to open it")


def test_entity_split_across_read_chunks_is_still_found(tmp_path, monkeypatch):
    good = make_xlsx(tmp_path / "good.xlsx", {"S": [["a"], [1]]})
    bad = _rewrite_member(good, tmp_path / "bad.xlsx", "xl/styles.xml",
                          lambda data: data + b"<!ENTITY late 'x'>")
    monkeypatch.setattr(excel, "_CHUNK", 5)
    with pytest.raises(InputError, match="entity declarations"):
        read.inspect(bad)


def test_utf16_xml_part_is_refused(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx", {"S": [["a"], [1]]})
    bad = _rewrite_member(good, tmp_path / "bad.xlsx", "xl/workbook.xml",
                          lambda data: data.decode().encode("utf-16"))
    with pytest.raises(InputError, match="is not UTF-8 XML"):
        read.inspect(bad)


def _bomb(path, megabytes):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (megabytes * 1048576))
    return path


def test_zip_bomb_over_the_size_limit_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_MAX_EXCEL_UNCOMPRESSED_MB", "10")
    path = _bomb(tmp_path / "bomb.xlsx", 20)
    assert path.stat().st_size < 100_000
    _refuse_parsing(monkeypatch)
    with pytest.raises(InputError) as err:
        read.inspect(path)
    assert str(err.value) == ("bomb.xlsx: the workbook would unpack to 20 MB, more than the 10 MB "
                              "allowed (setting max_excel_uncompressed_mb)")


def test_zip_bomb_ratio_is_refused_under_the_size_limit(tmp_path, monkeypatch):
    path = _bomb(tmp_path / "dense.xlsx", 5)
    _refuse_parsing(monkeypatch)
    with pytest.raises(InputError, match="which only zip bombs do"):
        read.inspect(path)


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "data.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("orders.csv", "a,b\n1,2\n")
    with pytest.raises(InputError) as err:
        read.inspect(path)
    assert str(err.value) == ("data.xlsx: the file is a ZIP archive, not an Excel workbook; unpack it "
                              "and upload the spreadsheet inside")


def test_truncated_workbook(tmp_path):
    good = make_xlsx(tmp_path / "good.xlsx", {"S": [["a"], [1]]}).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError, match="cut.xlsx: .*damaged"):
        read.inspect(path)


def test_ole2_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024)
    with pytest.raises(InputError, match=r"locked.xlsx: the workbook cannot be read \(is it password-protected or damaged\?\)"):
        read.inspect(path)


# --- parquet ---------------------------------------------------------------------------------

def _parquet(path, sql):
    duckdb.sql(f"copy ({sql}) to '{path}' (format parquet)")
    return path


def test_parquet_is_read_as_text(tmp_path, con):
    path = _parquet(tmp_path / "o.parquet",
                    "select * from (values (1, ' a ', 12.50::decimal(10,2), date '2024-03-05'), "
                    "(2, null, null, null), (3, 'c', -1.00, date '2024-03-06')) v(\"id\", \"Name\", \"amount\", \"day\")")
    inspection = read.inspect(path)
    assert (inspection.format, inspection.headers) == ("parquet", ["id", "Name", "amount", "day"])
    assert inspection.preview.iloc[0].tolist() == ["1", "a", "12.50", "2024-03-05"]
    assert read.stage(con, inspection, "t") == 3
    assert rows_of(con) == [(1, "1", "a", "12.50", "2024-03-05"), (2, "2", None, None, None),
                            (3, "3", "c", "-1.00", "2024-03-06")]


def test_empty_parquet(tmp_path):
    path = _parquet(tmp_path / "none.parquet", "select 1 as a where false")
    with pytest.raises(InputError, match="none.parquet: the file has a header but no rows"):
        read.inspect(path)


def test_damaged_parquet(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 64)
    with pytest.raises(InputError, match="bad.parquet: the Parquet file cannot be read"):
        read.inspect(path)


def test_preview_is_strings_or_none(tmp_path):
    inspection = read.inspect(make_xlsx(tmp_path / "p.xlsx", {"S": ORDERS}))
    values = inspection.preview.to_numpy().ravel().tolist()
    assert values and all(v is None or isinstance(v, str) for v in values)
    assert list(inspection.preview.columns) == inspection.headers


def test_sheet_rows_keep_their_order_when_read_in_several_batches(tmp_path, con, monkeypatch):
    from ingest import staging

    monkeypatch.setattr(staging, "_SHEET_BATCH_ROWS", 7)  # 50 rows: 8 batches, read in parallel
    rows = [["n", "v"]] + [[i, f"v{i}"] for i in range(1, 51)]
    rows[20] = [None, None]  # data row 20 is empty: left out, the others keep their numbers
    inspection = read.inspect(make_xlsx(tmp_path / "b.xlsx", {"S": rows}))
    assert read.stage(con, inspection, "t") == 49
    assert rows_of(con) == [(i, str(i), f"v{i}") for i in range(1, 51) if i != 20]
