"""One fast pass over a text file before DuckDB reads it, so the read cannot fail halfway.

A failed statement aborts the caller's transaction in DuckDB, so staging cannot "try and
retry": what decides the read options is found here first, in 8 MiB chunks with numpy.
"""

from __future__ import annotations

import codecs
import os
import threading
from collections import OrderedDict, deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_CHUNK = 1 << 23
# Threads for the edge-space test, the costliest part of the pass (numpy releases the GIL).
_WORKERS = 2
_QUOTE, _LF, _CR, _SPACE = 34, 10, 13, 32


@dataclass(frozen=True)
class Scan:
    quoted_line_break: bool  # some quoted value holds a line break
    utf8_error_line: int | None  # first line that is not valid UTF-8 (when checked)
    unclosed_quote_line: int | None  # line where a quote opens that is never closed
    # No value can hold whitespace but the ASCII space: the text is ASCII without tabs (unless
    # they delimit) or form feeds, and no quoted value holds a line break.
    spaces_only: bool = False
    # Some value may begin or end with a space: a space touches a delimiter, a quote, a line
    # break or an end of the file (False proves that no value needs trimming).
    edge_spaces: bool = True


def _break_inside_quotes(chunk: bytes, inside: int) -> tuple[bool, int]:
    """(a line break falls inside quotes, quote state at the chunk's end); ``inside`` is the
    state at its start. Doubled quotes ("") flip twice, so they cancel out as they should."""
    if chunk.find(b'"') < 0:
        return bool(inside) and (chunk.find(b"\n") >= 0 or chunk.find(b"\r") >= 0), inside
    data = np.frombuffer(chunk, np.uint8)
    quotes = (data == _QUOTE).view(np.uint8)
    breaks = np.flatnonzero((data == _LF) | (data == _CR))
    if len(breaks) == 0:
        return False, (inside + int(quotes.sum())) & 1
    starts = np.concatenate(([0], breaks + 1))
    if starts[-1] == len(data):
        starts = starts[:-1]
    # Quotes per stretch ending at each break; their running parity says "inside quotes".
    parity = (np.cumsum(np.add.reduceat(quotes, starts, dtype=np.int64) & 1) + inside) & 1
    return bool(parity[:len(breaks)].any()), int(parity[-1])


def _odd_whitespace(chunk: bytes, delimiter: str) -> bool:
    """Whether ``chunk`` may hold whitespace other than spaces and line ends (any non-ASCII
    byte counts: finding Unicode spaces exactly costs more than it saves)."""
    if not chunk.isascii():
        return True
    return b"\f" in chunk or (delimiter != "\t" and b"\t" in chunk)


def _edge_table(delimiter: str) -> np.ndarray | None:
    """256 flags: the bytes next to which a space begins or ends a value (None for a
    delimiter of several bytes: then any space may)."""
    encoded = delimiter.encode("utf-8")
    if len(encoded) != 1:
        return None
    table = np.zeros(256, dtype=bool)
    table[[_QUOTE, _LF, _CR, encoded[0]]] = True
    return table


def _edge_space(chunk: bytes, edges: np.ndarray, before: int) -> bool:
    """Whether a space in ``chunk`` follows an edge byte or precedes one; ``before`` is the
    byte preceding the chunk. A space ending the chunk is checked against the next chunk."""
    if chunk.find(b" ") < 0:
        return False
    data = np.frombuffer(chunk, np.uint8)
    spaces = np.flatnonzero(data == _SPACE)
    if spaces[0] == 0 and edges[before]:
        return True
    after = spaces[spaces < len(data) - 1] + 1
    lead = spaces[1:] if spaces[0] == 0 else spaces
    return bool(edges[data[lead - 1]].any() or edges[data[after]].any())


def scan(path: Path, *, check_utf8: bool, delimiter: str = ",") -> Scan:
    """Whether quoted values hold line breaks, whether a quoted value is left open at the end,
    (``check_utf8``) the first line that is not valid UTF-8, whether values can only hold
    spaces as whitespace, and whether a value may begin or end with a space (see ``Scan``);
    one pass, bounded memory.

    Quotes are counted, not parsed: a stray quote inside an unquoted value (``5" screen``)
    can make a break look quoted, which only costs a slower (serial) read.
    """
    inside, quoted_break, bad_offset, offset = 0, False, None, 0
    odd_space, first = False, True
    edges, before, pending = _edge_table(delimiter), _LF, False
    edge_space = edges is None
    checks: deque = deque()  # edge-space tests of chunks still running, oldest first
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with open(path, "rb") as handle, ThreadPoolExecutor(_WORKERS) as pool:
        while True:
            chunk = handle.read(_CHUNK)
            if not edge_space:
                # A space ended the last chunk: an edge (or the end of the file) now follows it?
                edge_space = pending and (not chunk or bool(edges[chunk[0]]))
                if chunk and not edge_space:
                    checks.append(pool.submit(_edge_space, chunk, edges, before))
                pending, before = chunk.endswith(b" "), (chunk[-1] if chunk else before)
                # Collect finished tests; wait when too many chunks are held in memory.
                while checks and (checks[0].done() or len(checks) > 2 * _WORKERS):
                    edge_space = checks.popleft().result() or edge_space
            if not odd_space:
                # A byte-order mark opens the file, not a value.
                bom = first and chunk.startswith(b"\xef\xbb\xbf")
                odd_space = _odd_whitespace(chunk[3:] if bom else chunk, delimiter)
            first = False
            if check_utf8 and bad_offset is None and not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk, final=not chunk)
                except UnicodeDecodeError as exc:
                    bad_offset = offset + max(exc.start, 0)
            if not chunk:
                break
            if not quoted_break:
                quoted_break, inside = _break_inside_quotes(chunk, inside)
            else:
                inside = _state_after(chunk, inside)
            offset += len(chunk)
        edge_space = any([edge_space, *(check.result() for check in checks)])
    unclosed = _unclosed_quote_line(path, delimiter) if inside else None
    bad_line = None if bad_offset is None else _line_at(path, bad_offset)
    return Scan(quoted_line_break=quoted_break, utf8_error_line=bad_line,
                unclosed_quote_line=unclosed, spaces_only=not (odd_space or quoted_break),
                edge_spaces=edge_space)


# Scans started when a file is inspected, by (path, size, mtime, options): the load that follows
# finds the answer ready (or nearly) instead of reading the whole file again first.
_KEEP_AHEAD = 8
_ahead: OrderedDict[tuple, Future] = OrderedDict()
_ahead_lock = threading.Lock()
_ahead_pool = ThreadPoolExecutor(1, thread_name_prefix="csvscan")


def _ahead_key(path: Path, check_utf8: bool, delimiter: str) -> tuple:
    info = os.stat(path)
    return (str(Path(path).resolve()), info.st_size, info.st_mtime_ns, check_utf8, delimiter)


def scan_ahead(path: Path, *, check_utf8: bool, delimiter: str = ",") -> None:
    """Start ``scan`` of ``path`` in the background for a later ``scan_once``."""
    key = _ahead_key(path, check_utf8, delimiter)
    with _ahead_lock:
        if key in _ahead:
            return
        _ahead[key] = _ahead_pool.submit(scan, Path(path), check_utf8=check_utf8,
                                         delimiter=delimiter)
        while len(_ahead) > _KEEP_AHEAD:
            _ahead.popitem(last=False)


def scan_once(path: Path, *, check_utf8: bool, delimiter: str = ",") -> Scan:
    """``scan``, answered by the background scan of the same unchanged file when one was
    started (``scan_ahead``)."""
    with _ahead_lock:
        started = _ahead.get(_ahead_key(path, check_utf8, delimiter))
    if started is not None and started.exception() is None:
        return started.result()
    # Not started, or it failed: scanning here raises any error where it belongs.
    return scan(path, check_utf8=check_utf8, delimiter=delimiter)


def forget_scans() -> None:
    """Drop every scan ``scan_ahead`` started (one still running finishes unread)."""
    with _ahead_lock:
        _ahead.clear()


def _line_at(path: Path, offset: int) -> int:
    """The 1-based line holding byte ``offset`` (a second pass, only for a file with an error)."""
    lines, done = 1, 0
    with open(path, "rb") as handle:
        while done < offset and (chunk := handle.read(min(_CHUNK, offset - done))):
            lines += chunk.count(b"\n")
            done += len(chunk)
    return lines


def _state_after(chunk: bytes, inside: int) -> int:
    return (inside + chunk.count(b'"')) & 1


def _unclosed_quote_line(path: Path, delimiter: str) -> int | None:
    """The line of the quote left open at the end, when it opens a value (it follows a
    delimiter or a line break); None when it is a stray quote inside an unquoted value.
    A second pass, run only for files whose quotes do not pair up."""
    inside, line, opened_at, before = 0, 1, 1, None
    previous_tail = b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            data = np.frombuffer(chunk, np.uint8)
            quotes = np.flatnonzero(data == _QUOTE)
            if len(quotes):
                # Quote k leaves the state inside+k+1 (mod 2); openers are those leaving it at 1.
                openers = quotes[(np.arange(len(quotes)) + inside + 1) & 1 == 1]
                if len(openers):
                    last = int(openers[-1])
                    opened_at = line + chunk.count(b"\n", 0, last)
                    before = chunk[last - 1:last] if last else previous_tail
                inside = (inside + len(quotes)) & 1
            line += chunk.count(b"\n")
            previous_tail = chunk[-1:]
    return opened_at if before in (b"\n", b"\r", delimiter.encode("utf-8")) else None
