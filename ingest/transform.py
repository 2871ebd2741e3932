"""Turn a staging table of raw text into rows of a canonical table, as one SQL SELECT.

The staging table (made by ``ingest.read.stage``) has ``source_row`` and one VARCHAR column
per cleaned header. A mapping says which header feeds which canonical column; each mapped
value is parsed by ``ingest.values.parse_sql``, columns the file lacks but that can be worked
out come from ``ingest.derive.derivations``, and everything else is a typed NULL.

Loads parse while staging instead (``parsed_shape``): the file's text is never stored, and
validation (``over_parsed``) and the write (``write_columns``) read the parsed table.

Only identifiers are put into the SQL, always quoted; user values never are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import derive, values
from ingest.errors import InputError
from ingest.schema import SQL_TYPES, TABLES, Table
from ingest.staging import Shape

# Parse options parse_sql accepts; anything else in a hand-edited mapping file is ignored.
PARSE_OPTIONS = ("date_order", "decimal_comma", "excel_1904")
_PARAM = re.compile(r"^\$[a-z_][a-z0-9_]*$")
# Dates of things that already happened; others (close dates, targets, campaign ends) may be ahead.
PAST_COLUMNS = {"ordered_at", "entered_at", "occurred_at", "opened_at", "resolved_at",
                "signup_date", "created_date", "activity_date"}


def quote(name: str) -> str:
    """SQL identifier for ``name``: double-quoted, embedded quotes doubled."""
    return '"' + str(name).replace('"', '""') + '"'


@dataclass(frozen=True)
class PlannedColumn:
    """How one canonical column is produced from the staging table."""

    name: str            # canonical column name
    kind: str            # canonical kind (schema.SQL_TYPES key)
    required: bool
    source: str | None   # source header it is read from, when mapped
    raw: str | None      # quoted identifier of that header in the staging table
    derived: bool        # worked out from other columns
    expr: str            # SQL yielding the typed canonical value (NULL when unusable)
    row_made: bool = False  # an id made from source_row (its expr needs the row numbered)


def table_of(mapping) -> Table:
    """The canonical table a mapping targets, or InputError when it names none."""
    table = TABLES.get(getattr(mapping, "table", None))
    if table is None:
        raise InputError(f"the mapping names an unknown table {mapping.table!r}; "
                         f"choose one of: {', '.join(TABLES)}")
    return table


def _check_param(param: str) -> str:
    # Parameters are our own constants; refuse anything that is not a plain $name.
    if not _PARAM.match(param):
        raise ValueError(f"not a named SQL parameter: {param!r}")
    return param


def parse_options(mapping, column: str, excel_1904: bool) -> dict:
    """The parse options the mapping gives ``column`` (only those parse_sql accepts), with
    the workbook's date system."""
    given = (getattr(mapping, "options", None) or {}).get(column) or {}
    options = {k: v for k, v in given.items() if k in PARSE_OPTIONS}
    options.setdefault("excel_1904", bool(excel_1904))
    return options


def plan_columns(mapping, *, dataset_id_param: str = "$dataset_id",
                 load_id_param: str | None = None, excel_1904: bool = False,
                 spaces_trimmed: bool = False,
                 plain_only: frozenset[str] = frozenset()) -> list[PlannedColumn]:
    """One PlannedColumn per canonical column of the mapping's table, in schema order.

    ``spaces_trimmed``: the staged text holds no whitespace but the spaces staging trims
    (``ingest.csvscan.Scan.spaces_only``), so ids and text need no stripping.
    ``plain_only``: canonical columns read only where their text is plain (``values.plain_sql``,
    NULL elsewhere): a load's first pass, which ``repair_sql`` completes.
    Raises InputError when the mapping names a column the table lacks, or when a required
    column is neither mapped nor derivable.
    """
    table = table_of(mapping)
    _check_param(dataset_id_param)
    if load_id_param is not None:
        _check_param(load_id_param)
    unknown = sorted(set(mapping.columns) - set(table.column_names))
    if unknown:
        raise InputError(f"the mapping uses columns that {table.label} does not have: "
                         + ", ".join(unknown))

    parsed: dict[str, str] = {}
    for column in table.columns:
        header = mapping.columns.get(column.name)
        if header is not None:
            options = parse_options(mapping, column.name, excel_1904)
            plain = (values.plain_sql(quote(header), column.kind, **options)
                     if column.name in plain_only else None)
            parsed[column.name] = plain or values.parse_sql(quote(header), column.kind, **options,
                                                            trimmed=spaces_trimmed)

    derived = {name: sql for name, sql in
               (derive.derivations(table.name, dict(parsed), mapping) or {}).items()
               if name not in parsed and name in table.column_names}

    planned: list[PlannedColumn] = []
    for column in table.columns:
        sql_type = SQL_TYPES[column.kind]
        header = mapping.columns.get(column.name)
        if column.name in parsed:
            expr = f"try_cast(({parsed[column.name]}) as {sql_type})"
            planned.append(PlannedColumn(column.name, column.kind, column.required, header,
                                         quote(header), False, expr))
        elif column.name in derived:
            expr = f"try_cast(({derived[column.name]}) as {sql_type})"
            row_made = (table.name, column.name) in derive.ROW_MADE
            if row_made:
                # Row-made ids (e.g. 'row-7') repeat across files; prefix the load so they stay unique.
                prefix = load_id_param or dataset_id_param
                tag = "L" if load_id_param else "D"
                expr = f"('{tag}' || cast({prefix} as varchar) || '-' || {expr})"
            planned.append(PlannedColumn(column.name, column.kind, column.required, None, None,
                                         True, expr, row_made))
        elif column.required:
            raise InputError(f"no column of the file is chosen for '{column.name}' "
                             f"({column.help.rstrip('.')}), which {table.label} needs")
        else:
            planned.append(PlannedColumn(column.name, column.kind, False, None, None, False,
                                         f"cast(null as {sql_type})"))
    return planned


def select_sql(mapping, stage_table: str, dataset_id_param: str = "$dataset_id", *,
               load_id_param: str | None = None, excel_1904: bool = False) -> str:
    """SELECT over the staging table producing the canonical table's rows.

    One row per staged row: dataset_id, source_row, then every canonical column of
    ``mapping.table`` in schema order, typed; unparseable values are NULL. Parameters
    ``dataset_id_param`` (and ``load_id_param`` when given) must be bound by the caller.
    """
    planned = plan_columns(mapping, dataset_id_param=dataset_id_param,
                           load_id_param=load_id_param, excel_1904=excel_1904)
    return _select(planned, stage_table, dataset_id_param)


RAW_COLUMN = "__raw"
_TEXT_PREFIX = "__text_"


def parsed_shape(mapping, *, excel_1904: bool = False, spaces_trimmed: bool = False,
                 plain_only: frozenset[str] = frozenset()) -> Shape:
    """How ``ingest.read.stage`` parses while it reads (read the result with ``over_parsed``;
    with ``plain_only`` (see ``plan_columns``), after ``repair_sql`` has run on it).

    The staged table then holds one row per data row: every canonical column of
    ``mapping.table`` in schema order, typed, except row-made ids (they need ``source_row``,
    numbered after the read; ``write_columns`` makes them); then ``"__raw"``: on rows where
    some value needs showing (unreadable or empty, or a date in the future for PAST_COLUMNS),
    the list of the text of every mapped column in plan order, NULL elsewhere, so good rows
    store no text twice (one list costs less to write than a column per value); then
    ``source_row``. With ``spaces_trimmed`` ids and text are their text, so they do not make
    a row's text kept (their text would show nothing more).
    """
    planned = plan_columns(mapping, excel_1904=excel_1904, spaces_trimmed=spaces_trimmed,
                           plain_only=plain_only)
    mapped = [p for p in planned if p.source is not None]
    shown = _shown_columns(mapped, spaces_trimmed)
    columns = tuple((p.name, p.expr) for p in planned if not p.row_made)
    if not shown:
        return Shape(columns)
    hidden = tuple((_TEXT_PREFIX + p.name, p.raw) for p in mapped)
    texts = ", ".join(quote(_TEXT_PREFIX + p.name) for p in mapped)
    keep = " or ".join(f"({_shown(p)})" for p in shown)
    return Shape(columns, hidden, ((RAW_COLUMN, f"case when {keep} then [{texts}] end"),))


def _shown_columns(mapped: list[PlannedColumn], spaces_trimmed: bool) -> list[PlannedColumn]:
    # With spaces trimmed, an id's or a text's value is its text: showing it tells nothing more.
    return [p for p in mapped if not (spaces_trimmed and p.kind in ("id", "text"))]


def _shown(p: PlannedColumn) -> str:
    """SQL over the parsed table: the typed value needs its raw text shown beside it."""
    typed = quote(p.name)
    if p.name in PAST_COLUMNS:
        return f"{typed} is null or cast({typed} as date) > current_date + 1"
    return f"{typed} is null"


def over_parsed(planned: list[PlannedColumn], columns: set[str]) -> list[PlannedColumn]:
    """The plan read from a table staged with ``parsed_shape`` whose column names are
    ``columns``: ``expr`` is the typed column (a row-made id: its row-number form, unique
    within the file); ``raw`` is the value's text where ``expr`` is NULL or a future date,
    else NULL (a NULL constant when the table kept no text)."""
    out = []
    position = 0
    for p in planned:
        raw = None
        if p.source is not None:
            position += 1  # the place of this column's text in "__raw"
            # Most rows keep no text: testing the list first spares them the rest.
            raw = (f"(case when {quote(RAW_COLUMN)} is not null and ({_shown(p)}) "
                   f"then {quote(RAW_COLUMN)}[{position}] end)"
                   if RAW_COLUMN in columns else "cast(null as varchar)")
        expr = f"({derive.ROW_ID_SQL})" if p.row_made else quote(p.name)
        out.append(PlannedColumn(p.name, p.kind, p.required, p.source, raw, p.derived, expr,
                                 p.row_made))
    return out


def write_columns(planned: list[PlannedColumn], dataset_id_param: str = "$dataset_id") -> str:
    """SELECT list over a table staged with ``parsed_shape``: dataset_id, source_row and every
    canonical column in schema order, as the canonical table stores them. ``planned`` comes
    from ``plan_columns`` with the parameters the caller binds (row-made ids use them)."""
    _check_param(dataset_id_param)
    items = [f"cast({dataset_id_param} as bigint) as \"dataset_id\"", '"source_row"']
    items += [f"{p.expr} as {quote(p.name)}" if p.row_made else quote(p.name) for p in planned]
    return ", ".join(items)


def _select(planned: list[PlannedColumn], stage_table: str, dataset_id_param: str) -> str:
    body = ",\n    ".join([
        f"cast({dataset_id_param} as bigint) as \"dataset_id\"",
        'cast("source_row" as bigint) as "source_row"',
        *(f"{p.expr} as {quote(p.name)}" for p in planned),
    ])
    return (f"with staged as (\n  select * from {quote(stage_table)}\n),\n"
            f"final as (\n  select\n    {body}\n  from staged\n)\nselect * from final")


def valid_rows_condition(planned: list[PlannedColumn], alias: str | None = None) -> str:
    """SQL condition true for rows whose required canonical columns all have a value
    (row-made ids always have one, and are not columns of the parsed table)."""
    prefix = f"{quote(alias)}." if alias else ""
    checks = [f"{prefix}{quote(p.name)} is not null" for p in planned
              if p.required and not p.row_made]
    return " and ".join(checks) or "true"
