"""One big worksheet read on two cores.

fastexcel reads a sheet on one core. For a big .xlsx sheet the check of the workbook
(``excel.check_zip``) has already inflated the sheet's XML: it is cut in two near the middle,
where one row ends and the next begins (a plain start tag whose number its first cell agrees
with); each half goes into a workbook of its own (every other part copied as it is), and both
halves are read at once. XML with comments or CDATA (inside which tags are text), or with an
end of the sheet's data before the cut, is never cut.

Each half gets a marker row where the other half was: the first half's at the second half's
first row, the second half's just before it, both written first so a cell of the half that
claims the marker's place overwrites it. The halves are used only when both markers come back
whole where they must be (last row of the first half, first row of the second) and column A
holds a value; anything else (a sheet that starts in column B, rows out of order or written
twice, rows without numbers, odd tags, a part named twice in the zip) returns None and the
caller reads the sheet whole. The halves give what one read gives, row for row.
"""

from __future__ import annotations

import bisect
import itertools
import os
import posixpath
import re
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Callable

import pyarrow as pa
from defusedxml import ElementTree

import settings
from ingest import zipparts

# Below this a sheet reads fast enough on one core (the upper bound is a setting).
SPLIT_MIN_BYTES = 8 * 1024 * 1024
_WORKBOOK = "xl/workbook.xml"
_WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
# XML white space is these four only (Python's \s also takes \v and \f).
_WS = rb"[ \t\r\n]"
# A row start tag right after a row's end (only white space between), and a cell's.
_NEXT_ROW = re.compile(_WS + rb"*(<row(?:" + _WS + rb"[^<>]*)?/?>)")
_FIRST_CELL = re.compile(_WS + rb"*<c((?:" + _WS + rb"[^<>]*)?/?>)")
_ATTRIBUTE = re.compile(_WS + rb"+([A-Za-z_][\w.:-]*)" + _WS + rb"*=" + _WS + rb"""*(["'])([^<]*?)\2""")
_ATTRIBUTES = re.compile(rb"(?:" + _WS + rb"+[A-Za-z_][\w.:-]*" + _WS + rb"*=" + _WS
                         + rb"""*(?:"[^"<]*"|'[^'<]*'))*""" + _WS + rb"*")
_CELL_ROW = re.compile(rb"[A-Z]{1,3}([0-9]{1,7})")
_MAX_ROW = 1_048_576  # Excel's last row
_CUT_TRIES = 64

Reader = Callable[[str], pa.RecordBatch]


def keeper() -> Callable[[zipfile.ZipInfo], bool]:
    """A ``keep`` for ``excel.check_zip``: the workbook, its relationships, and worksheets
    big enough to split, as long as they fit in the setting ``excel_split_read_mb`` together."""
    left = int(settings.get("excel_split_read_mb")) * 1024 * 1024

    def keeps(info: zipfile.ZipInfo) -> bool:
        nonlocal left
        if info.filename in (_WORKBOOK, _WORKBOOK_RELS):
            return True
        if _WORKSHEET.fullmatch(info.filename) and SPLIT_MIN_BYTES <= info.file_size <= left:
            left -= info.file_size
            return True
        return False

    return keeps


def read_in_halves(path, sheet: str, inflated: dict[str, list[bytes]],
                   read: Reader) -> pa.RecordBatch | None:
    """The sheet as ``read`` gives it for the whole workbook, read as two halves at once;
    None when the sheet is not split (too small, not found in ``inflated``) or the halves
    do not prove to be the sheet's two parts. ``read`` takes a workbook's path."""
    member = _sheet_member(inflated, sheet)
    if member is None or member not in inflated:
        return None
    cut = _cut(_Pieces(inflated[member]))
    if cut is None:
        return None
    first, second, token = cut
    with zipfile.ZipFile(path) as archive, open(path, "rb") as handle:
        infos = archive.infolist()
        if any(i.flag_bits & 0x1 or i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
               for i in infos) or len({i.filename for i in infos}) != len(infos):
            return None  # encrypted, unusual compression, or a part named twice
        stored = {i.filename: zipparts.raw(handle, i) for i in infos if i.filename != member}
    halves = _read_both([(infos, stored, member, half) for half in (first, second)], read)
    if halves is None:
        return None
    return _joined(*halves, token)


def _sheet_member(inflated: dict[str, list[bytes]], sheet: str) -> str | None:
    """The zip part holding ``sheet``, from the workbook and its relationships."""
    if _WORKBOOK not in inflated or _WORKBOOK_RELS not in inflated:
        return None
    try:
        book = ElementTree.fromstring(b"".join(inflated[_WORKBOOK]))
        rels = ElementTree.fromstring(b"".join(inflated[_WORKBOOK_RELS]))
    except Exception:  # noqa: BLE001 - not the workbook we expect: read the sheet whole
        return None
    rel_id = next((value for element in book.iter() if _local(element.tag) == "sheet"
                   and element.get("name") == sheet
                   for key, value in element.attrib.items() if _local(key) == "id"), None)
    target = next((element.get("Target") for element in rels.iter()
                   if _local(element.tag) == "Relationship" and element.get("Id") == rel_id), None)
    if rel_id is None or not target:
        return None
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(_WORKBOOK), target))


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


class _Pieces:
    """A part's XML as the pieces it was inflated in, searched without joining them."""

    def __init__(self, pieces: list[bytes]):
        self.pieces = pieces
        self.starts = [0, *itertools.accumulate(len(p) for p in pieces)]
        self.size = self.starts[-1]

    def find(self, marker: bytes, start: int = 0, stop: int | None = None) -> int:
        """Offset of the first ``marker`` within [``start``, ``stop``), or -1."""
        stop = self.size if stop is None else stop
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        while index < len(self.pieces) and self.starts[index] < stop:
            base, piece = self.starts[index], self.pieces[index]
            found = piece.find(marker, max(start - base, 0))
            if found < 0:
                # A marker cut by the boundary: the piece's last bytes and the next ones.
                edge_from = max(len(piece) - len(marker) + 1, start - base, 0)
                found = (piece[edge_from:] + self._head(index + 1, len(marker) - 1)).find(marker)
                found = found if found < 0 else edge_from + found
            if found >= 0:
                return base + found if base + found + len(marker) <= stop else -1
            index += 1
        return -1

    def rfind(self, marker: bytes) -> int:
        """Offset of the last ``marker``, or -1."""
        for index in range(len(self.pieces) - 1, -1, -1):
            piece = self.pieces[index]
            # The piece with the next piece's first bytes: a marker cut by the boundary too.
            found = (piece + self._head(index + 1, len(marker) - 1)).rfind(marker)
            if found >= 0:
                return self.starts[index] + found
        return -1

    def has_declarations(self) -> bool:
        """Whether ``<!`` occurs: a comment or CDATA section, inside which tags are no tags."""
        for index, piece in enumerate(self.pieces):
            # "!" is rare in a sheet (memchr-fast to rule out); "<!" is what matters.
            if b"!" in piece and b"<!" in piece:
                return True
            if piece.endswith(b"<") and index + 1 < len(self.pieces) and \
                    self.pieces[index + 1].startswith(b"!"):
                return True
        return False

    def _head(self, index: int, length: int) -> bytes:
        """The first ``length`` bytes from piece ``index`` on (pieces may be shorter)."""
        return self.read(self.starts[index], length) if index < len(self.pieces) else b""

    def read(self, start: int, length: int) -> bytes:
        return b"".join(bytes(view) for view in self.slice(start, min(start + length, self.size)))

    def slice(self, start: int, stop: int) -> list[memoryview]:
        """The bytes from ``start`` to ``stop`` as views into the pieces (no copy)."""
        views = []
        index = max(bisect.bisect_right(self.starts, start) - 1, 0)
        while index < len(self.pieces) and self.starts[index] < stop:
            base = self.starts[index]
            views.append(memoryview(self.pieces[index])[max(start - base, 0):stop - base])
            index += 1
        return views


def _cut(xml: _Pieces) -> tuple[list, list, str] | None:
    """The sheet's XML as two halves cut between two rows near its middle, each with a
    marker row where the other half was (written first, so that a cell of the half that
    claims the marker's place overwrites it and is found out), and the marker's text."""
    if xml.has_declarations():
        return None
    open_tag = xml.find(b"<sheetData>")
    close_tag = xml.rfind(b"</sheetData>")
    if open_tag < 0 or close_tag < open_tag:
        return None
    data_start = open_tag + len(b"<sheetData>")
    at, row = (data_start + close_tag) // 2, 0
    for _ in range(_CUT_TRIES):
        end = xml.find(b"</row>", at)
        if not data_start < end < close_tag:
            return None
        at = end + len(b"</row>")
        found = _NEXT_ROW.match(xml.read(at, 4096))
        if found:
            row = _row_number(found.group(1), found.string[found.end():])
            at += found.start(1)
            if row:
                break
    # The parser stops at the first end of the data (any prefix): none may come before the
    # cut. One after it ends both the whole read and the second half at the same row.
    if row < 2 or xml.find(b"sheetData", data_start, at) >= 0:
        return None
    token = uuid.uuid4().hex
    first = [*xml.slice(0, data_start), _marker_row(row, token), *xml.slice(data_start, at),
             *xml.slice(close_tag, xml.size)]
    second = [*xml.slice(0, data_start), _marker_row(row - 1, token), *xml.slice(at, xml.size)]
    return first, second, token


def _row_number(tag: bytes, after: bytes) -> int:
    """The ``r`` of a row whose start tag is ``tag`` and whose first cell starts ``after``;
    0 unless the tag parses strictly and the first cell, if it says its place, says this row
    (a row numbered far from its cells would stretch a half's range: that costs memory)."""
    number = _attribute(tag[len(b"<row"):], b"r")
    if number is None or not number.isdigit() or not 2 <= int(number) <= _MAX_ROW:
        return 0
    cell = _FIRST_CELL.match(after)
    if cell is None:
        return 0  # an empty row: nothing to check its number against
    place = _attribute(cell.group(1), b"r", missing=b"")
    if place is None:
        return 0
    if place:
        ref = _CELL_ROW.fullmatch(place)
        if ref is None or int(ref.group(1)) != int(number):
            return 0
    return int(number)


def _attribute(tag: bytes, name: bytes, missing: bytes | None = None) -> bytes | None:
    """The value of attribute ``name`` in a start tag's attribute text (its name cut off);
    ``missing`` when it has none, None when the text does not parse strictly or repeats it."""
    attributes = tag.removesuffix(b">").removesuffix(b"/")
    if not _ATTRIBUTES.fullmatch(attributes):
        return None
    values = [value for key, _, value in _ATTRIBUTE.findall(attributes) if key == name]
    if len(values) > 1:
        return None
    return values[0] if values else missing


def _marker_row(row: int, token: str) -> bytes:
    return f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>{token}</t></is></c></row>'.encode()


def _read_both(books: list[tuple], read: Reader) -> tuple[pa.RecordBatch, pa.RecordBatch] | None:
    """Both halves written out and read at once, one per thread (writing and fastexcel's
    parse let go of the GIL). A file, not bytes: fastexcel would copy bytes whole first."""
    results: list = [None, None]

    def one(index: int) -> None:
        handle, name = tempfile.mkstemp(prefix="crm-sheet-half-", suffix=".xlsx")
        try:
            with os.fdopen(handle, "wb") as target:
                zipparts.write_replacing(target, *books[index])
            results[index] = read(name)
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - a parser panic too: the whole read reports it
            results[index] = None
        finally:
            os.unlink(name)

    helper = threading.Thread(target=one, args=(0,), name="sheet-half")
    helper.start()
    one(1)
    helper.join()
    return None if None in results else (results[0], results[1])


def _joined(first: pa.RecordBatch, second: pa.RecordBatch, token: str) -> pa.RecordBatch | None:
    """The rows of both halves without their marker rows, or None unless the markers prove
    the halves line up: the first half ends with its marker, the second begins with its
    own, and column A holds a value (so neither half's range was shifted right)."""
    if first.num_rows < 2 or second.num_rows < 2:
        return None
    if not (_is_marker(first, first.num_rows - 1, token) and _is_marker(second, 0, token)):
        return None
    first, second = first.slice(0, first.num_rows - 1), second.slice(1)
    if first.column(0).null_count == first.num_rows and second.column(0).null_count == second.num_rows:
        return None
    width = max(first.num_columns, second.num_columns)
    columns = [pa.concat_arrays([_text(part, i) for part in (first, second)]) for i in range(width)]
    return pa.RecordBatch.from_arrays(columns, names=[f"c{i}" for i in range(1, width + 1)])


def _is_marker(batch: pa.RecordBatch, row: int, token: str) -> bool:
    values = [batch.column(i)[row].as_py() for i in range(batch.num_columns)]
    return values[0] == token and all(v is None for v in values[1:])


def _text(batch: pa.RecordBatch, index: int) -> pa.Array:
    if index >= batch.num_columns:
        return pa.nulls(batch.num_rows, pa.string())
    column = batch.column(index)
    return column if column.type == pa.string() else column.cast(pa.string())
