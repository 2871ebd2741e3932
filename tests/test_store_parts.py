"""Storage in parts: each new or replacing load keeps its staged table as the dataset's part,
the canonical name is a view over the base table and the parts (``ingest.parts``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import duckdb
import pytest
from store_fixtures import snapshot, write_csv

from ingest import parts, read, store
from ingest.errors import InputError
from ingest.mapping import Mapping
from ingest.schema import TABLES, create_table_sql
from ingest.store import delete_dataset, init_db, load

DEALS = Mapping("deals", {"deal_id": "Id", "stage": "Stage", "deal_amount": "Amount"})
HEADERS = ["Id", "Stage", "Amount"]
ORDERS_NO_ID = Mapping("order_lines", {"ordered_at": "Date", "line_amount": "Total"})


@pytest.fixture
def db(con):
    init_db(con)
    return con


@pytest.fixture
def put(db, tmp_path):
    def _put(name, rows, mapping=DEALS, headers=HEADERS, **kwargs):
        path = write_csv(tmp_path / name, headers, rows)
        return load(db, read.inspect(path, name), mapping, **kwargs)
    return _put


def relations(con, like: str) -> list[str]:
    return [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_name like $p "
        "order by table_name", {"p": like}).fetchall()]


def recorded(con) -> list[tuple]:
    return con.execute("select part_table, dataset_id, table_name from dataset_parts "
                       "order by part_table").fetchall()


def columns(con, table: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute(
        "select column_name, data_type from information_schema.columns where table_name = $t "
        "order by ordinal_position", {"t": table}).fetchall()]


def view_sql(con, name: str) -> str:
    return con.execute("select sql from duckdb_views() where view_name = $v", {"v": name}).fetchone()[0]


def test_a_new_load_keeps_its_staged_table_as_the_part(db, put):
    result = put("d.csv", [("D1", "Won", "100"), ("D2", "", "5"), ("D3", "Lost", "7")])
    # Event 1 made the part; row 2 has no stage, so it is not kept.
    assert relations(db, "deals__p%") == ["deals__p1"]
    assert recorded(db) == [("deals__p1", 1, "deals")]
    # Only source_row and the canonical columns the file fills (the view adds the others).
    assert sorted(c for c, _ in columns(db, "deals__p1")) == ["deal_amount", "deal_id", "is_closed",
                                                              "is_won", "source_row", "stage"]
    assert db.execute("select dataset_id, source_row, deal_id, stage, deal_amount, owner "
                      "from deals order by source_row").fetchall() == [
        (1, 1, "D1", "Won", Decimal("100.0000"), None), (1, 3, "D3", "Lost", Decimal("7.0000"), None)]
    assert (result.rows_loaded, result.row_count) == (2, 2)


def test_the_deals_view_has_the_canonical_columns_and_types(db):
    assert columns(db, "deals") == [
        ("dataset_id", "BIGINT"), ("source_row", "BIGINT"), ("deal_id", "VARCHAR"),
        ("deal_name", "VARCHAR"), ("customer_id", "VARCHAR"), ("stage", "VARCHAR"),
        ("deal_amount", "DECIMAL(18,4)"), ("probability", "DOUBLE"), ("owner", "VARCHAR"),
        ("source", "VARCHAR"), ("product_name", "VARCHAR"), ("pipeline", "VARCHAR"),
        ("campaign_id", "VARCHAR"), ("region", "VARCHAR"), ("created_date", "DATE"),
        ("close_date", "DATE"), ("is_closed", "BOOLEAN"), ("is_won", "BOOLEAN")]


@pytest.mark.parametrize("table", list(TABLES))
def test_every_view_reads_like_its_base_table(db, table):
    assert columns(db, table) == columns(db, f"{table}__base")
    assert [c for c, _ in columns(db, table)] == ["dataset_id", "source_row",
                                                  *TABLES[table].column_names]


def test_the_view_types_a_part_like_the_base_table(db, put):
    put("d.csv", [("D1", "Won", "100")])
    row = db.execute("select typeof(dataset_id), typeof(deal_amount), typeof(probability), "
                     "typeof(created_date), typeof(is_won) from deals").fetchone()
    assert row == ("BIGINT", "DECIMAL(18,4)", "DOUBLE", "DATE", "BOOLEAN")


def test_replace_drops_the_old_part_and_keeps_the_new(db, put):
    put("d.csv", [("D1", "Won", "100"), ("D2", "Lost", "5")])
    result = put("e.csv", [("D9", "Won", "1")], mode="replace", dataset_id=1)
    assert relations(db, "deals__p%") == ["deals__p2"]
    assert recorded(db) == [("deals__p2", 1, "deals")]
    assert db.execute("select dataset_id, deal_id from deals").fetchall() == [(1, "D9")]
    assert (result.rows_replaced, result.row_count) == (2, 1)


def test_parts_of_two_datasets_show_side_by_side(db, put):
    put("a.csv", [("D1", "Won", "100")])
    put("b.csv", [("D2", "Lost", "5"), ("D3", "Won", "6")])
    assert recorded(db) == [("deals__p1", 1, "deals"), ("deals__p2", 2, "deals")]
    assert db.execute("select dataset_id, deal_id from deals order by deal_id").fetchall() == [
        (1, "D1"), (2, "D2"), (2, "D3")]
    assert db.execute("select count(*) from deals where dataset_id = 2").fetchone()[0] == 2


def test_append_replaces_same_keys_in_the_part_and_adds_to_the_base(db, put):
    put("d.csv", [("D1", "Won", "100"), ("D2", "Lost", "5")])
    result = put("u.csv", [("D2", "Won", "60"), ("D4", "Lost", "1")], mode="append", dataset_id=1)
    # D2 left the part; D2 (new) and D4 are in the base table.
    assert db.execute("select deal_id from deals__p1").fetchall() == [("D1",)]
    assert db.execute("select dataset_id, source_row, deal_id, deal_amount from deals__base "
                      "order by deal_id").fetchall() == [
        (1, 1, "D2", Decimal("60.0000")), (1, 2, "D4", Decimal("1.0000"))]
    assert (result.rows_loaded, result.rows_replaced, result.row_count) == (2, 1, 3)
    # A replace then removes both the part and the appended base rows.
    put("r.csv", [("D7", "Won", "3")], mode="replace", dataset_id=1)
    assert db.execute("select count(*) from deals__base").fetchone()[0] == 0
    assert relations(db, "deals__p%") == ["deals__p3"]


def test_delete_drops_the_part_and_the_base_rows(db, put):
    put("d.csv", [("D1", "Won", "100")])
    put("u.csv", [("D2", "Won", "60")], mode="append", dataset_id=1)
    put("o.csv", [("D5", "Lost", "2")])
    delete_dataset(db, 1, "ann")
    assert relations(db, "deals__p%") == ["deals__p3"]
    assert recorded(db) == [("deals__p3", 2, "deals")]
    assert db.execute("select dataset_id, deal_id from deals").fetchall() == [(2, "D5")]
    assert db.execute("select detail from dataset_events where action = 'delete'").fetchone()[0] == \
        "Deleted 'd.csv' and its 2 rows."


def test_row_made_ids_are_stored_in_the_part(db, put):
    rows = [("2024-01-05", "10"), ("2024-01-06", "20")]
    put("a.csv", rows, ORDERS_NO_ID, ["Date", "Total"])
    put("b.csv", rows, ORDERS_NO_ID, ["Date", "Total"])
    # Each load prefixes its own event id, so the ids of the two files differ.
    assert db.execute("select dataset_id, order_id, ordered_at, line_amount from order_lines "
                      "order by dataset_id, source_row").fetchall() == [
        (1, "L1-row-1", datetime(2024, 1, 5), Decimal("10.0000")),
        (1, "L1-row-2", datetime(2024, 1, 6), Decimal("20.0000")),
        (2, "L2-row-1", datetime(2024, 1, 5), Decimal("10.0000")),
        (2, "L2-row-2", datetime(2024, 1, 6), Decimal("20.0000"))]
    assert ("order_id", "VARCHAR") in columns(db, "order_lines__p1")


def test_a_failed_load_leaves_no_part(db, put):
    put("d.csv", [("D1", "Won", "100")])
    before, view = snapshot(db), view_sql(db, "deals")
    with pytest.raises(InputError, match="nothing was loaded"):
        put("bad.csv", [("D5", "Won", "1"), ("D6", "", "2")], skip_invalid=False)
    assert relations(db, "deals__p%") == ["deals__p1"]
    assert (snapshot(db), view_sql(db, "deals")) == (before, view)


def test_a_failed_replace_keeps_the_old_part_and_view(db, put, monkeypatch):
    put("d.csv", [("D1", "Won", "100")])
    before, view = snapshot(db), view_sql(db, "deals")

    def broken(con):
        raise RuntimeError("injected failure")
    monkeypatch.setattr(store, "_bump_version", broken)
    with pytest.raises(InputError, match="nothing was changed"):
        put("e.csv", [("D9", "Won", "1")], mode="replace", dataset_id=1)
    # The replace had dropped deals__p1 and made deals__p2: the rollback undid both.
    assert relations(db, "deals__p%") == ["deals__p1"]
    assert (snapshot(db), view_sql(db, "deals")) == (before, view)
    assert db.execute("select deal_id from deals").fetchall() == [("D1",)]


def test_numbering_keeps_file_order_across_row_groups(db, tmp_path):
    # More rows than three of DuckDB's row groups (122,880 rows), read in parallel.
    path = tmp_path / "big.csv"
    rows = 400_000
    db.execute("copy (select 'O' || range + 1 as \"Order\", '2024-01-01' as \"Date\", "
               "1 as \"Total\" from range($n)) to '" + str(path).replace("'", "''") + "' (header)",
               {"n": rows})
    mapping = Mapping("order_lines", {"order_id": "Order", "ordered_at": "Date",
                                      "line_amount": "Total"})
    assert load(db, read.inspect(path, "big.csv"), mapping).rows_loaded == rows
    assert db.execute("select count(*), min(source_row), max(source_row), "
                      "count(*) filter (where order_id <> 'O' || source_row) "
                      "from order_lines").fetchone() == (rows, 1, rows, 0)


def old_database(path) -> None:
    """A database as loads left it before parts: canonical names are tables holding rows."""
    con = duckdb.connect(str(path))
    for table in TABLES.values():
        con.execute(create_table_sql(table))
    con.execute("insert into deals (dataset_id, source_row, deal_id, stage) values "
                "(1, 1, 'D1', 'Won'), (1, 2, 'D2', 'Lost')")
    con.close()


def test_init_db_migrates_canonical_tables_to_views(tmp_path):
    path = tmp_path / "old.duckdb"
    old_database(path)
    con = duckdb.connect(str(path))
    try:
        init_db(con)
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables"
                                 ).fetchall())
        assert {kinds[t] for t in TABLES} == {"VIEW"}
        assert {kinds[f"{t}__base"] for t in TABLES} == {"BASE TABLE"}
        assert con.execute("select dataset_id, source_row, deal_id, stage from deals "
                           "order by source_row").fetchall() == [(1, 1, "D1", "Won"),
                                                                 (1, 2, "D2", "Lost")]
        assert con.execute("select count(*) from deals__base").fetchone()[0] == 2
    finally:
        con.close()
    # Opening it again finds nothing to do: it needs no write, so a read-only connection will do.
    con = duckdb.connect(str(path), read_only=True)
    try:
        parts.ensure_storage(con)
        assert con.execute("select count(*) from deals").fetchone()[0] == 2
    finally:
        con.close()


def test_init_db_drops_what_a_killed_load_left(db, put):
    put("d.csv", [("D1", "Won", "100")])
    db.execute("create table deals__p99 as select * from deals__p1")
    db.execute("create table _stage_0123 (x int)")
    db.execute("insert into dataset_parts values ('deals__p77', 5, 'deals')")
    init_db(db)
    assert relations(db, "deals__p%") == ["deals__p1"]
    assert relations(db, "_stage%") == []
    assert recorded(db) == [("deals__p1", 1, "deals")]
    assert db.execute("select deal_id from deals").fetchall() == [("D1",)]


def test_a_part_name_in_use_is_skipped(db):
    db.execute("create table deals__p4 (x int)")
    assert parts.new_part_name(db, TABLES["deals"], 4) == "deals__p5"
    assert parts.new_part_name(db, TABLES["deals"], 6) == "deals__p6"
