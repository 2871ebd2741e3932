"""Reports saved from the report builder, kept in the database beside the data.

Table ``saved_reports(report_id, name, spec_json, created_by, created_at)``. A report's name is
user text: it is always a bound parameter here and must be shown as plain text. The spec is
checked against the builder's lists when saved and again when read back.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from ingest.errors import InputError
from metrics.builder import ReportSpec

MAX_NAME_LENGTH = 80
SAVED_REPORT_COLUMNS = ["report_id", "name", "spec_json", "created_by", "created_at"]

_DDL = """
create table if not exists saved_reports (
  report_id bigint primary key,
  name varchar not null unique,
  spec_json varchar not null,
  created_by varchar,
  created_at timestamp not null
)
"""


def _exists(con) -> bool:
    sql = """
    with found as (
      select table_name from duckdb_tables()
      where table_name = 'saved_reports' and schema_name = 'main' and database_name = current_database()
    ),
    final as (select count(*) as tables from found)
    select * from final
    """
    return con.execute(sql).fetchall()[0][0] > 0


def init_saved_reports(con) -> None:
    """Create the table when missing; safe to call on every run and from many sessions at once."""
    if _exists(con):
        return
    try:
        con.execute(_DDL)
    except duckdb.Error:
        # Another session created it at the same moment: that is the outcome we wanted.
        if not _exists(con):
            raise


def clean_name(name) -> str:
    """The name as stored: control characters removed, spaces collapsed; InputError when empty
    or longer than MAX_NAME_LENGTH."""
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(name or "")).split())
    if not text:
        raise InputError("Give the report a name.")
    if len(text) > MAX_NAME_LENGTH:
        raise InputError(f"A report name may have at most {MAX_NAME_LENGTH} characters.")
    return text


def save_report(con, name: str, spec: ReportSpec, created_by: str,
                now: datetime | None = None) -> int:
    """Store ``spec`` under ``name`` and return its report_id. Saving under a name that exists
    replaces that report's spec (its id, author and time stay). ``now`` defaults to the
    current time."""
    text = clean_name(name)
    spec_json = ReportSpec.from_json(spec.to_json()).to_json()
    stamp = now or datetime.now().replace(microsecond=0)
    init_saved_reports(con)
    con.execute("begin transaction")
    try:
        rows = con.execute("select report_id from saved_reports where name = ?", [text]).fetchall()
        found = rows[0] if rows else None
        if found:
            report_id = int(found[0])
            con.execute("update saved_reports set spec_json = ? where report_id = ?",
                        [spec_json, report_id])
        else:
            report_id = int(con.execute(
                "select coalesce(max(report_id), 0) + 1 from saved_reports").fetchall()[0][0])
            con.execute("insert into saved_reports values (?, ?, ?, ?, ?)",
                        [report_id, text, spec_json, created_by, stamp])
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return report_id


def saved_reports(con) -> pd.DataFrame:
    """One row per saved report, oldest first (ties: report_id): report_id, name, spec_json,
    created_by, created_at. Empty when none was saved."""
    init_saved_reports(con)
    sql = """
    with final as (
      select report_id, name, spec_json, created_by, created_at from saved_reports
    )
    select * from final order by created_at, report_id
    """
    return con.execute(sql).df()[SAVED_REPORT_COLUMNS]


def delete_report(con, report_id: int) -> None:
    """Remove one saved report (nothing happens when it does not exist)."""
    init_saved_reports(con)
    con.execute("delete from saved_reports where report_id = ?", [int(report_id)])
