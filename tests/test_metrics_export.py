"""Spreadsheet exports: formula neutralising, formatting, CSV text."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from metrics.export import frame_to_csv, frames_to_xlsx, safe_cell, sheet_title


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"),
    ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
    ("+33 1 23", "'+33 1 23"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("\rcmd", "'\rcmd"),
    ("Acme = best", "Acme = best"),
    ("", ""),
    ("a\x01b\x1fc", "abc"),
    ("\x01=1", "'=1"),  # the control character is dropped first, then the formula is caught
    (-5, -5),
    (np.int64(3), 3),
    (np.float64(2.5), 2.5),
    (Decimal("1.50"), 1.5),
    (float("nan"), None),
    (None, None),
    (pd.NA, None),
    (pd.NaT, None),
    (True, True),
    (date(2024, 1, 31), date(2024, 1, 31)),
], ids=["equals", "hyperlink", "plus", "minus", "at", "tab", "carriage-return", "inner-equals",
        "empty", "control-chars", "control-then-formula", "negative-number", "numpy-int",
        "numpy-float", "decimal", "nan", "none", "pd-na", "nat", "bool", "date"])
def test_safe_cell(value, expected):
    result = safe_cell(value)
    assert result == expected and type(result) is type(expected)


@pytest.mark.parametrize("name, taken, expected", [
    ("kpis", set(), "kpis"),
    ("a/b:c*d?e[f]g\\h", set(), "a_b_c_d_e_f_g_h"),
    ("x" * 40, set(), "x" * 31),
    ("kpis", {"kpis"}, "kpis (2)"),
    ("y" * 40, {"y" * 31}, "y" * 27 + " (2)"),
], ids=["plain", "forbidden-chars", "too-long", "duplicate", "long-duplicate"])
def test_sheet_title(name, taken, expected):
    assert sheet_title(name, set(taken)) == expected


def _workbook(frames):
    return load_workbook(io.BytesIO(frames_to_xlsx(frames)))


def test_workbook_never_holds_a_formula_from_data():
    hostile = pd.DataFrame({"=cmd|' /C calc'!A0": ["=1+1", "@x", "-1", "ok"],
                            "amount": [1.0, -2.0, 3.0, 4.0]})
    wb = _workbook({"hostile": hostile})
    ws = wb["hostile"]
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert [c.value for c in ws["A"]] == ["'=cmd|' /C calc'!A0", "'=1+1", "'@x", "'-1", "ok"]
    # Numbers stay numbers, negative ones included.
    assert [c.value for c in ws["B"]][1:] == [1.0, -2.0, 3.0, 4.0]


def test_workbook_formatting():
    frames = {
        "kpis": pd.DataFrame({"metric": ["aov"], "value": [12.5]}),
        "funnel": pd.DataFrame({"stage": ["Lead", "Won"], "deals": [10, 4],
                                "conversion_from_top": [1.0, 0.4], "amount": [1500.5, 20.0],
                                "day": pd.to_datetime(["2024-01-01", "2024-02-01"])}),
    }
    wb = _workbook(frames)
    assert wb.sheetnames == ["kpis", "funnel"]
    ws = wb["funnel"]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1])
    assert [c.value for c in ws[1]] == ["stage", "deals", "conversion_from_top", "amount", "day"]
    assert ws["B2"].number_format == "#,##0"
    assert ws["C3"].number_format == "0.0%" and ws["C3"].value == 0.4
    assert ws["D2"].number_format == "#,##0.00"
    assert ws["E2"].number_format == "yyyy-mm-dd"
    # A metric/value column mixes money, counts and rates: no fixed format rounds it.
    assert wb["kpis"]["B2"].number_format == "General"


def test_empty_workbook_and_empty_frame():
    assert _workbook({}).sheetnames == ["Report"]
    ws = _workbook({"rfm": pd.DataFrame({"customer_id": pd.Series(dtype="str")})})["rfm"]
    assert [[c.value for c in row] for row in ws.iter_rows()] == [["customer_id"]]


def test_csv_is_plain_data():
    frame = pd.DataFrame({"name": ["=x", "b,c"], "when": pd.to_datetime(["2024-01-01", "2024-01-02"]),
                          "at": pd.to_datetime(["2024-01-01 10:30", None]), "n": [1.25, None]})
    assert frame_to_csv(frame, neutralise=False).decode("utf-8") == (
        "name,when,at,n\r\n"
        "=x,2024-01-01,2024-01-01 10:30:00,1.25\r\n"
        '"b,c",2024-01-02,,\r\n')
