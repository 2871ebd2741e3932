"""Benchmarks of the synthetic data itself: how long the fixtures of other benchmarks take."""

from __future__ import annotations

import tempfile
from pathlib import Path

from bench import data
from bench.registry import Context, Result, benchmark, describe_size, timed


@benchmark("data.database")
def build_database(ctx: Context) -> Result:
    """Every canonical table for N order lines, generated in SQL into an in-memory DuckDB."""
    rows = ctx.size(1_000_000)
    con = data.quiet_connection()
    try:
        seconds, counts = timed(lambda: data.build_database(con, rows))
    finally:
        con.close()
    if counts["order_lines"] != rows:
        raise RuntimeError(f"built {counts['order_lines']:,} order lines, expected {rows:,}")
    return Result("data.database", describe_size(rows), seconds)


@benchmark("data.csv")
def write_csv(ctx: Context) -> Result:
    """The order-lines CSV export, written afresh (not from the cache)."""
    rows = ctx.size(1_000_000)
    with tempfile.TemporaryDirectory() as folder:
        seconds, path = timed(lambda: data.orders_csv(rows, Path(folder)))
        size = describe_size(rows, path)
    return Result("data.csv", size, seconds)
