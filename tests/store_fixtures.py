"""Helpers shared by the transform, validate and store tests (not a test module)."""

from __future__ import annotations

import csv
from pathlib import Path

from ingest.schema import TABLES
from ingest.transform import quote


def make_stage(con, name: str, headers: list[str], rows: list[tuple]) -> None:
    """A staging table as ingest.read.stage makes it: source_row, then one VARCHAR per header.

    ``rows`` hold the header values only; source_row is 1, 2, ... in order.
    """
    cols = ", ".join(f"{quote(h)} varchar" for h in headers)
    con.execute(f"create temp table {quote(name)} (source_row bigint, {cols})")
    marks = ", ".join("?" for _ in range(len(headers) + 1))
    if rows:
        con.executemany(f"insert into {quote(name)} values ({marks})",
                        [(i, *row) for i, row in enumerate(rows, start=1)])


def write_csv(path: Path, headers: list[str], rows: list[tuple], encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def snapshot(con) -> dict[str, tuple[int, str]]:
    """(row count, md5 of every row's text in sorted order) for every canonical and catalog table."""
    from ingest.catalog import CATALOG_TABLES

    out = {}
    for table in [*TABLES, *CATALOG_TABLES]:
        count, digest = con.execute(
            f'select count(*), md5(coalesce(string_agg(t::varchar, chr(10) order by t::varchar), \'\')) '
            f'from "{table}" as t').fetchone()
        out[table] = (count, digest)
    return out
