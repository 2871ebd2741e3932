"""load_path and ensure_sample_data through the real reader and mapper."""

from __future__ import annotations

import csv
from decimal import Decimal

import openpyxl
import pytest
from conftest import REALDATA, SAMPLE_DATA
from store_fixtures import snapshot, write_csv

from ingest.errors import InputError
from ingest.load import DATA_SUFFIXES, ensure_sample_data, load_path
from ingest.mapping import Mapping, default_mapping_path
from ingest.store import delete_dataset, init_db, list_datasets

SALESFORCE = REALDATA / "salesforce_dataloader"


@pytest.fixture
def db(con):
    init_db(con)
    return con


@pytest.fixture
def maps(tmp_path):
    folder = tmp_path / "mappings"
    folder.mkdir()
    return folder


def test_csv_is_guessed_and_loaded(db, tmp_path, maps):
    path = write_csv(tmp_path / "deals.csv",
                     ["Opportunity Name", "Stage", "Amount", "Close Date", "Opportunity ID"],
                     [("Big one", "Closed Won", "1500.25", "2024-03-31", "006A"),
                      ("Small one", "Prospecting", "20", "2024-06-30", "006B")])
    [result] = load_path(db, path, mappings_dir=maps)
    assert (result.table, result.rows_loaded, result.name) == ("deals", 2, "deals.csv")
    rows = db.execute("select deal_id, deal_name, stage, deal_amount, close_date::varchar, is_won "
                      "from deals order by deal_id").fetchall()
    assert rows == [("006A", "Big one", "Closed Won", Decimal("1500.2500"), "2024-03-31", True),
                    ("006B", "Small one", "Prospecting", Decimal("20.0000"), "2024-06-30", False)]


def test_saved_mapping_for_the_headers_wins(db, tmp_path, maps):
    headers = ["Opportunity Name", "Stage", "Notes"]
    Mapping("deals", {"deal_name": "Notes", "stage": "Stage"}, headers=headers).save(
        default_mapping_path(maps, headers))
    path = write_csv(tmp_path / "d.csv", headers, [("Name A", "Won", "note A")])
    load_path(db, path, mappings_dir=maps)
    assert db.execute("select deal_name from deals").fetchall() == [("note A",)]


def test_real_salesforce_opportunities(db, maps):
    path = SALESFORCE / "opportunityData.csv"
    with open(path, encoding="utf-8", newline="") as handle:
        raw = list(csv.DictReader(handle))
    [result] = load_path(db, path, mappings_dir=maps)
    assert (result.table, result.rows_read, result.rows_loaded) == ("deals", len(raw), len(raw))
    total, won, stages = db.execute(
        "select sum(deal_amount), count(*) filter (where is_won), list(distinct stage order by stage) "
        "from deals").fetchone()
    assert total == sum(Decimal(r["AMOUNT"]) for r in raw if r["AMOUNT"])  # 6,270,000
    assert won == sum(r["ISWON"] == "true" for r in raw)                    # 8
    assert stages == sorted({r["STAGENAME"] for r in raw})


def test_real_salesforce_accounts_latin1(db, maps):
    path = SALESFORCE / "accountData.csv"
    with open(path, encoding="latin-1", newline="") as handle:
        raw = list(csv.DictReader(handle))
    [result] = load_path(db, path, mappings_dir=maps)
    assert (result.table, result.rows_loaded) == ("customers", len(raw))  # 423
    names = {r[0] for r in db.execute("select customer_name from customers").fetchall()}
    assert {"Pébéo of America", "Crédito Inmobiliario Terras"} <= names


def _workbook(path):
    book = openpyxl.Workbook()
    deals = book.active
    deals.title = "Deals"
    deals.append(["Opportunity ID", "Stage", "Amount"])
    deals.append(["D1", "Closed Won", 10])
    deals.append(["D2", "Closed Lost", 20])
    book.create_sheet("Empty")
    targets = book.create_sheet("Targets")
    targets.append(["Rep", "Month", "Quota"])
    targets.append(["Ann", "2024-05-01", 1000])
    book.save(path)
    return path


def test_workbook_loads_every_non_empty_sheet(db, tmp_path, maps):
    path = _workbook(tmp_path / "book.xlsx")
    results = load_path(db, path, mappings_dir=maps)
    assert [(r.table, r.name, r.rows_loaded) for r in results] == [
        ("deals", "book.xlsx – Deals", 2), ("targets", "book.xlsx – Targets", 1)]
    assert list_datasets(db)["name"].tolist() == ["book.xlsx – Deals", "book.xlsx – Targets"]


def test_workbook_sheets_cannot_all_go_to_one_dataset(db, tmp_path, maps):
    path = _workbook(tmp_path / "book.xlsx")
    before = snapshot(db)
    with pytest.raises(InputError, match="choose one sheet"):
        load_path(db, path, mode="append", dataset_id=1, mappings_dir=maps)
    assert snapshot(db) == before


def test_a_file_that_fits_no_table_stores_nothing(db, tmp_path, maps):
    path = write_csv(tmp_path / "notes.csv", ["foo", "bar"], [("1", "2"), ("3", "4")])
    before = snapshot(db)
    with pytest.raises(InputError) as err:
        load_path(db, path, mappings_dir=maps)
    assert err.value.file == "notes.csv"
    assert "does not fit any table" in str(err.value)
    assert snapshot(db) == before


def test_load_path_append(db, tmp_path, maps):
    headers = ["Opportunity ID", "Stage", "Amount"]
    load_path(db, write_csv(tmp_path / "a.csv", headers, [("D1", "Won", "1"), ("D2", "Won", "2")]),
              mappings_dir=maps)
    [result] = load_path(db, write_csv(tmp_path / "b.csv", headers, [("D2", "Lost", "3")]),
                         mode="append", dataset_id=1, mappings_dir=maps)
    assert (result.rows_replaced, result.row_count) == (1, 2)
    assert db.execute("select deal_id, stage from deals order by deal_id").fetchall() == \
        [("D1", "Won"), ("D2", "Lost")]


@pytest.fixture
def small_samples(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    write_csv(folder / "deals.csv", ["Opportunity ID", "Stage", "Amount"], [("D1", "Won", "5")])
    write_csv(folder / "targets.csv", ["Rep", "Month", "Quota"], [("Ann", "2024-05-01", "10")])
    (folder / "README.md").write_text("# not data\n", encoding="utf-8")
    (folder / "generate.py").write_text("print('not data')\n", encoding="utf-8")
    return folder


def test_sample_data_only_into_an_empty_database(db, small_samples):
    assert ensure_sample_data(db, small_samples) is True
    listed = list_datasets(db)
    assert listed[["name", "table_name", "source", "loaded_by", "row_count"]].values.tolist() == [
        ["deals.csv", "deals", "sample_data/deals.csv", "sample data", 1],
        ["targets.csv", "targets", "sample_data/targets.csv", "sample data", 1]]
    assert ensure_sample_data(db, small_samples) is False
    assert len(list_datasets(db)) == 2
    # Deleting everything is the user's choice: the samples do not come back.
    for dataset_id in listed["dataset_id"]:
        delete_dataset(db, int(dataset_id), "me")
    assert ensure_sample_data(db, small_samples) is False
    assert list_datasets(db).empty


def test_a_bad_sample_file_loads_no_sample_at_all(db, small_samples):
    write_csv(small_samples / "zz_bad.csv", ["foo", "bar"], [("1", "2")])
    before = snapshot(db)
    with pytest.raises(InputError):
        ensure_sample_data(db, small_samples)
    assert snapshot(db) == before


def test_the_shipped_sample_data_loads(db):
    files = sorted(p.name for p in SAMPLE_DATA.iterdir() if p.suffix.lower() in DATA_SUFFIXES)
    assert ensure_sample_data(db, SAMPLE_DATA) is True
    listed = list_datasets(db)
    assert sorted({s.removeprefix("sample_data/") for s in listed["source"]}) == files
    by_source = dict(zip(listed["source"].str.removeprefix("sample_data/"), listed["table_name"]))
    assert by_source["hubspot_companies.csv"] == "customers"
    assert by_source["salesforce_opportunities.csv"] == "deals"
    assert by_source["shop_orders.csv"] == "order_lines"
    assert by_source["天猫订单导出.csv"] == "order_lines"
    assert by_source["opportunity_stage_history.csv"] == "deal_stage_history"
    assert by_source["sales_targets.csv"] == "targets"
    # Every row of every file was usable: rows stored = data rows in the files (README counts).
    rows = dict(zip(listed["source"].str.removeprefix("sample_data/"), listed["row_count"]))
    assert rows["hubspot_companies.csv"] == 2020
    assert (listed["rejected_count"] == 0).all()


def test_locked_database_with_init_db_as_setup(tmp_path, maps):
    from ingest.db import open_database

    uploads = tmp_path / "uploads"
    con = open_database(tmp_path / "crm.duckdb", uploads, setup=init_db)
    try:
        path = write_csv(uploads / "deals.csv", ["Opportunity ID", "Stage", "Amount"],
                         [("D1", "Closed Won", "5")])
        [result] = load_path(con, path, mappings_dir=maps)
        assert (result.dataset_id, result.rows_loaded, result.data_version) == (1, 1, 1)
    finally:
        con.close()
    # Opening again runs init_db on the existing file without touching its data.
    con = open_database(tmp_path / "crm.duckdb", uploads, setup=init_db)
    try:
        assert list_datasets(con)[["dataset_id", "row_count"]].values.tolist() == [[1, 1]]
    finally:
        con.close()
