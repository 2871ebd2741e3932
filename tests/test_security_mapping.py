"""Hand-edited mapping files (``--mapping``, the mappings folder) are checked against our own
lists when read: a table, column, parse option or extra role we do not know is refused with
one clear line naming the file, before any SQL is built."""

from __future__ import annotations

import json

import pytest

from ingest.errors import InputError
from ingest.mapping import Mapping

COLUMNS = {"order_id": "Order ID", "ordered_at": "Order Date", "customer_id": "Customer ID",
           "line_amount": "Line Total"}
BASE = {"table": "order_lines", "columns": COLUMNS, "headers": list(COLUMNS.values())}
HOSTILE = 'x"); drop table deals; --'


@pytest.mark.parametrize("change, message", [
    pytest.param({"table": "order_lines; drop table deals"}, "unknown table", id="table"),
    pytest.param({"columns": {**COLUMNS, HOSTILE: "Order ID"}}, "has no column", id="column"),
    pytest.param({"options": {HOSTILE: {"date_order": "DMY"}}}, "has no column",
                 id="option-for-unknown-column"),
    pytest.param({"options": {"ordered_at": {"sql": HOSTILE}}}, "unknown parse option 'sql'",
                 id="unknown-option"),
    pytest.param({"options": {"ordered_at": {"date_order": "DMY') or true; --"}}},
                 "date_order must be one of auto, DMY, MDY, YMD", id="date-order-value"),
    pytest.param({"options": {"line_amount": {"decimal_comma": "yes"}}},
                 "decimal_comma must be true, false or null", id="decimal-comma-value"),
    pytest.param({"options": {"ordered_at": {"excel_1904": 1}}}, "excel_1904 must be true or false",
                 id="excel-1904-value"),
    pytest.param({"extras": {HOSTILE: "Order ID"}}, "unknown extra role", id="unknown-role"),
    pytest.param({"extras": {"first_name": "Order ID"}}, "Orders / order lines has no extra role 'first_name'",
                 id="role-of-another-table"),
    pytest.param({"extras": {"stage_dates": {"Won": "Order ID"}}},
                 "Orders / order lines has no extra role 'stage_dates'", id="stage-dates-outside-deals"),
    pytest.param({"extras": {"address": {"a": "Order ID"}}}, "'address' must name one header",
                 id="role-not-a-header"),
    pytest.param({"confidence": {HOSTILE: 1.0}}, "has no column", id="confidence-key"),
])
def test_a_mapping_outside_our_lists_is_refused(tmp_path, change, message):
    path = tmp_path / "evil.json"
    path.write_text(json.dumps({**BASE, **change}), encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        Mapping.load(path)
    assert str(err.value).startswith("evil.json: ")
    assert "\n" not in str(err.value)


def test_deals_stage_dates_must_map_stage_names_to_headers():
    mapping = {"table": "deals", "columns": {"stage": "Stage"}, "extras": {"stage_dates": "Won"}}
    with pytest.raises(InputError, match="'stage_dates' must map stage names to headers"):
        Mapping.from_dict(mapping)


def test_every_option_and_role_we_write_is_accepted():
    # What guess_mapping and the Data page write must keep loading.
    mapping = Mapping.from_dict({
        "table": "customers", "columns": {"customer_id": "Id", "signup_date": "Since"},
        "confidence": {"customer_id": 1.0, "signup_date": 0.5},
        "options": {"signup_date": {"date_order": "DMY", "excel_1904": False},
                    "customer_id": {"decimal_comma": None}},
        "extras": {"address": "Street", "first_name": "First", "last_name": "Last"}})
    assert (mapping.options, mapping.extras) == (
        {"signup_date": {"date_order": "DMY", "excel_1904": False}, "customer_id": {"decimal_comma": None}},
        {"address": "Street", "first_name": "First", "last_name": "Last"})
    deals = Mapping.from_dict({"table": "deals", "columns": {"stage": "Stage"},
                               "extras": {"deal_status": "Status", "stage_dates": {"Won": "Won on"}},
                               "stage_order": ["Lead", HOSTILE]})
    assert deals.extras == {"deal_status": "Status", "stage_dates": {"Won": "Won on"}}
    assert deals.stage_order == ["Lead", HOSTILE]  # stage names are data: bound, never formatted


def test_the_command_reports_a_bad_option_as_an_input_error(tmp_path, monkeypatch, capsys):
    from metrics.__main__ import EXIT_INPUT, main

    monkeypatch.setenv("CRM_MAPPINGS_DIR", str(tmp_path / "mappings"))
    monkeypatch.setenv("CRM_UPLOAD_DIR", str(tmp_path / "uploads"))
    (tmp_path / "o.csv").write_text("Order ID,Order Date,Customer ID,Line Total\n1,2024-01-05,C1,10\n",
                                    encoding="utf-8")
    (tmp_path / "m.json").write_text(json.dumps(
        {**BASE, "options": {"ordered_at": {"date_order": "DMY') or 1=1; --"}}}), encoding="utf-8")
    code = main(["report", str(tmp_path / "o.csv"), "--out", str(tmp_path / "out"),
                 "--mapping", str(tmp_path / "m.json")])
    err = capsys.readouterr().err
    assert code == EXIT_INPUT
    assert err.startswith("error: m.json: ") and "date_order must be one of" in err
    assert err.count("\n") == 1
    assert not (tmp_path / "out" / "report.xlsx").exists()


def test_the_options_a_mapping_may_set_are_those_the_loader_reads():
    from ingest.mapping_checks import OPTION_CHECKS
    from ingest.transform import PARSE_OPTIONS

    assert sorted(OPTION_CHECKS) == sorted(PARSE_OPTIONS)
