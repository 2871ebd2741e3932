"""Checks of a hand-edited mapping's parts against our own lists (tables, columns, parse
options, extra roles), so that nothing outside them reaches the SQL a load builds."""

from __future__ import annotations

from ingest.dates import DATE_ORDERS
from ingest.errors import InputError
from ingest.synonyms import EXTRA_TABLES

# Parse options a mapping may set, each with the test its value must pass (``ingest.values.parse_sql``).
OPTION_CHECKS = {
    "date_order": (lambda v: v in DATE_ORDERS, f"date_order must be one of {', '.join(DATE_ORDERS)}"),
    "decimal_comma": (lambda v: v is None or isinstance(v, bool),
                      "decimal_comma must be true, false or null"),
    "excel_1904": (lambda v: isinstance(v, bool), "excel_1904 must be true or false"),
}
STAGE_DATES = "stage_dates"  # extra role of deals: {stage name: header of the day it was entered}


def known_columns(table, mapping: dict) -> None:
    """InputError unless every key of ``mapping`` is a column of ``table``."""
    unknown = sorted(set(mapping) - set(table.column_names))
    if unknown:
        raise InputError(f"{table.label} has no column {', '.join(map(repr, unknown))}")


def check_options(options: dict) -> None:
    """InputError unless every parse option is one we know, with a value it accepts."""
    for name, value in options.items():
        if name not in OPTION_CHECKS:
            raise InputError(f"unknown parse option {name!r}; use {', '.join(OPTION_CHECKS)}")
        valid, message = OPTION_CHECKS[name]
        if not valid(value):
            raise InputError(f"{message}, not {str(value)[:40]!r}")


def check_extras(table, extras: dict) -> None:
    """InputError unless every extra role is one ``table`` has, naming a header (or, for
    ``stage_dates``, mapping stage names to headers)."""
    roles = {r for r, tables in EXTRA_TABLES.items() if table.name in tables}
    if table.name == "deals":
        roles.add(STAGE_DATES)
    for role, value in extras.items():
        if role not in roles:
            if role == STAGE_DATES or role in EXTRA_TABLES:
                raise InputError(f"{table.label} has no extra role {role!r}")
            known = sorted({*EXTRA_TABLES, STAGE_DATES})
            raise InputError(f"unknown extra role {str(role)[:40]!r}; use one of: {', '.join(known)}")
        if role == STAGE_DATES:
            if not isinstance(value, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                raise InputError("'stage_dates' must map stage names to headers")
        elif not isinstance(value, str):
            raise InputError(f"{role!r} must name one header")


def str_dict(value, name: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InputError(f"'{name}' must map canonical columns to header texts")
    return dict(value)
