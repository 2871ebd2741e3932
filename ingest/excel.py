"""Excel workbooks (.xlsx/.xlsm/.xlsb/.ods via zip, .xls) read safely and fast with fastexcel.

Before any parser sees an OOXML/ODS workbook its zip directory is checked (declared sizes
and compression ratios against ``max_excel_uncompressed_mb``) and every XML part is streamed
once to refuse DTDs and entity declarations (billion laughs, external entities). A big sheet's
XML, inflated by that check anyway, is then read in two halves at once (``ingest.sheetsplit``).
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

import fastexcel
import pyarrow as pa
from isal import isal_zlib

import settings
from ingest import sheetsplit, zipparts
from ingest.errors import InputError

_CHUNK = 1 << 20
_MAX_RATIO = 200  # deflate tops out near 1000:1; real sheets stay well below 100:1
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_OVERLAP = max(len(m) for m in _FORBIDDEN) - 1
_HEAD = 64  # bytes of a member that tell XML from a picture
_XML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*<")
_DATE1904 = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*[\"'](?:1|true)[\"']")
# Whole sheets kept for the next read of the same unchanged file (see ``read_whole_sheet``).
_KEEP_SHEETS = 4
_KEEP_BYTES = 256 * 1024 * 1024
_kept: OrderedDict[tuple, pa.RecordBatch] = OrderedDict()
_kept_lock = threading.Lock()


def check_zip(path: Path, display_name: str,
              keep: Callable[[zipfile.ZipInfo], bool] | None = None) -> dict[str, list[bytes]]:
    """Refuse a zip-based workbook that would inflate too far or carries DTD/entity tricks.

    Returns the inflated XML of the parts ``keep`` picks, as the pieces the check read them
    in (a big sheet is then read without inflating it again: ``sheetsplit``)."""
    limit = int(settings.get("max_excel_uncompressed_mb")) * 1024 * 1024
    kept: dict[str, list[bytes]] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            if total > limit:
                raise InputError(
                    f"the workbook would unpack to {total / 1048576:,.0f} MB, more than the "
                    f"{limit // 1048576:,} MB allowed (setting max_excel_uncompressed_mb)",
                    file=display_name)
            for info in infos:
                if info.file_size > 1048576 and info.file_size > _MAX_RATIO * max(info.compress_size, 1):
                    raise InputError(f"the workbook part '{info.filename}' is compressed "
                                     f"{info.file_size // max(info.compress_size, 1):,} to 1, "
                                     "which only zip bombs do; refusing to open it", file=display_name)
            with open(path, "rb") as handle:
                for info in infos:
                    if info.is_dir():
                        continue
                    pieces = _inflated(archive, handle, info)
                    if keep is not None and keep(info):
                        read: list[bytes] = []
                        if _scan_member(_recorded(pieces, read), info, display_name):
                            kept[info.filename] = read
                    else:
                        _scan_member(pieces, info, display_name)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError,
            zlib.error, isal_zlib.IsalError):
        raise InputError("the workbook is damaged (its zip structure cannot be read)",
                         file=display_name) from None
    return kept


def _recorded(pieces: Iterator[bytes], into: list[bytes]) -> Iterator[bytes]:
    for piece in pieces:
        into.append(piece)
        yield piece


def _inflated(archive: zipfile.ZipFile, handle, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes, in pieces of at most _CHUNK. Deflated members are inflated with
    ISA-L straight from the file (twice zlib's speed, and no CRC: the parser checks its input);
    anything else goes through zipfile."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x1:
        with archive.open(info) as member:
            while piece := member.read(_CHUNK):
                yield piece
        return
    zipparts.seek_data(handle, info)
    inflater, left = isal_zlib.decompressobj(-15), info.compress_size
    while left:
        data = handle.read(min(left, _CHUNK))
        if not data:
            raise EOFError("the member ends early")
        left -= len(data)
        while data:
            # max_length bounds memory: what does not fit stays in unconsumed_tail.
            piece = inflater.decompress(data, _CHUNK)
            data = inflater.unconsumed_tail
            if piece:
                yield piece
    if rest := inflater.flush():
        yield rest


def _scan_member(pieces: Iterator[bytes], info: zipfile.ZipInfo, display_name: str) -> bool:
    """Read one member: refuse XML with DTDs/entities, or that is not UTF-8 encoded, and a
    member that inflates beyond its declared size. Binary parts (pictures) are not read on.
    Returns whether the member was XML, read to its end."""
    read, tail, head, checked = 0, b"", b"", False
    for chunk in pieces:
        read += len(chunk)
        if read > info.file_size:
            raise InputError("the workbook is damaged (a part is larger than declared)",
                             file=display_name)
        if not checked:
            head += chunk[:_HEAD - len(head)]
            if len(head) >= _HEAD:
                checked = True
                if not _is_xml(head, info, display_name):
                    return False  # a picture or other binary part: no XML parser reads it
        tail = _scan_piece(chunk, tail, display_name)
    return checked or _is_xml(head, info, display_name)


def _is_xml(head: bytes, info: zipfile.ZipInfo, display_name: str) -> bool:
    """Whether a member opening with ``head`` is XML; refuses XML that is not UTF-8 (the
    markers would not be found in it)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"<\x00")):
        raise InputError(f"the workbook part '{info.filename}' is not UTF-8 XML; refusing it",
                         file=display_name)
    return bool(_XML_START.match(head))


def _scan_piece(chunk: bytes, tail: bytes, display_name: str) -> bytes:
    """Refuse a DTD/entity marker in ``tail + chunk``; returns the next tail."""
    # Both markers hold "!", which XML markup never needs (and text seldom holds): look closer
    # only then. A marker cut by the chunk boundary has its "!" in the tail or here.
    if b"!" in chunk or b"!" in tail:
        window = tail + chunk
        if any(marker in window for marker in _FORBIDDEN):
            raise InputError("the workbook contains XML entity declarations (a known way to "
                             "attack spreadsheet readers); refusing to open it", file=display_name)
    return (tail + chunk)[-_OVERLAP:] if len(chunk) < _OVERLAP else chunk[-_OVERLAP:]


def is_1904(path: Path) -> bool:
    """Whether the workbook counts dates from 1904 (workbook.xml ``date1904``, or the .xls
    DATEMODE record)."""
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    return False
                with archive.open("xl/workbook.xml") as part:
                    return bool(_DATE1904.search(part.read(1 << 16)))
        import xlrd  # only .xls keeps the flag in a binary record

        book = xlrd.open_workbook(str(path), on_demand=True)
        try:
            return book.datemode == 1
        finally:
            book.release_resources()
    except Exception:  # noqa: BLE001 - the flag is a hint; unreadable means the default system
        return False


def _reader(path: Path, display_name: str):
    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:  # noqa: BLE001 - any parser failure is the file's fault
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputError("the workbook cannot be read (is it password-protected or damaged?): "
                         f"{detail}", file=display_name) from None


def sheet_names(path: Path, display_name: str) -> list[str]:
    """Every sheet of the workbook, in workbook order."""
    return list(_reader(path, display_name).sheet_names)


def read_sheet(path: Path, sheet: str, display_name: str, n_rows: int | None = None) -> pa.RecordBatch:
    """The sheet as strings, header row included as the first row; leading empty rows and
    rows of blanks kept (staging leaves them out). Columns are named by position ('c1', 'c2', ...)."""
    reader = _reader(path, display_name)
    try:
        # The eager reader is the faster one (it borrows cells instead of copying them). It
        # keeps rows of blanks at the end, which staging leaves out like any empty row.
        batch = reader.load_sheet_eager(sheet, header_row=None, dtypes="string", n_rows=n_rows)
    except Exception as exc:  # noqa: BLE001
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise InputError(f"the sheet '{sheet}' cannot be read: {detail}", file=display_name) from None
    if not isinstance(batch, pa.RecordBatch):
        batch = pa.RecordBatch.from_arrays(list(batch.columns), names=batch.column_names)
    names = [f"c{i}" for i in range(1, batch.num_columns + 1)]
    columns = [col if pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
               else col.cast(pa.string()) for col in batch.columns]
    return pa.RecordBatch.from_arrays(columns, names=names)


def forget_sheets() -> None:
    """Drop every sheet ``read_whole_sheet`` kept."""
    with _kept_lock:
        _kept.clear()


def read_whole_sheet(path: Path, sheet: str, display_name: str,
                     inflated: dict[str, list[bytes]] | None = None) -> pa.RecordBatch:
    """``read_sheet`` of the whole sheet, kept for the next call on the same unchanged file.

    ``inflated`` is what ``check_zip(.., keep=sheetsplit.keeper())`` returned for this file: with
    it a big sheet is read in two halves at once.

    Reading the first rows of a sheet costs as much as reading all of it, and a load looks at
    a sheet (``inspect``) before it stages it: keeping the last few sheets read (at most
    _KEEP_SHEETS and _KEEP_BYTES in this process) makes that one read. Batches are immutable,
    so threads may share them.
    """
    info = Path(path).stat()
    key = (str(Path(path).resolve()), info.st_size, info.st_mtime_ns, sheet)
    with _kept_lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    batch = None
    if inflated:
        batch = sheetsplit.read_in_halves(Path(path), sheet, inflated,
                                          lambda book: read_sheet(Path(book), sheet, display_name))
    if batch is None:
        batch = read_sheet(Path(path), sheet, display_name)
    # Buffer sizes are known at once; ``nbytes`` walks every string's offsets (10 ms a sheet).
    if batch.get_total_buffer_size() <= _KEEP_BYTES:  # a bigger sheet is not kept
        with _kept_lock:
            _kept[key] = batch
            while len(_kept) > _KEEP_SHEETS or sum(
                    b.get_total_buffer_size() for b in _kept.values()) > _KEEP_BYTES:
                _kept.popitem(last=False)
    return batch
