"""Turn a staging table of raw text into rows of a canonical table, as one SQL SELECT.

The staging table (made by ``ingest.read.stage``) has ``source_row`` and one VARCHAR column
per cleaned header. A mapping says which header feeds which canonical column; each mapped
value is parsed by ``ingest.values.parse_sql``, columns the file lacks but that can be worked
out come from ``ingest.derive.derivations``, and everything else is a typed NULL.

Only identifiers are put into the SQL, always quoted; user values never are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest import derive, values
from ingest.errors import InputError
from ingest.schema import SQL_TYPES, TABLES, Table

# Parse options parse_sql accepts; anything else in a hand-edited mapping file is ignored.
PARSE_OPTIONS = ("date_order", "decimal_comma", "excel_1904")
_PARAM = re.compile(r"^\$[a-z_][a-z0-9_]*$")


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


def _parse_options(mapping, column: str, excel_1904: bool) -> dict:
    given = (getattr(mapping, "options", None) or {}).get(column) or {}
    options = {k: v for k, v in given.items() if k in PARSE_OPTIONS}
    options.setdefault("excel_1904", bool(excel_1904))
    return options


def plan_columns(mapping, *, dataset_id_param: str = "$dataset_id",
                 load_id_param: str | None = None, excel_1904: bool = False) -> list[PlannedColumn]:
    """One PlannedColumn per canonical column of the mapping's table, in schema order.

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
            options = _parse_options(mapping, column.name, excel_1904)
            parsed[column.name] = values.parse_sql(quote(header), column.kind, **options)

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
            if (table.name, column.name) in derive.ROW_MADE:
                # Row-made ids (e.g. 'row-7') repeat across files; prefix the load so they stay unique.
                prefix = load_id_param or dataset_id_param
                tag = "L" if load_id_param else "D"
                expr = f"('{tag}' || cast({prefix} as varchar) || '-' || {expr})"
            planned.append(PlannedColumn(column.name, column.kind, column.required, None, None,
                                         True, expr))
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
    return _select(planned, stage_table, dataset_id_param, with_raw=False)


RAW_PREFIX = "__raw_"


def parsed_sql(mapping, stage_table: str, dataset_id_param: str = "$dataset_id", *,
               load_id_param: str | None = None, excel_1904: bool = False) -> str:
    """``select_sql`` plus, for each mapped column, its raw text as ``"__raw_<canonical>"``.

    Materialised once per load, so values are parsed once and checks compare raw with parsed.
    """
    planned = plan_columns(mapping, dataset_id_param=dataset_id_param,
                           load_id_param=load_id_param, excel_1904=excel_1904)
    return _select(planned, stage_table, dataset_id_param, with_raw=True)


def over_parsed(planned: list[PlannedColumn]) -> list[PlannedColumn]:
    """The same plan with raw and typed values read from a table made by ``parsed_sql``."""
    return [PlannedColumn(p.name, p.kind, p.required, p.source,
                          quote(RAW_PREFIX + p.name) if p.source is not None else None,
                          p.derived, quote(p.name)) for p in planned]


def _select(planned: list[PlannedColumn], stage_table: str, dataset_id_param: str,
            with_raw: bool) -> str:
    raw = [f"{p.raw} as {quote(RAW_PREFIX + p.name)}" for p in planned
           if with_raw and p.source is not None]
    body = ",\n    ".join([
        f"cast({dataset_id_param} as bigint) as \"dataset_id\"",
        'cast("source_row" as bigint) as "source_row"',
        *(f"{p.expr} as {quote(p.name)}" for p in planned),
        *raw,
    ])
    return (f"with staged as (\n  select * from {quote(stage_table)}\n),\n"
            f"final as (\n  select\n    {body}\n  from staged\n)\nselect * from final")


def valid_rows_condition(planned: list[PlannedColumn], alias: str | None = None) -> str:
    """SQL condition true for rows whose required canonical columns all have a value."""
    prefix = f"{quote(alias)}." if alias else ""
    checks = [f"{prefix}{quote(p.name)} is not null" for p in planned if p.required]
    return " and ".join(checks) or "true"
