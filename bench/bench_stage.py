"""Time ``ingest.read.stage`` on a generated 1M-row x 8-column CSV against DuckDB's plain
``create table t as select * from read_csv(path)``. Prints figures; asserts nothing.

Run: ``.venv/bin/python -m bench.bench_stage [rows]``. Runs alternate between the two so a
busy machine slows both alike; the median of each is compared.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from ingest import read


def write_csv(path: Path, rows: int) -> None:
    """A CRM-like export: ids, dates, names, numbers, a few values with spaces around them."""
    con = duckdb.connect()
    con.execute(
        "copy (select 'ORD' || i as order_id, (date '2023-01-01' + (i % 700)::int)::varchar as order_date, "
        "'Customer ' || (i % 5000) as customer, case when i % 97 = 0 then ' padded ' else 'Product ' || (i % 300) end as product, "
        "(i % 7 + 1) as quantity, round((i % 1000) / 7.0, 2) as unit_price, "
        "case i % 3 when 0 then 'online' when 1 then 'store' else 'marketplace' end as channel, "
        "'Region ' || (i % 30) as region from range($n) t(i)) to '" + str(path).replace("'", "''")
        + "' (header, delimiter ',')", {"n": rows})
    con.close()


def _plain(path: Path) -> float:
    con = duckdb.connect()
    start = time.perf_counter()
    con.execute("create table t as select * from read_csv($p)", {"p": str(path)})
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def _stage(path: Path) -> tuple[float, float, int]:
    """(inspect seconds, stage seconds, rows staged)."""
    con = duckdb.connect()
    start = time.perf_counter()
    inspection = read.inspect(path)
    middle = time.perf_counter()
    count = read.stage(con, inspection, "staged")
    end = time.perf_counter()
    con.close()
    return middle - start, end - middle, count


def main(rows: int = 1_000_000, repeats: int = 5) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "orders.csv"
        write_csv(path, rows)
        size_mb = path.stat().st_size / 1048576
        plain, inspected, staged = [], [], []
        for _ in range(repeats):
            plain.append(_plain(path))
            looked, elapsed, count = _stage(path)
            inspected.append(looked)
            staged.append(elapsed)
        if count != rows:
            raise SystemExit(f"staged {count} rows, expected {rows}")
        p, s = statistics.median(plain), statistics.median(staged)
        print(f"{rows:,} rows x 8 columns, {size_mb:.0f} MB CSV, {repeats} alternating runs")
        print(f"plain read_csv CTAS : median {p:.3f} s (min {min(plain):.3f})")
        print(f"stage               : median {s:.3f} s (min {min(staged):.3f})")
        print(f"inspect             : median {statistics.median(inspected):.3f} s")
        print(f"ratio stage / plain : {s / p:.2f}x median, {min(staged) / min(plain):.2f}x min")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
