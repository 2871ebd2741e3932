"""ingest.read on text files: delimiters, encodings, staging, real Salesforce exports, hostile input."""

from __future__ import annotations

import pytest

from ingest import read, transcode
from ingest.errors import InputError
from tests.conftest import REALDATA

SALESFORCE = REALDATA / "salesforce_dataloader"


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def staged(con, inspection, table="t"):
    count = read.stage(con, inspection, table)
    rows = con.execute(f'select source_row, * exclude (source_row) from "{table}" order by source_row').fetchall()
    assert len(rows) == count
    return rows


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"], ids=["comma", "semicolon", "tab", "pipe"])
def test_delimiter_is_sniffed(tmp_path, con, delimiter):
    lines = [["Order", "Customer", "Amount"], ["A-1", "Li, Lei", "1.234,50"], ["A-2", "Wang; Fang", "7"]]
    text = "\n".join(delimiter.join(f'"{v}"' if delimiter in v else v for v in line)
                     for line in lines) + "\n"
    inspection = read.inspect(write(tmp_path, "orders.txt", text.encode()))
    assert (inspection.format, inspection.delimiter) == ("csv", delimiter)
    assert inspection.headers == ["Order", "Customer", "Amount"]
    assert staged(con, inspection) == [(1, "A-1", "Li, Lei", "1.234,50"), (2, "A-2", "Wang; Fang", "7")]


def test_delimiter_override(tmp_path):
    path = write(tmp_path, "one.csv", b"a;b,c\n1;2,3\n")
    assert read.inspect(path).delimiter == ";" or read.inspect(path).delimiter == ","
    assert read.inspect(path, delimiter=";").headers == ["a", "b,c"]
    assert read.inspect(path, delimiter=",").headers == ["a;b", "c"]


ROWS = [("客户", "城市", "金额"), ("张三", "北京", "¥1,234"), ("李四", "上海", "￥88"),
        ("Renée Müller", "Köln", "€12"), ("王五", "广州", "5")]


def _text(rows, delimiter=","):
    """CSV text with CRLF line ends; values holding the delimiter are quoted."""
    return "".join(delimiter.join(f'"{v}"' if delimiter in v else v for v in r) + "\r\n" for r in rows)


@pytest.mark.parametrize("codec,expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),          # Python writes the BOM, little-endian here
    ("utf-16-be-bom", "utf-16"),
    ("gb18030", "gb18030"),
], ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "gb18030"])
def test_encodings_round_trip_chinese(tmp_path, con, codec, expected):
    rows = ROWS[:1] + [r for r in ROWS[1:] if "Renée" not in r[0]] * 8  # Chinese-only data
    text = _text(rows)
    data = (b"\xfe\xff" + text.encode("utf-16-be")) if codec == "utf-16-be-bom" else text.encode(codec)
    inspection = read.inspect(write(tmp_path, "cn.csv", data))
    assert inspection.encoding == expected
    assert inspection.headers == ["客户", "城市", "金额"]
    got = staged(con, inspection)
    assert got[0] == (1, "张三", "北京", "¥1,234")
    assert len(got) == len(rows) - 1


def test_gbk_short_file_is_read_as_chinese_not_korean(tmp_path, con):
    data = "订单号,客户,金额\n1001,张三,100\n1002,李四,200\n".encode("gbk")
    inspection = read.inspect(write(tmp_path, "short.csv", data))
    assert inspection.encoding == "gb18030"
    assert staged(con, inspection)[1] == (2, "1002", "李四", "200")


def test_big5(tmp_path, con):
    rows = [("訂單號", "客戶名稱", "金額")] + [(str(i), f"台北科技股份有限公司{i}", f"{i}.5") for i in range(30)]
    inspection = read.inspect(write(tmp_path, "tw.csv", _text(rows).encode("big5")))
    assert inspection.encoding == "big5"
    assert staged(con, inspection)[3] == (4, "3", "台北科技股份有限公司3", "3.5")


def test_cp1252_western(tmp_path, con):
    rows = [("Name", "Note")] + [("José", "“quoted” €5"), ("Renée", "naïve café")] * 5
    inspection = read.inspect(write(tmp_path, "w.csv", _text(rows).encode("cp1252")))
    assert inspection.encoding == "cp1252"
    assert staged(con, inspection)[0] == (1, "José", "“quoted” €5")


def test_excel_unicode_text_is_utf16_tab_delimited(tmp_path, con):
    rows = [("Kunde", "Umsatz"), ("Müller", "1.234,56"), ("客户", "7")]
    data = _text(rows, "\t").encode("utf-16")
    inspection = read.inspect(write(tmp_path, "unicode.txt", data))
    assert (inspection.encoding, inspection.delimiter) == ("utf-16", "\t")
    assert staged(con, inspection) == [(1, "Müller", "1.234,56"), (2, "客户", "7")]


def test_utf16_without_bom(tmp_path, con):
    data = _text([("a", "b"), ("Zoë", "1")]).encode("utf-16-le")
    inspection = read.inspect(write(tmp_path, "nobom.csv", data))
    assert inspection.encoding == "utf-16-le"
    assert staged(con, inspection) == [(1, "Zoë", "1")]


def test_user_encoding_wins(tmp_path, con):
    data = "name\nZoë\n".encode("cp1252")
    inspection = read.inspect(write(tmp_path, "z.csv", data), encoding="latin-1")
    assert (inspection.encoding, inspection.encoding_confidence) == ("iso8859-1", 1.0)
    assert staged(con, inspection) == [(1, "Zoë")]


def test_user_encoding_that_does_not_fit_is_a_clear_error(tmp_path):
    data = "name\nok\nZoë\n".encode("cp1252")
    with pytest.raises(InputError) as err:
        read.inspect(write(tmp_path, "z.csv", data), encoding="utf-8")
    assert str(err.value) == "z.csv: line 3 cannot be read as utf-8 (byte 0xeb); choose another text encoding"


def test_user_encoding_error_past_the_preview_is_caught_at_stage(tmp_path, con, monkeypatch):
    monkeypatch.setattr(read.sniff, "HEAD_BYTES", 64)
    data = ("name\n" + "plain\n" * 40 + "Zoë\n").encode("cp1252")
    inspection = read.inspect(write(tmp_path, "z.csv", data), encoding="utf-8")
    with pytest.raises(InputError) as err:
        read.stage(con, inspection, "t")
    assert str(err.value).startswith("z.csv: ")
    assert "utf-8" in str(err.value)


def test_unknown_encoding_name(tmp_path):
    with pytest.raises(InputError, match="unknown text encoding 'klingon'"):
        read.inspect(write(tmp_path, "a.csv", b"a\n1\n"), encoding="klingon")


def test_transcoding_splits_multibyte_characters_across_chunks(tmp_path, con, monkeypatch):
    monkeypatch.setattr(transcode, "_CHUNK", 7)
    rows = [("名字", "城市")] + [("张三丰", "北京市"), ("李四", "上海")] * 20
    inspection = read.inspect(write(tmp_path, "gb.csv", _text(rows).encode("gb18030")))
    got = staged(con, inspection)
    assert got[-1] == (40, "李四", "上海") and got[0] == (1, "张三丰", "北京市")


def test_bad_utf8_bytes_past_the_head_are_replaced_with_a_note(tmp_path, con, monkeypatch):
    monkeypatch.setattr(read.sniff, "HEAD_BYTES", 64)
    data = ("name,city\n" + "Zoë,Paris\n" * 20).encode() + b"Bad\xff,Rome\n"
    inspection = read.inspect(write(tmp_path, "mixed.csv", data))
    assert inspection.encoding == "utf-8"
    got = staged(con, inspection)
    assert got[-1] == (21, "Bad\ufffd", "Rome")
    assert inspection.notes == ["1 characters were not valid UTF-8 and were replaced with \ufffd"]


# --- real Salesforce exports -------------------------------------------------------------------

def test_salesforce_accounts_latin1(con):
    inspection = read.inspect(SALESFORCE / "accountData.csv")
    assert inspection.encoding in ("cp1252", "iso8859-1")
    assert len(inspection.headers) == 38 and inspection.headers[:4] == ["ID", "ISDELETED", "MASTERRECORDID", "NAME"]
    assert read.stage(con, inspection, "acc") == 423
    # Bytes 0xE9 ('é') and 0xBA ('º') seen with xxd at physical lines 87 and 72 (data rows 86, 71).
    got = con.execute('select source_row, "NAME", "BILLINGSTREET" from acc where source_row in (71, 86, 374) '
                      "order by source_row").fetchall()
    assert got[0][2] == "00045844 c/ San Romualdo, 26 5º"
    assert got[1][1] == "Crédito Inmobiliario Terras"
    assert got[2][1] == "Pébéo of America"


def test_salesforce_opportunities(con):
    inspection = read.inspect(SALESFORCE / "opportunityData.csv")
    assert (inspection.encoding, inspection.delimiter) == ("utf-8", ",")
    assert inspection.headers[:8] == ["ID", "ISDELETED", "ACCOUNTID", "NAME", "DESCRIPTION",
                                      "STAGENAME", "AMOUNT", "PROBABILITY"]
    assert read.stage(con, inspection, "opp") == 38
    first = con.execute('select "NAME", "AMOUNT", "CLOSEDATE", "CREATEDDATE", "TOTALOPPORTUNITYQUANTITY" '
                        "from opp where source_row = 1").fetchall()
    assert first == [("George Foundation - 5000 Widgets", "500000.0", "2005-11-09",
                      "2006-06-15T20:47:07.000Z", None)]


@pytest.mark.parametrize("name,encoding", [("csvtext_BOM_UTF8.csv", "utf-8-sig"),
                                           ("csvtext_BOM_UTF16LE.csv", "utf-16")], ids=["utf8", "utf16le"])
def test_salesforce_bom_files_have_clean_first_header(con, name, encoding):
    inspection = read.inspect(SALESFORCE / name)
    assert inspection.encoding == encoding
    assert inspection.raw_headers == ["column1", "column2", "column3"]
    assert inspection.headers == ["column1", "column2", "column3"]
    assert staged(con, inspection) == [(1, "row1-1", "row1-2", "row1-3"), (2, "row2-1", "row2-2", "row2-3")]
