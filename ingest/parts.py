"""Where canonical rows live: a base table and one part table per load, behind one view.

Each canonical name (``order_lines``, ``customers``, ... every ``schema.TABLES`` entry) is a
VIEW, the ``union all`` of:
- ``<name>__base``: a table with the canonical columns in schema order, ``dataset_id`` and
  ``source_row`` first. Appended rows, rows of databases made before parts existed, and
  fixtures written in SQL live here.
- ``<name>__p<N>``: one table per new or replaced dataset, the table its load staged the file
  into (``N`` is the load's event id). It holds ``source_row`` and the canonical columns the
  file fills; the view adds the dataset id as a constant and a typed NULL for the others.
``dataset_parts`` records every part (part_table, dataset_id, table_name). Every change to
parts rebuilds the view in the same transaction, so a rollback restores both.

Readers (metrics, previews) only ever name the canonical views; writers go through this module.
"""

from __future__ import annotations

import re

from ingest.schema import SQL_TYPES, TABLES, Table, create_table_sql
from ingest.sqltext import ident

BASE_SUFFIX = "__base"
PART_INFIX = "__p"
PARTS_DDL = """create table if not exists dataset_parts (
  part_table varchar primary key,
  dataset_id bigint not null,
  table_name varchar not null
)"""
_PART_NAME = re.compile(r"^(?P<table>[a-z_]+)__p(?P<n>[0-9]+)$")
_STAGE_PREFIX = "_stage_"


def base_table(name: str) -> str:
    """The base table behind canonical ``name``."""
    return f"{name}{BASE_SUFFIX}"


def _main_relations(con) -> dict[str, str]:
    """Name -> 'BASE TABLE' or 'VIEW' for every relation of this database's main schema."""
    rows = con.execute(
        "with final as (select table_name, table_type from information_schema.tables "
        "where table_schema = 'main' and table_catalog = current_database()) "
        "select * from final").fetchall()
    return {name: kind for name, kind in rows}


def ensure_storage(con) -> None:
    """Create what is missing: base tables, ``dataset_parts``, the views.

    Also migrates a database from before parts (its canonical names are BASE TABLEs: each is
    renamed to ``<name>__base``) and drops what a killed process may have left (stage tables,
    parts no row of ``dataset_parts`` names; rows naming a missing part). Writes nothing when
    everything is in place, so opening a database never conflicts with a running load.
    """
    relations = _main_relations(con)
    if not _needs_work(con, relations):
        return
    con.begin()
    try:
        _repair(con, relations)
    except BaseException:
        con.rollback()
        raise
    con.commit()


def _recorded(con, relations: dict[str, str]) -> list[tuple[str, int, str]]:
    if "dataset_parts" not in relations:
        return []
    return con.execute("with final as (select part_table, dataset_id, table_name "
                       "from dataset_parts) select * from final order by part_table").fetchall()


def _leftovers(relations: dict[str, str], recorded: list[tuple[str, int, str]]) -> list[str]:
    """Stage tables and unrecorded parts in the main schema."""
    known = {r[0] for r in recorded}
    out = []
    for name, kind in relations.items():
        match = _PART_NAME.match(name)
        is_part = match is not None and match.group("table") in TABLES
        if kind == "BASE TABLE" and (name.startswith(_STAGE_PREFIX) or (is_part and name not in known)):
            out.append(name)
    return sorted(out)


def _needs_work(con, relations: dict[str, str]) -> bool:
    if "dataset_parts" not in relations:
        return True
    if any(relations.get(name) != "VIEW" or base_table(name) not in relations for name in TABLES):
        return True
    recorded = _recorded(con, relations)
    missing = [r for r in recorded if r[0] not in relations]
    return bool(missing or _leftovers(relations, recorded))


def _repair(con, relations: dict[str, str]) -> None:
    con.execute(PARTS_DDL)
    rebuild = set()
    for name, table in TABLES.items():
        base = base_table(name)
        if relations.get(name) == "BASE TABLE" and base not in relations:
            # A database from before parts: its rows become the base table's.
            con.execute(f"alter table {ident(name)} rename to {ident(base)}")
            relations[base] = "BASE TABLE"
            del relations[name]
        con.execute(create_table_sql(table, base))
        if relations.get(name) != "VIEW":
            rebuild.add(name)
    recorded = _recorded(con, {**relations, "dataset_parts": "BASE TABLE"})
    for part, _, table_name in recorded:
        if part not in relations:
            con.execute("delete from dataset_parts where part_table = $p", {"p": part})
            rebuild.add(table_name)
    for name in _leftovers(relations, recorded):
        con.execute(f"drop table {ident(name)}")
        match = _PART_NAME.match(name)
        if match:
            rebuild.add(match.group("table"))
    for name in sorted(rebuild & set(TABLES)):
        rebuild_view(con, TABLES[name])


def parts_of(con, table: Table, dataset_id: int | None = None) -> list[tuple[str, int]]:
    """(part table, dataset id) of every part of ``table`` (of one dataset when given), by
    dataset."""
    where = "" if dataset_id is None else " and dataset_id = $d"
    params = {"t": table.name} | ({} if dataset_id is None else {"d": int(dataset_id)})
    rows = con.execute(
        "with final as (select part_table, dataset_id from dataset_parts "
        f"where table_name = $t{where}) select * from final order by dataset_id, part_table",
        params).fetchall()
    return [(str(p), int(d)) for p, d in rows]


def columns_of(con, table: str) -> list[str]:
    """The column names of ``table`` (one of ours), in order."""
    # Reading no rows is cheaper than searching duckdb_columns() across the whole catalog.
    return [d[0] for d in con.execute(f"select * from {ident(table)} limit 0").description]


def view_sql(con, table: Table) -> str:
    """CREATE OR REPLACE VIEW of ``table``: its base table, then every part, by dataset."""
    names = ["dataset_id", "source_row", *table.column_names]
    branches = [f"select {', '.join(ident(n) for n in names)} from {ident(base_table(table.name))}"]
    for part, dataset_id in parts_of(con, table):
        have = set(columns_of(con, part))
        items = [f"cast({int(dataset_id)} as bigint) as \"dataset_id\"", '"source_row"']
        for column in table.columns:
            sql_type = SQL_TYPES[column.kind]
            items.append(ident(column.name) if column.name in have
                         else f"cast(null as {sql_type}) as {ident(column.name)}")
        branches.append(f"select {', '.join(items)} from {ident(part)}")
    body = "\n  union all\n  ".join(branches)
    return (f"create or replace view {ident(table.name)} as\n"
            f"with final as (\n  {body}\n)\nselect * from final")


def rebuild_view(con, table: Table) -> None:
    """Point the canonical view of ``table`` at its base table and current parts."""
    con.execute(view_sql(con, table))


def new_part_name(con, table: Table, number: int) -> str:
    """``<table>__p<number>``, or the next free number after it."""
    taken = set(_main_relations(con))
    while f"{table.name}{PART_INFIX}{number}" in taken:
        number += 1
    return f"{table.name}{PART_INFIX}{number}"


def add_part(con, table: Table, dataset_id: int, part: str) -> None:
    """Record ``part`` as rows of ``dataset_id`` and show it through the view."""
    con.execute("insert into dataset_parts (part_table, dataset_id, table_name) values ($p, $d, $t)",
                {"p": part, "d": int(dataset_id), "t": table.name})
    rebuild_view(con, table)


def dataset_relations(con, table: Table, dataset_id: int) -> list[tuple[str, bool]]:
    """(relation, holds other datasets too) for every table holding rows of ``dataset_id``: the
    base table (filter it on dataset_id), then each of its parts (all rows are the dataset's)."""
    return [(base_table(table.name), True)] + [(p, False) for p, _ in
                                               parts_of(con, table, dataset_id)]


def remove_dataset_rows(con, table: Table, dataset_id: int) -> int:
    """Drop the dataset's parts and delete its base rows; returns how many rows it held."""
    removed = int(con.execute(f"delete from {ident(base_table(table.name))} where dataset_id = $d",
                              {"d": int(dataset_id)}).fetchall()[0][0])
    parts = parts_of(con, table, dataset_id)
    for part, _ in parts:
        removed += int(con.execute(f"select count(*) from {ident(part)}").fetchall()[0][0])
        con.execute(f"drop table {ident(part)}")
    if parts:
        con.execute("delete from dataset_parts where table_name = $t and dataset_id = $d",
                    {"t": table.name, "d": int(dataset_id)})
        rebuild_view(con, table)
    return removed
