"""What a file really is, judged by its bytes (never by its name): format, encoding, delimiter."""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path

from charset_normalizer import from_bytes

from ingest.errors import InputError

HEAD_BYTES = 1 << 20  # what sniffing and previews read from the start of a text file
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_HIGH_RUNS = re.compile(rb"[\x80-\xff]+")
DELIMITERS = (",", ";", "\t", "|")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_REFUSED_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip-compressed file (unpack it first)",
    b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive (unpack it first)",
    b"Rar!": "a RAR archive (unpack it first)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"SQLite format 3": "an SQLite database",
}

# charset-normalizer names, by the encoding we read them as. Chinese exports come first:
# short GBK text also decodes as Korean or Japanese, and the product serves Chinese shops.
_FAMILIES = (
    ("gb18030", {"gb18030", "gbk", "gb2312", "cp936", "hz"}),
    ("big5", {"big5", "big5hkscs", "cp950"}),
    ("cp1252", {"cp1252", "latin_1", "iso8859_15", "iso8859_1"}),
)
_CJK_OTHER = {"cp932": {"cp932", "shift_jis", "euc_jp", "euc_jis_2004", "shift_jis_2004"},
              "cp949": {"cp949", "euc_kr", "johab"}}


def canonical_encoding(name: str, display_name: str) -> str:
    """The codec name for a user-given encoding ('GBK' -> 'gbk'), InputError when unknown."""
    try:
        return codecs.lookup(str(name).strip()).name
    except LookupError:
        raise InputError(f"unknown text encoding '{name}' (try utf-8, gb18030, big5 or cp1252)",
                         file=display_name) from None


def detect_format(path: Path, head: bytes, display_name: str) -> str:
    """'excel' | 'parquet' | 'text' from the first bytes; InputError for files we cannot read."""
    if not head:
        raise InputError("the file is empty", file=display_name)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(path, display_name)
    if head.startswith(_OLE2):
        return "excel"
    if head.startswith(b"PAR1"):
        return "parquet"
    for magic, what in _REFUSED_MAGIC.items():
        if head.startswith(magic):
            raise InputError(f"the file is {what}, not a table (CSV, Excel or Parquet)",
                             file=display_name)
    start = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        raise InputError("the file is a web page (HTML) saved under a spreadsheet name; "
                         "open it in Excel and save it as .xlsx or CSV", file=display_name)
    return "text"


def _zip_kind(path: Path, display_name: str) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise InputError("the file looks like a ZIP/Excel file but is damaged", file=display_name) from None
    if {"xl/workbook.xml", "xl/workbook.bin"} & names or "content.xml" in names:
        return "excel"
    raise InputError("the file is a ZIP archive, not an Excel workbook; unpack it and upload "
                     "the spreadsheet inside", file=display_name)


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    pairs = len(sample) // 2
    if pairs < 4:
        return None
    odd_zero = sample[1::2].count(0)
    even_zero = sample[0::2].count(0)
    if odd_zero > 0.3 * pairs and even_zero < 0.05 * pairs:
        return "utf-16-le"
    if even_zero > 0.3 * pairs and odd_zero < 0.05 * pairs:
        return "utf-16-be"
    return None


def _decodes(data: bytes, encoding: str, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(data, final=complete)
        return True
    except UnicodeDecodeError:
        return False


def _paired_high_bytes(data: bytes) -> bool:
    """True when the sample has a fair number of bytes >= 0x80 and nearly all of them sit
    in runs of two or more, as in GB18030/GBK/Big5 text (two bytes per character); in
    Western text they stand alone between ASCII letters ('Müller', 'café')."""
    runs = [len(run) for run in _HIGH_RUNS.findall(data[:65536])]
    high = sum(runs)
    return high >= 8 and sum(n for n in runs if n >= 2) >= 0.9 * high


def detect_encoding(head: bytes, complete: bool) -> tuple[str, float]:
    """(encoding, confidence) of text starting with ``head``; ``complete`` when it is the
    whole file. A byte-order mark or valid UTF-8 is certain; otherwise charset-normalizer
    judges the lines that hold non-ASCII bytes. Text whose high bytes come in pairs is never
    read as a Western code page when GB18030 decodes it cleanly."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig", 1.0
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16", 1.0
    utf16 = _utf16_without_bom(head)
    if utf16:
        return utf16, 0.9
    if _decodes(head, "utf-8", complete):
        return "utf-8", 0.9 if head.isascii() else 1.0
    lines = head.splitlines()
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # cut at an arbitrary byte: a half character would mislead the judge
    sample = b"\n".join(line for line in lines if not line.isascii())[:65536]
    cjk = _paired_high_bytes(sample)
    matches = list(from_bytes(sample))
    found = {m.encoding: m for m in matches}
    families = [f for f in (*_FAMILIES, *_CJK_OTHER.items()) if not (cjk and f[0] == "cp1252")]
    for ours, members in families:
        for name in members & set(found):
            if _decodes(head, ours, complete):
                return ours, round(max(0.0, 1.0 - found[name].chaos), 2)
    if cjk and _decodes(head, "gb18030", complete):
        return "gb18030", 0.7
    if matches and _decodes(head, matches[0].encoding, complete):
        return codecs.lookup(matches[0].encoding).name, round(max(0.0, 1.0 - matches[0].chaos), 2)
    if _decodes(head, "cp1252", complete):
        return "cp1252", 0.3
    return "latin-1", 0.2


def looks_binary(text: str) -> bool:
    """True when decoded text is mostly control characters: not a table of text."""
    sample = text[:65536]
    if not sample:
        return False
    control = len(_CONTROL.findall(sample))
    return control > max(2, 0.01 * len(sample))


def _split_score(sample: str, delim: str) -> tuple[float, int] | None:
    """(share of rows that split cleanly into the usual width, that width) with ``delim``;
    None when it splits nothing. A row is clean when it has the usual width and no field
    keeps a quote: a delimiter that cuts through quoted values leaves their quotes behind."""
    try:
        rows = [r for r in csv.reader(io.StringIO(sample), delimiter=delim, quotechar='"') if r]
    except csv.Error:
        return None
    if len(rows) > 2:
        rows = rows[:-1]  # the last record may be cut by the sample's end
    widths = [len(r) for r in rows]
    if not widths or max(widths) < 2:
        return None
    mode = max(set(widths), key=lambda w: (widths.count(w), w))
    clean = sum(1 for r in rows if len(r) == mode and not any('"' in f for f in r))
    return clean / len(rows), mode


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the sample into the most consistent columns."""
    sample = "\n".join(text.splitlines()[:200])
    best, best_score = ",", (0.0, 0)
    for delim in DELIMITERS:
        score = _split_score(sample, delim)
        if score is not None and score[1] > 1 and score > best_score:
            best, best_score = delim, score
    return best
