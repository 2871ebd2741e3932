"""Open any export a user brings: look inside it (``inspect``), then stage it in DuckDB (``stage``).

The format is judged by content, never by the file name: CSV/TSV/TXT in any common encoding
and with any of , ; tab | as delimiter, Excel workbooks (.xlsx/.xlsm/.xlsb/.xls/.ods), Parquet.
Staging reads every value as text; ``ingest.values`` parses kinds later, in SQL.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

import settings
from ingest import csvscan, excel, sheetsplit, sniff
from ingest.errors import InputError
from ingest.headers import clean_headers
from ingest.sqltext import ident

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
# What stage() strips from both ends of every value (preview does the same); other
# whitespace (tabs, no-break spaces) is left to ingest.values, which strips all of it.
STRIP_CHARS = " "
# Lines holding only these count as blank; before the header they are skipped.
BLANK_CHARS = " \t\r\n\f\v\u00a0\u3000\ufeff"
SAMPLE_RECORDS = 5000  # records of the head parsed for widths and the preview
_LEADING_BLANK = re.compile(r"(?:[ \t\f\v\u00a0\u3000\ufeff]*\r?\n)*")
csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class Inspection:
    """What a file holds, as far as reading it goes (see module docstring)."""

    path: Path                 # file on disk
    display_name: str          # the name the user knows it by; used in every message
    format: str                # 'csv' | 'excel' | 'parquet'
    encoding: str | None       # text encoding read with; None for non-text
    encoding_confidence: float  # 0..1; detection is a hint, the user can override
    delimiter: str | None      # ',' ';' '\t' '|' for text files
    sheets: list[str]          # every sheet of a workbook ([] otherwise)
    sheet: str | None          # the sheet read
    excel_1904: bool           # workbook uses the 1904 date system
    headers: list[str]         # cleaned, unique, never blank
    raw_headers: list[str]     # as in the file
    preview: pd.DataFrame      # first rows; every value a str or None; columns = headers
    notes: list[str] = field(default_factory=list)  # things the user should know
    skip_lines: int = 0        # blank lines before the header line (text files)
    encoding_given: bool = False  # the user chose the encoding (decoding errors are errors)


def inspect(path, display_name=None, *, encoding=None, delimiter=None, sheet=None,
            preview_rows=20) -> Inspection:
    """Look at a file without loading it: format, encoding, delimiter, sheets, headers, preview.

    Raises InputError naming the file for anything unusable: missing, too large, empty,
    header only, binary, a damaged or hostile workbook.
    """
    path = Path(path)
    display = display_name or path.name
    if not path.is_file():
        raise InputError("the file cannot be found", file=display)
    size = path.stat().st_size
    limit_mb = int(settings.get("max_upload_mb"))
    if size > limit_mb * 1024 * 1024:
        raise InputError(f"the file is {size / 1048576:,.1f} MB, larger than the {limit_mb:,} MB "
                         "allowed (setting max_upload_mb)", file=display)
    with open(path, "rb") as handle:
        head = handle.read(sniff.HEAD_BYTES)
    kind = sniff.detect_format(path, head, display)
    suffix = Path(display).suffix.lower()
    notes: list[str] = []
    if kind == "text" and suffix in EXCEL_SUFFIXES + (".parquet",):
        notes.append(f"read as CSV text: the file is named {suffix} but is not really "
                     f"{'an Excel workbook' if suffix != '.parquet' else 'Parquet'}")
    elif kind == "excel" and suffix in TEXT_SUFFIXES:
        notes.append(f"read as an Excel workbook: the file is named {suffix} but is not text")
    if kind == "excel":
        result = _inspect_excel(path, display, sheet, preview_rows)
    elif kind == "parquet":
        result = _inspect_parquet(path, display, preview_rows)
    else:
        result = _inspect_text(path, display, head, size <= len(head), encoding, delimiter,
                               preview_rows)
    result.notes[:0] = notes
    return result


# --- text ------------------------------------------------------------------------------------

def _decode_head(head: bytes, encoding: str, complete: bool, display: str, given: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)("strict" if given else "replace")
    try:
        text = decoder.decode(head, final=complete)
    except UnicodeDecodeError as exc:
        line = head[:exc.start].count(b"\n") + 1
        raise InputError(f"line {line} cannot be read as {encoding} "
                         f"(byte 0x{head[exc.start]:02x}); choose another text encoding",
                         file=display) from None
    if not complete and "\n" in text:
        text = text[:text.rfind("\n") + 1]  # the last line may be cut short
    return text.lstrip("\ufeff")


def _check_delimiter(delimiter: str, display: str) -> str:
    if len(delimiter) != 1 or delimiter in "\"\r\n":
        raise InputError(f"the delimiter must be one character other than a quote or a line "
                         f"break, not {delimiter!r}", file=display)
    return delimiter


def _inspect_text(path: Path, display: str, head: bytes, complete: bool, encoding, delimiter,
                  preview_rows: int) -> Inspection:
    given = encoding is not None
    if given:
        enc, confidence = sniff.canonical_encoding(encoding, display), 1.0
    else:
        enc, confidence = sniff.detect_encoding(head, complete)
    text = _decode_head(head, enc, complete, display, given)
    if sniff.looks_binary(text):
        raise InputError("the file is not a table of text (CSV), an Excel workbook or Parquet; "
                         "it looks like binary data", file=display)
    if not text.strip(BLANK_CHARS):
        raise InputError("the file is empty", file=display)
    delim = _check_delimiter(delimiter, display) if delimiter else sniff.sniff_delimiter(text)
    if enc in ("utf-8", "utf-8-sig"):
        # The pass staging needs first (see ingest.csvscan) runs while the user looks at the preview.
        csvscan.scan_ahead(path, check_utf8=True, delimiter=delim)
    leading = _LEADING_BLANK.match(text).group(0)
    skip = leading.count("\n")
    body = text[len(leading):]
    try:
        reader = csv.reader(io.StringIO(body, newline=""), delimiter=delim, quotechar='"',
                            doublequote=True)
        records = [r for r in itertools.islice(reader, SAMPLE_RECORDS) if r]
    except csv.Error as exc:
        raise InputError(f"the file cannot be read as CSV text: {exc}", file=display) from None
    raw = records[0]
    whole = complete and len(records) < SAMPLE_RECORDS
    data = records[1:-1] if not whole and len(records) > 2 else records[1:]
    width = max([len(raw), *(len(r) for r in data)])
    raw_headers = raw + [""] * (width - len(raw))
    headers = clean_headers(raw_headers)
    rows = _preview_rows(data, width, preview_rows)
    if whole and not rows:
        raise InputError("the file has a header but no rows", file=display)
    notes = []
    if not given and confidence < 0.8 and enc not in ("utf-8", "utf-8-sig"):
        notes.append(f"the text encoding was guessed as {enc}; if letters look wrong, "
                     "choose the right encoding")
    if width > len(raw):
        notes.append(f"some rows have more values than the header; the extra columns are "
                     f"named {headers[len(raw)]}...")
    return Inspection(path=path, display_name=display, format="csv", encoding=enc,
                      encoding_confidence=confidence, delimiter=delim, sheets=[], sheet=None,
                      excel_1904=False, headers=headers, raw_headers=raw_headers,
                      preview=_frame(rows, headers), notes=notes, skip_lines=skip,
                      encoding_given=given)


def _strip(value) -> str | None:
    if value is None:
        return None
    text = str(value).strip(STRIP_CHARS)
    return text or None


def _preview_rows(records, width: int, limit: int) -> list[list[str | None]]:
    """Up to ``limit`` rows, each padded to ``width``, stripped, all-empty rows left out
    (as ``stage`` leaves them out)."""
    rows = []
    for record in records:
        row = [_strip(v) for v in record[:width]] + [None] * (width - len(record))
        if any(v is not None for v in row):
            rows.append(row)
            if len(rows) >= limit:
                break
    return rows


def _frame(rows, headers) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=headers, dtype=object) if rows else \
        pd.DataFrame({h: pd.Series([], dtype=object) for h in headers})


# --- excel -----------------------------------------------------------------------------------

def _inspect_excel(path: Path, display: str, sheet, preview_rows: int) -> Inspection:
    # The check inflates every part anyway: a big sheet's XML is kept for a faster read.
    inflated = excel.check_zip(path, display, keep=sheetsplit.keeper()) if zipfile.is_zipfile(path) else {}
    names = excel.sheet_names(path, display)
    if not names:
        raise InputError("the workbook has no sheets", file=display)
    if sheet is not None and sheet not in names:
        raise InputError(f"the workbook has no sheet '{sheet}' (its sheets: {', '.join(names)})",
                         file=display)
    header_only = None
    for name in [sheet] if sheet is not None else names:
        # Reading part of a sheet costs as much as all of it; staging reuses this read.
        records = excel.read_whole_sheet(path, name, display, inflated).slice(0, preview_rows * 5 + 1)
        records = records.to_pylist()
        records = [[row[k] for k in row] for row in records]
        if not records or not any(v is not None for v in records[0]):
            if sheet is not None:
                raise InputError(f"the sheet '{name}' is empty", file=display)
            continue
        raw_headers = ["" if v is None else str(v) for v in records[0]]
        rows = _preview_rows(records[1:], len(raw_headers), preview_rows)
        if not rows:
            header_only = header_only or name
            if sheet is not None:
                break
            continue
        headers = clean_headers(raw_headers)
        return Inspection(path=path, display_name=display, format="excel", encoding=None,
                          encoding_confidence=1.0, delimiter=None, sheets=names, sheet=name,
                          excel_1904=excel.is_1904(path), headers=headers,
                          raw_headers=raw_headers, preview=_frame(rows, headers))
    if header_only:
        raise InputError(f"the sheet '{header_only}' has a header but no rows", file=display)
    raise InputError("every sheet of the workbook is empty", file=display)


# --- parquet ---------------------------------------------------------------------------------

def _inspect_parquet(path: Path, display: str, preview_rows: int) -> Inspection:
    con = duckdb.connect(":memory:")
    try:
        described = con.execute("describe select * from read_parquet($p)", {"p": str(path)}).fetchall()
        raw_headers = [str(row[0]) for row in described]
        headers = clean_headers(raw_headers)
        columns = ", ".join(f"cast({ident(r)} as varchar)" for r in raw_headers)
        found = con.execute(f"select {columns} from read_parquet($p) limit $n",
                            {"p": str(path), "n": preview_rows * 5}).fetchall()
        total = con.execute("select count(*) from read_parquet($p)", {"p": str(path)}).fetchall()[0][0]
    except duckdb.Error as exc:
        raise InputError(f"the Parquet file cannot be read: {str(exc).splitlines()[0][:160]}",
                         file=display) from None
    finally:
        con.close()
    rows = _preview_rows(found, len(headers), preview_rows)
    if not total or not rows:
        raise InputError("the file has a header but no rows", file=display)
    return Inspection(path=path, display_name=display, format="parquet", encoding=None,
                      encoding_confidence=1.0, delimiter=None, sheets=[], sheet=None,
                      excel_1904=False, headers=headers, raw_headers=raw_headers,
                      preview=_frame(rows, headers))


def stage(con, inspection: Inspection, table: str, shape_for=None, *, temp: bool = True) -> int:
    """Create TEMP table ``table`` in ``con`` (with ``temp=False`` a table of the main schema,
    as a load makes its part inside its transaction): one VARCHAR column per ``inspection.headers``
    holding every data row (values stripped of surrounding spaces, '' -> NULL; rows with no
    value at all left out), and ``source_row`` BIGINT (1-based data row number, header
    excluded, in file order) as the LAST column: numbering after a parallel read is what
    keeps staging fast. Select columns by name. Returns the row count. Raises InputError
    naming the file (and line where known) on unusable input.

    ``shape_for`` (``ingest.staging.ShapeFor``): called with whether values can hold no
    whitespace but spaces; the ``Shape`` it returns replaces the text columns with values
    worked out from them, in the same statement (``source_row`` still comes last)."""
    from ingest import staging

    return staging.stage(con, inspection, table, shape_for, temp=temp)


def forget_reads() -> None:
    """Drop what earlier inspections kept for the loads that follow them (whole Excel sheets,
    background CSV scans), so the next load of any file starts cold; the benchmark uses this."""
    excel.forget_sheets()
    csvscan.forget_scans()
