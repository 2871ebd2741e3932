"""Loading files into datasets, atomically.

A load runs in ONE transaction: it stages each file as a table of values parsed while reading
(``transform.parsed_shape``), validates it, stores the rows, updates the catalog
(``datasets``), records the event (``dataset_events``) and bumps ``data_version``. On any
failure the transaction is rolled back, stored data is exactly as before (DuckDB DDL is
transactional: a part made by the load disappears, the views are as they were), and an
InputError is raised. ``csvscan`` checks a file before DuckDB reads it, so a read rarely fails
halfway; when it does, the rollback covers it too.

Storage (``ingest.parts``): a new or replacing load keeps its staged table as the dataset's
part ``<table>__p<event id>`` (unusable rows deleted, helper columns dropped): the rows are
written once, by the read itself. The canonical view shows it beside the base table.

Modes:
- ``new``: a new dataset holding the file's valid rows.
- ``replace``: dataset ``dataset_id`` then holds only this file's valid rows.
- ``append``: the file is taken as a NEWER export of the same data. A stored row of the dataset
  whose key (``schema.Table.key``) equals an incoming row's key is replaced by the incoming rows;
  the rest are kept. Order lines and activities have no row key beyond their file (their key
  includes ``source_row``), so they match by ``order_id`` / ``activity_id``: an order present
  in the file replaces all stored lines of that order. Rows without a key value (e.g. ids
  worked out from the row number) never match and are always added. Appending the same file
  twice therefore changes nothing the second time, except for such keyless rows. Appended
  rows are staged as a TEMP table and copied into the base table; matched rows are deleted
  from the dataset's parts and base rows.

The catalog functions (init_db, list_datasets, ...) live in ``ingest.catalog`` and are
re-exported here.
"""

from __future__ import annotations

import json
import re
import uuid
from contextlib import suppress
from dataclasses import dataclass

from ingest import audit, parts, plainpass, read
from ingest.catalog import (  # noqa: F401
    CATALOG_TABLES,
    data_version,
    dataset_mapping,
    delete_dataset,
    first_line,
    get_dataset,
    history,
    init_db,
    list_datasets,
    next_id,
    now,
    preview_dataset,
    transaction,
)
from ingest.catalog import add_event as _add_event
from ingest.catalog import bump_version as _bump_version
from ingest.errors import InputError
from ingest.schema import SQL_TYPES, TABLES, Table
from ingest.transform import (
    parsed_shape,
    plan_columns,
    quote,
    table_of,
    valid_rows_condition,
    write_columns,
)
from ingest.validate import Validation, plural, validate

MODES = ("new", "append", "replace")
# Append matching for tables whose key only identifies a row inside one file.
APPEND_MATCH = {"order_lines": ("order_id",), "activities": ("activity_id",)}


@dataclass
class LoadRequest:
    """One file (or sheet) to load with its mapping."""

    inspection: object
    mapping: object
    mode: str = "new"
    dataset_id: int | None = None
    source: str | None = None   # where it came from (file name or URL); the file name if None
    name: str | None = None     # dataset name; the file (and sheet) name if None


@dataclass
class LoadResult:
    """What one load did."""

    dataset_id: int
    table: str
    name: str
    mode: str
    rows_read: int       # data rows in the file
    rows_loaded: int     # rows written
    rows_rejected: int   # unusable rows left out
    rows_replaced: int   # stored rows removed (replace: all; append: same-key rows)
    row_count: int       # rows the dataset holds now
    data_version: int
    validation: Validation

    def summary(self) -> list[str]:
        """Plain sentences: what was stored, then what validation found."""
        label = TABLES[self.table].label.lower()
        rows = plural(self.rows_loaded, "row")
        done = {"new": f"Stored {rows} as a new dataset of {label}",
                "append": f"Added {rows} to the dataset",
                "replace": f"Replaced the rows of the dataset with {rows}"}[self.mode]
        extra = (f" ({plural(self.rows_replaced, 'stored row')} with the same keys replaced)"
                 if self.mode == "append" and self.rows_replaced else "")
        return [f"{done} '{self.name}'{extra}; it now holds {plural(self.row_count, 'row')}.",
                *self.validation.summary()]


def load(con, inspection, mapping, *, mode: str = "new", dataset_id: int | None = None,
         user: str = "local admin", source: str | None = None, on_progress=None,
         skip_invalid: bool = True, name: str | None = None) -> LoadResult:
    """Stage, validate and write one file atomically (see the module doc for modes).

    ``on_progress(fraction, message)`` is called at each step. Unusable rows are left out when
    ``skip_invalid``; otherwise any unusable row stops the load. Raises InputError on any
    failure, with stored data unchanged.
    """
    request = LoadRequest(inspection, mapping, mode, dataset_id, source, name)
    return load_many(con, [request], user=user, on_progress=on_progress,
                     skip_invalid=skip_invalid)[0]


def load_many(con, requests: list[LoadRequest], *, user: str = "local admin", on_progress=None,
              skip_invalid: bool = True) -> list[LoadResult]:
    """Load several files or sheets all-or-nothing: stage, validate and write them all in ONE
    transaction. Returns one LoadResult per request, in order."""
    progress = on_progress or (lambda fraction, message: None)
    count = len(requests)
    for request in requests:
        try:
            plan_columns(request.mapping)  # a required column not chosen: refuse before reading
            _check_headers(request.inspection.headers, request.mapping)
        except InputError as exc:
            raise InputError(exc.message, file=request.inspection.display_name) from None
    stages: list[str] = []  # temp tables of appends, dropped whatever happens
    try:
        results = []
        with transaction(con, requests[0].inspection.display_name):
            for i, request in enumerate(requests):
                def step(offset, message, i=i):
                    progress(round((i + offset) / count, 4), message)
                results.append(_load_one(con, request, user, step, skip_invalid, stages))
        progress(1.0, "Done")
        return results
    finally:
        for stage in stages:
            with suppress(Exception):  # cleanup must not hide the real error
                con.execute(f"drop table if exists {quote(stage)}")


def _stage(con, inspection, stage: str, mapping, *, temp: bool) -> None:
    """Read the file into table ``stage``, parsing every value once on the way in (plain
    values first where the preview is plain, then the rest: see ``ingest.plainpass``)."""
    plain = plainpass.plain_columns(mapping, inspection.preview, excel_1904=inspection.excel_1904)
    trimmed = []

    def shape_for(spaces_trimmed: bool):
        trimmed.append(spaces_trimmed)
        return parsed_shape(mapping, excel_1904=inspection.excel_1904,
                            spaces_trimmed=spaces_trimmed, plain_only=plain)

    try:
        read.stage(con, inspection, stage, shape_for, temp=temp)
        repair = plainpass.repair_sql(mapping, stage, plain, excel_1904=inspection.excel_1904,
                                      spaces_trimmed=bool(trimmed and trimmed[-1]))
        if repair is not None and _count(con.execute(
                f"select count(*) from {quote(stage)} where {repair.needed}")):
            con.execute(repair.update)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"the file could not be read, so nothing was changed ({first_line(exc)})",
                         file=inspection.display_name) from exc


def _load_one(con, request: LoadRequest, user, step, skip_invalid, stages) -> LoadResult:
    """Stage, validate and write one file inside the open transaction."""
    display = request.inspection.display_name
    try:
        return _write_dataset(con, request, user, step, skip_invalid, stages)
    except InputError as exc:
        if exc.file is None:
            raise InputError(exc.message, file=display, row=exc.row, column=exc.column) from exc
        raise
    except Exception as exc:
        raise InputError(f"loading failed and nothing was changed ({first_line(exc)})",
                         file=display) from exc


def _write_dataset(con, request: LoadRequest, user, step, skip_invalid, stages) -> LoadResult:
    inspection, mapping, mode = request.inspection, request.mapping, request.mode
    display = inspection.display_name
    table = table_of(mapping)
    target = _check_target(con, table, mode, request.dataset_id)
    event_id = next_id(con, "dataset_events")
    dataset_id = next_id(con, "datasets") if target is None else int(request.dataset_id)

    step(0.0, f"Reading {display}")
    # New and replacing rows stay where staging puts them (a part); appended ones are copied.
    if mode == "append":
        stage = f"_stage_{uuid.uuid4().hex}"
        stages.append(stage)
    else:
        stage = parts.new_part_name(con, table, event_id)
    _stage(con, inspection, stage, mapping, temp=mode == "append")

    step(0.35, "Checking values")
    # The stage holds values parsed while reading; validation and writing both read it.
    validation = validate(con, stage, mapping, display, excel_1904=inspection.excel_1904,
                          parsed_table=stage)
    _refuse_unusable(validation, skip_invalid)

    step(0.55, "Writing rows")
    planned = plan_columns(mapping, load_id_param="$load_id", excel_1904=inspection.excel_1904)
    written, removed = _write(con, stage, planned, table, mode, dataset_id, event_id)
    row_count = int(con.execute(f"select count(*) from {quote(table.name)} where dataset_id = $d",
                                {"d": dataset_id}).fetchall()[0][0])

    step(0.85, "Updating the catalog")
    name = request.name or (target or {}).get("name") or _default_name(inspection)
    rejected = validation.rejected_rows
    values = {"d": dataset_id, "n": name, "s": request.source or display, "u": user, "t": now(),
              "c": row_count, "m": json.dumps(mapping.to_dict(), ensure_ascii=False, default=str)}
    if target is None:
        con.execute("insert into datasets values ($d, $n, $tn, $s, $u, $t, $c, $r, $m, 'loaded')",
                    {**values, "tn": table.name, "r": rejected})
    else:
        if mode == "append":
            rejected += int(target["rejected_count"] or 0)
        con.execute("update datasets set name = $n, source = $s, loaded_by = $u, loaded_at = $t, "
                    "row_count = $c, rejected_count = $r, mapping_json = $m where dataset_id = $d",
                    {**values, "r": rejected})
    detail = _detail(mode, display, written, validation.rejected_rows, removed)
    action = {"new": "load"}.get(mode, mode)
    _add_event(con, event_id, dataset_id, action, user, detail)
    audit.record(con, user, action, f"dataset {dataset_id} '{name}'", detail)
    version = _bump_version(con)
    return LoadResult(dataset_id=dataset_id, table=table.name, name=name, mode=mode,
                      rows_read=validation.rows, rows_loaded=written,
                      rows_rejected=validation.rejected_rows, rows_replaced=removed,
                      row_count=row_count, data_version=version, validation=validation)


def _default_name(inspection) -> str:
    sheets = getattr(inspection, "sheets", None) or []
    if inspection.sheet and len(sheets) > 1:
        return f"{inspection.display_name} – {inspection.sheet}"
    return inspection.display_name


def _check_target(con, table: Table, mode: str, dataset_id) -> dict | None:
    if mode not in MODES:
        raise InputError(f"unknown load mode {mode!r}; use one of: {', '.join(MODES)}")
    if mode == "new":
        if dataset_id is not None:
            raise InputError("a new dataset gets its own id; to add to a dataset, append")
        return None
    if dataset_id is None:
        raise InputError(f"choose the dataset to {mode}")
    target = get_dataset(con, dataset_id)
    if target is None:
        raise InputError(f"there is no dataset {dataset_id} to {mode}")
    if target["table_name"] != table.name:
        raise InputError(f"dataset '{target['name']}' holds {TABLES[target['table_name']].label}"
                         f", but this file was read as {table.label}")
    return target


def _check_headers(headers: list[str], mapping) -> None:
    present = set(headers)
    chosen = list(mapping.columns.items())
    for role, value in (getattr(mapping, "extras", None) or {}).items():
        # Extra roles name a header, or a header per stage ("stage_dates").
        chosen += [(role, h) for h in (value.values() if isinstance(value, dict) else [value])]
    for canonical, header in chosen:
        if header not in present:
            raise InputError(f"the file has no column '{header}' (chosen for {canonical})")


def _refuse_unusable(validation: Validation, skip_invalid: bool) -> None:
    first = validation.first_error()
    bad = validation.rejected_rows
    if bad and (not skip_invalid or validation.valid_rows == 0):
        shown = str(first["value"])[:50] if first and first["value"] is not None else None
        what = (f"'{shown}' {first['reason']}" if shown else first["reason"]) if first else ""
        scope = (f"none of the {validation.rows:,} rows can be used" if validation.valid_rows == 0
                 else f"{bad:,} of {validation.rows:,} rows cannot be used")
        raise InputError(f"{what}; {scope}, so nothing was loaded", file=validation.file,
                         row=first["row"] if first else None,
                         column=first["column"] if first else None)


def _write(con, parsed: str, planned, table: Table, mode: str, dataset_id: int,
           load_id: int) -> tuple[int, int]:
    """Store the valid rows of the parsed table; returns (rows written, stored rows removed).

    New and replace keep the parsed table itself as the dataset's part; append copies its
    rows into the base table."""
    if mode == "append":
        return _append(con, parsed, planned, table, dataset_id, load_id)
    removed = parts.remove_dataset_rows(con, table, dataset_id) if mode == "replace" else 0
    return _keep_as_part(con, parsed, planned, table, dataset_id, load_id), removed


def _keep_as_part(con, part: str, planned, table: Table, dataset_id: int, load_id: int) -> int:
    """Turn the parsed table into a part: unusable rows out, row-made ids in, only the
    canonical columns the file fills kept (the view adds the others as NULL)."""
    con.execute(f"delete from {quote(part)} where not ({valid_rows_condition(planned)})")
    for p in planned:
        if p.row_made:
            # Ids made from the row number need it, so they come after numbering.
            con.execute(f"alter table {quote(part)} add column {quote(p.name)} "
                        f"{SQL_TYPES[p.kind]}")
            sql = f"update {quote(part)} set {quote(p.name)} = {p.expr}"
            con.execute(sql, _bind(sql, d=dataset_id, load_id=load_id))
    keep = {"source_row"} | {p.name for p in planned if p.source is not None or p.derived}
    for column in parts.columns_of(con, part):
        if column not in keep:
            con.execute(f"alter table {quote(part)} drop column {quote(column)}")
    parts.add_part(con, table, dataset_id, part)
    return int(con.execute(f"select count(*) from {quote(part)}").fetchall()[0][0])


def _append(con, parsed: str, planned, table: Table, dataset_id: int,
            load_id: int) -> tuple[int, int]:
    """Replace the dataset's rows whose keys the file holds, then add the file's valid rows
    to the base table (see the module doc)."""
    columns = ", ".join(quote(c) for c in ["dataset_id", "source_row", *table.column_names])
    valid = valid_rows_condition(planned, "i")
    match = APPEND_MATCH.get(table.name) or tuple(k for k in table.key if k != "source_row")
    if {p.name for p in planned if p.row_made} & set(match):
        match = ()  # ids made from row numbers belong to this load: they match no stored row
    removed = 0
    if match:
        same = " and ".join(f"i.{quote(k)} = t.{quote(k)}" for k in match)
        for relation, shared in parts.dataset_relations(con, table, dataset_id):
            mine = "t.dataset_id = $d and " if shared else ""
            sql = (f"delete from {quote(relation)} as t where {mine}exists "
                   f"(select 1 from {quote(parsed)} as i where {valid} and {same})")
            removed += _count(con.execute(sql, _bind(sql, d=dataset_id)))
    select = write_columns(planned, "$d")
    sql = (f"insert into {quote(parts.base_table(table.name))} ({columns}) "
           f"select {select} from {quote(parsed)} as i where {valid}")
    written = _count(con.execute(sql, _bind(sql, d=dataset_id, load_id=load_id)))
    return written, removed


def _bind(sql: str, **values) -> dict:
    # DuckDB refuses parameters the statement does not use; pass only those it names.
    return {k: v for k, v in values.items() if re.search(rf"\${k}\b", sql)}


def _count(cursor) -> int:
    row = next(iter(cursor.fetchall()), None)
    return int(row[0]) if row else 0


def _detail(mode: str, display: str, written: int, rejected: int, removed: int) -> str:
    verb = {"new": "Loaded", "append": "Appended", "replace": "Replaced the rows with"}[mode]
    text = f"{verb} {plural(written, 'row')} from {display}"
    if mode == "append" and removed:
        text += f", replacing {plural(removed, 'stored row')} with the same keys"
    if mode == "replace":
        text += f" ({plural(removed, 'row')} before)"
    if rejected:
        text += f"; {plural(rejected, 'unusable row')} left out"
    return text + "."

