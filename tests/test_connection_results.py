"""DuckDB 2.0 keeps a result open after fetchone(); register() and friends then refuse to run."""

from __future__ import annotations

import re

import duckdb
import openpyxl
import pyarrow as pa
import pytest
from conftest import ROOT

from ingest.load import database_is_empty, load_path
from ingest.store import init_db


def test_duckdb_refuses_register_after_fetchone():
    # The engine behaviour the rule below guards against, so the rule's reason stays checked.
    con = duckdb.connect()
    con.execute("select 1").fetchone()
    with pytest.raises(duckdb.Error, match="unfinished result"):
        con.register("v", pa.table({"a": [1]}))
    con.execute("select 1").fetchall()
    con.register("v", pa.table({"a": [1]}))  # fetchall() finishes the result
    con.close()


def test_a_workbook_loads_right_after_the_empty_database_check(tmp_path, con):
    # First start: database_is_empty(), then the sample workbook is staged with register().
    init_db(con)
    book = openpyxl.Workbook()
    book.active.append(["Campaign ID", "Campaign Name", "Spend"])
    book.active.append(["C1", "Spring", 120.5])
    book.save(tmp_path / "campaigns.xlsx")
    assert database_is_empty(con) is True
    [result] = load_path(con, tmp_path / "campaigns.xlsx", table="campaigns",
                         mappings_dir=tmp_path / "mappings")
    assert result.rows_loaded == 1
    assert con.execute("select campaign_id, campaign_name, cost_amount::varchar from campaigns"
                       ).fetchall() == [("C1", "Spring", "120.5000")]


@pytest.mark.parametrize("folder", ["ingest", "metrics", "ui", "pages", "charts"])
def test_no_fetchone_in_product_code(folder):
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in sorted((ROOT / folder).rglob("*.py"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\.fetchone\(", line)]
    assert found == [], "use fetchall()[0] (fetchone leaves the result open): " + ", ".join(found)
