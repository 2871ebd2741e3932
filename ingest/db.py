"""Open the DuckDB database and lock it down.

After ``open_database`` the database can read and write files only under the upload folder
(plus any ``readable_dirs`` and DuckDB's own spill folder), cannot install or load
extensions, reach the network, or attach other files, and no ``SET`` can undo that.

Side effects other code must know (verified on DuckDB 2.0):
- Python replacement scans (``select * from df`` naming a local DataFrame) are disabled
  by ``enable_external_access=false``; register frames with ``con.register(name, df)``
  or use ``con.from_df(df)`` / ``con.from_arrow(table)``.
- Files made for staging (transcoded CSVs, ...) must live under ``scratch_dir(...)``,
  which is ``<upload_dir>/.tmp/``; anywhere else ``read_csv`` is refused.
- ``SET`` of any option fails after the lock: choose threads/memory before, or pass ``setup``.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

import settings
from ingest.errors import InputError

SCRATCH_NAME = ".tmp"


def data_path_default() -> Path:
    """The database file named by setting ``database_path``."""
    return Path(str(settings.get("database_path")))


def upload_dir_default() -> Path:
    """The upload folder named by setting ``upload_dir``."""
    return Path(str(settings.get("upload_dir")))


def _dir_forms(folder: str | Path) -> list[str]:
    """The folder as given (absolute) and with symlinks resolved; DuckDB compares path text."""
    given = Path(folder).expanduser().absolute()
    forms = [str(given), str(given.resolve())]
    return list(dict.fromkeys(forms))


def scratch_dir(con_or_dir: duckdb.DuckDBPyConnection | str | Path | None = None) -> Path:
    """The folder for temporary files the locked database must read: ``<upload_dir>/.tmp/``.

    Pass a connection (or cursor) from ``open_database``, an upload folder, or nothing for
    the ``upload_dir`` setting. The folder is created.
    """
    if isinstance(con_or_dir, duckdb.DuckDBPyConnection):
        # open_database lists the scratch folder itself among the allowed ones; find it there.
        allowed = con_or_dir.execute("select current_setting('allowed_directories')").fetchall()[0][0]
        found = [a for a in allowed or [] if Path(a).name == SCRATCH_NAME]
        if not found:
            raise ValueError("This connection was not opened with ingest.db.open_database.")
        folder = Path(found[0])
    else:
        upload = upload_dir_default() if con_or_dir is None else Path(con_or_dir)
        folder = upload.expanduser().absolute() / SCRATCH_NAME
    folder.mkdir(parents=True, exist_ok=True)
    return folder


# DuckDB 2.0's common_subplan optimizer returns wrong rows (no error) when one statement holds
# two copies of a subquery with different filters; metrics do that, so it stays off everywhere.
ENGINE_CONFIG = {"disabled_optimizers": "common_subplan"}


def connect_engine(target: str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """duckdb.connect with the engine settings every connection of this product needs."""
    return duckdb.connect(target, read_only=read_only, config=dict(ENGINE_CONFIG))


def _connect(path: str | Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    target = str(path)
    if target != ":memory:":
        file = Path(target).expanduser().absolute()
        if read_only and not file.exists():
            raise InputError("The database file does not exist yet; open it for writing first.",
                             file=str(file))
        if not read_only:
            file.parent.mkdir(parents=True, exist_ok=True)
        target = str(file)
    try:
        return connect_engine(target, read_only=read_only)
    except duckdb.IOException as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"The database file could not be opened ({first_line}).",
                         file=target) from None


def _is_locked(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("select current_setting('lock_configuration')").fetchall()[0][0])


def _check_already_allowed(con: duckdb.DuckDBPyConnection, folders: list[str]) -> None:
    """A second open of a locked file in this process must not expect other folders."""
    allowed = con.execute("select current_setting('allowed_directories')").fetchall()[0][0] or []
    prefixes = [a.rstrip("/") for a in allowed]
    missing = [f for f in folders if f.rstrip("/") not in prefixes]
    if missing:
        raise RuntimeError(f"The database is already open and locked without access to {missing[0]}.")


def lock_down(con: duckdb.DuckDBPyConnection, folders: list[str], *, spill_dir: str | None) -> None:
    """Allow only ``folders``, then turn off external access and extensions and lock settings."""
    if spill_dir is not None:
        # In-memory databases spill to ".tmp" under the working directory; keep it in our area.
        con.execute("set temp_directory = ?", [spill_dir])
    con.execute("set allowed_directories = ?", [folders])
    con.execute("set autoinstall_known_extensions = false")
    con.execute("set autoload_known_extensions = false")
    con.execute("set allow_community_extensions = false")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")


def open_database(path: str | Path, upload_dir: str | Path, setup=None, read_only: bool = False,
                  readable_dirs=()) -> duckdb.DuckDBPyConnection:
    """Create the parent folder, open (creating) the DuckDB file, run ``setup(con)``, lock down.

    After the lock the database may read and write files only under ``upload_dir`` (created)
    and ``readable_dirs`` (e.g. the sample data folder); external access, extension
    install/autoload and every later ``SET`` are refused. ``path`` may be ":memory:".
    Opening a file this process already opened returns a new connection to the same locked
    database (setup runs again, so it must be idempotent). Returns the connection.
    """
    upload = Path(upload_dir).expanduser().absolute()
    upload.mkdir(parents=True, exist_ok=True)
    scratch = scratch_dir(upload)
    folders = [str(scratch), *_dir_forms(upload)]
    for extra in readable_dirs:
        folders += _dir_forms(extra)
    folders = list(dict.fromkeys(folders))
    con = _connect(path, read_only)
    try:
        if _is_locked(con):
            _check_already_allowed(con, folders)
            if setup is not None:
                setup(con)
            return con
        if setup is not None:
            setup(con)
        spill = str(scratch / "duckdb-spill") if str(path) == ":memory:" else None
        lock_down(con, folders, spill_dir=spill)
    except BaseException:
        con.close()
        raise
    return con
