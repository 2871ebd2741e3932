"""ingest.values: raw text -> canonical kinds, in SQL. Every expected value is worked out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from ingest.schema import SQL_TYPES
from ingest.values import guess_options, parse_sql


@pytest.fixture(scope="module")
def db():
    connection = duckdb.connect(":memory:")
    yield connection
    connection.close()


def parse(db, value, kind, **options):
    """Parse one raw value (bound as a parameter, never put in the SQL)."""
    sql = f'select {parse_sql(chr(34) + "raw" + chr(34), kind, **options)} from (select $v::varchar as "raw")'
    return db.execute(sql, {"v": value}).fetchall()[0][0]


AMOUNTS = [
    ("plain", "1234.5", Decimal("1234.5")),
    ("us thousands", "1,234.56", Decimal("1234.56")),
    ("eu thousands decimal comma", "1.234,56", Decimal("1234.56")),
    ("space thousands euro after", "1 234,00 €", Decimal("1234.00")),
    ("swiss apostrophe", "1'234.50", Decimal("1234.50")),
    ("dollar", "$1,234.00", Decimal("1234.00")),
    ("yen half width", "¥1,234", Decimal(1234)),
    ("yen full width", "￥1,234", Decimal(1234)),
    ("euro before", "€12", Decimal(12)),
    ("pound", "£3.5", Decimal("3.5")),
    ("code before", "USD 12", Decimal(12)),
    ("code after", "12 USD", Decimal(12)),
    ("cny code lower case", "12.30 cny", Decimal("12.30")),
    ("yuan character", "12元", Decimal(12)),
    ("parentheses negative", "(120.00)", Decimal("-120.00")),
    ("trailing minus", "120.00-", Decimal("-120.00")),
    ("minus before symbol", "-$5", Decimal(-5)),
    ("minus after symbol", "$-5", Decimal(-5)),
    ("unicode minus", "−7.25", Decimal("-7.25")),
    ("no-break spaces around", "\u00a0 45 \u00a0", Decimal(45)),
    ("thin space thousands", "1\u202f234", Decimal(1234)),
    ("lone comma two decimals", "12,50", Decimal("12.50")),
    ("lone comma three digits is thousands", "1,234", Decimal(1234)),
    ("several dots are thousands", "1.234.567", Decimal(1234567)),
    ("indian lakh grouping", "12,34,567.50", Decimal("1234567.50")),
    ("scientific from excel", "1.5E+06", Decimal(1500000)),
    ("leading dot", ".5", Decimal("0.5")),
    ("rounded to 4 places", "0.123456", Decimal("0.1235")),
]


@pytest.mark.parametrize("raw,expected", [(r, e) for _, r, e in AMOUNTS], ids=[i for i, _, _ in AMOUNTS])
def test_amount_parses(db, raw, expected):
    assert parse(db, raw, "amount") == expected


UNPARSEABLE_NUMBERS = [
    ("word", "abc"), ("empty", ""), ("spaces only", "   "), ("bad grouping", "1,2,3"),
    ("two numbers", "12 34"), ("unbalanced parenthesis", "(12"), ("unknown letters", "12 apples"),
    ("date", "2024-03-05"), ("percent is not money", "9.98%"), ("sql text", "1; drop table x"),
]


@pytest.mark.parametrize("raw", [r for _, r in UNPARSEABLE_NUMBERS], ids=[i for i, _ in UNPARSEABLE_NUMBERS])
def test_amount_unparseable_is_null(db, raw):
    assert parse(db, raw, "amount") is None


def test_null_stays_null(db):
    for kind in SQL_TYPES:
        assert parse(db, None, kind) is None


@pytest.mark.parametrize("raw,decimal_comma,expected", [
    ("1.234", True, Decimal(1234)),
    ("1.234", False, Decimal("1.234")),
    ("1,234", True, Decimal("1.234")),
    ("1,234", False, Decimal(1234)),
    ("12,5", False, None),          # a comma that cannot group thousands is refused, not guessed
    ("1.5", True, None),
    ("1.234.567,89", True, Decimal("1234567.89")),
], ids=["dot-thousands", "dot-decimal", "comma-decimal", "comma-thousands", "comma-refused",
        "dot-refused", "eu-full"])
def test_decimal_comma_option(db, raw, decimal_comma, expected):
    assert parse(db, raw, "amount", decimal_comma=decimal_comma) == expected


@pytest.mark.parametrize("raw,kind,expected", [
    ("9.98%", "number", 0.0998),
    ("9.98%", "percent", 0.0998),
    ("45", "percent", 0.45),
    ("0.45", "percent", 0.45),
    ("100.0", "percent", 1.0),
    ("1", "percent", 1.0),
    ("12,5 %", "percent", 0.125),
    ("-3", "number", -3.0),
    ("1,234", "integer", 1234),
    ("12.0", "integer", 12),
    ("(7)", "integer", -7),
    ("12.5", "integer", None),      # not a whole number: refused, never rounded
    ("5%", "integer", None),
], ids=["pct-number", "pct-percent", "bare-above-one", "fraction", "salesforce-100", "one-is-fraction",
        "pct-comma-space", "negative", "int-thousands", "int-dot-zero", "int-negative", "int-fraction",
        "int-percent"])
def test_number_percent_integer(db, raw, kind, expected):
    got = parse(db, raw, kind)
    assert got == (pytest.approx(expected) if isinstance(expected, float) else expected)


@pytest.mark.parametrize("raw,scale,expected", [
    ("1", True, 0.01), ("45", True, 0.45), ("45", False, 45.0), ("0.5", False, 0.5),
], ids=["one-percent", "scaled", "unscaled", "fraction"])
def test_percent_scale_option(db, raw, scale, expected):
    assert parse(db, raw, "percent", percent_scale=scale) == pytest.approx(expected)


@pytest.mark.parametrize("raw,expected", [
    ("true", True), ("FALSE", False), ("Yes", True), ("no", False), ("Y", True), ("n", False),
    ("1", True), ("0", False), ("是", True), ("否", False), (" true ", True),
    ("won", None), ("maybe", None), ("", None),
], ids=lambda v: repr(v))
def test_bool(db, raw, expected):
    assert parse(db, raw, "bool") == expected


@pytest.mark.parametrize("raw,expected", [
    ("  ACME Corp\u00a0", "ACME Corp"), ("\u3000王五 ", "王五"), ("a  b", "a  b"), ("  ", None), ("", None),
], ids=["nbsp", "ideographic", "inner-kept", "blank", "empty"])
def test_text_and_id_strip_only_the_edges(db, raw, expected):
    assert parse(db, raw, "text") == expected
    assert parse(db, raw, "id") == expected


TIMESTAMPS = [
    ("iso date", "2024-03-05", dt.datetime(2024, 3, 5)),
    ("iso with space time", "2024-03-05 08:26:07", dt.datetime(2024, 3, 5, 8, 26, 7)),
    ("salesforce T Z millis", "2006-06-15T20:47:07.000Z", dt.datetime(2006, 6, 15, 20, 47, 7)),
    ("offset dropped, wall time kept", "2024-03-05T10:00:00+08:00", dt.datetime(2024, 3, 5, 10, 0)),
    ("us with time", "12/1/2010 8:26", dt.datetime(2010, 12, 1, 8, 26)),
    ("us 12h pm", "2024-03-05 8:26 PM", dt.datetime(2024, 3, 5, 20, 26)),
    ("12 am is midnight", "3/5/2024 12:15 AM", dt.datetime(2024, 3, 5, 0, 15)),
    ("eu dots", "05.01.2024", dt.datetime(2024, 1, 5)),
    ("slash ambiguous reads us", "05/01/2024", dt.datetime(2024, 5, 1)),
    ("slash day above 12", "31/12/2024", dt.datetime(2024, 12, 31)),
    ("chinese", "2024年3月5日", dt.datetime(2024, 3, 5)),
    ("chinese with time", "2024年3月5日 14:30", dt.datetime(2024, 3, 5, 14, 30)),
    ("chinese afternoon", "2024/3/5 下午 2:30:00", dt.datetime(2024, 3, 5, 14, 30)),
    ("slashes year first", "2024/3/5", dt.datetime(2024, 3, 5)),
    ("compact", "20240305", dt.datetime(2024, 3, 5)),
    ("compact with time", "20240305143000", dt.datetime(2024, 3, 5, 14, 30)),
    ("epoch seconds", "1709600000", dt.datetime(2024, 3, 5, 0, 53, 20)),
    ("epoch milliseconds", "1709600000123", dt.datetime(2024, 3, 5, 0, 53, 20, 123000)),
    ("excel serial", "45000", dt.datetime(2023, 3, 15)),
    ("excel serial noon", "45000.5", dt.datetime(2023, 3, 15, 12, 0)),
    ("excel serial 8:26", "45000.35138888889", dt.datetime(2023, 3, 15, 8, 26)),
    ("excel serial 1", "1", dt.datetime(1900, 1, 1)),
    ("excel serial 59", "59", dt.datetime(1900, 2, 28)),
    ("excel serial 61 after phantom leap day", "61", dt.datetime(1900, 3, 1)),
    ("month name day first", "5 Mar 2024", dt.datetime(2024, 3, 5)),
    ("zoho desk", "13 May 2024 08:48 AM", dt.datetime(2024, 5, 13, 8, 48)),
    ("zoho desk pm", "03 May 2024 02:22 PM", dt.datetime(2024, 5, 3, 14, 22)),
    ("shopify offset without colon", "2026-10-31 22:19:22 +0800", dt.datetime(2026, 10, 31, 22, 19, 22)),
    ("month name first", "Mar 5, 2024", dt.datetime(2024, 3, 5)),
    ("long month with pm", "March 5, 2024 2:30 PM", dt.datetime(2024, 3, 5, 14, 30)),
    ("oracle style two digit year", "05-Mar-24", dt.datetime(2024, 3, 5)),
    ("rfc 2822", "Tue, 05 Mar 2024 10:00:00 GMT", dt.datetime(2024, 3, 5, 10, 0)),
    ("two digit year", "12/1/10", dt.datetime(2010, 12, 1)),
    ("stray spaces", "\u00a02024-03-05  08:26 ", dt.datetime(2024, 3, 5, 8, 26)),
    ("year-month is its first day", "2024-05", dt.datetime(2024, 5, 1)),
    ("month/year", "05/2024", dt.datetime(2024, 5, 1)),
    ("chinese year-month", "2024年5月", dt.datetime(2024, 5, 1)),
    ("month name and year", "May 2024", dt.datetime(2024, 5, 1)),
]


@pytest.mark.parametrize("raw,expected", [(r, e) for _, r, e in TIMESTAMPS], ids=[i for i, _, _ in TIMESTAMPS])
def test_timestamp_parses(db, raw, expected):
    assert parse(db, raw, "timestamp") == expected
    assert parse(db, raw, "date") == expected.date()


@pytest.mark.parametrize("raw", [
    "60", "2024", "2024-02-30", "13/13/2024", "8:26 PM", "abc", "2024-03-05 13:00 PM", "0", "2024-13",
    "infinity", "-Infinity", "epoch", "now", "today",
], ids=["phantom-1900-02-29", "bare-year", "feb-30", "no-month-13", "time-only", "word",
        "13-pm", "serial-zero", "year-month-13", "infinity-word", "minus-infinity-word",
        "epoch-word", "now-word", "today-word"])
def test_timestamp_unparseable_is_null(db, raw):
    assert parse(db, raw, "timestamp") is None


@pytest.mark.parametrize("raw,order,expected", [
    ("05/01/2024", "DMY", dt.date(2024, 1, 5)),
    ("05/01/2024", "MDY", dt.date(2024, 5, 1)),
    ("05.01.2024", "MDY", dt.date(2024, 5, 1)),
    ("24/03/05", "YMD", dt.date(2024, 3, 5)),
    ("2024-03-05", "DMY", dt.date(2024, 3, 5)),   # ISO stays ISO whatever the order
    ("31/12/2024", "MDY", None),
], ids=["dmy", "mdy", "mdy-dots", "ymd-short", "iso-under-dmy", "mdy-impossible"])
def test_date_order_option(db, raw, order, expected):
    assert parse(db, raw, "date", date_order=order) == expected


@pytest.mark.parametrize("raw,expected", [
    ("0", dt.date(1904, 1, 1)), ("1", dt.date(1904, 1, 2)), ("60", dt.date(1904, 3, 1)),
    ("45000", dt.date(2027, 3, 16)),
], ids=["zero", "one", "sixty-no-phantom", "45000"])
def test_excel_1904_serials(db, raw, expected):
    assert parse(db, raw, "date", excel_1904=True) == expected


def test_every_kind_yields_its_sql_type(db):
    for kind, sql_type in SQL_TYPES.items():
        got = db.execute(f"select typeof({parse_sql(chr(34) + 'raw' + chr(34), kind)}) "
                         "from (select '1'::varchar as \"raw\")").fetchall()[0][0]
        assert got.lower() == sql_type.replace(" ", "").lower(), kind


def test_quoted_identifier_with_quote_in_name(db):
    db.execute('create or replace temp table odd ("we""ird col" varchar)')
    db.execute("insert into odd values ('$1,000.50')")
    sql = parse_sql('"we""ird col"', "amount")
    assert db.execute(f"select {sql} from odd").fetchall() == [(Decimal("1000.50"),)]


def test_vectorised_over_a_column(db):
    rows = [("1,5",), ("2,25",), (None,), ("x",)]
    db.execute("create or replace temp table col (v varchar)")
    db.executemany("insert into col values (?)", rows)
    got = db.execute(f"select {parse_sql('v', 'number', decimal_comma=True)} from col").fetchall()
    assert got == [(1.5,), (2.25,), (None,), (None,)]


def test_rejects_unknown_kind_and_order():
    with pytest.raises(ValueError):
        parse_sql('"x"', "money")
    with pytest.raises(ValueError):
        parse_sql('"x"', "date", date_order="DM")


@pytest.mark.parametrize("values,kind,expected", [
    (["05/01/2024", "13/01/2024", None], "date", {"date_order": "DMY", "decimal_comma": False}),
    (["05/01/2024", "01/13/2024"], "timestamp", {"date_order": "MDY", "decimal_comma": False}),
    (["13/01/2024", "01/13/2024"], "date", {"date_order": "auto", "decimal_comma": False}),
    (["2024-01-05", "2024/3/5 10:00"], "date", {"date_order": "YMD", "decimal_comma": False}),
    (["05/01/2024", "06/02/2024"], "date", {"date_order": "auto", "decimal_comma": False}),
    (["1.234,56", "7,5", "12"], "amount", {"date_order": "auto", "decimal_comma": True}),
    (["1,234.56", "7.5"], "amount", {"date_order": "auto", "decimal_comma": False}),
    (["1,234", "5,678"], "amount", {"date_order": "auto", "decimal_comma": False}),
    (["1.234.567", "12"], "number", {"date_order": "auto", "decimal_comma": True}),
    (["€ 3,99", "$4.50", "2,10"], "amount", {"date_order": "auto", "decimal_comma": True}),
    (["0.1", "0.25"], "percent", {"date_order": "auto", "decimal_comma": False, "percent_scale": False}),
    (["10", "0.5", "25%"], "percent", {"date_order": "auto", "decimal_comma": False, "percent_scale": True}),
    ([], "text", {"date_order": "auto", "decimal_comma": False}),
], ids=["dmy", "mdy", "contradiction", "ymd", "ambiguous", "comma", "dot", "only-ambiguous",
        "dots-thousands", "mixed-currency", "fractions", "percent-points", "empty"])
def test_guess_options(values, kind, expected):
    assert guess_options(values, kind) == expected


def test_guessed_options_parse_the_sample(db):
    sample = ["31.12.2024", "05.01.2024"]
    options = guess_options(sample, "date")
    got = [parse(db, v, "date", **options) for v in sample]
    assert got == [dt.date(2024, 12, 31), dt.date(2024, 1, 5)]


@pytest.mark.parametrize("kind,raw", [
    ("amount", "1234.5"), ("amount", "-0012"), ("amount", "1.234"), ("number", "45"), ("percent", "45"),
    ("percent", "0.5"), ("integer", "12.0"), ("integer", "-7"), ("integer", "3.5"),
    ("timestamp", "2024-03-05T08:26:07"), ("timestamp", "2024-3-5 8:26"), ("date", "2024-02-30"),
], ids=lambda v: str(v))
def test_plain_fast_path_agrees_with_the_general_parser(db, kind, raw):
    # Surrounding spaces send the same text through the general parser.
    assert parse(db, raw, kind) == parse(db, f" {raw} ", kind)


def _money_strings() -> list[str]:
    """Every string of up to 3 characters over digits, separators, signs, currency marks and
    whitespace, plus 30,000 seeded random ones of 4-8 characters."""
    import itertools
    import random

    alphabet = list("0123456789.,-+e_ ()$%€E\t\u00a0")
    found = {"".join(t) for n in (1, 2, 3) for t in itertools.product(alphabet, repeat=n)}
    rng = random.Random(7)
    found |= {"".join(rng.choice(alphabet) for _ in range(rng.randint(4, 8))) for _ in range(30000)}
    return sorted(found)


def test_money_fast_path_reads_what_the_general_parser_reads(db):
    # The oracle is the general parser alone: the plain-number fast path must never differ.
    import pyarrow as pa

    from ingest.values import _number_sql

    db.register("strings", pa.table({"x": _money_strings()}))
    differing = db.execute(
        f"select x, {_number_sql('x', 'amount', None, None, fast_path=False)} as general, "
        f"{parse_sql('x', 'amount')} as fast from strings "
        "where general is distinct from fast").fetchall()
    assert differing == []



def _date_strings() -> list[str]:
    """Plain ISO dates and times, near misses, other formats and 20,000 seeded random strings
    over the characters dates are written with."""
    import random

    rng = random.Random(11)
    alphabet = list("0123456789-:/. T") + ["Z", "+", "年", "月", "日", "\u00a0"]
    found = {"".join(rng.choice(alphabet) for _ in range(rng.randint(6, 20))) for _ in range(20000)}
    found |= {f"{y}-{m}-{d}{t}" for y in ("2024", "1999", "0001") for m in ("1", "02", "13")
              for d in ("5", "29", "30", "31") for t in ("", " 8:26", "T08:26:07", " 23:59:59.123456")}
    found |= {"2024-03-05", "2024-3-5 8:26", "infinity", "epoch", "2024-03-05 25:00", "12/1/2010",
              "2024年3月5日", "2024-03-05T08:26:07Z", " 2024-03-05", "2024-03-05 "}
    return sorted(found)


@pytest.mark.parametrize("kind", ["amount", "number", "integer", "percent", "timestamp", "date"])
def test_plain_reading_is_the_general_reading_or_nothing(db, kind):
    # The oracle is parse_sql: where the text is plain the first pass must read the same value,
    # anywhere else it must leave NULL for the second pass.
    import pyarrow as pa

    from ingest.values import is_plain, plain_sql

    strings = _date_strings() if kind in ("timestamp", "date") else _money_strings()
    db.register("strings", pa.table({"x": strings}))
    rows = db.execute(f"select x, {plain_sql('x', kind)} as plain, {parse_sql('x', kind)} as general, "
                      f"plain is not distinct from general as same from strings").fetchall()
    wrong = [(x, plain, general) for x, plain, general, same in rows
             if (is_plain(x, kind) and not same) or (not is_plain(x, kind) and plain is not None)]
    assert wrong == []
    assert sum(is_plain(x, kind) for x, *_ in rows) > 100  # the test sees plain text at all
