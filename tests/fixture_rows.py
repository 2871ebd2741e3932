"""Insert tiny hand-typed rows into the canonical tables of the ``con`` fixture."""

from __future__ import annotations

from ingest.parts import base_table
from ingest.schema import TABLES


def insert(con, table: str, rows: list[dict], *, dataset_id: int = 1) -> None:
    """Insert ``rows`` (column -> value; missing columns are null) numbering source_row 1, 2, ...

    Rows go to the table's base table: the canonical name is a view over it (``ingest.parts``)."""
    names = TABLES[table].column_names
    for source_row, row in enumerate(rows, start=1):
        unknown = set(row) - set(names)
        assert not unknown, f"not columns of {table}: {unknown}"
        values = [dataset_id, source_row] + [row.get(n) for n in names]
        marks = ", ".join("?" for _ in values)
        con.execute(f'insert into "{base_table(table)}" values ({marks})', values)
