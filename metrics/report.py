"""The headless report: load exports the way the app does, compute every metric the data
supports, write CSV files and one formatted workbook.

``python -m metrics report INPUT... --out DIR [--as-of YYYY-MM-DD] [--mapping FILE]``; the file
names and their leading columns are a contract scheduled jobs rely on (docs/metrics/report.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from ingest.errors import InputError
from ingest.schema import TABLES
from metrics import marts
from metrics.filters import Filters

# Files a folder INPUT contributes (others, like READMEs, are passed over).
DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".parquet"}
LINK_PREFIXES = ("http://", "https://")


@dataclass(frozen=True)
class Section:
    """One output: file stem, the function computing it, and the leading columns promised."""

    name: str
    compute: Callable[[object, Filters, date | None, dict], pd.DataFrame]
    columns: tuple[str, ...]
    exact: bool = False  # True: exactly ``columns``; False: they come first, the rest follow


def _lead(frame: pd.DataFrame, columns: tuple[str, ...], exact: bool) -> pd.DataFrame:
    rest = [] if exact else [c for c in frame.columns if c not in columns]
    return frame[[*columns, *rest]]


def _kpis(con, filters, as_of, stage_args):
    from metrics.kpis import kpis
    return kpis(con, filters)


def _sales_monthly(con, filters, as_of, stage_args):
    from metrics.sales import sales_trend
    return sales_trend(con, filters, grain="month")


def _products(con, filters, as_of, stage_args):
    from metrics.sales import products
    return products(con, filters)


def _rfm(con, filters, as_of, stage_args):
    from metrics.rfm import rfm
    return rfm(con, filters, as_of=as_of)


def _rfm_segments(con, filters, as_of, stage_args):
    from metrics.rfm import rfm_segments
    return rfm_segments(con, filters, as_of=as_of)


def _cohorts(con, filters, as_of, stage_args):
    from metrics.retention import cohorts
    return cohorts(con, filters, grain="month")


def _funnel(con, filters, as_of, stage_args):
    from metrics.funnel import funnel
    if not _has_rows(con, "deals"):
        return pd.DataFrame()
    return funnel(con, filters, **stage_args)


def _reps(con, filters, as_of, stage_args):
    from metrics.team import reps
    return reps(con, filters, **stage_args)


def _campaigns(con, filters, as_of, stage_args):
    from metrics.campaigns import campaigns
    return campaigns(con, filters, **stage_args)


def _clv(con, filters, as_of, stage_args):
    from metrics.clv import predictive_clv
    return predictive_clv(con, filters, as_of=as_of)


def _clv_model(con, filters, as_of, stage_args):
    from metrics.clv import clv_model
    return clv_model(con, filters, as_of=as_of)


def _clv_historical(con, filters, as_of, stage_args):
    from metrics.clv import historical_clv
    return historical_clv(con, filters)


SECTIONS: tuple[Section, ...] = (
    Section("kpis", _kpis, ("metric", "value"), exact=True),
    Section("sales_monthly", _sales_monthly, ("period", "gross_revenue", "returns", "net_revenue",
                                              "sales", "customers")),
    Section("products", _products, ("rank", "product", "gross_revenue", "returns", "net_revenue")),
    Section("rfm", _rfm, ("customer_id", "recency_days", "frequency", "monetary", "r_score",
                          "f_score", "m_score", "segment"), exact=True),
    Section("rfm_segments", _rfm_segments, ("segment", "customers", "share", "revenue")),
    Section("cohorts", _cohorts, ("cohort", "period", "customers", "retention_rate"), exact=True),
    Section("funnel", _funnel, ("stage", "deals", "conversion_from_previous",
                                "conversion_from_top"), exact=True),
    Section("reps", _reps, ("owner", "won", "lost", "open", "win_rate", "revenue_won")),
    Section("campaigns", _campaigns, ("campaign", "cost", "revenue", "roi", "roas")),
    Section("clv", _clv, ("customer_id", "frequency", "recency", "T", "monetary_value",
                          "expected_purchases", "p_alive", "expected_spend", "clv", "unit"),
            exact=True),
    Section("clv_model", _clv_model, ("parameter", "value", "unit"), exact=True),
    Section("clv_historical", _clv_historical, ("customer_id", "sales", "gross_revenue",
                                                "net_revenue", "cost", "margin")),
)


def _has_rows(con, table: str) -> bool:
    return con.execute(f'select count(*) from "{table}"').fetchall()[0][0] > 0


def printable(text) -> str:
    """User text (file names, headers) safe to print: control characters become '?'."""
    return "".join(ch if ch.isprintable() else "?" for ch in str(text))


def report_filters(as_of: date | None) -> Filters:
    """No restriction, except that with an as-of date only the days before it are used."""
    return Filters() if as_of is None else Filters(end_date=as_of - timedelta(days=1))


def stage_args_for(mapping) -> dict:
    """The stage order a user's ``--mapping`` sets for deals, else nothing: the funnel then
    guesses it from every stored stage name (a guessed mapping's order only saw the preview)."""
    if mapping is not None and mapping.table == "deals" and mapping.stage_order:
        return {"stage_order": list(mapping.stage_order)}
    return {}


def build_report(con, as_of: date | None = None, filters: Filters | None = None,
                 stage_args: dict | None = None) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every section the data supports: ({name: frame}, notes on sections left out and why).

    A section is left out when its frame is empty or its metric raises InputError (for
    instance too few repeat customers for the CLV models).
    """
    filters = report_filters(as_of) if filters is None else filters
    stage_args = stage_args or {}
    frames: dict[str, pd.DataFrame] = {}
    notes: list[str] = []
    for section in SECTIONS:
        try:
            frame = section.compute(con, filters, as_of, stage_args)
        except InputError as exc:
            notes.append(f"{section.name}: left out: {exc}")
            continue
        if frame is None or frame.empty:
            notes.append(f"{section.name}: left out: the data has nothing for it")
            continue
        frames[section.name] = _lead(frame, section.columns, section.exact).reset_index(drop=True)
    return frames, notes


def write_report(frames: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """``<name>.csv`` per frame and ``report.xlsx`` with one sheet each, into ``out_dir``."""
    from metrics.export import frame_to_csv, frames_to_xlsx

    written = []
    for name, frame in frames.items():
        path = out_dir / f"{name}.csv"
        # Machine-readable files for scheduled jobs: values exactly (docs/metrics/report.md).
        path.write_bytes(frame_to_csv(frame, neutralise=False))
        written.append(path)
    path = out_dir / "report.xlsx"
    path.write_bytes(frames_to_xlsx(frames))
    written.append(path)
    return written


def expand_inputs(inputs: list[str]) -> list[tuple[str, bool]]:
    """(input, named) pairs: links and files as given (named=True); a folder becomes its data
    files, sorted, not recursive (named=False). InputError naming the input when it does not
    exist or a folder has no data file."""
    expanded: list[tuple[str, bool]] = []
    for item in inputs:
        if item.lower().startswith(LINK_PREFIXES):
            expanded.append((item, True))
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in DATA_SUFFIXES)
            if not files:
                raise InputError("the folder has no data files (.csv, .xlsx, .xls, .parquet, "
                                 ".tsv, .txt)", file=printable(item))
            expanded += [(str(f), False) for f in files]
        elif path.is_file():
            expanded.append((str(path), True))
        else:
            raise InputError("no such file or folder", file=printable(item))
    return expanded


def describe_mapping(mapping: dict) -> str:
    """'Header -> column, ...' of a stored mapping dict, in schema order."""
    table = TABLES[mapping["table"]]
    columns = mapping.get("columns") or {}
    pairs = [f"{printable(columns[c])} -> {c}" for c in table.column_names if c in columns]
    return ", ".join(pairs) if pairs else "(no columns)"


def load_inputs(con, inputs: list[str], work_dir: Path, mapping=None, echo=print,
                warn=print) -> list:
    """Fetch links into ``work_dir`` and load every input with the app's loader; prints what
    was read and how each file was mapped. Returns the LoadResults.

    A file or link named on the command line must load (InputError otherwise); a file found
    in a folder that cannot be loaded is skipped with a warning, so a folder of exports may
    hold other files.
    """
    from ingest.fetch import fetch
    from ingest.load import load_path
    from ingest.store import dataset_mapping

    results = []
    for item, named in expand_inputs(inputs):
        try:
            if item.lower().startswith(LINK_PREFIXES):
                fetched = fetch(item, work_dir)
                echo(f"Fetched {printable(item)} ({fetched.bytes:,} bytes)")
                loaded = load_path(con, fetched.path, display_name=fetched.display_name,
                                   mapping=mapping, source=item)
            else:
                loaded = load_path(con, item, display_name=Path(item).name, mapping=mapping,
                                   source=item)
        except InputError as exc:
            if named:
                raise
            warn(f"warning: skipped {printable(exc)}")
            continue
        for result in loaded:
            label = TABLES[result.table].label.lower()
            echo(f"Read {printable(result.name)}: {result.rows_read:,} rows as {label}; "
                 f"{result.rows_loaded:,} loaded, {result.rows_rejected:,} left out")
            stored = dataset_mapping(con, result.dataset_id)
            if stored:
                echo(f"  mapping: {describe_mapping(stored)}")
            for line in result.validation.summary():
                echo(f"  {printable(line)}")
        results += loaded
    if not results:
        raise InputError("none of the inputs could be loaded")
    return results


def parse_as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"--as-of must be a date as YYYY-MM-DD, not {printable(text)!r}") from None


def prepare_out_dir(out: str) -> Path:
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise InputError("--out must be a folder, but a file of that name exists", file=printable(out))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the output folder ({exc.strerror or exc})",
                         file=printable(out)) from None
    return path


def run_report(inputs: list[str], out: str, as_of: str | None = None,
               mapping_file: str | None = None, echo=print, warn=print) -> list[Path]:
    """The whole command: load ``inputs`` into a private in-memory database, build and write
    the report. Returns the files written. InputError for anything the user must fix."""
    as_of_date = parse_as_of(as_of)
    from ingest.db import open_database
    from ingest.mapping import Mapping
    from ingest.store import init_db

    mapping = Mapping.load(mapping_file) if mapping_file else None
    local = [Path(i) for i in inputs if not i.lower().startswith(LINK_PREFIXES)]
    readable = {str((p if p.is_dir() else p.parent).absolute()) for p in local if p.exists()}
    out_dir = prepare_out_dir(out)
    with tempfile.TemporaryDirectory(prefix="crm-report-") as work:
        con = open_database(":memory:", work, setup=init_db, readable_dirs=sorted(readable))
        try:
            load_inputs(con, inputs, Path(work), mapping=mapping, echo=echo, warn=warn)
            # Every report below reads orders: build them once, as the app does after a load.
            marts.refresh(con)
            frames, notes = build_report(con, as_of=as_of_date, stage_args=stage_args_for(mapping))
        finally:
            con.close()
    if not frames:
        raise InputError("the inputs hold nothing to report on (no orders, deals, campaigns "
                         "or activities were loaded)")
    written = write_report(frames, out_dir)
    for note in notes:
        echo(note)
    for path in written:
        rows = f" ({len(frames[path.stem]):,} rows)" if path.stem in frames else ""
        echo(f"Wrote {path}{rows}")
    return written
