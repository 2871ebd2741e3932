"""The engine setting that keeps DuckDB 2.0 from returning wrong rows is on for every connection."""

from ingest.db import connect_engine, open_database

# Two copies of one orders subquery with different filters in one statement. Worked by hand:
# a = orders on or after 2024-02-01 with a non-zero total = o3 (30), o4 (-10) -> 2;
# b = orders on or before 2024-03-31 = o1, o2, o3, o4 -> 4.
_ROWS = """insert into l values ('o1','2024-01-05',100,'c1'),('o2','2024-01-20',50,'c2'),
           ('o3','2024-02-03',30,'c1'),('o4','2024-03-10',-10,'c3')"""


def _orders(where: str) -> str:
    return f"""select * from (select oid, sum(amt) t from (
      select l.*, c.region from l left join (
        select * from (select cid, region, row_number() over (partition by cid order by ds desc) rn
                       from c) r where rn = 1
      ) c on c.cid = l.cid) x where {where} group by oid) o where t <> 0"""


_A = _orders("d >= date '2024-02-01'")
_B = _orders("d <= date '2024-03-31'")
QUERY = f"with a as ({_A}), b as ({_B}) select (select count(*) from a), (select count(*) from b)"


def _check(con):
    con.execute("create table l (oid varchar, d date, amt int, cid varchar)")
    con.execute(_ROWS)
    con.execute("create table c (cid varchar, region varchar, ds int)")
    assert con.execute(QUERY).fetchall() == [(2, 4)]


def test_plain_engine_connection_gives_right_rows():
    _check(connect_engine())


def test_locked_database_and_its_cursors_give_right_rows(tmp_path):
    con = open_database(tmp_path / "db.duckdb", tmp_path / "up")
    _check(con.cursor())
