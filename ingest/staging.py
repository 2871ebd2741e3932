"""Stage an inspected file as a table (see ``ingest.read.stage``): TEMP, or a load's part.

CSV goes through DuckDB's own parallel ``read_csv`` (non-UTF-8 text is first re-encoded to
a UTF-8 scratch file in bounded memory); workbooks arrive as Arrow from fastexcel (read once:
``inspect`` and staging share ``excel.read_whole_sheet``); Parquet is read by DuckDB and cast
to text. The table keeps the text, or, given a ``Shape``, values worked out from it in the
same statement (the load parses while it reads, so the text is never stored).
"""

from __future__ import annotations

import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ingest import csvscan, excel
from ingest.errors import InputError
from ingest.sqltext import ident
from ingest.transcode import transcode_to_utf8

_NATIVE = ("utf-8", "utf-8-sig")
_MAX_LINE = 16 * 1024 * 1024
_SHEET_BATCH_ROWS = 50_000


def _trimmed(column: str, trim: bool = True) -> str:
    """A value stripped of surrounding spaces, '' -> NULL; trims only when an edge needs it
    (nullif alone is much cheaper than trim over millions of values), never when ``trim`` is
    False (no value of the file begins or ends with a space)."""
    if not trim:
        return f"nullif({column}, '')"
    return (f"case when {column} like ' %' or {column} like '% ' then nullif(trim({column}), '') "
            f"else nullif({column}, '') end")


@dataclass(frozen=True)
class Shape:
    """What ``stage`` keeps of each row instead of its text; every SQL is our own.

    ``columns``: (name, SQL over the staged text, i.e. the quoted headers), kept in order.
    ``hidden``: (name, SQL over the staged text) that ``then`` may use; not kept.
    ``then``: (name, SQL over the names of ``columns`` and ``hidden``), kept after ``columns``.
    """

    columns: tuple[tuple[str, str], ...]
    hidden: tuple[tuple[str, str], ...] = ()
    then: tuple[tuple[str, str], ...] = ()


# Called with True when no value can hold whitespace but the spaces staging trims anyway.
ShapeFor = Callable[[bool], Shape]


def shaped_sql(shape: Shape, relation: str, keep: tuple[str, ...] = ()) -> str:
    """SELECT of ``shape`` over ``relation`` (a FROM item with the staged text columns),
    passing the columns named in ``keep`` through unchanged, after the shaped ones."""
    passed = [ident(k) for k in keep]
    first = [f"{sql} as {ident(name)}" for name, sql in (*shape.columns, *shape.hidden)] + passed
    last = ([ident(name) for name, _ in shape.columns]
            + [f"{sql} as {ident(name)}" for name, sql in shape.then] + passed)
    # Two steps, so ``then`` reads each parsed value instead of parsing it again.
    return (f"with shaped as (select {', '.join(first)} from {relation}),\n"
            f"final as (select {', '.join(last)} from shaped)\n"
            "select * from final")


def _materialize(con, source: str, table: str, headers: list[str], params=None,
                 shape: Shape | None = None, *, trim: bool = True, temp: bool = True) -> int:
    """CTAS ``table`` from ``source`` (columns c1..cN, rows in file order), shaped, then number
    the rows and leave out those with no value at all (the others keep their numbers).
    ``trim``: some value may begin or end with a space (False only when proven otherwise);
    ``temp``: a TEMP table, else one of the main schema (a load's part, made in its transaction)."""
    positions = [f"c{i}" for i in range(1, len(headers) + 1)]
    values = ", ".join(f"{_trimmed(p, trim)} as {ident(h)}" for p, h in zip(positions, headers))
    blank = f"_blank_{uuid.uuid4().hex}"
    # coalesce() stops at the first value present, so non-blank rows cost one test.
    is_blank = f"coalesce({', '.join(_trimmed(p, trim) for p in positions)}) is null"
    shape = shape or Shape(tuple((h, ident(h)) for h in headers))
    con.execute(
        f"create {'temp ' if temp else ''}table {ident(table)} as\n"
        f"with source as (select {', '.join(positions)} from {source}),\n"
        f"staged as (select {values}, {is_blank} as {ident(blank)} from source),\n"
        f"parsed as ({shaped_sql(shape, 'staged', (blank,))}),\n"
        "final as (select *, cast(null as bigint) as source_row from parsed)\n"
        "select * from final", params)
    # Row ids follow the table's order, which CTAS keeps equal to file order; numbering after
    # the read keeps it parallel (row_number() over () is not), and this UPDATE measured twice
    # as fast as ALTER .. DEFAULT nextval(). Ids of a table made in an open transaction start
    # high, hence the offset.
    con.execute(f"update {ident(table)} set source_row = rowid - "
                f"(select min(rowid) from {ident(table)}) + 1")
    con.execute(f"delete from {ident(table)} where {ident(blank)}")
    con.execute(f"alter table {ident(table)} drop column {ident(blank)}")
    return int(con.execute(f"select count(*) from {ident(table)}").fetchall()[0][0])


def _scratch_dir(con) -> Path:
    """Where a re-encoded copy may live: the locked database's scratch folder when ``con``
    came from ``ingest.db.open_database``, else the system's temporary folder."""
    try:
        from ingest import db

        return db.scratch_dir(con)
    except (ImportError, ValueError, AttributeError):
        return Path(tempfile.gettempdir()) / "crm_scratch"


def _refused(exc: duckdb.Error, display: str) -> InputError | None:
    """The real reason when the locked database may not read the file's folder."""
    if isinstance(exc, duckdb.PermissionException) or str(exc).startswith("Permission Error"):
        return InputError("the file lies outside the folders this app may read (the upload "
                          "folder and the sample data); upload it instead", file=display)
    return None


def _csv_error(exc: duckdb.Error, display: str, width: int) -> InputError:
    refused = _refused(exc, display)
    if refused is not None:
        return refused
    # DuckDB's own words only: the echo of our statement after "LINE" mentions quote='"'.
    text = str(exc).split("\nLINE ")[0]
    line_match = re.search(r"CSV Error on Line: (\d+)", text)
    where = f"line {line_match.group(1)}" if line_match else "a line"
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", text)
    if found:
        # DuckDB stops counting at the first value too many, so say "more" rather than a count.
        return InputError(f"{where} has more values than the {width} columns of the header",
                          file=display)
    if "unterminated quote" in text.lower():
        return InputError(f"{where} has a quoted value whose closing quote (\") is missing",
                          file=display)
    if "quote" in text.lower():
        return InputError(f"{where} has a quote (\") inside a quoted value that is not doubled",
                          file=display)
    if "maximum line size" in text.lower():
        return InputError(f"{where} is longer than {_MAX_LINE // 1048576} MB", file=display)
    first = text.splitlines()[0][:160] if text else type(exc).__name__
    return InputError(f"the file cannot be read as CSV: {first}", file=display)


def _read_csv_into(con, table: str, path: Path, inspection, parallel: bool,
                   shape: Shape | None, *, trim: bool, temp: bool) -> int:
    width = len(inspection.headers)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(1, width + 1)) + "}"
    source = ("read_csv($path, delim=$delim, quote='\"', escape='\"', header=true, skip=$skip, "
              f"auto_detect=false, columns={columns}, null_padding=true, max_line_size={_MAX_LINE}, "
              f"parallel={'true' if parallel else 'false'})")
    return _materialize(con, source, table, inspection.headers,
                        {"path": str(path), "delim": inspection.delimiter,
                         "skip": int(inspection.skip_lines)}, shape, trim=trim, temp=temp)


def _transcoded(con, path: Path, encoding: str, inspection, why: str) -> Path:
    copy, replaced = transcode_to_utf8(path, encoding, _scratch_dir(con), inspection.display_name,
                                       strict=inspection.encoding_given)
    if replaced:
        inspection.notes.append(f"{replaced:,} characters {why} and were replaced with \ufffd")
    return copy


def _stage_csv(con, inspection, table: str, shape_for: ShapeFor | None, temp: bool) -> int:
    display = inspection.display_name
    path, scratch = Path(inspection.path), None
    native = inspection.encoding in _NATIVE
    try:
        if not native:
            scratch = _transcoded(con, path, inspection.encoding, inspection,
                                  f"could not be read as {inspection.encoding}")
        # Decide everything before DuckDB reads: a failed read would abort the caller's transaction.
        found = csvscan.scan_once(scratch or path, check_utf8=native,
                                  delimiter=inspection.delimiter)
        if found.unclosed_quote_line is not None:
            raise InputError(f"line {found.unclosed_quote_line} opens a quoted value whose closing "
                             'quote (") is missing', file=display)
        if found.utf8_error_line is not None:
            if inspection.encoding_given:
                raise InputError(f"line {found.utf8_error_line} cannot be read as "
                                 f"{inspection.encoding}; choose another text encoding", file=display)
            # A few bad bytes in an otherwise UTF-8 file: replace them, keep the rest.
            scratch = _transcoded(con, path, "utf-8", inspection, "were not valid UTF-8")
        try:
            # DuckDB pads short rows in parallel only when no quoted value holds a line break.
            shape = shape_for(found.spaces_only) if shape_for else None
            return _read_csv_into(con, table, scratch or path, inspection,
                                  parallel=not found.quoted_line_break, shape=shape,
                                  trim=found.edge_spaces, temp=temp)
        except duckdb.Error as exc:
            raise _csv_error(exc, display, len(inspection.headers)) from None
    finally:
        if scratch is not None:
            scratch.unlink(missing_ok=True)


def _spaces_only(columns) -> bool:
    """Whether no value of these string arrays can hold whitespace but the ASCII space: all
    their text bytes are ASCII without tabs, line breaks or form feeds (the same proof
    ``csvscan`` gives for a CSV; a slice's buffer may hold more text, never less)."""
    for column in columns:
        text = column.buffers()[2]  # validity, offsets, characters
        if text is None:
            continue
        data = text.to_pybytes()
        if not data.isascii() or any(c in data for c in (b"\t", b"\n", b"\r", b"\f")):
            return False
    return True


def _edge_spaces(columns) -> bool:
    """Whether some value of these string arrays may begin or end with a space (the proof
    ``csvscan.Scan.edge_spaces`` gives for a CSV)."""
    for column in columns:
        if column.null_count == len(column):
            continue
        edges = pc.or_kleene(pc.starts_with(column, " "), pc.ends_with(column, " "))
        if pc.any(edges).as_py():
            return True
    return False


def _stage_excel(con, inspection, table: str, shape_for: ShapeFor | None, temp: bool) -> int:
    batch = excel.read_whole_sheet(Path(inspection.path), inspection.sheet,
                                   inspection.display_name)
    width = len(inspection.headers)
    data = batch.slice(1)
    columns = list(data.columns[:width])
    while len(columns) < width:
        columns.append(pa.nulls(data.num_rows, pa.string()))
    arrow = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(1, width + 1)])
    # DuckDB reads an Arrow table one batch per thread: slices (no copy) let both cores work.
    arrow = pa.Table.from_batches(arrow.to_batches(max_chunksize=_SHEET_BATCH_ROWS), arrow.schema)
    view = f"_sheet_{uuid.uuid4().hex}"
    con.register(view, arrow)
    try:
        shape = shape_for(_spaces_only(columns)) if shape_for else None
        return _materialize(con, ident(view), table, inspection.headers, shape=shape,
                            trim=_edge_spaces(columns), temp=temp)
    finally:
        con.unregister(view)


def _stage_parquet(con, inspection, table: str, shape_for: ShapeFor | None, temp: bool) -> int:
    picked = ", ".join(f"cast({ident(r)} as varchar) as c{i}"
                       for i, r in enumerate(inspection.raw_headers, start=1))
    source = f"(select {picked} from read_parquet($p))"
    try:
        return _materialize(con, source, table, inspection.headers, {"p": str(inspection.path)},
                            shape_for(False) if shape_for else None, temp=temp)
    except duckdb.Error as exc:
        raise _refused(exc, inspection.display_name) or InputError(f"the Parquet file cannot be read: {str(exc).splitlines()[0][:160]}",
                         file=inspection.display_name) from None


def stage(con, inspection, table: str, shape_for: ShapeFor | None = None, *,
          temp: bool = True) -> int:
    """See ``ingest.read.stage``."""
    readers = {"csv": _stage_csv, "excel": _stage_excel, "parquet": _stage_parquet}
    count = readers[inspection.format](con, inspection, table, shape_for, temp)
    if count == 0:
        con.execute(f"drop table if exists {ident(table)}")
        where = f"the sheet '{inspection.sheet}'" if inspection.sheet else "the file"
        raise InputError(f"{where} has a header but no rows", file=inspection.display_name)
    return count
