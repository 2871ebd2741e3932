"""``python -m bench [--rows N] [--only NAME ...] [--pandas-max-rows N]``: run benchmarks, print one table."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from pathlib import Path

import bench
from bench.registry import OUT_DIR, REGISTRY, Context, format_table, run

# Modules that hold no benchmarks (the entry, the registry, the data generators; "_" helpers).
NOT_BENCHMARKS = {"__main__", "registry", "data"}


def discover() -> None:
    """Import every benchmark module of the package so its @benchmark functions register."""
    for module in pkgutil.iter_modules(bench.__path__):
        if module.name not in NOT_BENCHMARKS and not module.name.startswith("_"):
            importlib.import_module(f"bench.{module.name}")


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--rows", type=int, default=None,
                        help="dataset size for every benchmark (default: each benchmark's own)")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="run only this benchmark or group (e.g. load, load.csv); repeatable")
    parser.add_argument("--out", type=Path, default=OUT_DIR,
                        help="cache folder for generated data files (default: bench/out)")
    parser.add_argument("--pandas-max-rows", type=int, default=None, metavar="N",
                        help="skip the tutorial-pandas comparisons when --rows is above N "
                             "(the table says so on each skipped row); default: never skip")
    parser.add_argument("--list", action="store_true", help="list benchmark names and exit")
    args = parser.parse_args(argv)
    if args.rows is not None and args.rows < 1:
        parser.error("--rows must be at least 1")
    return args


def main(argv: list[str] | None = None, registry=None) -> int:
    """Run and print; exit status 1 when a benchmark failed or nothing matched --only."""
    args = parse(argv)
    if registry is None:
        discover()
        registry = REGISTRY
    if args.list:
        print("\n".join(sorted(registry)))
        return 0
    context = Context(rows=args.rows, out_dir=args.out, pandas_max_rows=args.pandas_max_rows)
    results = run(registry, context, args.only)
    if not results:
        print(f"No benchmark matches {', '.join(args.only)}; --list shows them.", file=sys.stderr)
        return 1
    print(format_table(results))
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
