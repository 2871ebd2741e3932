"""Raw text values to canonical kinds, as vectorised DuckDB SQL (no Python per row).

``parse_sql`` builds one SQL expression per column; it yields NULL wherever a value cannot
be read as the kind, so validation can count and show those rows. Only our own constants
ever go into the SQL text; the value arrives through ``expr``, an identifier the caller quoted.

Numbers accept thousands separators (``1,234.50``, ``1.234,56``, ``1 234,00``, ``1'234.50``),
currency symbols and codes before or after (``$``, ``¥``, ``￥``, ``€``, ``£``, ``USD 12``,
``12 CNY``, ``12元``), percents (``9.98%`` -> 0.0998), and negatives written ``-12``,
``(120.00)`` or ``120.00-``. Dates: see ``ingest.dates``.
"""

from __future__ import annotations

import re

from ingest.dates import (
    DATE_ORDERS,
    PLAIN_ISO,
    date_sql,
    guess_date_order,
    plain_timestamp_sql,
    timestamp_sql,
)
from ingest.schema import SQL_TYPES
from ingest.sqltext import WS_CHARS, WS_CLASS, let, lit

_CURRENCY = (r"US\$|HK\$|NT\$|AU\$|CA\$|NZ\$|MX\$|A\$|C\$|S\$|R\$|CN¥|CN￥|RMB|USD|EUR|GBP|CNY|"
             r"JPY|HKD|TWD|SGD|AUD|CAD|CHF|INR|KRW|RUB|BRL|MXN|SEK|NOK|DKK|PLN|NZD|ZAR|CZK|HUF|"
             r"TRY|THB|MYR|IDR|PHP|VND|AED|SAR|ILS|人民币|美元|欧元|日元|港元|港币|"
             r"[$€£¥￥₹₩₽₺₫₱฿元円]")
_BODY = r"[0-9](?:[0-9.,'’ ]*[0-9])?|[.,][0-9]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)E[+-]?[0-9]+"
# Whole value: optional parentheses, signs and currency around one number body.
_NUMBER_RE = (rf"^(\()? ?([-+−])? ?(?:{_CURRENCY})? ?([-+−])? ?({_BODY}) ?(?:{_CURRENCY})?"
              rf" ?([-−])? ?(%)? ?(\))?$")
_NUMBER_NAMES = ["open", "s1", "s2", "body", "s3", "pct", "close"]
# A body read with '.' as the decimal mark: plain, grouped by 3 (',' ' ' "'" '’'), Indian lakh
# grouping, or scientific.
_DOT_OK = (r"[0-9]{1,3}(?:[,' ’][0-9]{3})+(?:\.[0-9]*)?|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}(?:\.[0-9]*)?"
           r"|[0-9]+(?:\.[0-9]*)?|\.[0-9]+|(?:[0-9]+\.?[0-9]*|\.[0-9]+)E[+-]?[0-9]+")
_COMMA_OK = r"[0-9]{1,3}(?:[.' ’][0-9]{3})+(?:,[0-9]*)?|[0-9]+(?:,[0-9]*)?|,[0-9]+"
_COMMA_GROUPED = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?|[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}"

# Text the fast path of ``_number_sql`` reads without the general parser.
_PLAIN_NUMBER = r"-?[0-9]+(?:\.[0-9]+)?"

_TRUE = ("true", "t", "yes", "y", "1", "on", "是")
_FALSE = ("false", "f", "no", "n", "0", "off", "否")


def _clean(expr: str) -> str:
    """Whitespace runs (incl. no-break and ideographic spaces) to one space, trimmed, '' -> NULL."""
    return f"nullif(trim(regexp_replace({expr}, {lit(WS_CLASS + '+')}, ' ', 'g')), '')"


def _strip(expr: str) -> str:
    """Only surrounding whitespace removed (inner text kept as is), '' -> NULL."""
    edges = f"^{WS_CLASS}+|{WS_CLASS}+$"
    return f"nullif(regexp_replace({expr}, {lit(edges)}, '', 'g'), '')"


def _number_string_sql(decimal_comma: bool | None) -> str:
    """Plain '1234.5' text (no sign) from the number body bound to ``b``; NULL when malformed."""
    dot = f"case when regexp_full_match(b, {lit(_DOT_OK)}) then regexp_replace(b, '[,'' ’]', '', 'g') end"
    comma = (f"case when regexp_full_match(b, {lit(_COMMA_OK)}) "
             f"then replace(regexp_replace(b, '[.'' ’]', '', 'g'), ',', '.') end")
    if decimal_comma is True:
        return comma
    if decimal_comma is False:
        return dot
    # Per value: the last of ',' and '.' is the decimal mark; a lone ',' groups thousands only
    # when every group has 3 digits; several '.' are thousands.
    use_comma = (
        "case when contains(b, ',') and contains(b, '.') "
        "then instr(reverse(b), ',') < instr(reverse(b), '.') "
        f"when contains(b, ',') then not regexp_full_match(b, {lit(_COMMA_GROUPED)}) "
        "when contains(b, '.') then regexp_full_match(b, '[0-9]{1,3}(?:\\.[0-9]{3}){2,}') "
        "else false end")
    return f"case when {use_comma} then {comma} else {dot} end"


def _number_sql(expr: str, kind: str, decimal_comma: bool | None, percent_scale: bool | None,
                fast_path: bool = True) -> str:
    negative = ("(struct_extract(m, 's1') in ('-', '−') or struct_extract(m, 's2') in ('-', '−') "
                "or struct_extract(m, 's3') <> '' or struct_extract(m, 'open') <> '')")
    balanced = "(struct_extract(m, 'open') = '') = (struct_extract(m, 'close') = '')"
    has_pct = "struct_extract(m, 'pct') <> ''"
    text = let("nullif(struct_extract(m, 'body'), '')", "b", _number_string_sql(decimal_comma))
    if kind == "amount":
        value = f"try_cast({text} as {SQL_TYPES['amount']})"
        result = f"case when {has_pct} then null when {negative} then -({value}) else {value} end"
    elif kind == "integer":
        whole = let(text, "n", "case when regexp_full_match(n, '[0-9]+(?:\\.0*)?') "
                               "then try_cast(split_part(n, '.', 1) as bigint) end")
        result = f"case when {has_pct} then null when {negative} then -({whole}) else {whole} end"
    else:
        value = f"try_cast({text} as double)"
        signed = f"(case when {negative} then -({value}) else {value} end)"
        if kind == "percent" and percent_scale is None:
            # A bare number above 1 is a percent (45 -> 0.45); 0.45 is already a fraction.
            bare = f"(case when abs({signed}) > 1 then {signed} / 100 else {signed} end)"
        elif kind == "percent" and percent_scale:
            bare = f"({signed} / 100)"
        else:
            bare = signed
        result = f"case when {has_pct} then {signed} / 100 else {bare} end"
    parsed = let(f"regexp_extract(upper({_clean(expr)}), {lit(_NUMBER_RE)}, "
                 f"[{', '.join(lit(n) for n in _NUMBER_NAMES)}])", "m",
                 f"case when struct_extract(m, 'body') <> '' and {balanced} then {result} end")
    fast = _plain_number_sql(expr, kind, decimal_comma, percent_scale) if fast_path else None
    if fast is None:
        return f"cast({parsed} as {SQL_TYPES[kind]})"
    # Plain '-1234.5' (most exports, every Excel number) skips the general parser. This regex
    # guard measured cheaper than string tests or coalesce(cast, general parser) on DuckDB 2.0.
    return (f"cast(case when regexp_full_match({expr}, {lit(_PLAIN_NUMBER)}) then {fast} "
            f"else {parsed} end as {SQL_TYPES[kind]})")


def _plain_number_sql(expr: str, kind: str, decimal_comma: bool | None,
                      percent_scale: bool | None) -> str | None:
    """The value of ``expr`` known to be plain '-1234.5' text, or None when that text would
    mean something else under these options (with a decimal comma, '1.234' is 1234)."""
    if decimal_comma is True:
        return None
    if kind == "amount":
        return f"try_cast({expr} as {SQL_TYPES['amount']})"
    if kind == "integer":
        return (f"case when not contains({expr}, '.') then try_cast({expr} as bigint) "
                f"when regexp_full_match({expr}, '-?[0-9]+\\.0*') "
                f"then try_cast(split_part({expr}, '.', 1) as bigint) end")
    value = f"try_cast({expr} as double)"
    if kind == "percent" and percent_scale is None:
        return f"(case when abs({value}) > 1 then {value} / 100 else {value} end)"
    if kind == "percent" and percent_scale:
        return f"({value} / 100)"
    return value


def _bool_sql(expr: str) -> str:
    words = let(f"lower({_clean(expr)})", "w",
                f"case when w in ({', '.join(lit(t) for t in _TRUE)}) then true "
                f"when w in ({', '.join(lit(f) for f in _FALSE)}) then false end")
    return f"cast({words} as boolean)"


def parse_sql(expr: str, kind: str, *, date_order: str = "auto", decimal_comma: bool | None = None,
              excel_1904: bool = False, percent_scale: bool | None = None,
              trimmed: bool = False) -> str:
    """SQL expression converting VARCHAR SQL expression ``expr`` (already a quoted identifier)
    into canonical kind ``kind`` (a key of ``ingest.schema.SQL_TYPES``), typed as that kind
    and NULL where the value cannot be parsed.

    ``date_order``: 'DMY' | 'MDY' | 'YMD' | 'auto' for dates like 05/01/2024.
    ``decimal_comma``: True reads '1.234,56', False reads '1,234.56', None decides per value.
    ``excel_1904``: serial day numbers count from 1904-01-01 (Mac workbooks).
    ``percent_scale`` (kind percent): True: bare numbers are percents (45 -> 0.45, 1 -> 0.01);
    False: bare numbers are fractions; None: a bare number above 1 is a percent.
    ``trimmed``: ``expr`` never has whitespace at its edges and is never '' (staging proved
    it), so ids and text are taken as they are.
    """
    if kind not in SQL_TYPES:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(SQL_TYPES)}")
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}, not {date_order!r}")
    if kind in ("id", "text"):
        return expr if trimmed else _strip(expr)
    if kind == "timestamp":
        return timestamp_sql(expr, date_order=date_order, excel_1904=bool(excel_1904))
    if kind == "date":
        return date_sql(expr, date_order=date_order, excel_1904=bool(excel_1904))
    if kind == "bool":
        return _bool_sql(expr)
    return _number_sql(expr, kind, decimal_comma, percent_scale)


def plain_sql(expr: str, kind: str, *, date_order: str = "auto", decimal_comma: bool | None = None,
              excel_1904: bool = False, percent_scale: bool | None = None,
              trimmed: bool = False) -> str | None:
    """``parse_sql``'s value of ``expr`` where the text is plain (see ``is_plain``), else NULL;
    None when ``kind`` under these options has no such shortcut. Its SQL is a small part of
    ``parse_sql``'s: binding the general parsers' many regexes is what it spares."""
    del date_order, excel_1904, trimmed  # plain text means the same under every choice of these
    if kind in ("timestamp", "date"):
        plain = plain_timestamp_sql(expr)
        return plain if kind == "timestamp" else f"cast({plain} as date)"
    if kind not in ("amount", "number", "integer", "percent"):
        return None
    fast = _plain_number_sql(expr, kind, decimal_comma, percent_scale)
    if fast is None:
        return None
    return (f"cast(case when regexp_full_match({expr}, {lit(_PLAIN_NUMBER)}) then {fast} end "
            f"as {SQL_TYPES[kind]})")


def plain_pattern(kind: str) -> str | None:
    """The RE2 pattern (fully matched) of the text ``plain_sql`` reads for ``kind``."""
    if kind in ("timestamp", "date"):
        return PLAIN_ISO.pattern
    if kind in ("amount", "number", "integer", "percent"):
        return _PLAIN_NUMBER
    return None


def is_plain(value: str, kind: str) -> bool:
    """Whether ``plain_sql`` reads this staged text (Python's ``re`` means what RE2 does with
    these ASCII-only patterns)."""
    pattern = plain_pattern(kind)
    return pattern is not None and re.fullmatch(pattern, value) is not None


# --- guess_options ---------------------------------------------------------------------------

_PY_BODY = re.compile(r"[0-9][0-9.,'’ ]*[0-9]|[0-9]")


def _decimal_evidence(value: str) -> str | None:
    """'comma' or 'dot' when the text proves which is the decimal mark, else None."""
    match = _PY_BODY.search(value)
    if not match:
        return None
    body = match.group(0)
    if "," in body and "." in body:
        return "comma" if body.rfind(",") > body.rfind(".") else "dot"
    if "," in body:
        if re.fullmatch(_COMMA_GROUPED, body):
            return "dot" if body.count(",") > 1 else None  # '1,234' alone could be either
        return "comma" if re.fullmatch(r"[0-9]+,[0-9]{1,2}|[0-9]+,[0-9]{4,}", body) else None
    if "." in body:
        if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3}){2,}", body):
            return "comma"
        return "dot" if re.fullmatch(r"[0-9]+\.[0-9]{1,2}|[0-9]+\.[0-9]{4,}", body) else None
    return None


def guess_options(values: list[str | None], kind: str) -> dict:
    """From a sample of raw strings, the parse options to use for ``kind``:
    {'date_order': 'DMY'|'MDY'|'YMD'|'auto', 'decimal_comma': bool}, plus
    'percent_scale' (bool) for kind percent. Values that prove nothing leave the defaults."""
    texts = [" ".join(str(v).strip(WS_CHARS).split()) for v in values if v is not None]
    texts = [t for t in texts if t]
    options: dict = {"date_order": "auto", "decimal_comma": False}
    if kind in ("date", "timestamp"):
        options["date_order"] = guess_date_order(texts)
    if kind in ("amount", "number", "integer", "percent"):
        votes = [_decimal_evidence(t) for t in texts]
        options["decimal_comma"] = votes.count("comma") > votes.count("dot")
    if kind == "percent":
        options["percent_scale"] = any(_bare_above_one(t, options["decimal_comma"]) for t in texts)
    return options


def _bare_above_one(text: str, decimal_comma: bool) -> bool:
    if "%" in text:
        return False
    match = _PY_BODY.search(text)
    if not match:
        return False
    body = match.group(0)
    if decimal_comma:
        body = body.replace(".", "").replace(",", ".")
    try:
        return abs(float(re.sub(r"[,'’ ]", "", body))) > 1
    except ValueError:
        return False
