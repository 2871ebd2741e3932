"""Benchmarks register here; ``python -m bench`` runs them and prints one table.

Add a module ``bench/<area>.py`` with functions decorated ``@benchmark("area.what")``; each
takes a ``Context`` and returns a ``Result`` (or several). The entry imports every module of
the package, so nothing else needs editing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parent / "out"
COLUMNS = ("name", "dataset size", "seconds", "comparison", "ratio")


@dataclass(frozen=True)
class Result:
    """One timed thing, optionally beside what it is compared with.

    ``target`` is the largest acceptable ``seconds / comparison_seconds``.
    """

    name: str
    size: str
    seconds: float | None
    comparison: str | None = None
    comparison_seconds: float | None = None
    target: float | None = None
    error: str | None = None

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.comparison_seconds:
            return None
        return self.seconds / self.comparison_seconds

    @property
    def over_target(self) -> bool:
        return self.ratio is not None and self.target is not None and self.ratio > self.target

    def cells(self) -> tuple[str, ...]:
        if self.error is not None:
            return (self.name, self.size, "error", self.error, "")
        compared = ""
        if self.comparison:
            took = "" if self.comparison_seconds is None else f" {self.comparison_seconds:.3f}s"
            compared = self.comparison + took
        ratio = "" if self.ratio is None else f"{self.ratio:.2f}x"
        if ratio and self.target is not None:
            ratio += f" ({'OVER' if self.over_target else 'ok'}, target <= {self.target:g}x)"
        return (self.name, self.size, f"{self.seconds:.3f}", compared, ratio)


@dataclass(frozen=True)
class Context:
    """What every benchmark gets: the --rows override, the cache folder for data files and the
    largest size at which tutorial-pandas comparisons still run (--pandas-max-rows)."""

    rows: int | None = None
    out_dir: Path = OUT_DIR
    pandas_max_rows: int | None = None

    def size(self, default: int) -> int:
        """Rows to use: ``--rows`` when given, else the benchmark's own default."""
        return self.rows if self.rows is not None else default

    def runs_pandas(self, rows: int) -> bool:
        """False when ``rows`` is above --pandas-max-rows: the pandas side is then skipped."""
        return self.pandas_max_rows is None or rows <= self.pandas_max_rows

    def pandas_skipped(self, name: str, size: str, seconds: float) -> Result:
        """The row that says, in the table, that the pandas comparison was not run."""
        return Result(name, size, seconds,
                      f"tutorial pandas SKIPPED (above --pandas-max-rows {self.pandas_max_rows:,})")


Benchmark = Callable[[Context], "Result | Iterable[Result]"]
REGISTRY: dict[str, Benchmark] = {}


def benchmark(name: str, registry: dict[str, Benchmark] | None = None):
    """Register the decorated function under ``name`` (unique, dotted: "area.what")."""
    target = REGISTRY if registry is None else registry

    def register(fn: Benchmark) -> Benchmark:
        if name in target:
            raise ValueError(f"benchmark {name!r} is registered twice")
        target[name] = fn
        return fn

    return register


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds, value) of one call, by the monotonic high-resolution clock."""
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def matches(name: str, patterns: Iterable[str]) -> bool:
    """True when ``name`` equals a pattern or lies under it ("load" matches "load.csv")."""
    return any(name == p or name.startswith(p.rstrip(".") + ".") for p in patterns)


def run(registry: dict[str, Benchmark], context: Context, only: Iterable[str] = ()) -> list[Result]:
    """Run the selected benchmarks in name order; a failing one becomes an error row."""
    patterns = list(only)
    results: list[Result] = []
    for name in sorted(registry):
        if patterns and not matches(name, patterns):
            continue
        try:
            produced = registry[name](context)
        except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
            first_line = (str(exc).splitlines() or [""])[0]
            results.append(Result(name, "", None, error=f"{type(exc).__name__}: {first_line}"[:200]))
            continue
        results.extend([produced] if isinstance(produced, Result) else produced)
    return results


def format_table(results: Iterable[Result]) -> str:
    """A plain-text table with a header row and one row per result."""
    rows = [COLUMNS, *(r.cells() for r in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def describe_size(rows: int, path: Path | None = None) -> str:
    """ "1,000,000 rows, 95.3 MB" (file size when a file is given)."""
    if path is None:
        return f"{rows:,} rows"
    return f"{rows:,} rows, {path.stat().st_size / 1e6:.1f} MB"
