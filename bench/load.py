"""Loading benchmarks: ``ingest.load.load_path`` beside the raw reader it is built on.

Targets: at most 1.3x DuckDB's own ``create table .. as select * from read_csv(..)`` for a
1M-row CSV, and 1.3x fastexcel's raw read of a 100k-row XLSX.

Each contender runs REPEATS times, the two alternating, and the medians are compared: single
timings on these shared machines vary by a quarter from one run to the next. Every load starts
cold (a fresh database, nothing kept from an earlier inspection of the file).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

from bench import data
from bench.registry import Context, Result, benchmark, describe_size, timed

TARGET = 1.3
REPEATS = 5


def _warm(path: Path) -> None:
    """Read the file once so neither contender pays for the first trip to disk."""
    with open(path, "rb") as stream:
        while stream.read(1 << 22):
            pass


def _load_path_seconds(path: Path, out_dir: Path, rows: int) -> float:
    """Seconds ``load_path`` takes to store ``path`` in a fresh locked in-memory database."""
    from ingest.db import open_database
    from ingest.load import load_path
    from ingest.read import forget_reads
    from ingest.store import init_db

    forget_reads()

    def setup(con):
        con.execute("set enable_progress_bar = false")
        init_db(con)

    con = open_database(":memory:", out_dir, setup=setup)
    try:
        seconds, results = timed(lambda: load_path(
            con, path, display_name=path.name, table="order_lines",
            mappings_dir=out_dir / "mappings"))
    finally:
        con.close()
    loaded = sum(r.rows_loaded for r in results)
    if loaded != rows:
        raise RuntimeError(f"load_path stored {loaded:,} of {rows:,} rows; the timing would mislead")
    return seconds


def _duckdb_read_csv_seconds(path: Path) -> float:
    con = data.quiet_connection()
    try:
        seconds, _ = timed(lambda: con.execute(
            "create table t as select * from read_csv(?)", [str(path)]))
    finally:
        con.close()
    return seconds


def _fastexcel_seconds(path: Path) -> float:
    import fastexcel

    seconds, _ = timed(lambda: fastexcel.read_excel(str(path)).load_sheet(0).to_arrow())
    return seconds


def _alternating(raw: Callable[[], float], ours: Callable[[], float]) -> tuple[float, float]:
    """Median seconds of ``raw`` and of ``ours`` over REPEATS runs of each, alternating."""
    raws, ourses = [], []
    for _ in range(REPEATS):
        raws.append(raw())
        ourses.append(ours())
    return statistics.median(raws), statistics.median(ourses)


@benchmark("load.csv")
def load_csv(ctx: Context) -> Result:
    rows = ctx.size(1_000_000)
    path = data.orders_csv(rows, ctx.out_dir)
    _warm(path)
    raw, ours = _alternating(lambda: _duckdb_read_csv_seconds(path),
                             lambda: _load_path_seconds(path, ctx.out_dir, rows))
    return Result("load.csv", describe_size(rows, path), ours,
                  f"duckdb read_csv (median of {REPEATS})", raw, TARGET)


@benchmark("load.xlsx")
def load_xlsx(ctx: Context) -> Result:
    rows = ctx.size(100_000)
    path = data.orders_xlsx(rows, ctx.out_dir)
    _warm(path)
    raw, ours = _alternating(lambda: _fastexcel_seconds(path),
                             lambda: _load_path_seconds(path, ctx.out_dir, rows))
    return Result("load.xlsx", describe_size(rows, path), ours,
                  f"fastexcel to_arrow (median of {REPEATS})", raw, TARGET)
