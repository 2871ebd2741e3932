"""select_sql: staged text -> typed canonical rows, worked out by hand."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from store_fixtures import make_stage

from ingest.errors import InputError
from ingest.mapping import Mapping
from ingest.schema import SQL_TYPES, TABLES
from ingest.transform import plan_columns, quote, select_sql, valid_rows_condition

DEAL_HEADERS = ["Opportunity ID", "Stage", "Amount", "Created"]
DEAL_MAPPING = {"deal_id": "Opportunity ID", "stage": "Stage", "deal_amount": "Amount",
                "created_date": "Created"}


def run(con, sql, **params):
    return con.execute(sql, params).fetchall()


@pytest.mark.parametrize("name", list(TABLES), ids=list(TABLES))
def test_output_has_exactly_the_canonical_columns_and_types(con, name):
    table = TABLES[name]
    headers = [f"src {c.name}" for c in table.columns]
    make_stage(con, "st", headers, [])
    mapping = Mapping(name, {c.name: f"src {c.name}" for c in table.columns})
    described = con.execute(f"describe {select_sql(mapping, 'st')}", {"dataset_id": 1}).fetchall()
    got = [(row[0], row[1].lower()) for row in described]
    expected = [("dataset_id", "bigint"), ("source_row", "bigint"),
                *[(c.name, SQL_TYPES[c.kind]) for c in table.columns]]
    assert got == expected


def test_deals_mapped_parsed_derived_and_null(con):
    make_stage(con, "st", DEAL_HEADERS, [("D1", "Closed Won", "1200.50", "2024-03-05"),
                                         ("D2", "Prospecting", "abc", "2024-04-01")])
    rows = run(con, select_sql(Mapping("deals", DEAL_MAPPING), "st"), dataset_id=7)
    # dataset_id, source_row, deal_id, deal_name, customer_id, stage, deal_amount, probability,
    # owner, source, product_name, pipeline, campaign_id, region, created_date, close_date,
    # is_closed, is_won
    n = None
    assert rows == [
        (7, 1, "D1", n, n, "Closed Won", Decimal("1200.5000"), n, n, n, n, n, n, n,
         date(2024, 3, 5), n, True, True),
        (7, 2, "D2", n, n, "Prospecting", n, n, n, n, n, n, n, n,
         date(2024, 4, 1), n, False, False),
    ]


def test_order_lines_line_amount_and_row_made_order_ids(con):
    make_stage(con, "st", ["Date", "Qty", "Price", "Disc"],
               [("2024-01-02 10:00:00", "2", "9.99", "1.00"), ("2024-01-03", "3", "0.5", None)])
    mapping = Mapping("order_lines", {"ordered_at": "Date", "quantity": "Qty",
                                      "unit_price": "Price", "discount_amount": "Disc"})
    sql = ("with s as (" + select_sql(mapping, "st") + ") "
           "select order_id, ordered_at, line_amount from s order by source_row")
    # 2 x 9.99 - 1.00 = 18.98; 3 x 0.50 - 0 = 1.50
    assert run(con, sql, dataset_id=7) == [
        ("D7-row-1", datetime(2024, 1, 2, 10, 0), Decimal("18.9800")),
        ("D7-row-2", datetime(2024, 1, 3, 0, 0), Decimal("1.5000")),
    ]
    with_load = ("with s as (" + select_sql(mapping, "st", load_id_param="$load_id") + ") "
                 "select order_id from s order by source_row")
    assert run(con, with_load, dataset_id=7, load_id=3) == [("L3-row-1",), ("L3-row-2",)]


def test_derived_ids_that_are_not_row_made_get_no_prefix(con):
    make_stage(con, "st", ["Email", "Name"], [("ann@example.com", "Ann")])
    mapping = Mapping("customers", {"email": "Email", "customer_name": "Name"})
    sql = "with s as (" + select_sql(mapping, "st") + ") select customer_id, email from s"
    assert run(con, sql, dataset_id=1) == [("ann@example.com", "ann@example.com")]


def test_hostile_header_and_value_are_plain_text(con):
    header = 'a"; DROP TABLE x; --'
    value = "'); drop table customers; --"
    con.execute("create table x (i int)")
    make_stage(con, "st", ["Stage", header], [("Won", value)])
    mapping = Mapping("deals", {"stage": "Stage", "deal_name": header})
    sql = ("with s as (" + select_sql(mapping, "st") + ") select deal_id, deal_name, stage from s")
    assert run(con, sql, dataset_id=2) == [("D2-row-1", value, "Won")]
    tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
    assert {"x", "customers", "customers__base"} <= tables


def test_required_column_neither_mapped_nor_derivable(con):
    with pytest.raises(InputError, match="'stage'"):
        select_sql(Mapping("deals", {"deal_name": "Name"}), "st")


@pytest.mark.parametrize("mapping", [
    Mapping("deals", {"stage": "Stage", "not_a_column": "X"}),
    Mapping("no_such_table", {"stage": "Stage"}),
], ids=["unknown-column", "unknown-table"])
def test_mapping_naming_unknown_things_is_an_input_error(mapping):
    with pytest.raises(InputError):
        select_sql(mapping, "st")


@pytest.mark.parametrize("param", ["1; drop table x", "$Bad", "dataset_id", "$x; --"],
                         ids=["statement", "upper", "no-dollar", "comment"])
def test_parameter_names_must_be_plain(param):
    with pytest.raises(ValueError):
        select_sql(Mapping("deals", DEAL_MAPPING), "st", param)


def test_stage_table_name_is_quoted(con):
    make_stage(con, 'st"x', DEAL_HEADERS, [("D1", "Won", "1", "2024-01-01")])
    sql = "with s as (" + select_sql(Mapping("deals", DEAL_MAPPING), 'st"x') + ") select deal_id from s"
    assert run(con, sql, dataset_id=1) == [("D1",)]


def test_valid_rows_condition_names_every_required_column():
    planned = plan_columns(Mapping("deals", DEAL_MAPPING))
    assert valid_rows_condition(planned) == '"deal_id" is not null and "stage" is not null'
    assert valid_rows_condition(planned, "i") == '"i"."deal_id" is not null and "i"."stage" is not null'


@pytest.mark.parametrize("name,expected", [("plain", '"plain"'), ('a"b', '"a""b"'), ("", '""')],
                         ids=["plain", "embedded-quote", "empty"])
def test_quote(name, expected):
    assert quote(name) == expected
