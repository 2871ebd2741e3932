"""The pages benchmark (its database that looks loaded, its run over every page) and the
--pandas-max-rows switch that skips the tutorial-pandas side of the metric benchmarks."""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.__main__ import main
from bench.pages import ENVIRONMENT, database_file, run_pages
from bench.registry import Context, Result, benchmark
from ingest.db import connect_engine
from ingest.mapping import Mapping
from scripts.app_server import navigation_pages

# bench._synthetic at 10 order lines (tests/test_bench.py works these out): one dataset per
# table, numbered in the generator's table order.
EXPECTED_DATASETS = [
    (1, "order_lines", 10), (2, "customers", 20), (3, "deals", 10),
    (5, "campaigns", 40), (6, "campaign_performance", 3600), (7, "targets", 360),
    (8, "activities", 10), (9, "tickets", 10),
]


def test_database_file_looks_loaded(tmp_path):
    path = database_file(10, tmp_path)
    assert path.name == "crm_10_v1.duckdb"
    con = connect_engine(str(path), read_only=True)
    try:
        rows = con.execute("select dataset_id, table_name, row_count, status, name, mapping_json "
                           "from datasets order by dataset_id").fetchall()
        listed = [(d, t, n) for d, t, n, *_ in rows if t != "deal_stage_history"]
        assert listed == EXPECTED_DATASETS
        assert [r[1] for r in rows if r[0] == 4] == ["deal_stage_history"]
        assert {r[3] for r in rows} == {"loaded"}
        assert all(name == f"{table}.csv" for _, table, _, _, name, _ in rows)
        for dataset_id, table, count, *_, mapping_json in rows:
            # each table's rows carry its own dataset, as after separate loads
            stored = con.execute(f'select count(*), min(dataset_id), max(dataset_id) from "{table}"')
            assert stored.fetchone() == (count, dataset_id, dataset_id)
            assert Mapping.from_dict(json.loads(mapping_json)).table == table
        assert con.execute("select value from meta where key = 'data_version'").fetchone() == ("9",)
        assert con.execute("select count(*) from dataset_events").fetchone() == (9,)
        assert con.execute("select count(*) from app_users").fetchone() == (0,)  # catalog made
    finally:
        con.close()


def test_database_file_is_cached(tmp_path):
    first = database_file(10, tmp_path)
    stamp = first.stat().st_mtime_ns
    assert database_file(10, tmp_path) == first and first.stat().st_mtime_ns == stamp


def test_every_navigation_page_is_timed_and_the_environment_restored(tmp_path):
    before = {name: os.environ.get(name) for name in ENVIRONMENT}
    cwd = Path.cwd()
    results = run_pages(10, tmp_path)
    stems = [Path(page).stem for page, _ in navigation_pages()]
    expected = ["pages.0_first_run"] + [f"pages.{s}.{k}" for s in stems for k in ("cold", "warm")]
    assert [r.name for r in results] == expected
    assert [r.error for r in results if r.error] == []
    assert all(r.seconds > 0 and r.size.startswith("4 orders (10 lines)") for r in results)
    warm = [r for r in results if r.name.endswith(".warm")]
    assert {(r.comparison_seconds, r.target) for r in warm} == {(1.0, 1.0)}
    assert {name: os.environ.get(name) for name in ENVIRONMENT} == before and Path.cwd() == cwd


def test_pandas_side_runs_up_to_the_limit_only():
    assert Context().runs_pandas(10**9)
    limited = Context(pandas_max_rows=100)
    assert limited.runs_pandas(100) and not limited.runs_pandas(101)
    assert limited.pandas_skipped("metrics.x.vs_pandas", "5 rows", 0.25).cells() == (
        "metrics.x.vs_pandas", "5 rows", "0.250",
        "tutorial pandas SKIPPED (above --pandas-max-rows 100)", "")


def test_entry_passes_the_pandas_limit(capsys):
    registry = {}

    @benchmark("fake.compare", registry)
    def compare(ctx):
        rows = ctx.size(500)
        if not ctx.runs_pandas(rows):
            return ctx.pandas_skipped("fake.compare", f"{rows} rows", 0.1)
        return Result("fake.compare", f"{rows} rows", 0.1, "tutorial pandas", 0.4)

    assert main(["--rows", "300", "--pandas-max-rows", "299"], registry=registry) == 0
    assert "tutorial pandas SKIPPED (above --pandas-max-rows 299)" in capsys.readouterr().out
    assert main(["--rows", "299", "--pandas-max-rows", "299"], registry=registry) == 0
    assert "tutorial pandas 0.400s  0.25x" in capsys.readouterr().out
