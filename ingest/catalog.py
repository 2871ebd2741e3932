"""The catalog of stored datasets, their history and the data_version counter.

Tables (beside the canonical ones):
- ``datasets``: one row per dataset ever loaded; deleted ones stay, marked ``status='deleted'``,
  so the history keeps their names and their ids are never reused.
- ``dataset_events``: one row per load, append, replace or delete.
- ``dataset_parts``: one row per part table holding a dataset's rows (see ``ingest.parts``:
  each canonical name is a view over a base table and these parts).
- ``meta``: key/value pairs; ``data_version`` is bumped by every change to stored data.
``init_db`` also creates the audit trail (``ingest.audit``) and the users (``ingest.users``),
and migrates a database from before parts (canonical names that are tables become views).
"""

from __future__ import annotations

import json
from contextlib import contextmanager, suppress
from datetime import UTC, datetime

import pandas as pd

from ingest import audit, parts
from ingest.errors import InputError
from ingest.schema import TABLES, Table, create_tables
from ingest.transform import quote
from ingest.users import init_users
from ingest.validate import plural
from metrics import marts as order_facts

CATALOG_DDL = (
    """create table if not exists datasets (
  dataset_id bigint primary key,
  name varchar not null,
  table_name varchar not null,
  source varchar,
  loaded_by varchar,
  loaded_at timestamp,
  row_count bigint,
  rejected_count bigint,
  mapping_json varchar,
  status varchar
)""",
    """create table if not exists dataset_events (
  event_id bigint primary key,
  dataset_id bigint,
  action varchar,
  "user" varchar,
  "at" timestamp,
  detail varchar
)""",
    """create table if not exists meta (
  key varchar primary key,
  value varchar
)""",
)
CATALOG_TABLES = ("datasets", "dataset_events", "dataset_parts", "meta")


def init_db(con) -> None:
    """Create the canonical tables (base tables and views), the catalog and the data_version
    counter if missing; migrate an older database and drop what a killed load left."""
    create_tables(con)
    for ddl in CATALOG_DDL:
        con.execute(ddl)
    # Who-did-what and who-may-see-what live beside the data they describe.
    audit.init_audit(con)
    init_users(con)
    con.execute("insert into meta (key, value) select 'data_version', '0' "
                "where not exists (select 1 from meta where key = 'data_version')")
    # Reports read orders from order_facts: the always-correct view until metrics builds it.
    order_facts.ensure(con)


def now() -> datetime:
    """Current UTC time without zone, as stored in the catalog."""
    return datetime.now(UTC).replace(tzinfo=None)


def _rollback(con) -> None:
    # The transaction may already be gone (e.g. the connection failed).
    with suppress(Exception):
        con.rollback()


@contextmanager
def transaction(con, display_name: str | None = None):
    """Run the block in one transaction; on failure roll back and raise InputError."""
    try:
        con.begin()
    except Exception as exc:
        raise InputError(f"another change to the data is still running; try again "
                         f"({first_line(exc)})", file=display_name) from exc
    try:
        yield
    except InputError as exc:
        _rollback(con)
        if exc.file is None and display_name:
            raise InputError(exc.message, file=display_name, row=exc.row,
                             column=exc.column) from exc
        raise
    except Exception as exc:
        _rollback(con)
        raise InputError(f"loading failed and nothing was changed ({first_line(exc)})",
                         file=display_name) from exc
    except BaseException:
        _rollback(con)
        raise
    try:
        con.commit()
    except Exception as exc:
        _rollback(con)
        raise InputError(f"saving failed and nothing was changed ({first_line(exc)})",
                         file=display_name) from exc


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message, for a one-line user message."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]


def get_dataset(con, dataset_id) -> dict | None:
    """The catalog row of a stored (not deleted) dataset as a dict, or None."""
    cur = con.execute("select * from datasets where dataset_id = $id and status <> 'deleted'",
                      {"id": int(dataset_id)})
    row = next(iter(cur.fetchall()), None)
    return None if row is None else dict(zip([d[0] for d in cur.description], row))


def table_named(name: str) -> Table:
    """The canonical table a catalog row names; checked before it goes into SQL."""
    if name not in TABLES:
        raise InputError(f"the catalog names an unknown table {name!r}")
    return TABLES[name]


def bump_version(con) -> int:
    # Stored data changed: order_facts goes back to its view in this same transaction.
    order_facts.reset(con)
    con.execute("update meta set value = cast(cast(value as bigint) + 1 as varchar) "
                "where key = 'data_version'")
    return data_version(con)


def add_event(con, event_id: int, dataset_id: int, action: str, user: str, detail: str) -> None:
    con.execute('insert into dataset_events (event_id, dataset_id, action, "user", "at", detail) '
                "values ($e, $d, $a, $u, $t, $x)",
                {"e": event_id, "d": dataset_id, "a": action, "u": user, "t": now(), "x": detail})


def next_id(con, table: str) -> int:
    """Next dataset_id or event_id: one more than any ever used (rows are never removed)."""
    column = {"datasets": "dataset_id", "dataset_events": "event_id"}[table]
    return int(con.execute(f"select coalesce(max({column}), 0) + 1 from {table}").fetchall()[0][0])


def delete_dataset(con, dataset_id: int, user: str) -> None:
    """Remove a dataset's rows; its catalog entry stays, marked deleted, for the history."""
    with transaction(con):
        target = get_dataset(con, dataset_id)
        if target is None:
            raise InputError(f"there is no dataset {dataset_id} to delete")
        table = table_named(target["table_name"])
        removed = parts.remove_dataset_rows(con, table, int(dataset_id))
        con.execute("update datasets set status = 'deleted', row_count = 0 where dataset_id = $d",
                    {"d": int(dataset_id)})
        detail = f"Deleted '{target['name']}' and its {plural(removed, 'row')}."
        add_event(con, next_id(con, "dataset_events"), int(dataset_id), "delete", user, detail)
        audit.record(con, user, "delete", f"dataset {int(dataset_id)}", detail)
        bump_version(con)


def list_datasets(con) -> pd.DataFrame:
    """One row per stored (not deleted) dataset, oldest first: dataset_id, name, table_name,
    source, loaded_by, loaded_at, row_count, rejected_count, status."""
    return con.execute(
        "with final as (select dataset_id, name, table_name, source, loaded_by, loaded_at, "
        "row_count, rejected_count, status from datasets where status <> 'deleted') "
        "select * from final order by dataset_id").df()


def dataset_mapping(con, dataset_id: int) -> dict | None:
    """The mapping (as its dict) a stored dataset was last loaded with, or None."""
    target = get_dataset(con, dataset_id)
    return None if target is None else json.loads(target["mapping_json"])


def preview_dataset(con, dataset_id: int, limit: int = 50) -> pd.DataFrame:
    """The dataset's first ``limit`` rows in file order: its canonical table's columns."""
    target = get_dataset(con, dataset_id)
    if target is None:
        raise InputError(f"there is no dataset {dataset_id}")
    table = table_named(target["table_name"])
    return con.execute(f"select * from {quote(table.name)} where dataset_id = $d "
                       "order by source_row limit $n", {"d": int(dataset_id), "n": int(limit)}).df()


def history(con, dataset_id: int | None = None) -> pd.DataFrame:
    """One row per event, newest first: event_id, dataset_id, dataset_name, action, user, at,
    detail; only one dataset's events when ``dataset_id`` is given."""
    where = "" if dataset_id is None else "where e.dataset_id = $d"
    params = {} if dataset_id is None else {"d": int(dataset_id)}
    return con.execute(
        "with final as (select e.event_id, e.dataset_id, d.name as dataset_name, e.action, "
        'e."user", e."at", e.detail from dataset_events as e '
        f"left join datasets as d on d.dataset_id = e.dataset_id {where}) "
        "select * from final order by event_id desc", params).df()


def data_version(con) -> int:
    """Counter bumped by every change to stored data (for caches)."""
    rows = con.execute("select cast(value as bigint) from meta where key = 'data_version'").fetchall()
    row = rows[0] if rows else None
    return int(row[0]) if row else 0
