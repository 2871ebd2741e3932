"""Derived columns (ingest.derive): the SQL is run in DuckDB on hand-typed staged rows."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from ingest.derive import ROW_MADE, derivable, derivations
from ingest.mapping import Mapping
from ingest.schema import TABLES
from tests.conftest import REALDATA

OPPORTUNITIES = REALDATA / "salesforce_dataloader" / "opportunityData.csv"


def stage(columns: list[str], rows: list[tuple]) -> duckdb.DuckDBPyConnection:
    """In-memory staging table "s": source_row, then one VARCHAR column per header."""
    con = duckdb.connect(":memory:")
    cols = ", ".join('"' + c.replace('"', '""') + '" varchar' for c in columns)
    con.execute(f"create table s (source_row bigint, {cols})")
    marks = ", ".join("?" for _ in range(len(columns) + 1))
    for i, row in enumerate(rows, start=1):
        con.execute(f"insert into s values ({marks})", [i, *row])
    return con


def run(con, expr: str) -> list:
    return [r[0] for r in con.execute(f"select {expr} from s order by source_row").fetchall()]


def test_line_amount_is_quantity_times_price_less_discount():
    con = stage(["qty", "price", "disc"], [
        ("3", "19.99", None),       # 3 x 19.99 = 59.97
        ("2", "10.50", "1.00"),     # 21.00 - 1.00 = 20.00
        ("-1", "5.25", None),       # a return: -5.25
        ("0.5", "3.33", "0.10"),    # 1.665 - 0.10 = 1.565
        (None, "9.99", None),       # no quantity: unknown
    ])
    available = {"quantity": 'try_cast("qty" as double)',
                 "unit_price": 'try_cast("price" as decimal(18,4))',
                 "discount_amount": 'try_cast("disc" as decimal(18,4))'}
    sql = derivations("order_lines", available, Mapping("order_lines"))["line_amount"]
    assert run(con, sql) == [Decimal("59.97"), Decimal("20.00"), Decimal("-5.25"),
                             Decimal("1.565"), None]


def test_line_amount_without_discount_column():
    con = stage(["qty", "price"], [("4", "2.50"), ("3", "0.10")])
    available = {"quantity": 'try_cast("qty" as double)',
                 "unit_price": 'try_cast("price" as decimal(18,4))'}
    sql = derivations("order_lines", available, Mapping("order_lines"))["line_amount"]
    assert run(con, sql) == [Decimal("10.00"), Decimal("0.30")]


def test_missing_order_id_makes_one_order_per_row():
    con = stage(["x"], [("a",), ("b",), ("c",)])
    sql = derivations("order_lines", {}, Mapping("order_lines"))["order_id"]
    assert run(con, sql) == ["row-1", "row-2", "row-3"]
    assert ("order_lines", "order_id") in ROW_MADE


def test_nothing_derived_over_a_mapped_column():
    available = {"order_id": '"o"', "quantity": '"q"', "unit_price": '"p"', "line_amount": '"a"'}
    assert derivations("order_lines", available, Mapping("order_lines")) == {}


@pytest.mark.parametrize("address, region", [
    pytest.param("广东省深圳市南山区科技园", "广东省", id="guangdong"),
    pytest.param("北京市朝阳区建国路88号", "北京市", id="beijing"),
    pytest.param("内蒙古自治区呼和浩特市新城区", "内蒙古自治区", id="inner-mongolia"),
    pytest.param("广西壮族自治区南宁市青秀区", "广西壮族自治区", id="guangxi"),
    pytest.param("黑龙江省哈尔滨市南岗区", "黑龙江省", id="heilongjiang"),
    pytest.param("新疆乌鲁木齐市天山区", "新疆维吾尔自治区", id="xinjiang-short"),
    pytest.param("中国 浙江省杭州市西湖区", "浙江省", id="country-prefix"),
    pytest.param("\u3000四川省成都市", "四川省", id="full-width-space"),
    pytest.param("上海市黄浦区北京东路1号", "上海市", id="street-named-after-beijing"),
    pytest.param("香港九龙尖沙咀", "香港特别行政区", id="hong-kong"),
    pytest.param("深圳市南山区", None, id="city-without-province"),
    pytest.param("1 Market St, San Francisco, CA 94105", "CA", id="us-comma"),
    pytest.param("500 Main St, Austin TX 78701-1234, USA", "TX", id="us-zip4-country"),
    pytest.param("1600 Pennsylvania Ave NW, Washington, DC 20500", "DC", id="us-dc"),
    pytest.param("12 Rue Royale, Paris, ZZ 75008", None, id="not-a-state"),
    pytest.param("10 Downing St, London SW1A 2AA", None, id="uk-postcode"),
    pytest.param("", None, id="empty"),
    pytest.param(None, None, id="null"),
])
def test_region_from_address(address, region):
    con = stage(["收货地址"], [(address,)])
    mapping = Mapping("order_lines", extras={"address": "收货地址"})
    sql = derivations("order_lines", {"order_id": '"x"'}, mapping)["region"]
    assert run(con, sql) == [region]


def test_region_from_an_address_column_with_a_hostile_name():
    header = 'addr"); drop table s; --'
    con = stage([header], [("湖南省长沙市",)])
    sql = derivations("customers", {}, Mapping("customers", extras={"address": header}))["region"]
    assert run(con, sql) == ["湖南省"]
    assert con.execute("select count(*) from s").fetchone()[0] == 1


STAGES = [
    ("Closed Won", True, True), ("closedwon", True, True), ("赢单", True, True),
    ("Closed Lost", False, True), ("closedlost", False, True), ("输单", False, True),
    ("Prospecting", False, False), ("Negotiation/Review", False, False), (None, None, None),
]


def test_is_won_and_is_closed_from_stage():
    con = stage(["Stage"], [(s,) for s, _, _ in STAGES])
    derived = derivations("deals", {"deal_id": '"x"', "stage": 'nullif(trim("Stage"), \'\')'},
                          Mapping("deals"))
    assert run(con, derived["is_won"]) == [w for _, w, _ in STAGES]
    assert run(con, derived["is_closed"]) == [c for _, _, c in STAGES]


def test_is_closed_from_a_given_is_won_and_lost_stages():
    con = stage(["won", "stage"], [("true", "Closed Won"), ("false", "Closed Lost"),
                                   ("false", "Prospecting"), (None, None)])
    available = {"is_won": 'try_cast("won" as boolean)', "stage": '"stage"'}
    derived = derivations("deals", available, Mapping("deals"))
    assert "is_won" not in derived
    assert run(con, derived["is_closed"]) == [True, True, False, None]


def test_is_won_from_pipedrive_status():
    con = stage(["Deal - Stage", "Deal - Status"], [
        ("Negotiations Started", "won"), ("Proposal Made", "lost"), ("Lead In", "open")])
    mapping = Mapping("deals", extras={"deal_status": "Deal - Status"})
    derived = derivations("deals", {"stage": '"Deal - Stage"'}, mapping)
    assert run(con, derived["is_won"]) == [True, False, False]
    assert run(con, derived["is_closed"]) == [True, True, False]


def test_real_salesforce_flags_agree_with_stage_names():
    con = duckdb.connect(":memory:")
    con.execute("create table s as select row_number() over () as source_row, * "
                "from read_csv($p, all_varchar = true, header = true)", {"p": str(OPPORTUNITIES)})
    derived = derivations("deals", {"stage": '"STAGENAME"'}, Mapping("deals"))
    rows = con.execute(f"select {derived['is_won']}, {derived['is_closed']}, "
                       "ISWON = 'true', ISCLOSED = 'true' from s").fetchall()
    assert len(rows) == 38
    assert [(w, c) for w, c, _, _ in rows] == [(w, c) for _, _, w, c in rows]
    assert sum(1 for w, *_ in rows if w) == 8  # the file has 8 Closed Won deals


@pytest.mark.parametrize("start, end", [
    pytest.param("2024-02-01", "2024-02-29", id="leap-february"),
    pytest.param("2023-02-15", "2023-02-28", id="mid-month"),
    pytest.param("2024-12-01", "2024-12-31", id="december"),
    pytest.param("2024-04-30", "2024-04-30", id="last-day-itself"),
])
def test_target_period_end_is_month_end(start, end):
    con = stage(["Month"], [(start,)])
    sql = derivations("targets", {"period_start": 'cast("Month" as date)'}, Mapping("targets"))
    assert [str(d) for d in run(con, sql["period_end"])] == [end]


def test_customer_id_from_email_else_name():
    con = stage(["Email", "Name"], [(" Alice@Example.COM ", "Alice"), (None, "Bob")])
    by_email = derivations("customers", {"email": '"Email"', "customer_name": '"Name"'},
                           Mapping("customers"))["customer_id"]
    assert run(con, by_email) == ["alice@example.com", None]
    by_name = derivations("customers", {"customer_name": '"Name"'}, Mapping("customers"))
    assert run(con, by_name["customer_id"]) == ["Alice", "Bob"]
    assert ("customers", "customer_id") not in ROW_MADE


@pytest.mark.parametrize("first, last, headers, expected", [
    pytest.param("Ada", "Lovelace", ("First Name", "Last Name"), "Ada Lovelace", id="english"),
    pytest.param("Ada", None, ("First Name", "Last Name"), "Ada", id="first-only"),
    pytest.param(" ", None, ("First Name", "Last Name"), None, id="blank"),
    pytest.param("小明", "王", ("名", "姓"), "王小明", id="chinese-family-name-first"),
])
def test_customer_name_from_name_parts(first, last, headers, expected):
    con = stage(list(headers), [(first, last)])
    mapping = Mapping("customers", extras={"first_name": headers[0], "last_name": headers[1]})
    sql = derivations("customers", {"customer_id": '"x"'}, mapping)["customer_name"]
    assert run(con, sql) == [expected]


def test_campaign_id_from_campaign_name():
    con = stage(["Campaign"], [(" Spring Sale ",), ("",)])
    sql = derivations("campaigns", {"campaign_name": '"Campaign"'}, Mapping("campaigns"))
    assert run(con, sql["campaign_id"]) == ["Spring Sale", None]


@pytest.mark.parametrize("table", list(TABLES), ids=str)
def test_derivable_names_exactly_what_derivations_builds(table):
    extras = {"address": "a", "deal_status": "s", "first_name": "f", "last_name": "l"}
    columns = TABLES[table].column_names
    for available in ([], columns[:1], columns[1:], columns[::2]):
        expressions = {c: f'"{c}"' for c in available}
        built = derivations(table, expressions, Mapping(table, extras=extras))
        assert set(built) == derivable(table, available, extras)
        assert not set(built) & set(available)
