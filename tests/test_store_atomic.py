"""A failed load leaves every canonical and catalog table exactly as it was.

Proven by row count and checksum of every table before and after: a bad row with
skip_invalid=False, an exception injected at each step, and kill -9 of a separate process in
the middle of loading a big file into a DuckDB file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from store_fixtures import snapshot, write_csv

from ingest import read, store
from ingest.errors import InputError
from ingest.mapping import Mapping
from ingest.store import data_version, init_db, load

ROOT = Path(__file__).resolve().parents[1]
DEALS = Mapping("deals", {"deal_id": "Id", "stage": "Stage", "deal_amount": "Amount"})
HEADERS = ["Id", "Stage", "Amount"]
ORDERS = Mapping("order_lines", {"order_id": "Order", "ordered_at": "Date", "product_id": "SKU",
                                 "quantity": "Qty", "unit_price": "Price"})


@pytest.fixture
def db(con, tmp_path):
    """Two stored datasets (deals 1, order lines 2), so a failure has something to spoil."""
    init_db(con)
    first = write_csv(tmp_path / "deals.csv", HEADERS, [("D1", "Won", "100"), ("D2", "Lost", "5")])
    load(con, read.inspect(first, "deals.csv"), DEALS)
    orders = write_csv(tmp_path / "orders.csv", ["Order", "Date", "SKU", "Qty", "Price"],
                       [("A", "2024-01-01", "P1", "1", "10")])
    load(con, read.inspect(orders, "orders.csv"), ORDERS)
    return con


@pytest.fixture
def update(tmp_path):
    path = write_csv(tmp_path / "update.csv", HEADERS, [("D2", "Won", "60"), ("D3", "Lost", "x")])
    return read.inspect(path, "update.csv")


def attempt(con, inspection, mode, **kwargs):
    target = {"new": None, "append": 1, "replace": 1}[mode]
    return load(con, inspection, DEALS, mode=mode, dataset_id=target, **kwargs)


@pytest.mark.parametrize("mode", ["new", "append", "replace"])
def test_bad_row_with_skip_invalid_false_writes_nothing(db, tmp_path, mode):
    before = snapshot(db)
    path = write_csv(tmp_path / "bad.csv", HEADERS,
                     [("D5", "Won", "1"), ("D6", "Won", "2"), ("D7", "", "3")])
    with pytest.raises(InputError) as err:
        attempt(db, read.inspect(path, "bad.csv"), mode, skip_invalid=False)
    assert (err.value.file, err.value.row, err.value.column) == ("bad.csv", 3, "Stage")
    assert str(err.value) == ("bad.csv, row 3, column 'Stage': is empty; 1 of 3 rows cannot be "
                              "used, so nothing was loaded")
    assert snapshot(db) == before


def test_file_with_no_usable_row_writes_nothing(db, tmp_path):
    before = snapshot(db)
    path = write_csv(tmp_path / "empty.csv", HEADERS, [("D5", "", "1"), ("D6", "", "2")])
    with pytest.raises(InputError, match="none of the 2 rows can be used"):
        attempt(db, read.inspect(path, "empty.csv"), "new")
    assert snapshot(db) == before


def _fail_after(real):
    def wrapper(*args, **kwargs):
        real(*args, **kwargs)
        raise RuntimeError("injected failure")
    return wrapper


STEPS = ["stage", "validate", "write", "add_event", "bump_version", "progress"]


@pytest.mark.parametrize("mode", ["new", "append", "replace"])
@pytest.mark.parametrize("step", STEPS)
def test_exception_at_any_step_rolls_back(db, update, monkeypatch, mode, step):
    before = snapshot(db)
    version = data_version(db)
    kwargs = {}
    if step == "stage":
        monkeypatch.setattr(store.read, "stage", _fail_after(read.stage))
    elif step == "validate":
        monkeypatch.setattr(store, "validate", _fail_after(store.validate))
    elif step == "progress":
        def progress(fraction, message):
            if message == "Updating the catalog":
                raise RuntimeError("injected failure")
        kwargs["on_progress"] = progress
    else:
        monkeypatch.setattr(store, f"_{step}", _fail_after(getattr(store, f"_{step}")))
    with pytest.raises(InputError, match="nothing was changed") as err:
        attempt(db, update, mode, **kwargs)
    assert err.value.file == "update.csv"
    assert snapshot(db) == before
    assert data_version(db) == version
    assert db.execute("select count(*) from duckdb_tables() where temporary").fetchone()[0] == 0
    monkeypatch.undo()
    # The connection is still usable and the same load now succeeds.
    assert attempt(db, update, mode).rows_loaded == 2


CHILD = textwrap.dedent("""
    import sys, time
    import duckdb
    from ingest import read
    from ingest.mapping import Mapping
    from ingest.store import load

    db_path, csv_path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    con = duckdb.connect(db_path)
    mapping = Mapping("order_lines", {"order_id": "Order", "ordered_at": "Date",
                                      "product_id": "SKU", "quantity": "Qty", "unit_price": "Price"})

    def progress(fraction, message):
        print(f"STEP {message}", flush=True)
        if message == "Updating the catalog":
            # Rows are written but not committed: report how many this transaction sees, then hold.
            seen = con.execute("select count(*) from order_lines").fetchone()[0]
            print(f"SEEN {seen}", flush=True)
            time.sleep(600)

    load(con, read.inspect(csv_path, "big.csv"), mapping, mode=mode, dataset_id=1,
         on_progress=progress)
    print("COMMITTED", flush=True)
""")

BIG_ROWS = 150_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "big.csv"
    con = duckdb.connect()
    con.execute(
        "copy (select 'O' || (range // 3) as \"Order\", "
        "strftime(date '2024-01-01' + cast(range % 700 as integer), '%Y-%m-%d') as \"Date\", "
        "'P' || (range % 40) as \"SKU\", (range % 5) + 1 as \"Qty\", "
        "((range % 97) + 0.5) as \"Price\" from range($n)) to '" + str(path).replace("'", "''")
        + "' (header, delimiter ',')", {"n": BIG_ROWS})
    con.close()
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kill_at,mode", [
    ("Writing rows", "append"), ("Updating the catalog", "append"),
    ("Updating the catalog", "replace"),
], ids=["while-writing", "append-written-not-committed", "replace-written-not-committed"])
def test_kill_minus_9_mid_load_leaves_the_file_as_before(tmp_path, big_csv, kill_at, mode):
    db_path = tmp_path / "crm.duckdb"
    con = duckdb.connect(str(db_path))
    init_db(con)
    small = write_csv(tmp_path / "orders.csv", ["Order", "Date", "SKU", "Qty", "Price"],
                      [("A", "2024-01-01", "P1", "1", "10"), ("B", "2024-01-02", "P2", "2", "3")])
    load(con, read.inspect(small, "orders.csv"), ORDERS)
    before = snapshot(con)
    con.close()

    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, str(script), str(db_path), str(big_csv), mode],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             cwd=str(ROOT))
    seen = None
    try:
        for line in child.stdout:
            if line.startswith("SEEN"):
                seen = int(line.split()[1])
            # Values are parsed while reading, before the transaction; the write is the long
            # step inside it (150,000 rows), so kill as soon as it starts.
            mid_write = kill_at == "Writing rows" and line.strip() == "STEP Writing rows"
            if seen is not None or mid_write:
                os.kill(child.pid, signal.SIGKILL)
                break
        else:
            pytest.fail("child ended early: " + child.stderr.read())
        child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    if kill_at == "Updating the catalog":
        # The killed transaction had written every row (replace: after removing the 2 stored).
        assert seen == BIG_ROWS + (2 if mode == "append" else 0)

    con = duckdb.connect(str(db_path))
    try:
        assert snapshot(con) == before
        # The file is healthy: a new load completes.
        result = load(con, read.inspect(small, "orders.csv"), ORDERS, mode="append", dataset_id=1)
        assert (result.row_count, result.data_version) == (2, 2)
    finally:
        con.close()
