"""Saved report-builder reports: stored by name in the database, names as bound parameters."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest

from ingest.errors import InputError
from metrics.builder import ReportSpec
from metrics.saved_reports import (
    SAVED_REPORT_COLUMNS,
    clean_name,
    delete_report,
    init_saved_reports,
    save_report,
    saved_reports,
)

T1, T2, T3 = datetime(2024, 5, 1, 9), datetime(2024, 5, 2, 9), datetime(2024, 5, 3, 9)
BY_REGION = ReportSpec("customers", "region", "month", "bar", 5)
PIE = ReportSpec("net_revenue", "channel", "none", "pie", 10)


def test_init_is_idempotent(con):
    init_saved_reports(con)
    init_saved_reports(con)
    assert saved_reports(con).empty
    assert list(saved_reports(con).columns) == SAVED_REPORT_COLUMNS


def test_save_list_replace_delete(con):
    assert save_report(con, "Customers by region", BY_REGION, "ann", now=T1) == 1
    assert save_report(con, "Channels", PIE, "bob", now=T2) == 2
    # The same name again replaces the spec; id, author and time stay.
    assert save_report(con, "Customers by region", PIE, "bob", now=T3) == 1
    expected = pd.DataFrame({
        "report_id": [1, 2], "name": ["Customers by region", "Channels"],
        "spec_json": [PIE.to_json(), PIE.to_json()], "created_by": ["ann", "bob"],
        "created_at": [pd.Timestamp(T1), pd.Timestamp(T2)]})
    pd.testing.assert_frame_equal(saved_reports(con), expected, check_dtype=False)
    delete_report(con, 1)
    assert saved_reports(con)["name"].tolist() == ["Channels"]
    delete_report(con, 99)  # nothing to delete: no error
    # Ids are never reused while a higher one exists.
    assert save_report(con, "Third", BY_REGION, "ann", now=T3) == 3


def test_hostile_name_is_stored_verbatim(con):
    name = "x'); drop table saved_reports; -- **bold** <b>"
    save_report(con, name, BY_REGION, "ann", now=T1)
    assert saved_reports(con)["name"].tolist() == [name]
    assert ReportSpec.from_json(saved_reports(con)["spec_json"].iloc[0]) == BY_REGION


@pytest.mark.parametrize("raw, cleaned", [
    pytest.param("  Monthly   revenue ", "Monthly revenue", id="spaces-collapsed"),
    pytest.param("a\tb\nc\x00d", "a b c d", id="control-characters"),
    pytest.param("客户 分析", "客户 分析", id="chinese"),
    pytest.param("x" * 80, "x" * 80, id="longest"),
])
def test_clean_name(raw, cleaned):
    assert clean_name(raw) == cleaned


@pytest.mark.parametrize("raw", [
    pytest.param("", id="empty"), pytest.param(" \t ", id="blank"), pytest.param(None, id="none"),
    pytest.param("x" * 81, id="too-long"),
])
def test_unusable_names(con, raw):
    with pytest.raises(InputError):
        save_report(con, raw, BY_REGION, "ann")
    assert saved_reports(con).empty
