"""Staging trims surrounding spaces only when some value may have them (csvscan / arrow proof)."""

from __future__ import annotations

import openpyxl
import pyarrow as pa
import pytest

from ingest import read, staging


class Recording:
    """A connection that keeps the text of every statement it runs."""

    def __init__(self, con):
        self.con, self.statements = con, []

    def execute(self, sql, *args):
        self.statements.append(sql)
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def staged(con, path):
    recording = Recording(con)
    read.stage(recording, read.inspect(path), "t")
    ctas = next(s for s in recording.statements if s.startswith("create temp table"))
    rows = con.execute("select * exclude (source_row) from t order by source_row").fetchall()
    return rows, "trim(" in ctas


@pytest.mark.parametrize("text,rows", [
    (b'name,city\n a ,b \nc,d\n', [("a", "b"), ("c", "d")]),
    (b'name,city\n" a ","b "\nc,d\n', [("a", "b"), ("c", "d")]),
    (b'name,city\r\nx,y \r\nc,d\r\n', [("x", "y"), ("c", "d")]),
    (b'name,city\nx,   \nc,d', [("x", None), ("c", "d")]),
], ids=["unquoted", "quoted", "crlf-line-end", "only-spaces"])
def test_values_with_surrounding_spaces_are_trimmed(con, tmp_path, text, rows):
    path = tmp_path / "f.csv"
    path.write_bytes(text)
    assert staged(con, path) == (rows, True)


@pytest.mark.parametrize("text,rows,trimmed", [
    (b'name,city\nAnn Lee,New York\nc,d\n', [("Ann Lee", "New York"), ("c", "d")], False),
    (b'name,city\r\n"Ann Lee","x y"\r\n,d\r\n', [("Ann Lee", "x y"), (None, "d")], False),
    # A space after a delimiter inside quotes counts too (the scan does not parse): trimmed.
    (b'name,city\n"Ann Lee","x, y"\n', [("Ann Lee", "x, y")], True),
], ids=["inner-spaces", "quoted-crlf", "quoted-delimiter-space"])
def test_files_without_edge_spaces_are_staged_without_trimming(con, tmp_path, text, rows, trimmed):
    path = tmp_path / "f.csv"
    path.write_bytes(text)
    assert staged(con, path) == (rows, trimmed)


@pytest.mark.parametrize("values,expected", [
    (["a", "b c"], False),
    ([" a"], True),
    (["a "], True),
    ([None, "x"], False),
    ([None, None], False),
    (["", "x"], False),
], ids=["inner", "leading", "trailing", "null", "all-null", "empty"])
def test_edge_spaces_in_arrow_text(values, expected):
    assert staging._edge_spaces([pa.array(values, pa.string())]) is expected


def test_edge_spaces_of_a_slice_ignore_values_outside_it():
    column = pa.array(["Ann", "x "], pa.string())
    assert staging._edge_spaces([column.slice(0, 1)]) is False
    assert staging._edge_spaces([column.slice(1, 1)]) is True


def make_xlsx(path, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("rows,expected,trimmed", [
    ([["name", "city"], [" a ", "b c"], ["d", 5]], [("a", "b c"), ("d", "5")], True),
    ([["name", "city"], ["a", "b c"], ["d", 5]], [("a", "b c"), ("d", "5")], False),
], ids=["edge-spaces", "inner-spaces"])
def test_workbooks_are_trimmed_only_when_a_value_needs_it(con, tmp_path, rows, expected, trimmed):
    path = make_xlsx(tmp_path / "f.xlsx", rows)
    assert staged(con, path) == (expected, trimmed)
