"""ingest.read.stage semantics (row numbers, blanks, ragged rows) and hostile text files."""

from __future__ import annotations

import os

import duckdb
import pandas as pd
import pytest

from ingest import db, read
from ingest.errors import InputError


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def rows_of(con, table="t"):
    return con.execute(f'select source_row, * exclude (source_row) from "{table}" order by source_row').fetchall()


def test_values_are_stripped_blanks_are_null_and_empty_rows_dropped(tmp_path, con):
    data = (b"\r\n  \r\nid , name ,note\r\n"       # two blank lines before the header
            b" 1 ,  Ann  ,\"\"\r\n"                 # spaces around, quoted empty
            b"\r\n"                                 # blank line: not a row
            b",,\r\n"                               # a row with no value: dropped, number kept
            b"3,\"multi\nline\",\" x \"\r\n")
    inspection = read.inspect(write(tmp_path, "a.csv", data))
    assert inspection.headers == ["id", "name", "note"]
    assert inspection.raw_headers == ["id ", " name ", "note"]
    assert read.stage(con, inspection, "t") == 2
    assert rows_of(con) == [(1, "1", "Ann", None), (3, "3", "multi\nline", "x")]
    types = con.execute("select column_name, data_type from information_schema.columns "
                        "where table_name = 't' order by ordinal_position").fetchall()
    # source_row comes last: it is added after the parallel read (see ingest.staging).
    assert types == [("id", "VARCHAR"), ("name", "VARCHAR"), ("note", "VARCHAR"), ("source_row", "BIGINT")]


def test_preview_matches_stage(tmp_path, con):
    data = b"a,b\n x ,\n,\n2,y\n3,z\n"
    inspection = read.inspect(write(tmp_path, "p.csv", data), preview_rows=2)
    expected = pd.DataFrame([["x", None], ["2", "y"]], columns=["a", "b"], dtype=object)
    pd.testing.assert_frame_equal(inspection.preview, expected)
    read.stage(con, inspection, "t")
    assert [r[1:] for r in rows_of(con)][:2] == [tuple(r) for r in expected.itertuples(index=False)]


def test_short_rows_are_padded_even_with_line_breaks_in_values(tmp_path, con):
    # DuckDB's parallel reader refuses padding + quoted line breaks; stage retries serially.
    data = b'a,b,c\n1,"two\nlines"\n2\n3,x,y\n'
    read.stage(con, read.inspect(write(tmp_path, "s.csv", data)), "t")
    assert rows_of(con) == [(1, "1", "two\nlines", None), (2, "2", None, None), (3, "3", "x", "y")]


def test_rows_wider_than_the_header_get_named_columns(tmp_path, con):
    data = b"a,b\n1,2,3\n4,5\n"
    inspection = read.inspect(write(tmp_path, "w.csv", data))
    assert inspection.headers == ["a", "b", "column_3"]
    assert inspection.notes == ["some rows have more values than the header; the extra columns are named column_3..."]
    read.stage(con, inspection, "t")
    assert rows_of(con) == [(1, "1", "2", "3"), (2, "4", "5", None)]


def test_a_row_wider_than_any_seen_is_an_error_naming_the_line(tmp_path, con, monkeypatch):
    monkeypatch.setattr(read.sniff, "HEAD_BYTES", 64)
    data = b"a,b\n" + b"1,2\n" * 30 + b"7,8,9,10\n"
    inspection = read.inspect(write(tmp_path, "wide.csv", data))
    with pytest.raises(InputError) as err:
        read.stage(con, inspection, "t")
    assert str(err.value) == "wide.csv: line 32 has more values than the 2 columns of the header"


def test_unterminated_quote_names_the_line(tmp_path, con):
    data = b'a,b\n1,2\n3,"never closed\n4,5\n'
    inspection = read.inspect(write(tmp_path, "q.csv", data))
    with pytest.raises(InputError) as err:
        read.stage(con, inspection, "t")
    assert str(err.value) == 'q.csv: line 3 opens a quoted value whose closing quote (") is missing'


def test_hostile_headers_become_quoted_columns(tmp_path, con):
    data = b'x"; drop table t; --,Name,name,,"  "\n1,2,3,4,5\n'
    inspection = read.inspect(write(tmp_path, "h.csv", data))
    assert inspection.headers == ['x"; drop table t; --', "Name", "name_2", "column_4", "column_5"]
    read.stage(con, inspection, "t")
    assert rows_of(con) == [(1, "1", "2", "3", "4", "5")]
    assert con.execute('select "x""; drop table t; --" from t').fetchall() == [("1",)]


def test_a_header_named_source_row_is_renamed(tmp_path, con):
    inspection = read.inspect(write(tmp_path, "s.csv", b"source_row,x\n9,a\n"))
    assert inspection.headers == ["source_row_2", "x"]
    read.stage(con, inspection, "t")
    assert rows_of(con) == [(1, "9", "a")]


def test_rows_stay_in_file_order_on_a_parallel_read(tmp_path, con):
    path = tmp_path / "big.csv"
    duckdb.sql(f"copy (select i as n, 'v' || i as v from range(300000) r(i)) to '{path}' (header)")
    inspection = read.inspect(path)
    assert read.stage(con, inspection, "t") == 300000
    wrong = con.execute("select count(*) from t where cast(n as bigint) <> source_row - 1").fetchall()
    assert wrong == [(0,)]


def test_xlsx_that_is_really_csv_is_read_as_csv_with_a_note(tmp_path, con):
    inspection = read.inspect(write(tmp_path, "report.xlsx", b"a,b\n1,2\n"))
    assert inspection.format == "csv"
    assert inspection.notes == ["read as CSV text: the file is named .xlsx but is not really an Excel workbook"]
    assert read.stage(con, inspection, "t") == 1


def test_display_name_is_used_in_messages(tmp_path):
    with pytest.raises(InputError) as err:
        read.inspect(write(tmp_path, "upload_1234.bin", b""), "客户 export.csv")
    assert str(err.value) == "客户 export.csv: the file is empty"


HOSTILE = [
    ("empty", b"", "the file is empty"),
    ("whitespace only", b"  \r\n\t\n", "the file is empty"),
    ("bom only", b"\xef\xbb\xbf", "the file is empty"),
    ("header only", b"a,b,c\n", "the file has a header but no rows"),
    ("header and blank rows", b"a,b\n,\n\n", "the file has a header but no rows"),
    ("binary garbage", bytes(range(256)) * 8,
     "the file is not a table of text (CSV), an Excel workbook or Parquet; it looks like binary data"),
    ("pdf", b"%PDF-1.7\n...", "the file is a PDF document, not a table (CSV, Excel or Parquet)"),
    ("html saved as xls", b"<html><table><tr><td>1</td></tr></table></html>",
     "the file is a web page (HTML) saved under a spreadsheet name; open it in Excel and save it as .xlsx or CSV"),
    ("gzip", b"\x1f\x8b\x08\x00rest", "the file is a gzip-compressed file (unpack it first), not a table (CSV, Excel or Parquet)"),
]


@pytest.mark.parametrize("data,message", [(d, m) for _, d, m in HOSTILE], ids=[i for i, _, _ in HOSTILE])
def test_hostile_text_files(tmp_path, data, message):
    with pytest.raises(InputError) as err:
        read.inspect(write(tmp_path, "bad.xls", data))
    assert str(err.value) == f"bad.xls: {message}"


def test_file_over_the_upload_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("CRM_MAX_UPLOAD_MB", "1")
    path = write(tmp_path, "big.csv", b"a\n" + b"1\n" * (600 * 1024))
    with pytest.raises(InputError) as err:
        read.inspect(path)
    assert str(err.value) == "big.csv: the file is 1.2 MB, larger than the 1 MB allowed (setting max_upload_mb)"


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="cannot be found"):
        read.inspect(tmp_path / "nope.csv")


def test_header_only_at_stage_after_preview_cut(tmp_path, con, monkeypatch):
    data = b"a,b\n,\n"
    inspection = read.inspect(write(tmp_path, "n.csv", b"a,b\n1,2\n"))
    inspection.path.write_bytes(data)  # the file changed after inspection
    with pytest.raises(InputError, match="n.csv: the file has a header but no rows"):
        read.stage(con, inspection, "t")
    assert con.execute("select count(*) from duckdb_tables() where table_name = 't'").fetchall() == [(0,)]


def test_locked_database_reads_a_transcoded_copy_from_its_scratch_folder(tmp_path):
    uploads = tmp_path / "uploads"
    locked = db.open_database(":memory:", uploads)
    try:
        path = write(uploads, "latin.csv", "name\nZoë\nRenée\n".encode("cp1252") * 1)
        inspection = read.inspect(path, encoding="cp1252")
        assert read.stage(locked, inspection, "t") == 2
        assert rows_of(locked) == [(1, "Zoë"), (2, "Renée")]
        assert os.listdir(db.scratch_dir(locked)) == []  # the copy is removed
    finally:
        locked.close()


def test_locked_database_stages_a_workbook(tmp_path):
    import openpyxl

    uploads = tmp_path / "uploads"
    locked = db.open_database(":memory:", uploads)
    try:
        book = openpyxl.Workbook()
        book.active.append(["id", "name"])
        book.active.append([1, "Ann"])
        book.save(uploads / "b.xlsx")
        assert read.stage(locked, read.inspect(uploads / "b.xlsx"), "t") == 1
        assert rows_of(locked) == [(1, "1", "Ann")]
    finally:
        locked.close()


def test_rows_keep_their_file_numbers_when_staged_in_a_transaction_on_a_file(tmp_path):
    # A load stages inside its transaction, where DuckDB's row ids start far from 0.
    path = tmp_path / "big.csv"
    duckdb.sql(f"copy (select i as n from range(300000) r(i)) to '{path}' (header)")
    con = db.connect_engine(str(tmp_path / "crm.duckdb"))
    try:
        con.execute("create table earlier as select * from range(5000)")
        con.execute("begin")
        assert read.stage(con, read.inspect(path), "t", temp=False) == 300000
        con.execute("commit")
        wrong = con.execute("select count(*) from t where cast(n as bigint) <> source_row - 1").fetchall()
        assert wrong == [(0,)]
    finally:
        con.close()
