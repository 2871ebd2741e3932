"""Two passes instead of one big parse: plain values first, the general parsers only if needed.

Binding a load's parse statement compiles every regex of every column's general parser (about
15 ms per date column and 6 ms per money column on DuckDB 2.0), even when every value is plain
ISO text or a plain number. So the columns whose preview values are all plain are staged with
``values.plain_sql`` (NULL where a value is not plain), and ``repair_sql`` then parses the rows
that left such a value behind with the general parsers, reading the text the staged table kept
for them (``"__raw"``). The result is the same table a single pass with ``parse_sql`` makes
(tested); a file whose values are all plain never binds the general parsers at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest import derive, values
from ingest.schema import SQL_TYPES
from ingest.sqltext import lit
from ingest.transform import RAW_COLUMN, parse_options, plan_columns, quote, table_of


@dataclass(frozen=True)
class Repair:
    """The second pass over a staged table: ``needed`` is the SQL condition of the rows it
    changes, ``update`` the statement that parses them (only our own SQL in both)."""

    needed: str
    update: str


class _NotRepairable(Exception):
    """A derived column would have to be worked out again from text the table did not keep."""


def plain_columns(mapping, preview, *, excel_1904: bool = False) -> frozenset[str]:
    """Canonical columns a load's first pass may read plain: ``values.plain_sql`` has a form
    for them under their parse options, and every value of ``preview`` (a frame with one
    column per header) in their header that is not blank is plain."""
    table = table_of(mapping)
    chosen = set()
    for column in table.columns:
        header = mapping.columns.get(column.name)
        if header is None or preview is None or header not in getattr(preview, "columns", ()):
            continue
        options = parse_options(mapping, column.name, excel_1904)
        if values.plain_sql(quote(header), column.kind, **options) is None:
            continue
        texts = [v for v in preview[header].tolist() if isinstance(v, str) and v != ""]
        if all(values.is_plain(text, column.kind) for text in texts):
            chosen.add(column.name)
    try:
        _repair_parts(mapping, frozenset(chosen), excel_1904=excel_1904, spaces_trimmed=False)
    except _NotRepairable:
        return frozenset()
    return frozenset(chosen)


def repair_sql(mapping, part: str, plain_only: frozenset[str], *, excel_1904: bool = False,
               spaces_trimmed: bool = False) -> Repair | None:
    """The second pass for table ``part``, staged with ``transform.parsed_shape(...,
    plain_only=plain_only)`` under the same options; None when the first pass read nothing
    plain. Rows it changes get each plain-read column that is NULL but has text parsed by
    the general parser, and the derived columns that depend on such columns worked out again."""
    assignments, needed = _repair_parts(mapping, plain_only, excel_1904=excel_1904,
                                        spaces_trimmed=spaces_trimmed)
    if not assignments:
        return None
    sets = ", ".join(f"{quote(name)} = {sql}" for name, sql in assignments)
    return Repair(needed, f"update {quote(part)} set {sets} where {needed}")


def _repair_parts(mapping, plain_only: frozenset[str], *, excel_1904: bool,
                  spaces_trimmed: bool) -> tuple[list[tuple[str, str]], str]:
    """(column, SQL) assignments and the condition of the rows needing them."""
    if not plain_only:
        return [], "false"
    table = table_of(mapping)
    full = plan_columns(mapping, excel_1904=excel_1904, spaces_trimmed=spaces_trimmed)
    first = plan_columns(mapping, excel_1904=excel_1904, spaces_trimmed=spaces_trimmed,
                         plain_only=plain_only)
    mapped = [p for p in full if p.source is not None]
    available, assignments, tests = {}, [], []
    for position, p in enumerate(mapped, start=1):
        plain_read = next(f for f in first if f.name == p.name).expr != p.expr
        if not plain_read:
            available[p.name] = quote(p.name)  # already what the single pass makes
            continue
        text = f"{quote(RAW_COLUMN)}[{position}]"
        options = parse_options(mapping, p.name, excel_1904)
        general = values.parse_sql(text, p.kind, **options, trimmed=spaces_trimmed)
        available[p.name] = (f"coalesce({quote(p.name)}, "
                             f"try_cast(({general}) as {SQL_TYPES[p.kind]}))")
        assignments.append((p.name, available[p.name]))
        # Plain text the first pass could not read (2024-02-30) is no better in the general parser.
        tests.append(f"({text} is not null and {quote(p.name)} is null and not "
                     f"regexp_full_match({text}, {lit(values.plain_pattern(p.kind))}))")
    if not assignments:
        return [], "false"
    again = derive.derivations(table.name, available, mapping)
    extras = _extra_headers(mapping)
    for p, f in zip(full, first):
        if not p.derived or p.row_made or p.expr == f.expr:
            continue
        sql = again[p.name]
        if any(quote(h) in sql for h in extras):
            raise _NotRepairable(p.name)
        assignments.append((p.name, f"try_cast(({sql}) as {SQL_TYPES[p.kind]})"))
    return assignments, f"{quote(RAW_COLUMN)} is not null and ({' or '.join(tests)})"


def _extra_headers(mapping) -> set[str]:
    """Headers named by extra roles (a role may name one header per stage)."""
    found = set()
    for value in (getattr(mapping, "extras", None) or {}).values():
        found.update(value.values() if isinstance(value, dict) else [value])
    return {h for h in found if h}
