"""The benchmark entry, its registry, and the synthetic data generator."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime

import duckdb
import fastexcel
import pytest

from bench.__main__ import main
from bench.data import build_database, orders_csv, orders_xlsx
from bench.registry import (
    COLUMNS,
    Context,
    Result,
    benchmark,
    format_table,
    matches,
    run,
)
from tests.conftest import ROOT

ORDER_HEADER = ("Order ID,Order Date,Customer ID,Customer Name,SKU,Product Name,Category,Quantity,"
                "Unit Price,Discount,Line Total,Cost,Channel,Campaign,Region,Sales Rep,Status,Currency")


# ---- the entry ----------------------------------------------------------------------------------

def test_entry_prints_one_table_with_the_expected_columns(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--rows", "300", "--only", "data", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["name", "dataset", "size", "seconds", "comparison", "ratio"]
    assert set(lines[1]) == {"-", " "}
    assert [line.split()[0] for line in lines[2:]] == ["data.csv", "data.database"]
    assert all("300 rows" in line for line in lines[2:])
    assert all(float(line.split()[-1]) >= 0 for line in lines[2:])  # seconds is the last cell


def test_entry_with_unknown_name_fails_with_a_hint(capsys):
    assert main(["--only", "no.such.benchmark"], registry={}) == 1
    assert "--list" in capsys.readouterr().err


# ---- the registry -------------------------------------------------------------------------------

def _fake_registry():
    registry = {}

    @benchmark("fake.fast", registry)
    def fast(ctx):
        return Result("fake.fast", f"{ctx.size(50):,} rows", 0.26, "raw", 0.2, target=1.3)

    @benchmark("fake.slow", registry)
    def slow(ctx):
        return [Result("fake.slow", "1 rows", 0.3, "raw", 0.2, target=1.3)]

    @benchmark("fake.broken", registry)
    def broken(ctx):
        raise ImportError("cannot import name 'load_path'\nsecond line")

    return registry


def test_ratios_targets_and_errors_in_the_table():
    results = run(_fake_registry(), Context(rows=7))
    cells = [r.cells() for r in results]
    assert cells == [
        ("fake.broken", "", "error", "ImportError: cannot import name 'load_path'", ""),
        ("fake.fast", "7 rows", "0.260", "raw 0.200s", "1.30x (ok, target <= 1.3x)"),
        ("fake.slow", "1 rows", "0.300", "raw 0.200s", "1.50x (OVER, target <= 1.3x)"),
    ]
    table = format_table(results).splitlines()
    assert table[0].split("  ")[0] == "name" and len(table) == 2 + 3


def test_default_size_applies_without_rows():
    assert run(_fake_registry(), Context(), ["fake.fast"])[0].size == "50 rows"


def test_main_returns_1_when_a_benchmark_fails(capsys):
    assert main(["--only", "fake"], registry=_fake_registry()) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "dataset", "size", "seconds", "comparison", "ratio"]
    assert main(["--only", "fake.fast"], registry=_fake_registry()) == 0


@pytest.mark.parametrize(("name", "patterns", "expected"), [
    ("load.csv", ["load"], True),
    ("load.csv", ["load.csv"], True),
    ("load.csv", ["load."], True),
    ("loader.csv", ["load"], False),
    ("load.csv", ["metrics", "pages"], False),
], ids=["group", "exact", "group-with-dot", "prefix-is-not-group", "other-groups"])
def test_only_matches_names_and_groups(name, patterns, expected):
    assert matches(name, patterns) is expected


def test_registering_a_name_twice_is_refused():
    registry = _fake_registry()
    with pytest.raises(ValueError, match="twice"):
        benchmark("fake.fast", registry)(lambda ctx: None)


def test_columns_are_the_five_agreed():
    assert COLUMNS == ("name", "dataset size", "seconds", "comparison", "ratio")


# ---- the synthetic data -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built():
    con = duckdb.connect()
    counts = build_database(con, 2000)
    yield con, counts
    con.close()


def test_build_database_counts_for_ten_lines():
    con = duckdb.connect()
    counts = build_database(con, 10)
    # customers max(20, 10//25); deals max(10, 10//20); 40 campaigns x 90 days; 10 reps x 36 months
    assert {k: v for k, v in counts.items() if k != "deal_stage_history"} == {
        "order_lines": 10, "customers": 20, "deals": 10, "campaigns": 40,
        "campaign_performance": 3600, "targets": 360, "activities": 10, "tickets": 10}
    # lines i=0..9 belong to order (2i)//5: 0,0,0,1,1,2,2,2,3,3
    sizes = con.execute("select count(*) from order_lines group by order_id order by order_id").fetchall()
    assert [n for (n,) in sizes] == [3, 2, 3, 2]


def test_line_amount_is_quantity_times_price_minus_discount(built):
    con, _ = built
    bad = con.execute("select count(*) from order_lines "
                      "where line_amount <> quantity::decimal(18,4) * unit_price - discount_amount").fetchone()[0]
    assert bad == 0


def test_returns_are_negative_refunded_lines(built):
    con, _ = built
    rows = con.execute("""
        select status, min(sign(quantity)), max(sign(quantity)), max(sign(line_amount)), count(*)
        from order_lines group by status order by status""").fetchall()
    (paid, lo_p, hi_p, _amt_p, n_paid), (refunded, lo_r, hi_r, amt_r, n_refunded) = rows
    assert (paid, lo_p, hi_p, refunded, lo_r, hi_r, amt_r) == ("paid", 1, 1, "refunded", -1, -1, -1)
    assert n_paid + n_refunded == 2000 and 0 < n_refunded < 100


def test_three_years_of_dates_and_one_customer_per_order(built):
    con, _ = built
    first, last = con.execute("select min(ordered_at), max(ordered_at) from order_lines").fetchone()
    assert datetime(2022, 1, 1) <= first and last < datetime(2025, 1, 1)
    years = con.execute("select count(distinct year(ordered_at)) from order_lines").fetchone()[0]
    assert years == 3
    split = con.execute("""select count(*) from (select order_id from order_lines group by order_id
                           having count(distinct customer_id) > 1 or count(distinct ordered_at) > 1)""")
    assert split.fetchone()[0] == 0


def test_referential_integrity(built):
    con, _ = built
    orphans = con.execute("""
        select
          (select count(*) from order_lines o where not exists
             (select 1 from customers c where c.customer_id = o.customer_id)),
          (select count(*) from order_lines o where o.campaign_id is not null and not exists
             (select 1 from campaigns c where c.campaign_id = o.campaign_id)),
          (select count(*) from deals d where not exists
             (select 1 from deal_stage_history h where h.deal_id = d.deal_id and h.stage = d.stage))
    """).fetchone()
    assert orphans == (0, 0, 0)


def test_deal_flags_follow_stage(built):
    con, _ = built
    wrong = con.execute("""select count(*) from deals
        where is_won <> (stage = 'Closed Won') or is_closed <> (stage in ('Closed Won', 'Closed Lost'))
    """).fetchone()[0]
    assert wrong == 0


def test_target_of_february_2024_ends_on_the_leap_day(built):
    con, _ = built
    end = con.execute("select distinct period_end from targets where period_start = date '2024-02-01'")
    assert end.fetchall() == [(date(2024, 2, 29),)]


def test_csv_header_determinism_and_cache(tmp_path):
    first = orders_csv(10, tmp_path / "a")
    second = orders_csv(10, tmp_path / "b")
    text = first.read_text()
    assert text.splitlines()[0] == ORDER_HEADER
    assert len(text.splitlines()) == 11
    assert second.read_bytes() == first.read_bytes()
    stamp = first.stat().st_mtime_ns
    assert orders_csv(10, tmp_path / "a") == first and first.stat().st_mtime_ns == stamp
    assert [p.name for p in (tmp_path / "a").iterdir()] == [first.name]  # no partial file left


def test_csv_and_database_agree(tmp_path):
    path = orders_csv(500, tmp_path)
    con = duckdb.connect()
    from_csv = con.execute('select sum("Line Total"::decimal(18,2)), count(*) from read_csv(?)',
                           [str(path)]).fetchone()
    build_database(con, 500)
    from_db = con.execute("select sum(line_amount), count(*) from order_lines").fetchone()
    assert from_csv == from_db


def test_xlsx_matches_csv(tmp_path):
    xlsx = orders_xlsx(5, tmp_path)
    table = fastexcel.read_excel(str(xlsx)).load_sheet(0).to_arrow()
    assert ",".join(table.column_names) == ORDER_HEADER
    assert table.num_rows == 5
    con = duckdb.connect()
    csv_totals = con.execute('select "Line Total"::double from read_csv(?)',
                             [str(orders_csv(5, tmp_path))]).fetchall()
    assert table.column("Line Total").to_pylist() == [t for (t,) in csv_totals]


@pytest.mark.parametrize("name", ["load.csv", "load.xlsx"])
def test_load_benchmarks_time_both_contenders(tmp_path, name):
    from bench import load
    from bench.registry import Context

    result = {"load.csv": load.load_csv, "load.xlsx": load.load_xlsx}[name](
        Context(rows=300, out_dir=tmp_path))
    assert (result.name, result.target) == (name, 1.3)
    assert result.seconds > 0 and result.comparison_seconds > 0
    assert f"median of {load.REPEATS}" in result.comparison
