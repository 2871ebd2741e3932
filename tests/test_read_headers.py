"""ingest.headers: headers as exports write them -> usable, unique column names."""

from __future__ import annotations

import pytest

from ingest.headers import clean_header, clean_headers


@pytest.mark.parametrize("raw,expected", [
    ("  Close Date ", "Close Date"),
    ("Close\u00a0\u00a0Date", "Close Date"),
    ("\ufeffID", "ID"),
    ("ï»¿ID", "ID"),                 # a UTF-8 BOM read as Windows-1252
    ("Amount\r\n(USD)", "Amount (USD)"),
    ("\u3000客户名称\u3000", "客户名称"),
    ("zero\u200bwidth", "zero width"),
    (None, ""),
    (12, "12"),
], ids=["spaces", "nbsp-inside", "bom", "bom-mojibake", "line-break", "ideographic", "zero-width",
        "none", "number"])
def test_clean_header(raw, expected):
    assert clean_header(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    (["Name", "Name", "Name"], ["Name", "Name_2", "Name_3"]),
    (["Amount", "amount", "AMOUNT"], ["Amount", "amount_2", "AMOUNT_3"]),
    (["", " ", None, "x"], ["column_1", "column_2", "column_3", "x"]),
    (["Name", "Name", "Name_2"], ["Name", "Name_3", "Name_2"]),
    (["column_2", ""], ["column_2", "column_2_2"]),
    (['a"b', 'a"b'], ['a"b', 'a"b_2']),
], ids=["repeats", "case-insensitive", "blanks", "suffix-taken-later", "blank-collides", "quotes-kept"])
def test_clean_headers(raw, expected):
    got = clean_headers(raw)
    assert got == expected
    assert len({h.lower() for h in got}) == len(got)  # invariant: unique as SQL names
