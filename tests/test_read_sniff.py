"""Encoding and delimiter sniffing on the cases users reported (ingest.sniff through read.inspect)."""

from __future__ import annotations

import pytest
from conftest import SAMPLE_DATA

from ingest import read, sniff

TMALL = SAMPLE_DATA / "天猫订单导出.csv"  # a Tmall order export saved as GB18030


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def staged(con, inspection, table="t"):
    read.stage(con, inspection, table)
    return con.execute(f'select source_row, * exclude (source_row) from "{table}" '
                       "order by source_row").fetchall()


# --- encodings --------------------------------------------------------------------------------

@pytest.mark.parametrize("cut", [200, 1000, 3000, 20000], ids=lambda n: f"first-{n}-bytes")
def test_a_chinese_export_cut_anywhere_is_read_as_gb18030(cut):
    # A head cut at an arbitrary byte ends in a half line (often half a character); the
    # 200- and 3000-byte heads used to come out as cp1252 and latin-1.
    head = TMALL.read_bytes()[:cut]
    assert sniff.detect_encoding(head, complete=False)[0] == "gb18030"


def test_the_tmall_sample_is_read_as_gb18030():
    inspection = read.inspect(TMALL)
    assert inspection.encoding == "gb18030"
    assert inspection.headers[:3] == ["订单编号", "买家会员名", "下单时间"]


def test_a_gb18030_file_longer_than_the_head_keeps_its_chinese(tmp_path, con, monkeypatch):
    header = "订单号,客户,城市\n".encode("gb18030")
    rows = [(f"A{i:03d}", "张三丰", "北京市") for i in range(200)]
    body = "".join(f"{a},{b},{c}\n" for a, b, c in rows).encode("gb18030")
    # Cut the head inside a two-byte character: 'A000,' is 5 bytes, then the first byte of 张.
    monkeypatch.setattr(read.sniff, "HEAD_BYTES", len(header) + 6)
    inspection = read.inspect(write(tmp_path, "orders.csv", header + body))
    assert inspection.encoding == "gb18030"
    got = staged(con, inspection)
    assert len(got) == 200
    assert got[0] == (1, "A000", "张三丰", "北京市")
    assert got[-1] == (200, "A199", "张三丰", "北京市")


def test_western_text_that_gb18030_could_also_decode_stays_western(tmp_path, con):
    # Each accented letter is followed by a plain letter, so the bytes are valid GB18030 too;
    # but their high bytes stand alone, as Western text has them.
    rows = [("Name", "City")] + [("Müller", "Zürich"), ("Sánchez", "Málaga"), ("Åsa", "Göteborg")] * 4
    data = "".join(f"{a},{b}\r\n" for a, b in rows).encode("cp1252")
    inspection = read.inspect(write(tmp_path, "w.csv", data))
    assert inspection.encoding == "cp1252"
    assert staged(con, inspection)[:3] == [(1, "Müller", "Zürich"), (2, "Sánchez", "Málaga"),
                                           (3, "Åsa", "Göteborg")]


@pytest.mark.parametrize("data,expected", [
    ("张三李四王五赵六".encode("gb18030"), True),     # every high byte in a pair
    ("Müller Zürich Málaga Göteborg Sánchez Åsa Ørsted Æbelø".encode("cp1252"), False),  # alone
    ("ab".encode("ascii"), False),                      # none at all
    ("张三".encode("gb18030"), False),                   # 4 high bytes: too few to judge
], ids=["chinese", "western", "ascii", "too-short"])
def test_paired_high_bytes(data, expected):
    assert sniff._paired_high_bytes(data) is expected


# --- delimiters -------------------------------------------------------------------------------

def test_a_comma_file_whose_quoted_values_hold_semicolons_is_comma_separated(tmp_path, con):
    # Rows leave out empty trailing values, so comma widths vary while every row has two
    # semicolons: split on ';' the rows look regular, but each split cuts a quoted value.
    text = ('Name,Tags,Note,Extra\n'
            'Alice,"a;b;c"\n'
            'Bob,"d;e;f",hello\n'
            'Carol,"g;h;i",x,y\n'
            'Dan,"j;k;l"\n'
            'Eve,"m;n;o"\n')
    inspection = read.inspect(write(tmp_path, "tags.csv", text.encode()))
    assert inspection.delimiter == ","
    assert inspection.headers == ["Name", "Tags", "Note", "Extra"]
    assert staged(con, inspection)[:3] == [(1, "Alice", "a;b;c", None, None),
                                           (2, "Bob", "d;e;f", "hello", None),
                                           (3, "Carol", "g;h;i", "x", "y")]


def test_a_semicolon_file_whose_quoted_values_hold_commas_is_semicolon_separated(tmp_path):
    text = 'Kunde;Adresse;Betrag\nMüller;"Hauptstr. 1, Berlin";1,50\nSchmidt;"Ring 2, Köln";2\n'
    inspection = read.inspect(write(tmp_path, "de.csv", text.encode()))
    assert inspection.delimiter == ";"
    assert inspection.headers == ["Kunde", "Adresse", "Betrag"]


@pytest.mark.parametrize("delim,expected", [
    # The last record is left out (it may be cut); widths 4,2,3,4,2: the usual width is 4
    # (ties go to the wider), held by the header and Carol: 2 of 5 rows.
    (",", (0.4, 4)),
    # Widths 1,3,3,3,3: usually 3, but every such row keeps a quote inside a field.
    (";", (0.0, 3)),
], ids=["comma", "semicolon"])
def test_split_scores(delim, expected):
    sample = 'Name,Tags,Note,Extra\nAlice,"a;b;c"\nBob,"d;e;f",hello\nCarol,"g;h;i",x,y\nDan,"j;k;l"\nEve,"m;n;o"\n'
    assert sniff._split_score(sample, delim) == expected
