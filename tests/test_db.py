"""open_database: the file is created, setup runs, and the lock-down holds on DuckDB 2.0."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from ingest.db import data_path_default, open_database, scratch_dir
from ingest.errors import InputError
from ingest.schema import TABLES, create_tables

CSV = "a,b\n1,x\n3,y\n"  # sum(a) = 1 + 3 = 4


@pytest.fixture
def area(tmp_path):
    """Folders: an upload dir, a readable sample dir, and an outside dir, each with a CSV."""
    for name in ("up", "upx", "samples", "outside"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f.csv").write_text(CSV)
    return tmp_path


@pytest.fixture
def db(area):
    con = open_database(area / "data" / "crm.duckdb", area / "up", setup=create_tables,
                        readable_dirs=[area / "samples"])
    yield con
    con.close()


def _sum_a(con, path) -> int:
    return con.execute("select sum(a) from read_csv(?)", [str(path)]).fetchone()[0]


def test_creates_parent_folder_file_and_runs_setup(area, db):
    assert (area / "data" / "crm.duckdb").is_file()
    tables = {r[0] for r in db.execute("select table_name from information_schema.tables").fetchall()}
    # Each canonical name is a view over its base table; dataset_parts lists the per-load parts.
    assert tables == {*TABLES, *(f"{t}__base" for t in TABLES), "dataset_parts"}


def test_reads_files_in_upload_scratch_and_readable_dirs(area, db):
    scratch = scratch_dir(db)
    assert scratch == area / "up" / ".tmp"
    (scratch / "staged.csv").write_text(CSV)
    assert _sum_a(db, area / "up" / "f.csv") == 4
    assert _sum_a(db, scratch / "staged.csv") == 4
    assert _sum_a(db, area / "samples" / "f.csv") == 4


@pytest.mark.parametrize("relative", [
    "outside/f.csv",
    "upx/f.csv",  # shares the "up" prefix as text, but is another folder
    "up/../outside/f.csv",
    "up/.tmp/../../outside/f.csv",
], ids=["other-dir", "prefix-sibling", "dotdot", "dotdot-from-scratch"])
def test_reading_outside_allowed_dirs_is_refused(area, db, relative):
    with pytest.raises(duckdb.PermissionException):
        _sum_a(db, f"{area}/{relative}")


@pytest.mark.parametrize("sql", [
    "select * from read_text('/etc/hostname')",
    "select * from glob('/etc/*')",
    "select * from read_csv('http://127.0.0.1:9/x.csv')",
], ids=["read_text", "glob", "http"])
def test_other_external_reads_are_refused(db, sql):
    with pytest.raises(duckdb.PermissionException):
        db.execute(sql).fetchall()


@pytest.mark.parametrize("sql", [
    "set enable_external_access = true",
    "set allowed_directories = ['/']",
    "set lock_configuration = false",
    "reset lock_configuration",
    "set threads = 1",
    "set autoload_known_extensions = true",
], ids=["external-access", "allowed-dirs", "unlock", "reset", "threads", "autoload"])
def test_set_after_lock_is_refused(db, sql):
    with pytest.raises(duckdb.InvalidInputException, match="locked"):
        db.execute(sql)


def test_settings_after_lock(db):
    row = db.execute("""
        select current_setting('enable_external_access'), current_setting('lock_configuration'),
               current_setting('autoinstall_known_extensions'),
               current_setting('autoload_known_extensions')
    """).fetchone()
    assert row == (False, True, False, False)


@pytest.mark.parametrize("sql", ["install httpfs", "load httpfs", "force install spatial"],
                         ids=["install", "load", "force-install"])
def test_extensions_are_refused(db, sql):
    with pytest.raises(duckdb.PermissionException):
        db.execute(sql)


def test_copy_to_outside_is_refused_and_nothing_written(area, db):
    target = area / "outside" / "dump.csv"
    with pytest.raises(duckdb.PermissionException):
        db.execute(f"copy (select 1 as x) to '{target}'")
    assert not target.exists()


def test_copy_to_upload_dir_is_allowed(area, db):
    # Writing into the upload folder stays possible (staging files); documented, not a hole.
    target = area / "up" / "out.csv"
    db.execute(f"copy (select 7 as a) to '{target}'")
    assert target.read_text().split() == ["a", "7"]


def test_attach_outside_is_refused(area, db):
    with pytest.raises(duckdb.PermissionException):
        db.execute(f"attach '{area / 'outside' / 'other.duckdb'}' as other")
    assert not (area / "outside" / "other.duckdb").exists()


def test_cursor_inherits_the_lock(area, db):
    cursor = db.cursor()
    with pytest.raises(duckdb.PermissionException):
        _sum_a(cursor, area / "outside" / "f.csv")
    with pytest.raises(duckdb.InvalidInputException):
        cursor.execute("set threads = 1")
    assert scratch_dir(cursor) == area / "up" / ".tmp"


def test_dataframes_need_register_not_replacement_scans(db):
    frame = pd.DataFrame({"v": [2, 5]})
    with pytest.raises(duckdb.CatalogException):
        db.execute("select sum(v) from frame").fetchone()
    db.register("frame_view", frame)
    assert db.execute("select sum(v) from frame_view").fetchone()[0] == 7


def test_reopen_in_same_process_returns_locked_connection(area, db):
    again = open_database(area / "data" / "crm.duckdb", area / "up", setup=create_tables)
    assert again.execute("select current_setting('lock_configuration')").fetchone()[0] is True
    with pytest.raises(duckdb.PermissionException):
        _sum_a(again, area / "outside" / "f.csv")
    with pytest.raises(RuntimeError, match="already open"):
        open_database(area / "data" / "crm.duckdb", area / "outside")


def test_read_only_open(area):
    path = area / "ro.duckdb"
    with pytest.raises(InputError, match="does not exist"):
        open_database(path, area / "up", read_only=True)
    open_database(path, area / "up", setup=create_tables).close()
    con = open_database(path, area / "up", read_only=True)
    assert con.execute("select count(*) from order_lines").fetchone()[0] == 0
    with pytest.raises(duckdb.InvalidInputException, match="read-only"):
        con.execute("create table t (x int)")
    con.close()


def test_memory_database_spills_inside_upload_dir(area):
    con = open_database(":memory:", area / "up")
    spill = con.execute("select current_setting('temp_directory')").fetchone()[0]
    assert Path(spill) == area / "up" / ".tmp" / "duckdb-spill"
    assert _sum_a(con, area / "up" / "f.csv") == 4
    con.close()


def test_database_in_use_elsewhere_is_one_clear_error(area, monkeypatch):
    def busy(*_a, **_k):
        raise duckdb.IOException("IO Error: Could not set lock on file \"x\": Conflicting lock\nmore")

    monkeypatch.setattr(duckdb, "connect", busy)
    with pytest.raises(InputError) as err:
        open_database(area / "busy.duckdb", area / "up")
    assert "\n" not in str(err.value)
    assert "Could not set lock" in str(err.value)


def test_scratch_dir_of_a_folder(area):
    assert scratch_dir(area / "up") == area / "up" / ".tmp"
    assert (area / "up" / ".tmp").is_dir()


def test_data_path_default_follows_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("CRM_DATABASE_PATH", str(tmp_path / "x.duckdb"))
    assert data_path_default() == tmp_path / "x.duckdb"
