"""A big sheet read as two halves at once (ingest.sheetsplit) gives exactly the one-core read.

The split threshold is lowered so small hand-made workbooks split; each case checks both
that the halves were used (not the fallback) and that they match fastexcel's whole read.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import PatternFill

from ingest import excel, read, sheetsplit, zipparts

A = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@pytest.fixture(autouse=True)
def split_small_sheets(monkeypatch):
    monkeypatch.setattr(sheetsplit, "SPLIT_MIN_BYTES", 0)
    excel.forget_sheets()
    yield
    excel.forget_sheets()


def halves(path, sheet):
    inflated = excel.check_zip(path, path.name, keep=sheetsplit.keeper())
    return sheetsplit.read_in_halves(path, sheet, inflated,
                                     lambda book: excel.read_sheet(Path(book), sheet, path.name))


def rows(batch):
    return [list(r.values()) for r in batch.to_pylist()]


def openpyxl_book(path, sheets: dict, write_only=False, styled_blanks=()):
    book = openpyxl.Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)
    for name, data in sheets.items():
        sheet = book.create_sheet(name)
        for row in data:
            sheet.append(row)
        for ref in styled_blanks:
            sheet[ref].fill = PatternFill("solid", fgColor="FFFF00")
    book.save(path)
    return path


def orders(n, start=1):
    return [[f"SO-{i}", dt.datetime(2024, 1, 1) + dt.timedelta(days=i), i * 1.25, i % 3 == 0,
             None if i % 7 == 0 else f"rep {i % 4}"] for i in range(start, start + n)]


HEADER = ["Order", "Date", "Amount", "Paid", "Rep"]
# openpyxl writes text as inline strings in both modes; Excel's shared strings are tested with a
# workbook written by hand (test_shared_strings_and_date_styles_reach_both_halves).
CASES = {
    "plain orders": {"S": [HEADER, *orders(41)]},
    "blank column A in the second half": {"S": [HEADER, *orders(20), *[[None, *r[1:]] for r in orders(21, 21)]]},
    "blank column A in the first half": {"S": [[None, *HEADER[1:]], *[[None, *r[1:]] for r in orders(20)], *orders(21, 21)]},
    "empty rows around the middle": {"S": [HEADER, *orders(15), *[[None] * 5] * 12, *orders(15, 16)]},
    "a wider second half": {"S": [HEADER, *orders(20), *[[*r, "extra", None, 7] for r in orders(21, 21)]]},
    "header below empty rows": {"S": [[None], [None], HEADER, *orders(40)]},
    "the second of several sheets": {"Cover": [["made by", "us"]], "S": [HEADER, *orders(41)], "Later": [["x"]]},
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("write_only", [False, True], ids=["openpyxl", "openpyxl-write-only"])
def test_halves_match_the_whole_read(tmp_path, case, write_only):
    path = openpyxl_book(tmp_path / "book.xlsx", CASES[case], write_only=write_only)
    got = halves(path, "S")
    assert got is not None, "the sheet was not read in halves"
    assert got.equals(excel.read_sheet(path, "S", path.name))


def test_halves_hold_the_rows_typed_in(tmp_path):
    # Values worked out by hand, not taken from a reader.
    data = [["id", "amount", "when"], *[[f"r{i}", i * 10 + 0.5, dt.date(2024, 3, i)] for i in range(1, 21)]]
    path = openpyxl_book(tmp_path / "book.xlsx", {"S": data})
    got = rows(halves(path, "S"))
    assert got[0] == ["id", "amount", "when"]
    assert got[1] == ["r1", "10.5", "2024-03-01 00:00:00"]
    assert got[20] == ["r20", "200.5", "2024-03-20 00:00:00"]
    assert len(got) == 21


def test_trailing_styled_blanks_match(tmp_path):
    path = openpyxl_book(tmp_path / "book.xlsx", {"S": [HEADER, *orders(30)]}, styled_blanks=["A40", "G35"])
    got = halves(path, "S")
    assert got is not None and got.equals(excel.read_sheet(path, "S", path.name))


def raw_book(path, sheet_data: str, sheet_data_tag="sheetData", parts: dict | None = None):
    """A workbook written by hand, so the sheet XML can be anything. ``parts``: more parts
    of xl/ (shared strings, styles), each given a relationship from the workbook."""
    parts = parts or {}
    rels = "".join(f'<Relationship Id="rId{i}" Type="{R}/{kind}" Target="{name}"/>'
                   for i, (name, (kind, _)) in enumerate(parts.items(), start=20))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/>'
                         '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                         '<Override PartName="/xl/worksheets/data.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                         '</Types>')
        archive.writestr("_rels/.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/>'
                         '</Relationships>')
        archive.writestr("xl/workbook.xml",
                         f'<workbook xmlns="{A}" xmlns:r="{R}"><sheets>'
                         '<sheet name="S &amp; T" sheetId="1" r:id="rId7"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels",
                         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                         f'<Relationship Id="rId7" Type="{R}/worksheet" Target="worksheets/data.xml"/>'
                         f'{rels}</Relationships>')
        archive.writestr("xl/worksheets/data.xml",
                         f'<worksheet xmlns="{A}" xmlns:x="{A}"><{sheet_data_tag}>{sheet_data}'
                         f'</{sheet_data_tag}></worksheet>')
        for name, (_, xml) in parts.items():
            archive.writestr(f"xl/{name}", xml)
    return path


def test_shared_strings_and_date_styles_reach_both_halves(tmp_path):
    # What Excel itself writes: text in a shared table, dates as serials with a date style.
    words = ["North", "South", "Zoë & co", "东部"]
    sst = (f'<sst xmlns="{A}" count="{len(words)}" uniqueCount="{len(words)}">'
           + "".join(f"<si><t>{w.replace('&', '&amp;')}</t></si>" for w in words) + "</sst>")
    styles = (f'<styleSheet xmlns="{A}"><cellXfs count="2"><xf numFmtId="0"/>'
              '<xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    body = "".join(f'<row r="{n}" spans="1:3"><c r="A{n}" t="s"><v>{n % 4}</v></c>'
                   f'<c r="B{n}" s="1"><v>{45292 + n}</v></c><c r="C{n}"><v>{n}.5</v></c></row>'
                   for n in range(1, 41))
    path = raw_book(tmp_path / "book.xlsx", body,
                    parts={"sharedStrings.xml": ("sharedStrings", sst), "styles.xml": ("styles", styles)})
    got = halves(path, "S & T")
    assert got is not None
    assert got.equals(excel.read_sheet(path, "S & T", path.name))
    # Serial 45292 is 2024-01-01; row n holds 45292 + n.
    assert rows(got)[0] == ["South", "2024-01-02 00:00:00", "1.5"]
    assert rows(got)[39] == ["North", "2024-02-10 00:00:00", "40.5"]
    assert [r[0] for r in rows(got)[18:22]] == ["东部", "North", "South", "Zoë & co"]


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def test_a_sheet_named_with_an_entity_and_rows_with_spans_split(tmp_path):
    body = "".join(f'<row spans="1:2" r="{n}">{cell(f"A{n}", f"a{n}")}<c r="B{n}"><v>{n}</v></c></row>'
                   for n in range(1, 31))
    path = raw_book(tmp_path / "book.xlsx", body)
    got = halves(path, "S & T")
    assert got is not None
    assert rows(got) == [[f"a{n}", str(n)] for n in range(1, 31)]


@pytest.mark.parametrize("body,tag", [
    ("".join(f'<row r="{n}">{cell(f"B{n}", n)}</row>' for n in range(1, 31)), "sheetData"),
    ("".join(f'<row>{cell(f"A{n}", n)}</row>' for n in range(1, 31)), "sheetData"),
    ("".join(f'<x:row r="{n}"><x:c r="A{n}"><x:v>{n}</x:v></x:c></x:row>' for n in range(1, 31)), "x:sheetData"),
    ("".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(1, 16))
     + "".join(f'<row r="{n}"/>' for n in range(16, 400)), "sheetData"),
    ("".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in [*range(20, 40), *range(1, 20)]), "sheetData"),
    ("".join(f'<row r="{n}">{cell(f"A{n}", f"{n:02}")}</row>' for n in [*range(1, 11), *range(30, 40), *range(11, 30)]),
     "sheetData"),
    # A cell in the first half claims the place of the second half's first row.
    ("".join(f'<row r="{n}">{"" if n == 21 else cell(f"A{n}", n)}{cell("A21", "stray") if n == 5 else ""}'
             f'{cell(f"B{n}", n)}</row>' for n in range(1, 41)), "sheetData"),
    # Every row written twice, once per column.
    ("".join(f'<row r="{n}">{cell(f"B{n}" if k else f"A{n}", f"{n}{k}")}</row>'
             for n in range(1, 21) for k in (0, 1)), "sheetData"),
    # r="30" inside another attribute's value: the rows have no number of their own.
    ("".join(f"<row spans=' r=\"30\"'><c t=\"inlineStr\"><is><t>{n}</t></is></c></row>"
             for n in range(1, 41)), "sheetData"),
    # An attribute without a value: not the XML the cut can trust.
    ("".join(f'<row hidden r="{n}">{cell(f"A{n}", n)}</row>' for n in range(1, 41)), "sheetData"),
    # Inside comments and CDATA, tags are text: such a sheet is never cut.
    ("".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(1, 6)) + "<!-- "
     + "".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(6, 40)) + " -->", "sheetData"),
    ("".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(1, 40))
     + '<!-- </sheetData> --><row r="50"><c r="A50"><v>1</v></c></row>', "sheetData"),
    # The parser stops at the first end of the data, before the cut: the halves would not.
    ("".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(1, 6)) + "</sheetData><sheetData>"
     + "".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(6, 60)), "sheetData"),
], ids=["starts in column B", "rows without numbers", "prefixed tags", "second half without values",
        "rows out of order", "rows out of order in the first half", "a stray cell on the cut row",
        "rows written twice", "a number inside another attribute", "an attribute without a value",
        "rows in a comment", "an end tag in a comment", "two sheetData elements"])
def test_sheets_that_cannot_be_proved_split_are_read_whole(tmp_path, body, tag):
    path = raw_book(tmp_path / "book.xlsx", body, tag)
    assert halves(path, "S & T") is None
    whole = excel.read_sheet(path, "S & T", path.name)
    inflated = excel.check_zip(path, path.name, keep=sheetsplit.keeper())
    assert excel.read_whole_sheet(path, "S & T", path.name, inflated).equals(whole)


@pytest.mark.parametrize("least,most_mb", [(1 << 20, "256"), (0, "0")], ids=["too small", "setting 0"])
def test_sheets_outside_the_bounds_are_not_kept_by_the_check(tmp_path, monkeypatch, least, most_mb):
    monkeypatch.setattr(sheetsplit, "SPLIT_MIN_BYTES", least)
    monkeypatch.setenv("CRM_EXCEL_SPLIT_READ_MB", most_mb)
    path = openpyxl_book(tmp_path / "book.xlsx", {"S": [HEADER, *orders(41)]})
    assert sorted(excel.check_zip(path, path.name, keep=sheetsplit.keeper())) == [
        "xl/_rels/workbook.xml.rels", "xl/workbook.xml"]
    monkeypatch.delenv("CRM_EXCEL_SPLIT_READ_MB")
    monkeypatch.setattr(sheetsplit, "SPLIT_MIN_BYTES", 0)
    assert "xl/worksheets/sheet1.xml" in excel.check_zip(path, path.name, keep=sheetsplit.keeper())


def test_a_kept_part_that_is_not_xml_is_dropped(tmp_path):
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x89PNG" + bytes(range(256)) * 8)
    assert list(excel.check_zip(path, path.name, keep=lambda info: True)) == ["xl/workbook.xml"]


def test_inspect_and_stage_read_a_big_sheet_in_halves(tmp_path, con, monkeypatch):
    used = []
    real = sheetsplit.read_in_halves

    def counted(*args):
        batch = real(*args)
        used.append(batch is not None)
        return batch

    monkeypatch.setattr(sheetsplit, "read_in_halves", counted)
    path = openpyxl_book(tmp_path / "orders.xlsx", {"S": [HEADER, *orders(41)]})
    inspection = read.inspect(path)
    assert used == [True]
    assert read.stage(con, inspection, "t") == 41
    # Rows 1, 21 and 41 by hand: amount = i * 1.25, a rep unless i is a multiple of 7.
    got = con.execute('select source_row, "Order", "Amount", "Rep" from t '
                      "where source_row in (1, 21, 41) order by source_row").fetchall()
    assert got == [(1, "SO-1", "1.25", "rep 1"), (21, "SO-21", "26.25", None), (41, "SO-41", "51.25", "rep 1")]


def test_half_workbooks_are_sound_zips(tmp_path):
    # Python's own zip reader checks what fastexcel is given: every CRC, and the parts' bytes.
    path = openpyxl_book(tmp_path / "book.xlsx", {"S": [HEADER, *orders(41)]}, styled_blanks=["A50"])
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        infos = archive.infolist()
        original = {i.filename: archive.read(i) for i in infos}
        stored = {i.filename: zipparts.raw(handle, i) for i in infos}
    book = io.BytesIO()
    zipparts.write_replacing(book, infos, stored, "xl/worksheets/sheet1.xml", [b"<new/>", memoryview(b"<x>")])
    with zipfile.ZipFile(book) as copy:
        assert copy.testzip() is None
        assert copy.namelist() == [i.filename for i in infos]
        assert {n: copy.read(n) for n in copy.namelist()} == {**original, "xl/worksheets/sheet1.xml": b"<new/><x>"}


def test_half_workbooks_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(sheetsplit.tempfile, "tempdir", str(tmp_path / "temp"))
    (tmp_path / "temp").mkdir()
    removed = []
    real_unlink = sheetsplit.os.unlink
    monkeypatch.setattr(sheetsplit.os, "unlink", lambda name: (removed.append(name), real_unlink(name)))
    path = openpyxl_book(tmp_path / "book.xlsx", {"S": [HEADER, *orders(41)]})
    assert halves(path, "S") is not None
    broken = raw_book(tmp_path / "broken.xlsx", "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></row>'
                                                       for n in range(1, 41)))
    assert halves(broken, "S & T") is None
    # Two halves a read, each written in the temporary folder and removed after.
    assert len(removed) == 4 and all(Path(n).parent == tmp_path / "temp" for n in removed)
    assert list((tmp_path / "temp").iterdir()) == []


@pytest.mark.parametrize("body", [
    # <row-x> is no row to the parser; the cut must not land on it.
    "".join(f'<row r="{n}">{cell(f"A{n}", "L" * 6000 if n == 20 else n)}'
            + ('<row-x r="30"/><c t="inlineStr"><is><t>tail</t></is></c>' if n == 20 else "") + "</row>"
            for n in [*range(1, 21), *range(31, 51)]),
    # A cell outside any row moves the parser's column count for the row after it.
    "".join(('<c t="inlineStr"><is><t>orphan</t></is></c>' if n == 21 else "")
            + f'<row r="{n}"><c t="inlineStr"><is><t>a{n}</t></is></c>'
            f'<c t="inlineStr"><is><t>b{n}</t></is></c></row>' for n in range(1, 41)),
    # The data ends at an end tag with a prefix after the cut: the second half stops there too.
    "".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(1, 40)) + "</x:sheetData><sheetData>"
    + "".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(40, 45)),
    # A row numbered far past its cells (r=9999999, cell A20) must not become a marker's row.
    "".join(f'<row r="{9999999 if n == 20 else n}">{cell(f"A{n}", n)}</row>' for n in range(1, 40)),
], ids=["a row-x tag inside a row", "a cell outside any row", "a prefixed end tag after the cut",
        "a row numbered past its cells"])
def test_odd_markup_near_the_middle_still_reads_right(tmp_path, body):
    path = raw_book(tmp_path / "book.xlsx", body)
    got = halves(path, "S & T")
    assert got is not None and got.equals(excel.read_sheet(path, "S & T", path.name))


def test_a_sheet_part_named_twice_is_read_whole(tmp_path):
    body = "".join(f'<row r="{n}">{cell(f"A{n}", n)}</row>' for n in range(1, 41))
    path = raw_book(tmp_path / "book.xlsx", body)
    # The check keeps the first copy (the second is no XML); fastexcel would read the second.
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/worksheets/data.xml", b"\x89PNG" + bytes(range(256)) * 4)
    assert halves(path, "S & T") is None


def test_pieces_find_markers_cut_across_several_pieces():
    pieces = sheetsplit._Pieces([b"xx</sh", b"eetD", b"ata>", b"<r", b"o", b"w r", b"</sheetData>"])
    assert (pieces.find(b"</sheetData>"), pieces.find(b"</sheetData>", 3), pieces.find(b"<row"),
            pieces.find(b"<row", 15), pieces.find(b"<row", 0, 17), pieces.find(b"<row", 0, 18)) == (
        2, 20, 14, -1, -1, 14)
    assert (pieces.rfind(b"</sheetData>"), pieces.rfind(b"eetData>r"), pieces.rfind(b"nope")) == (20, -1, -1)
    assert sheetsplit._Pieces([b"xx</sh", b"eetD", b"ata>"]).rfind(b"</sheetData>") == 2
    assert not pieces.has_declarations()
    assert sheetsplit._Pieces([b"a!b<", b"!-- x -->"]).has_declarations()
    assert sheetsplit._Pieces([b"Great! <t>", b"<![CDATA[x]]>"]).has_declarations()


@pytest.mark.parametrize("tag,after,number", [
    (b'<row r="7">', b'<c r="A7" t="s">', 7),
    (b"<row spans='1:3' r='7' >", b'\n <c s="1">', 7),
    (b'<row r="7">', b"<c>", 7),
    (b'<row r="9999999">', b'<c r="A7">', 0),     # past Excel's last row
    (b'<row r="70000">', b'<c r="A7">', 0),       # the cell says another row: trust neither
    (b'<row r="7">', b'<c r="a7">', 0),           # not how Excel writes a place
    (b'<row r="7"/>', b'<row r="8">', 0),         # an empty row: nothing to check against
    (b'<row r="7">', b"</row>", 0),
    (b'<row\x0br="7">', b'<c r="A7">', 0),        # \v is no XML white space
    (b'<row r="7" r="8">', b'<c r="A7">', 0),
    (b'<row hidden r="7">', b'<c r="A7">', 0),
    (b'<row r="1">', b'<c r="A1">', 0),           # the second half's marker needs a row above
], ids=["plain", "single quotes and spaces", "cell without place", "past the last row",
        "row and cell disagree", "lower-case place", "empty row", "no cell", "vertical tab",
        "r twice", "attribute without value", "first row"])
def test_the_cut_row_number_is_read_strictly(tag, after, number):
    assert sheetsplit._row_number(tag, after) == number


def test_the_check_keeps_big_sheets_only_up_to_the_setting(tmp_path, monkeypatch):
    # Two sheets of 0.5-1 MB each: a budget of 1 MB keeps the first only.
    path = openpyxl_book(tmp_path / "book.xlsx", {"One": [HEADER, *orders(3000)], "Two": [HEADER, *orders(3000)]})
    with zipfile.ZipFile(path) as archive:
        assert all(1 << 19 < archive.getinfo(f"xl/worksheets/sheet{i}.xml").file_size < 1 << 20 for i in (1, 2))
    monkeypatch.setattr(sheetsplit, "SPLIT_MIN_BYTES", 1 << 16)
    monkeypatch.setenv("CRM_EXCEL_SPLIT_READ_MB", "1")
    assert sorted(excel.check_zip(path, path.name, keep=sheetsplit.keeper())) == [
        "xl/_rels/workbook.xml.rels", "xl/workbook.xml", "xl/worksheets/sheet1.xml"]
