"""Check a staged file against its mapping before anything is stored.

All checks run over a table of parsed values beside the raw text of the values that need
showing (staged with ``transform.parsed_shape``; read through ``transform.over_parsed``).

A row is unusable when a required canonical column ends up empty: the cell is empty, its
value cannot be read as the column's kind, or (for a worked-out column) it cannot be worked
out. Everything else worth knowing is a warning that does not block loading: optional values
that cannot be read (stored empty), keys repeated within the file, returns, future dates.
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass, field

import pandas as pd

from ingest.staging import shaped_sql
from ingest.transform import (
    PAST_COLUMNS,
    PlannedColumn,
    over_parsed,
    parsed_shape,
    plan_columns,
    quote,
    table_of,
)

MAX_LISTED = 1000          # problems listed one by one; counts always cover all of them
MAX_VALUE_CHARS = 200      # a listed raw value is cut to this many characters

DATE_KINDS = {"date", "timestamp"}
NUMBER_KINDS = {"amount", "number", "integer", "percent"}
PROBLEM_COLUMNS = ["file", "row", "column", "value", "reason", "severity"]


def _unreadable(kind: str) -> str:
    if kind in DATE_KINDS:
        return "is not a date"
    if kind in NUMBER_KINDS:
        return "is not a number"
    if kind == "bool":
        return "is not yes/no (true/false)"
    return "cannot be read"


@dataclass
class Validation:
    """What checking a staged file found.

    ``problems``: one row per (row, column) problem, errors first, then by row:
    file, row (1-based data row, header not counted), column (the file's header), value (raw),
    reason, severity ('error' blocks the row, 'warning' does not). At most MAX_LISTED rows;
    ``counts`` holds the full numbers.
    """

    rows: int
    valid_rows: int
    problems: pd.DataFrame
    counts: dict[str, int] = field(default_factory=dict)
    file: str = ""
    table: str = ""

    @property
    def rejected_rows(self) -> int:
        return self.rows - self.valid_rows

    def first_error(self) -> dict | None:
        """The first blocking problem as a dict (file, row, column, value, reason), or None."""
        errors = self.problems[self.problems["severity"] == "error"]
        return None if errors.empty else errors.iloc[0].to_dict()

    def summary(self) -> list[str]:
        """Plain sentences for the person loading the file."""
        c = self.counts
        name = self.file or "the file"
        out = [f"Read {plural(self.rows, 'row')} from {name}; {self.valid_rows:,} can be loaded."]
        if self.rejected_rows:
            first = self.first_error()
            where = (f" First: row {first['row']}, column '{first['column']}' {first['reason']}."
                     if first else "")
            out.append(f"{plural(self.rejected_rows, 'row')} cannot be used because a required value "
                       f"is empty or unreadable.{where}")
        optional_bad = c.get("unparseable_optional", 0)
        if optional_bad:
            out.append(f"{plural(optional_bad, 'optional value')} could not be read and will be "
                       "left empty.")
        if c.get("duplicate_keys"):
            out.append(f"{plural(c['duplicate_keys'], 'row')} "
                       f"{_verb(c['duplicate_keys'], 'repeats', 'repeat')} the key of an earlier "
                       "row in the file; all are kept.")
        if c.get("returns"):
            kind = _verb(c["returns"], "is a return or refund", "are returns or refunds")
            out.append(f"{plural(c['returns'], 'row')} {kind} (negative quantity or amount).")
        if c.get("future_dates"):
            out.append(f"{plural(c['future_dates'], 'date')} "
                       f"{_verb(c['future_dates'], 'lies', 'lie')} in the future.")
        if len(self.problems):
            out.append("Row numbers count data rows; the header row is not counted.")
        return out


def plural(count: int, word: str) -> str:
    """'1 row', '2 rows', '1,234 rows'."""
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def _verb(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _key_columns(planned: list[PlannedColumn], table) -> list[PlannedColumn]:
    # Keys that include source_row (or an id made from it) are unique within a file by
    # construction: nothing to check.
    if "source_row" in table.key:
        return []
    by_name = {p.name: p for p in planned}
    keys = [by_name[k] for k in table.key]
    if any(p.row_made for p in keys):
        return []
    return keys if all(p.source or p.derived for p in keys) else []


def validate(con, stage_table: str, mapping, display_name: str, *, excel_1904: bool = False,
             parsed_table: str | None = None) -> Validation:
    """Check every staged row; nothing is written. Raises InputError if the mapping is unusable.

    ``parsed_table``: the file staged with ``transform.parsed_shape`` (the load parses while
    it reads, so ``stage_table`` is not read then); without it ``stage_table`` (text, as
    ``ingest.read.stage`` makes it) is parsed into a temp table here and dropped again.
    """
    table = table_of(mapping)
    own = parsed_table is None
    if own:
        parsed_table = f"_parsed_{uuid.uuid4().hex}"
        sql = shaped_sql(parsed_shape(mapping, excel_1904=excel_1904), quote(stage_table),
                         ("source_row",))
        con.execute(f"create temp table {quote(parsed_table)} as {sql}")
    try:
        cursor = con.execute(f"select * from {quote(parsed_table)} limit 0")
        present = {d[0] for d in cursor.description}
        cursor.fetchall()  # finish the result: an open one blocks register() on this connection
        planned = over_parsed(plan_columns(mapping, excel_1904=excel_1904), present)
        keys = _key_columns(planned, table)
        checks = _checks(planned, table, keys)
        counts = _count(con, parsed_table, planned, checks, keys)
        # Nothing counted, nothing to list: a clean file skips the second pass.
        problems = (_list(con, parsed_table, checks, keys, display_name) if counts["problems"]
                    else _no_problems())
    finally:
        if own:
            with suppress(Exception):
                con.execute(f"drop table if exists {quote(parsed_table)}")
    rows = counts.pop("rows")
    return Validation(rows=rows, valid_rows=rows - counts["rows_with_problems"], problems=problems,
                      counts=counts, file=display_name, table=table.name)


@dataclass(frozen=True)
class _Check:
    """One listed problem type: rows where ``condition`` holds get ``reason`` (SQL text)."""

    severity: str
    column: str      # shown to the user: the source header, else the canonical name
    condition: str
    reason_sql: str  # SQL yielding the reason; only our constants in it
    value_sql: str   # SQL yielding the raw value shown
    counter: str | None  # key of counts this problem adds to, if any


def _checks(planned: list[PlannedColumn], table, keys) -> list[_Check]:
    checks: list[_Check] = []
    for p in planned:
        if p.required and p.source is not None:
            reason = (f"case when {p.raw} is null then 'is empty' "
                      f"else '{_unreadable(p.kind)}' end")
            checks.append(_Check("error", p.source, f"({p.expr}) is null", reason, p.raw, None))
        elif p.required and p.derived and not p.row_made:
            checks.append(_Check("error", p.name, f"({p.expr}) is null",
                                 "'is empty and could not be worked out from the other columns'",
                                 "cast(null as varchar)", None))
        elif p.source is not None and p.kind not in ("id", "text"):
            checks.append(_Check("warning", p.source, f"{p.raw} is not null and ({p.expr}) is null",
                                 f"'{_unreadable(p.kind)}; left empty'", p.raw,
                                 "unparseable_optional"))
        if p.name in PAST_COLUMNS and (p.source is not None or p.derived):
            shown = f"cast(({p.expr}) as varchar)"
            checks.append(_Check("warning", p.source or p.name,
                                 f"cast(({p.expr}) as date) > current_date + 1",
                                 "'lies in the future'",
                                 f"coalesce({p.raw}, {shown})" if p.raw else shown,
                                 "future_dates"))
    return checks


def _cells(conditions: list[str], label: str) -> str:
    """SQL counting the cells (row x column) where each condition holds."""
    if not conditions:
        return f"0 as {label}"
    return f"coalesce(sum({' + '.join(f'({c})::int' for c in conditions)}), 0) as {label}"


def _count(con, parsed_table, planned, checks, keys) -> dict[str, int]:
    """Full counts in one pass over the parsed table."""
    required = [f"({p.expr}) is null" for p in planned if p.required and not p.row_made]
    items = ["count(*) as rows",
             "count(*) filter (where " + (" or ".join(required) or "false") + ") as rows_with_problems"]
    for i, check in enumerate(checks):
        items.append(f"count(*) filter (where {check.condition}) as c{i}")
    kinds = {"unparseable_dates": DATE_KINDS, "unparseable_numbers": NUMBER_KINDS,
             "unparseable_other": {"bool"}}
    for label, group in kinds.items():
        items.append(_cells([f"{p.raw} is not null and ({p.expr}) is null" for p in planned
                             if p.source is not None and p.kind in group], label))
    for label, want_id in (("missing_ids", True), ("missing_values", False)):
        # Empty in the file: no value and no text kept (text is kept only where unreadable).
        items.append(_cells([f"({p.expr}) is null" + (f" and {p.raw} is null" if p.raw else "")
                             for p in planned if p.required and not p.row_made
                             and (p.kind == "id") == want_id], label))
    by_name = {p.name: p for p in planned}
    signs = [f"({by_name[c].expr}) < 0" for c in ("quantity", "line_amount")
             if c in by_name and (by_name[c].source or by_name[c].derived)]
    items.append(f"count(*) filter (where {' or '.join(signs)}) as returns" if signs
                 else "0 as returns")
    sql = (f"with parsed as (select * from {quote(parsed_table)}),\n"
           f"final as (select {', '.join(items)} from parsed)\nselect * from final")
    row = con.execute(sql).fetchall()[0]
    names = ["rows", "rows_with_problems", *[f"c{i}" for i in range(len(checks))],
             *kinds, "missing_ids", "missing_values", "returns"]
    raw = dict(zip(names, (int(v or 0) for v in row)))
    counts = {k: 0 for k in ("rows", "rows_with_problems", "missing_ids", "missing_values",
                             "unparseable_dates", "unparseable_numbers", "unparseable_other",
                             "unparseable_optional", "duplicate_keys", "returns", "future_dates")}
    for key in ("rows", "rows_with_problems", *kinds, "missing_ids", "missing_values", "returns"):
        counts[key] = raw[key]
    for i, check in enumerate(checks):
        if check.counter:
            counts[check.counter] += raw[f"c{i}"]
    if keys:
        counts["duplicate_keys"] = _count_duplicates(con, parsed_table, keys)
    counts["problems"] = sum(raw[f"c{i}"] for i in range(len(checks))) + counts["duplicate_keys"]
    return counts


def _key_sql(keys) -> tuple[str, str]:
    """(partition list, not-null condition) over the keys' typed values."""
    exprs = [f"({k.expr})" for k in keys]
    return ", ".join(exprs), " and ".join(f"{e} is not null" for e in exprs)


def _count_duplicates(con, parsed_table, keys) -> int:
    partition, present = _key_sql(keys)
    sql = (f"with parsed as (select * from {quote(parsed_table)}),\n"
           f"keyed as (select {partition} from parsed where {present}),\n"
           f"final as (select count(*) - (select count(*) from (select distinct * from keyed)) "
           f"as n from keyed)\nselect * from final")
    return int(con.execute(sql).fetchall()[0][0] or 0)


def _no_problems() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in PROBLEM_COLUMNS})


def _list(con, parsed_table, checks, keys, display_name) -> pd.DataFrame:
    """The first MAX_LISTED problems: errors first, then by row and column position."""
    params: dict[str, object] = {"limit": MAX_LISTED}
    parts = []
    for i, check in enumerate(checks):
        params[f"col{i}"] = check.column
        rank = 0 if check.severity == "error" else 1
        parts.append(
            f"select {rank} as rank, source_row as row, {i} as pos, $col{i} as \"column\", "
            f"left(cast({check.value_sql} as varchar), {MAX_VALUE_CHARS}) as value, "
            f"{check.reason_sql} as reason, '{check.severity}' as severity "
            f"from parsed where {check.condition}")
    if keys:
        partition, present = _key_sql(keys)
        shown = " || ' / ' || ".join(f"coalesce(cast(({k.expr}) as varchar), '')" for k in keys)
        params["keycol"] = " + ".join(k.source or k.name for k in keys)
        parts.append(
            f"select 1 as rank, source_row as row, {len(checks)} as pos, $keycol as \"column\", "
            f"value, 'repeats the key of row ' || cast(first_row as varchar) as reason, "
            f"'warning' as severity from (select source_row, {shown} as value, "
            f"min(source_row) over (partition by {partition}) as first_row from parsed "
            f"where {present}) as keyed where source_row <> first_row")
    if not parts:
        return _no_problems()
    union = "\n  union all\n  ".join(parts)
    sql = (f"with parsed as (select * from {quote(parsed_table)}),\n"
           f"problems as (\n  {union}\n),\n"
           f"final as (select row, \"column\", value, reason, severity from problems "
           f"order by rank, row, pos limit $limit)\nselect * from final")
    frame = con.execute(sql, params).df()
    frame.insert(0, "file", display_name)
    # Missing raw values are shown as None, not NaN.
    frame["value"] = frame["value"].astype(object).where(frame["value"].notna(), None)
    frame["row"] = frame["row"].astype("int64")
    return frame[PROBLEM_COLUMNS]
