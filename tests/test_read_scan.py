"""ingest.csvscan: the pass that decides read options before DuckDB reads (no retries later)."""

from __future__ import annotations

import pytest

from ingest import csvscan, read
from ingest.csvscan import Scan


# Scan(quoted_line_break, utf8_error_line, unclosed_quote_line, spaces_only, edge_spaces)
@pytest.mark.parametrize("data,expected", [
    (b'a,b\n1,2\n', Scan(False, None, None, True, False)),
    (b'a,b\n1,"x\ny"\n', Scan(True, None, None, False, False)),
    (b'a,b\n1,"x\r\ny"\n', Scan(True, None, None, False, False)),
    (b'a,b\n1,"say ""hi""\n"\n', Scan(True, None, None, False, True)),  # a space before a quote
    (b'a,b\n1,"say ""hi"""\n2,3\n', Scan(False, None, None, True, True)),
    (b'a,b\n1,5" screen\n2,3\n', Scan(True, None, None, False, True)),  # stray quote: read serially, no error
    (b'a,b\n1,2\n3,"never closed\n4,5\n', Scan(True, None, 3, False, False)),
    (b'a,b\nZo\xc3\xab,1\nbad\xff,2\n', Scan(False, 3, None, False, False)),
    (b'a,b\nend,\xc3', Scan(False, 2, None, False, False)),        # a character cut off at the end
    (b'a,b\r\n 1 ,2\r\n', Scan(False, None, None, True, True)),     # spaces and CRLF line ends only
    (b'a,b\n1,x\ty\n', Scan(False, None, None, False, False)),      # a tab inside a value
    (b'a,b\n1,\x0cx\n', Scan(False, None, None, False, False)),     # a form feed
    (b'\xef\xbb\xbfa,b\n1,2\n', Scan(False, None, None, True, False)),  # the byte-order mark opens the file
    (b'a,b\n1,x\xc2\xa0\n', Scan(False, None, None, False, False)),  # a no-break space (not trimmed)
], ids=["plain", "lf-in-quotes", "crlf-in-quotes", "escaped-then-break", "escaped-only", "stray-quote",
        "unclosed", "bad-utf8", "truncated-utf8", "spaces-crlf", "tab-in-value", "form-feed",
        "bom", "no-break-space"])
def test_scan(tmp_path, data, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert csvscan.scan(path, check_utf8=True) == expected


@pytest.mark.parametrize("data,delimiter,expected", [
    (b"a,b\n x,1\n", ",", True),
    (b"a,b\n1,x \n", ",", True),
    (b"a,b\n1,x ", ",", True),
    (b"a,b\r\n1,x \r\n", ",", True),
    (b"a,b\r\n1,x y\r\n", ",", False),
    (b'a,b\n1,"x y"\n', ",", False),
    (b'a,b\n1," x"\n', ",", True),
    (b'a,b\n1,"x "\n', ",", True),
    (b"a,b\nx ,1\n", ",", True),
    (b"a,b\nx, 1\n", ",", True),
    (b" a,b\n1,2\n", ",", True),
    (b"a;b\nx y;1, 2\n", ";", False),
    (b"a;b\nx ;1\n", ";", True),
    (b"a\tb\nx y\t1\n", "\t", False),
    ("a¦b\nx y¦1\n".encode(), "¦", True),
], ids=["line-start", "line-end", "file-end", "before-crlf", "inner-crlf", "quoted-inner",
        "quoted-leading", "quoted-trailing", "before-delimiter", "after-delimiter", "file-start",
        "semicolon-inner", "before-semicolon", "tab-delimited-inner", "two-byte-delimiter"])
def test_edge_spaces(tmp_path, data, delimiter, expected):
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert csvscan.scan(path, check_utf8=True, delimiter=delimiter).edge_spaces is expected


@pytest.mark.parametrize("chunk", [1, 2, 3, 4, 5], ids=lambda c: f"chunk{c}")
@pytest.mark.parametrize("data,expected", [
    (b"a,b\nx y,1\nz w,2\n", False),
    (b"a,b\nxy ,1\nz w,2\n", True),
    (b"a,b\nxy,1\nzw, 2\n", True),
    (b"a,b\nxy,1\nzw,2 ", True),
], ids=["inner", "before-delimiter", "after-delimiter", "file-end"])
def test_edge_spaces_across_chunk_boundaries(tmp_path, monkeypatch, chunk, data, expected):
    monkeypatch.setattr(csvscan, "_CHUNK", chunk)
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    assert csvscan.scan(path, check_utf8=True).edge_spaces is expected


def test_utf8_error_line_counts_lines_of_earlier_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(csvscan, "_CHUNK", 4)
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\n" + b"x,1\n" * 6 + b"bad\xff,2\n")
    assert csvscan.scan(path, check_utf8=True).utf8_error_line == 8


def test_tabs_that_delimit_are_not_whitespace_in_values(tmp_path):
    path = tmp_path / "f.tsv"
    path.write_bytes(b"a\tb\n1\t2\n")
    assert csvscan.scan(path, check_utf8=True, delimiter="\t").spaces_only is True
    assert csvscan.scan(path, check_utf8=True, delimiter=",").spaces_only is False


@pytest.mark.parametrize("chunk", [1, 2, 3, 5], ids=lambda c: f"chunk{c}")
def test_scan_across_chunk_boundaries(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(csvscan, "_CHUNK", chunk)
    path = tmp_path / "f.csv"
    path.write_bytes('a,b\n"x\ny",Zoë\n"Renée","say ""hi"""\n3,"open\n'.encode())
    # Lines: 1 header, 2-3 the two-line value, 4 Renée, 5 the quote that never closes.
    assert csvscan.scan(path, check_utf8=True) == Scan(True, None, 5, False, True)


def test_stray_quotes_with_multiline_values_are_read_without_loss(tmp_path, con):
    path = tmp_path / "mixed.csv"
    path.write_bytes(b'sku,note\nTV-1,55" screen\nTV-2,"two\nlines"\nTV-3,\n')
    read.stage(con, read.inspect(path), "t")
    got = con.execute("select source_row, sku, note from t order by source_row").fetchall()
    assert got == [(1, "TV-1", '55" screen'), (2, "TV-2", "two\nlines"), (3, "TV-3", None)]


def test_staging_inside_a_transaction_needs_no_retry(tmp_path, con, monkeypatch):
    monkeypatch.setattr(read.sniff, "HEAD_BYTES", 16)  # the bad byte lies past what inspect sees
    # A failed DuckDB statement would abort the caller's transaction; the scan avoids them.
    padded = tmp_path / "padded.csv"
    padded.write_bytes(b'a,b,c\n1,"two\nlines"\n2\n')
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"a,b\n" + b"x,1\n" * 5 + b"bad\xff,2\n")
    con.execute("begin")
    assert read.stage(con, read.inspect(padded), "p") == 2
    inspection = read.inspect(broken)
    assert read.stage(con, inspection, "b") == 6
    con.execute("commit")
    assert con.execute("select a from b where source_row = 6").fetchall() == [("bad\ufffd",)]
    assert inspection.notes == ["1 characters were not valid UTF-8 and were replaced with \ufffd"]


def test_a_scan_started_at_inspection_answers_the_load(tmp_path, monkeypatch):
    path = tmp_path / "a.csv"
    path.write_bytes(b"a,b\n1, x\n")
    csvscan.scan_ahead(path, check_utf8=True, delimiter=",")
    fresh = []
    monkeypatch.setattr(csvscan, "scan", lambda *a, **k: fresh.append(a) or "scanned again")
    assert csvscan.scan_once(path, check_utf8=True, delimiter=",") == Scan(False, None, None, True, True)
    assert fresh == []
    # Other options, or the file changed since: scanned again.
    assert csvscan.scan_once(path, check_utf8=True, delimiter=";") == "scanned again"
    path.write_bytes(b'a,b\n"1,2\n')
    assert csvscan.scan_once(path, check_utf8=True, delimiter=",") == "scanned again"


def test_inspecting_utf8_text_starts_its_scan(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(b'a,b\n"1\n2",3\n')
    read.forget_reads()
    read.inspect(path)
    assert csvscan.scan_once(path, check_utf8=True, delimiter=",").quoted_line_break is True
    assert len(csvscan._ahead) == 1
    read.forget_reads()
    assert len(csvscan._ahead) == 0
