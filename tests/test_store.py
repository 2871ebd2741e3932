"""store: new / append / replace / delete, catalog, history and data_version, by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest
from store_fixtures import snapshot, write_csv

from ingest import read
from ingest.errors import InputError
from ingest.mapping import Mapping
from ingest.store import (
    data_version,
    delete_dataset,
    history,
    init_db,
    list_datasets,
    load,
    preview_dataset,
)

DEALS = Mapping("deals", {"deal_id": "Id", "stage": "Stage", "deal_amount": "Amount"})
DEALS_1 = [("D1", "Won", "100"), ("D2", "Lost", "50"), ("D3", "Prospecting", "10")]
DEALS_2 = [("D2", "Won", "60"), ("D4", "Prospecting", "5")]
ORDERS = Mapping("order_lines", {"order_id": "Order", "ordered_at": "Date", "product_id": "SKU",
                                 "quantity": "Qty", "unit_price": "Price"})
ORDER_HEADERS = ["Order", "Date", "SKU", "Qty", "Price"]


@pytest.fixture
def db(con):
    init_db(con)
    return con


@pytest.fixture
def put(db, tmp_path):
    """Write a CSV and load it: put(name, headers, rows, mapping, **load_kwargs)."""
    def _put(name, headers, rows, mapping, delimiter=None, **kwargs):
        path = write_csv(tmp_path / name, headers, rows)
        return load(db, read.inspect(path, name, delimiter=delimiter), mapping, **kwargs)
    return _put


def deals(con):
    return con.execute("select dataset_id, source_row, deal_id, stage, deal_amount, is_won "
                       "from deals order by deal_id").fetchall()


def events(con, dataset_id=None):
    frame = history(con, dataset_id)
    return list(frame[["event_id", "dataset_id", "dataset_name", "action", "user", "detail"]]
                .itertuples(index=False, name=None))


def test_init_db_is_idempotent(db):
    init_db(db)
    assert data_version(db) == 0
    assert list_datasets(db).empty and history(db).empty


def test_new_dataset(db, put):
    result = put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    assert deals(db) == [(1, 1, "D1", "Won", Decimal("100.0000"), True),
                         (1, 2, "D2", "Lost", Decimal("50.0000"), False),
                         (1, 3, "D3", "Prospecting", Decimal("10.0000"), False)]
    assert (result.dataset_id, result.mode, result.rows_read, result.rows_loaded,
            result.rows_rejected, result.rows_replaced, result.row_count, result.data_version) \
        == (1, "new", 3, 3, 0, 0, 3, 1)
    listed = list_datasets(db)
    assert listed.drop(columns=["loaded_at"]).to_dict("records") == [{
        "dataset_id": 1, "name": "deals.csv", "table_name": "deals", "source": "deals.csv",
        "loaded_by": "local admin", "row_count": 3, "rejected_count": 0, "status": "loaded"}]
    assert listed["loaded_at"].notna().all()
    assert events(db) == [(1, 1, "deals.csv", "load", "local admin", "Loaded 3 rows from deals.csv.")]
    assert data_version(db) == 1
    assert result.summary()[0] == ("Stored 3 rows as a new dataset of deals / opportunities "
                                   "'deals.csv'; it now holds 3 rows.")


def test_invalid_rows_are_left_out_when_asked(db, put):
    result = put("d.csv", ["Id", "Stage", "Amount"], [("D1", "Won", "1"), ("D2", "", "2")], DEALS,
                 user="ann")
    assert [r[2] for r in deals(db)] == ["D1"]
    assert (result.rows_loaded, result.rows_rejected) == (1, 1)
    assert list_datasets(db)["rejected_count"].tolist() == [1]
    assert events(db) == [(1, 1, "d.csv", "load", "ann",
                           "Loaded 1 row from d.csv; 1 unusable row left out.")]


def test_append_replaces_same_keys_and_keeps_the_rest(db, put):
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    result = put("update.csv", ["Id", "Stage", "Amount"], DEALS_2, DEALS, mode="append",
                 dataset_id=1, user="bob")
    assert deals(db) == [(1, 1, "D1", "Won", Decimal("100.0000"), True),
                         (1, 1, "D2", "Won", Decimal("60.0000"), True),
                         (1, 3, "D3", "Prospecting", Decimal("10.0000"), False),
                         (1, 2, "D4", "Prospecting", Decimal("5.0000"), False)]
    assert (result.rows_loaded, result.rows_replaced, result.row_count, result.data_version) \
        == (2, 1, 4, 2)
    assert events(db, 1)[0] == (2, 1, "deals.csv", "append", "bob",
                                ("Appended 2 rows from update.csv, replacing 1 stored row "
                                 "with the same keys."))
    row = list_datasets(db).iloc[0]
    assert (row["name"], row["source"], row["row_count"], row["loaded_by"]) == \
        ("deals.csv", "update.csv", 4, "bob")


def test_appending_the_same_file_twice_changes_nothing(db, put):
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    put("update.csv", ["Id", "Stage", "Amount"], DEALS_2, DEALS, mode="append", dataset_id=1)
    once = deals(db)
    again = put("update.csv", ["Id", "Stage", "Amount"], DEALS_2, DEALS, mode="append", dataset_id=1)
    assert deals(db) == once
    assert (again.rows_loaded, again.rows_replaced, again.row_count) == (2, 2, 4)


def test_append_order_lines_replaces_whole_orders(db, put):
    put("o1.csv", ORDER_HEADERS, [("A", "2024-01-01", "P1", "1", "10"),
                                  ("A", "2024-01-01", "P2", "2", "5"),
                                  ("B", "2024-01-02", "P1", "1", "10")], ORDERS)
    result = put("o2.csv", ORDER_HEADERS, [("A", "2024-01-01", "P1", "3", "10"),
                                           ("C", "2024-01-03", "P3", "1", "7")], ORDERS,
                 mode="append", dataset_id=1)
    rows = db.execute("select order_id, source_row, product_id, quantity, line_amount "
                      "from order_lines order by order_id, product_id").fetchall()
    # Order A now has the one line of o2.csv (3 x 10); B is kept; C is added.
    assert rows == [("A", 1, "P1", 3.0, Decimal("30.0000")),
                    ("B", 3, "P1", 1.0, Decimal("10.0000")),
                    ("C", 2, "P3", 1.0, Decimal("7.0000"))]
    assert (result.rows_replaced, result.row_count) == (2, 3)


def test_rows_without_order_ids_are_always_added(db, put):
    no_ids = Mapping("order_lines", {"ordered_at": "Date", "quantity": "Qty", "unit_price": "Price"})
    put("a.csv", ["Date", "Qty", "Price"], [("2024-01-01", "1", "2")], no_ids)
    put("a.csv", ["Date", "Qty", "Price"], [("2024-01-01", "1", "2")], no_ids, mode="append",
        dataset_id=1)
    # Row-made order ids carry the load's event id, so the two loads never collide.
    assert db.execute("select order_id from order_lines order by order_id").fetchall() == \
        [("L1-row-1",), ("L2-row-1",)]


def test_replace_touches_only_its_dataset(db, put):
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    put("other.csv", ["Id", "Stage", "Amount"], [("X1", "Won", "7")], DEALS)
    result = put("update.csv", ["Id", "Stage", "Amount"], DEALS_2, DEALS, mode="replace",
                 dataset_id=1)
    assert deals(db) == [(1, 1, "D2", "Won", Decimal("60.0000"), True),
                         (1, 2, "D4", "Prospecting", Decimal("5.0000"), False),
                         (2, 1, "X1", "Won", Decimal("7.0000"), True)]
    assert (result.rows_loaded, result.rows_replaced, result.row_count, result.data_version) \
        == (2, 3, 2, 3)
    assert events(db, 1)[0] == (3, 1, "deals.csv", "replace", "local admin",
                                "Replaced the rows with 2 rows from update.csv (3 rows before).")


def test_delete(db, put):
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    put("other.csv", ["Id", "Stage", "Amount"], [("X1", "Won", "7")], DEALS)
    delete_dataset(db, 1, "carol")
    assert deals(db) == [(2, 1, "X1", "Won", Decimal("7.0000"), True)]
    assert list_datasets(db)["dataset_id"].tolist() == [2]
    assert db.execute("select status, row_count from datasets where dataset_id = 1").fetchall() \
        == [("deleted", 0)]
    assert events(db, 1) == [(3, 1, "deals.csv", "delete", "carol", "Deleted 'deals.csv' and its 3 rows."),
                             (1, 1, "deals.csv", "load", "local admin", "Loaded 3 rows from deals.csv.")]
    assert [e[0] for e in events(db)] == [3, 2, 1]
    assert data_version(db) == 3
    with pytest.raises(InputError, match="no dataset 1"):
        delete_dataset(db, 1, "carol")
    with pytest.raises(InputError, match="no dataset 1"):
        preview_dataset(db, 1)
    # A new dataset never reuses a deleted one's id.
    assert put("again.csv", ["Id", "Stage", "Amount"], DEALS_2, DEALS).dataset_id == 3


def test_preview_is_in_file_order_and_limited(db, put):
    put("deals.csv", ["Id", "Stage", "Amount"], [("Z", "Won", "1"), ("A", "Won", "2"),
                                                 ("M", "Won", "3")], DEALS)
    frame = preview_dataset(db, 1, limit=2)
    assert frame[["source_row", "deal_id"]].values.tolist() == [[1, "Z"], [2, "A"]]
    assert list(frame.columns)[:3] == ["dataset_id", "source_row", "deal_id"]


@pytest.mark.parametrize("kwargs,message", [
    ({"mode": "append"}, "choose the dataset to append"),
    ({"mode": "replace", "dataset_id": 99}, "no dataset 99 to replace"),
    ({"mode": "merge"}, "unknown load mode"),
    ({"mode": "new", "dataset_id": 1}, "gets its own id"),
], ids=["append-without-dataset", "replace-unknown", "unknown-mode", "new-with-id"])
def test_bad_targets_change_nothing(db, put, kwargs, message):
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    before = snapshot(db)
    with pytest.raises(InputError, match=message) as err:
        put("update.csv", ["Id", "Stage", "Amount"], DEALS_2, DEALS, **kwargs)
    assert err.value.file == "update.csv"
    assert snapshot(db) == before


def test_append_to_a_dataset_of_another_table_is_refused(db, put):
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    before = snapshot(db)
    with pytest.raises(InputError, match="holds Deals / opportunities"):
        put("o.csv", ORDER_HEADERS, [("A", "2024-01-01", "P1", "1", "10")], ORDERS,
            mode="append", dataset_id=1)
    assert snapshot(db) == before


def test_mapping_naming_a_missing_header(db, put):
    with pytest.raises(InputError, match="no column 'Amount'"):
        put("d.csv", ["Id", "Stage"], [("D1", "Won")], DEALS)
    assert snapshot(db)["datasets"][0] == 0


def test_hostile_header_and_values_are_stored_as_text(db, put):
    header = 'a"; DROP TABLE x; --'
    values = ["'); drop table customers; --", 'Robert"); DROP TABLE deals;--', "<script>x</script>"]
    db.execute("create table x (i int)")
    mapping = Mapping("customers", {"customer_id": "Id", "customer_name": header})
    # Delimiter given: the semicolons inside the quoted values would otherwise win the sniffing.
    put("evil.csv", ["Id", header], [(f"C{i}", v) for i, v in enumerate(values)], mapping,
        delimiter=",")
    stored = db.execute("select customer_name from customers order by customer_id").fetchall()
    assert [r[0] for r in stored] == values
    tables = {r[0] for r in db.execute("select table_name from information_schema.tables").fetchall()}
    assert {"x", "customers", "deals", "datasets", "customers__base", "deals__base"} <= tables
    assert db.execute("select mapping_json like '%DROP TABLE x%' from datasets").fetchone()[0]


def test_progress_is_reported_in_order(db, put):
    calls = []
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS,
        on_progress=lambda f, m: calls.append((f, m)))
    assert calls == [(0.0, "Reading deals.csv"), (0.35, "Checking values"), (0.55, "Writing rows"),
                     (0.85, "Updating the catalog"), (1.0, "Done")]


def test_no_staging_tables_are_left_behind(db, put):
    put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    put("update.csv", ["Id", "Stage", "Amount"], DEALS_2, DEALS, mode="append", dataset_id=1)
    temp = db.execute("select table_name from duckdb_tables() where temporary").fetchall()
    assert temp == []


def test_mapping_naming_a_missing_extra_header(db, put):
    mapping = Mapping("customers", {"customer_id": "Id"}, extras={"address": "Address"})
    with pytest.raises(InputError, match="no column 'Address' \\(chosen for address\\)"):
        put("c.csv", ["Id"], [("C1",)], mapping)
    assert snapshot(db)["customers"][0] == 0


def test_a_load_while_another_transaction_is_open_is_refused(db, put):
    db.begin()
    try:
        with pytest.raises(InputError, match="another change to the data is still running"):
            put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS)
    finally:
        db.rollback()
    assert put("deals.csv", ["Id", "Stage", "Amount"], DEALS_1, DEALS).rows_loaded == 3
