"""Dates and times written every way exports write them, parsed in vectorised DuckDB SQL.

Accepted (one column may mix them): ISO ``2024-03-05``, ``2024-03-05 08:26[:07[.000]]``,
with ``T`` and a zone (``Z``, ``+08:00``: dropped, the time is kept as written), ``2024/3/5``,
``2024年3月5日``, day/month/year with ``/``, ``.`` or ``-`` (which of day and month comes
first is the ``date_order`` option), 12-hour times (``8:26 PM``, ``下午 2:30``), compact
``20240305``, epoch seconds (9-10 digits) and milliseconds (12-13 digits), Excel serial
day numbers (1900 system with its phantom 1900-02-29, or 1904), English month names, and a
month alone (``2024-05``, ``05/2024``, ``2024年5月``, ``May 2024``) as its first day.
A bare 4-digit number is a year, not a date: it yields NULL rather than a guess.
"""

from __future__ import annotations

import re

from ingest.sqltext import WS_CHARS, WS_CLASS, let, lit

DATE_ORDERS = ("auto", "DMY", "MDY", "YMD")

# Numeric date with optional time; groups named in _DT_NAMES.
_DT_RE = (r"^([0-9]{1,4})([-/.])([0-9]{1,2})[-/.]([0-9]{1,4})"
          r"(?: (?:(AM|PM) ?)?([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
          r"(?: ?(AM|PM))?)?$")
_DT_NAMES = ["a", "sep", "b", "c", "p1", "hh", "mi", "ss", "fr", "p2"]
_COMPACT_RE = r"^([0-9]{4})([0-9]{2})([0-9]{2})(?:([0-9]{2})([0-9]{2})([0-9]{2}))?$"
_YM_RE = r"^(?:([0-9]{4})[-/.]([0-9]{1,2})-?|([0-9]{1,2})[-/.]([0-9]{4}))$"
_ISO_RE = r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?)?"
_ZONE_RE = r"([0-9]:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?) ?(?:Z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)$"
_MONTH_DAYS = ["%d-%b-%y", "%d %b %y", "%d %b %Y", "%d-%b-%Y", "%d %B %Y", "%b %d, %Y",
               "%B %d, %Y", "%b %d %Y"]  # two-digit years first: %Y would read '24' as year 24
_TIMES = ["", " %H:%M", " %H:%M:%S", " %I:%M %p", " %I:%M:%S %p"]
_MONTH_NAME_FORMATS = [d + t for d in _MONTH_DAYS for t in _TIMES] + [
    "%a, %d %b %Y %H:%M:%S", "%a %b %d %H:%M:%S %Y", "%b %Y", "%B %Y", "%b-%Y"]
# Chinese date words to the separators the numeric pattern reads.
_CJK = [("年", "-"), ("月", "-"), ("日", " "), ("号", " "), ("上午", " AM "), ("下午", " PM ")]


def _normalized(expr: str) -> str:
    """Upper-case text with CJK date words replaced, whitespace collapsed, 'T' and zone dropped."""
    x = expr
    for word, repl in _CJK:
        x = f"replace({x}, {lit(word)}, {lit(repl)})"
    # Only text with non-ASCII characters (more bytes than characters) can hold CJK words.
    x = f"(case when strlen({expr}) <> length({expr}) then {x} else {expr} end)"
    x = f"upper(trim(regexp_replace({x}, {lit(WS_CLASS + '+')}, ' ', 'g')))"
    x = f"regexp_replace({x}, '([0-9])T([0-9])', '\\1 \\2')"
    return f"regexp_replace({x}, {lit(_ZONE_RE)}, '\\1')"


def _year(sql: str) -> str:
    # Two-digit years pivot at 70: 69 -> 2069, 70 -> 1970 (as most spreadsheets do).
    return f"(case when {sql} < 100 then {sql} + (case when {sql} < 70 then 2000 else 1900 end) else {sql} end)"


def _numeric_sql(date_order: str) -> str:
    """Timestamp from the numeric pattern bound to ``m`` (NULL when impossible)."""
    a, b, c = ("try_cast(struct_extract(m, 'a') as int)", "try_cast(struct_extract(m, 'b') as int)",
               "try_cast(struct_extract(m, 'c') as int)")
    la, lc = "length(struct_extract(m, 'a'))", "length(struct_extract(m, 'c'))"
    if date_order == "DMY":
        day_first = "true"
    elif date_order == "MDY":
        day_first = "false"
    else:
        # Unambiguous when a part exceeds 12; otherwise '/' is read US-style, '.' and '-' European.
        day_first = (f"(case when {a} > 12 then true when {b} > 12 then false "
                     f"when struct_extract(m, 'sep') = '/' then false else true end)")
    year_last = f"({la} <= 2 and {lc} in (2, 4))"
    if date_order == "YMD":
        # Short year first (24/03/05) only under YMD; a 4-digit last part is still day-month-year.
        short_ymd = f"({la} = 2 and {lc} = 2)"
        y = (f"case when {la} = 4 and {lc} <= 2 then {a} when {short_ymd} then {_year(a)} "
             f"when {year_last} then {_year(c)} end")
        mo = (f"case when {la} = 4 and {lc} <= 2 or {short_ymd} then {b} "
              f"when {year_last} then (case when {day_first} then {b} else {a} end) end")
        d = (f"case when {la} = 4 and {lc} <= 2 or {short_ymd} then {c} "
             f"when {year_last} then (case when {day_first} then {a} else {b} end) end")
    else:
        y = f"case when {la} = 4 and {lc} <= 2 then {a} when {year_last} then {_year(c)} end"
        mo = (f"case when {la} = 4 and {lc} <= 2 then {b} "
              f"when {year_last} then (case when {day_first} then {b} else {a} end) end")
        d = (f"case when {la} = 4 and {lc} <= 2 then {c} "
             f"when {year_last} then (case when {day_first} then {a} else {b} end) end")
    hh = "coalesce(try_cast(struct_extract(m, 'hh') as int), 0)"
    ampm = "coalesce(nullif(struct_extract(m, 'p1'), ''), nullif(struct_extract(m, 'p2'), ''))"
    hour = (f"case when {ampm} is null then {hh} when {hh} < 1 or {hh} > 12 then null "
            f"when {ampm} = 'AM' then {hh} % 12 else {hh} % 12 + 12 end")
    minute = "coalesce(try_cast(struct_extract(m, 'mi') as int), 0)"
    second = ("coalesce(try_cast(struct_extract(m, 'ss') as double), 0) + "
              "coalesce(try_cast('0.' || struct_extract(m, 'fr') as double), 0)")
    return f"try(make_timestamp({y}, {mo}, {d}, {hour}, {minute}, {second}))"


def _serial_sql(excel_1904: bool) -> str:
    """Timestamp from an Excel serial day number bound to ``v`` (a double)."""
    secs = "to_seconds(round(v * 86400))"
    if excel_1904:
        return f"case when v >= 0 then timestamp '1904-01-01' + {secs} end"
    # 1900 system: Excel counts a 1900-02-29 that never was (serial 60); later serials shift by one.
    return (f"case when v >= 61 then timestamp '1899-12-30' + {secs} when v >= 60 then null "
            f"when v >= 1 then timestamp '1899-12-31' + {secs} end")


def timestamp_sql(expr: str, *, date_order: str = "auto", excel_1904: bool = False) -> str:
    """SQL TIMESTAMP from VARCHAR SQL ``expr``; NULL where no accepted form matches."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}, not {date_order!r}")
    numeric = let(f"regexp_extract(s, {lit(_DT_RE)}, {_names(_DT_NAMES)})", "m",
                  _numeric_sql(date_order))
    compact = let(f"regexp_extract(s, {lit(_COMPACT_RE)}, {_names(['y', 'mo', 'd', 'h', 'mi', 'se'])})",
                  "k",
                  "case when try_cast(struct_extract(k, 'y') as int) between 1900 and 2100 then "
                  "try(make_timestamp(try_cast(struct_extract(k, 'y') as int), "
                  "try_cast(struct_extract(k, 'mo') as int), try_cast(struct_extract(k, 'd') as int), "
                  "coalesce(try_cast(struct_extract(k, 'h') as int), 0), "
                  "coalesce(try_cast(struct_extract(k, 'mi') as int), 0), "
                  "coalesce(try_cast(struct_extract(k, 'se') as double), 0))) end")
    serial = let("try_cast(s as double)", "v", _serial_sql(excel_1904))
    months = f"try_strptime(s, [{', '.join(lit(f) for f in _MONTH_NAME_FORMATS)}])"
    # A month alone ('2024-05', '05/2024', '2024年5月') means its first day.
    year_month = let(f"regexp_extract(s, {lit(_YM_RE)}, ['y1', 'm1', 'm2', 'y2'])", "k",
                     "try(make_timestamp(try_cast(struct_extract(k, 'y1') || struct_extract(k, 'y2') as int), "
                     "try_cast(struct_extract(k, 'm1') || struct_extract(k, 'm2') as int), 1, 0, 0, 0))")
    body = (
        "case "
        f"when regexp_full_match(s, {lit(_YM_RE[1:-1])}) then {year_month} "
        f"when regexp_matches(s, '^[0-9]{{1,4}}[-/.][0-9]') then {numeric} "
        f"when regexp_full_match(s, '[0-9]{{8}}|[0-9]{{14}}') then {compact} "
        "when regexp_full_match(s, '[0-9]{9,10}(?:\\.[0-9]+)?') "
        "then epoch_ms(cast(round(try_cast(s as double) * 1000) as bigint)) "
        "when regexp_full_match(s, '[0-9]{12,13}') then epoch_ms(try_cast(s as bigint)) "
        "when regexp_full_match(s, '[0-9]{1,5}(?:\\.[0-9]+)?') "
        f"and not regexp_full_match(s, '[0-9]{{4}}') then {serial} "
        # DuckDB's strptime reads the words 'infinity' and 'epoch' under any format: want a digit.
        f"when regexp_matches(s, '[A-Z]{{3}}') and regexp_matches(s, '[0-9]') then {months} "
        "end")
    general = let(_normalized(expr), "s", body)
    # Plain ISO text (most exports) is cast directly; DuckDB reads it as we would.
    return (f"cast(case when regexp_full_match({expr}, {lit(_ISO_RE)}) "
            f"then try_cast({expr} as timestamp) else {general} end as timestamp)")


# Text the plain-ISO branch of ``timestamp_sql`` reads (Python ``re``, same meaning as RE2 here).
PLAIN_ISO = re.compile(_ISO_RE)


def plain_timestamp_sql(expr: str) -> str:
    """``timestamp_sql``'s value where ``expr`` is plain ISO text (``PLAIN_ISO``), else NULL:
    a small expression for a load's first pass (see ``ingest.plainpass``)."""
    return (f"cast(case when regexp_full_match({expr}, {lit(_ISO_RE)}) "
            f"then try_cast({expr} as timestamp) end as timestamp)")


def date_sql(expr: str, *, date_order: str = "auto", excel_1904: bool = False) -> str:
    """SQL DATE from VARCHAR SQL ``expr``: the day of ``timestamp_sql``."""
    return f"cast({timestamp_sql(expr, date_order=date_order, excel_1904=excel_1904)} as date)"


def _names(names: list[str]) -> str:
    return "[" + ", ".join(lit(n) for n in names) + "]"


# --- Python side: evidence for guess_options ------------------------------------------------

_PY_DT = re.compile(r"^([0-9]{1,4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,4})(?:\s|$)")


def _py_normalized(value: str) -> str:
    for word, repl in _CJK:
        value = value.replace(word, repl)
    return " ".join(value.strip(WS_CHARS).split()).upper()


def guess_date_order(values) -> str:
    """'DMY' / 'MDY' when some value proves it, 'YMD' when every dated value is year-first,
    'auto' when the sample cannot tell (or contradicts itself)."""
    day_first = month_first = year_first = other = 0
    for raw in values:
        if raw is None:
            continue
        match = _PY_DT.match(_py_normalized(str(raw)))
        if not match:
            continue
        a, b, c = match.groups()
        if len(a) == 4:
            year_first += 1
        elif len(c) in (2, 4) and int(a) > 12 and int(a) <= 31 and int(b) <= 12:
            day_first += 1
        elif len(c) in (2, 4) and int(b) > 12 and int(b) <= 31 and int(a) <= 12:
            month_first += 1
        else:
            other += 1
    if day_first and not month_first:
        return "DMY"
    if month_first and not day_first:
        return "MDY"
    if year_first and not (day_first or month_first or other):
        return "YMD"
    return "auto"
