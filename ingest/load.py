"""Load a file in one call: inspect, map, validate, store.

Used by the first start (sample data), the command line and tests. The app's upload page
goes through the same steps with the user confirming the mapping in between.
"""

from __future__ import annotations

from pathlib import Path

import settings
from ingest import mapping as mapping_module
from ingest import read
from ingest.errors import InputError
from ingest.store import LoadRequest, LoadResult, load_many
from ingest.transform import plan_columns

# Extensions loaded from a folder (sample data); single files are sniffed by content instead.
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet"}
SAMPLE_USER = "sample data"


def _mapping_for(inspection, table: str | None, mappings_dir):
    """A saved mapping for these headers when one fits, else the best guess."""
    saved = None
    if mappings_dir is not None:
        saved = mapping_module.find_saved_mapping(inspection.headers, mappings_dir)
    if saved is not None and (table is None or saved.table == table):
        return saved
    return mapping_module.guess_mapping(inspection.headers, inspection.preview, table=table)


def _usable(inspection, mapping) -> None:
    """Raise InputError when the mapping cannot load this file (a required column is missing)."""
    try:
        plan_columns(mapping, excel_1904=inspection.excel_1904)
    except InputError as exc:
        sheet = f" (sheet '{inspection.sheet}')" if inspection.sheet else ""
        raise InputError(f"the file{sheet} does not fit any table: {exc.message}",
                         file=inspection.display_name) from None


def plan_file(path, *, display_name=None, mapping=None, table=None, sheet=None, encoding=None,
              mappings_dir=None) -> list[tuple[object, object]]:
    """(inspection, mapping) for each part of the file to load: the one table of a text
    file, or every non-empty sheet of a workbook that fits a table (unless ``sheet`` or a
    ``mapping`` is given, which pick one). Raises InputError when nothing fits."""
    first = read.inspect(path, display_name, encoding=encoding, sheet=sheet)
    inspections = [first]
    if sheet is None and mapping is None and len(first.sheets or []) > 1:
        for other in first.sheets:
            if other == first.sheet:
                continue
            try:
                inspections.append(read.inspect(path, display_name, sheet=other))
            except InputError:
                continue  # an empty or unreadable extra sheet is not an error for the workbook
    jobs, errors = [], []
    for inspection in inspections:
        chosen = mapping or _mapping_for(inspection, table, mappings_dir)
        try:
            _usable(inspection, chosen)
        except InputError as exc:
            errors.append(exc)
            continue
        jobs.append((inspection, chosen))
    if not jobs:
        raise errors[0]
    return jobs


def load_path(con, path, *, display_name=None, mapping=None, table=None, sheet=None,
              encoding=None, mode="new", user="local admin", dataset_id=None, source=None,
              mappings_dir=None, on_progress=None, skip_invalid=True) -> list[LoadResult]:
    """Inspect, map (the saved mapping for these headers, else the guess; a workbook: every
    non-empty sheet that fits a table), validate and load ``path`` in ONE transaction.

    Returns one LoadResult per loaded table. Raises InputError if the file cannot be
    understood (no table fits, a required column is missing) or cannot be loaded; nothing is
    stored then.
    """
    if mappings_dir is None:
        mappings_dir = settings.get("mappings_dir")
    jobs = plan_file(path, display_name=display_name, mapping=mapping, table=table, sheet=sheet,
                     encoding=encoding, mappings_dir=mappings_dir)
    display = jobs[0][0].display_name
    if mode != "new" and len(jobs) > 1:
        raise InputError(f"the workbook has {len(jobs)} sheets to load; choose one sheet to "
                         f"{mode}", file=display)
    requests = [LoadRequest(inspection, chosen, mode, dataset_id, source)
                for inspection, chosen in jobs]
    return load_many(con, requests, user=user, on_progress=on_progress,
                     skip_invalid=skip_invalid)


def database_is_empty(con) -> bool:
    """True when no dataset was ever loaded (deleted ones count: they were the user's choice)."""
    return int(con.execute("select count(*) from datasets").fetchall()[0][0]) == 0


def ensure_sample_data(con, sample_dir, *, mappings_dir=None) -> bool:
    """Load every export in ``sample_dir`` into an EMPTY database, all in one transaction.

    Returns True when loaded, False when the database already had datasets (or the folder
    has no exports). Raises InputError, with nothing stored, if a sample file cannot be loaded.
    """
    if not database_is_empty(con):
        return False
    files = sorted(p for p in Path(sample_dir).iterdir()
                   if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
    requests = [LoadRequest(inspection, chosen, source=f"sample_data/{file.name}")
                for file in files for inspection, chosen in plan_file(file, mappings_dir=mappings_dir)]
    if not requests:
        return False
    load_many(con, requests, user=SAMPLE_USER)
    return True
