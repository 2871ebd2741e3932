"""Value shapes the mapper reads from a preview (ingest.shapes)."""

from __future__ import annotations

import pytest

from ingest import shapes


@pytest.mark.parametrize("text", [
    "2024-05-03", "2024-05-03 14:22:11 +0800", "2024-05-03T14:22:11.000Z", "2025/3/5 14:22:01",
    "5/10/2024 12:02 PM", "02.05.2024", "03 May 2024 02:22 PM", "Jan 31, 2024",
    "2024年1月5日", "20240131",
], ids=str)
def test_dates(text):
    assert shapes.is_date(text)


@pytest.mark.parametrize("text", ["45292", "CB-301", "12.5", "2024-13", "hello"], ids=str)
def test_not_dates(text):
    assert not shapes.is_date(text)


@pytest.mark.parametrize("text, number, integer", [
    pytest.param("$12,500.00", True, True, id="dollars"),
    pytest.param("(3.50)", True, False, id="accounting-negative"),
    pytest.param("¥1,299", True, True, id="yuan"),
    pytest.param("1.234,56", True, False, id="decimal-comma"),
    pytest.param("9.98%", True, False, id="percent"),
    pytest.param("-4", True, True, id="negative"),
    pytest.param("12 apples", False, False, id="text"),
    pytest.param("$", False, False, id="symbol-only"),
])
def test_numbers(text, number, integer):
    assert (shapes.is_number(text), shapes.is_integer(text)) == (number, integer)


@pytest.mark.parametrize("values, shape, share", [
    pytest.param(["a@b.co", "c@d.org", "", None, "nope"], "email", 2 / 3, id="email-blanks-ignored"),
    pytest.param(["true", "false", "是", "否"], "bool", 1.0, id="bools"),
    pytest.param(["Prospecting", "closedwon", "Pilot", "赢单"], "stage", 0.75, id="stages"),
    pytest.param(["45292", "45293"], "date", 1.0, id="excel-days-fit-a-date-header"),
    pytest.param(["45292", "45293"], "strict_date", 0.0, id="excel-days-alone-are-not-dates"),
    pytest.param(["anything", "at all"], "text", 1.0, id="text-always-fits"),
    pytest.param(["only one"], "date", None, id="too-few"),
])
def test_fit(values, shape, share):
    assert shapes.fit(values, shape) == share
