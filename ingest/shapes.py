"""What the values of a column look like: dates, money, numbers, booleans, e-mails, stage names.

Used by the mapper on a file's preview (the first rows, as text) to confirm header matches and
to place columns whose headers say nothing. These are quick shape checks, not parsers: the
load parses every value with ``ingest.values``.
"""

from __future__ import annotations

import re

from ingest.stages import is_known_stage

_TIME = (r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?"
         r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)?")
_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = (
    re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}" + _TIME + "$"),          # 2024-01-31
    re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日?\s*(?:\d{1,2}[:时]\d{2}(?::\d{2})?分?)?$"),
    re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}" + _TIME + "$"),        # 31/01/2024, 1/31/24
    re.compile(r"^\d{1,2}[ -]" + _MONTHS + r"[ -,]*\d{2,4}" + _TIME + "$", re.IGNORECASE),  # 31 Jan 2024
    re.compile(r"^" + _MONTHS + r" \d{1,2},? \d{4}" + _TIME + "$", re.IGNORECASE),  # Jan 31, 2024
    re.compile(r"^\d{4}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])$"),       # 20240131
)
# An Excel day number (1954-2091): a date only where the header already says so.
_SERIAL = re.compile(r"^[2-7]\d{4}(?:\.\d+)?$")
_DMY_OR_MDY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.]\d{2,4}")
_CURRENCY = re.compile(r"[¥￥$€£₹₩]|\b(?:USD|EUR|GBP|CNY|RMB|JPY|HKD|CAD|AUD)\b|元", re.IGNORECASE)
_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:[, ]\d{3})+|\d+)?(?:\.\d+)?$")
_EU_NUMBER = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_BOOLS = frozenset({"true", "false", "yes", "no", "y", "n", "t", "f", "0", "1", "是", "否",
                    "真", "假", "已", "未"})


def non_empty(values) -> list[str]:
    """The values that are not blank, stripped."""
    out = []
    for v in values:
        if v is None:
            continue
        text = str(v).strip()
        if text and text.lower() not in {"nan", "none", "null", "<na>"}:
            out.append(text)
    return out


def is_date(text: str) -> bool:
    return any(p.match(text) for p in _DATE_PATTERNS)


def is_date_or_serial(text: str) -> bool:
    return is_date(text) or bool(_SERIAL.match(text))


def _number_text(text: str) -> str | None:
    """The bare number in ``text`` (currency, %, brackets removed), or None if it is not one."""
    bare = _CURRENCY.sub("", text).replace("%", "").strip()
    if bare.startswith("(") and bare.endswith(")"):
        bare = "-" + bare[1:-1].strip()
    bare = bare.replace(" ", "")
    if not bare or not any(ch.isdigit() for ch in bare):
        return None
    if _NUMBER.match(bare) or _EU_NUMBER.match(bare):
        return bare
    return None


def is_number(text: str) -> bool:
    return _number_text(text) is not None


def is_integer(text: str) -> bool:
    bare = _number_text(text)
    # "1,299" reads as thousands; only "1,5"-like values are decimal-comma fractions.
    if bare is None or (_EU_NUMBER.match(bare) and not _NUMBER.match(bare)):
        return False
    return float(bare.replace(",", "")).is_integer()


def is_bool(text: str) -> bool:
    return text.strip().lower() in _BOOLS


def is_email(text: str) -> bool:
    return bool(_EMAIL.match(text))


_CHECKS = {
    "date": is_date_or_serial,
    "timestamp": is_date_or_serial,
    "strict_date": is_date,
    "amount": is_number,
    "number": is_number,
    "percent": is_number,
    "integer": is_integer,
    "bool": is_bool,
    "email": is_email,
    "stage": is_known_stage,
}


def fit(values, shape: str) -> float | None:
    """Share (0..1) of the non-blank values having ``shape`` (a schema kind, 'email',
    'stage', or 'strict_date' which excludes Excel day numbers); None when there are fewer than two non-blank values to judge by. Kinds without
    a shape (id, text) always fit."""
    check = _CHECKS.get(shape)
    seen = non_empty(values)
    if check is None:
        return 1.0
    if len(seen) < 2:
        return None
    return sum(1 for v in seen if check(v)) / len(seen)


_COMMA_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d{1,2}$")
_DOT_DECIMAL = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)\.\d{1,2}$|,\d{3}\.\d")


def decimal_comma(values) -> bool:
    """True when the numbers use a decimal comma (12,50 / 1.234,56) and none a decimal point."""
    bare = [b for b in (_number_text(v) for v in non_empty(values)) if b]
    comma = any(_COMMA_DECIMAL.match(b) for b in bare)
    return comma and not any(_DOT_DECIMAL.search(b) for b in bare)


def date_order(values) -> str | None:
    """'DMY' or 'MDY' when some d/m/y value settles which comes first, or 'DMY' for
    undecided dates written with dots; else None."""
    day_first = month_first = False
    separators = set()
    for text in non_empty(values):
        m = _DMY_OR_MDY.match(text)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            day_first |= a > 12 >= b
            month_first |= b > 12 >= a
            separators.add(m.group(0)[len(m.group(1))])
    if day_first != month_first:
        return "DMY" if day_first else "MDY"
    # 02.05.2024 is written day first wherever dots separate dates (de, ru, pl, ...).
    if not day_first and separators == {"."}:
        return "DMY"
    return None
