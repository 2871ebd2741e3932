"""Downloads never carry a formula from user data: CSV as well as XLSX (OWASP "CSV injection")."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from metrics.export import frame_to_csv


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


@pytest.mark.parametrize("text, shown", [
    ("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")"),
    ("+33 1 23", "'+33 1 23"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Acme = best", "Acme = best"),
    ("", ""),
], ids=["equals", "plus", "minus", "at", "tab", "carriage-return", "inner-equals", "empty"])
def test_csv_download_neutralises_formula_text(text, shown):
    frame = pd.DataFrame({"customer": [text], "amount": [-5]})
    assert _rows(frame_to_csv(frame)) == [["customer", "amount"], [shown, "-5"]]


def test_csv_download_neutralises_headers_and_keeps_numbers_and_gaps():
    frame = pd.DataFrame({"=cmd|' /C calc'!A0": ["ok", None], "n": [-1.5, None],
                          "when": pd.to_datetime(["2024-01-01", None])})
    assert frame_to_csv(frame).decode("utf-8") == (
        "'=cmd|' /C calc'!A0,n,when\r\n"
        "ok,-1.5,2024-01-01\r\n"
        ",,\r\n")


def test_csv_with_pandas_string_dtype_is_neutralised():
    frame = pd.DataFrame({"name": pd.Series(["=1+1", None, "b"], dtype="string")})
    assert _rows(frame_to_csv(frame)) == [["name"], ["'=1+1"], [""], ["b"]]


def test_machine_csv_keeps_values_exactly():
    # The report command's CSV files are data for other programs (docs/metrics/report.md).
    frame = pd.DataFrame({"name": ["=x", "-1"]})
    assert frame_to_csv(frame, neutralise=False).decode("utf-8") == "name\r\n=x\r\n-1\r\n"


@pytest.mark.parametrize("neutralise", [True, False], ids=["download", "machine"])
def test_a_carriage_return_inside_a_value_cannot_start_a_row(neutralise):
    # Unquoted, "x<CR>=1+1" would put =1+1 at the start of a new row in a spreadsheet.
    frame = pd.DataFrame({"note": ["x\r=1+1"], "n": [1]})
    assert _rows(frame_to_csv(frame, neutralise=neutralise)) == [["note", "n"], ["x\r=1+1", "1"]]
