"""Canonical columns worked out from other columns when a file lacks them, as SQL expressions.

Pure SQL building: the load transaction puts these expressions into its SELECT over the
staging table (one VARCHAR column per cleaned header, plus ``source_row``). Expressions use
only canonical expressions handed in, quoted identifiers of source headers, and our own
constants; never a value from the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ingest.regions import CN_PROVINCES, US_STATES
from ingest.schema import TABLES
from ingest.stages import LOST_STAGES, WON_STAGES, sql_string_list, stage_norm_sql

if TYPE_CHECKING:
    from ingest.mapping import Mapping


def quote_ident(name: str) -> str:
    """SQL identifier for a source header: double-quoted, embedded quotes doubled."""
    return '"' + str(name).replace('"', '""') + '"'


def _raw(header: str) -> str:
    # A raw staged text value; blank counts as missing.
    return f"nullif(trim({quote_ident(header)}), '')"


# A row's id made from its row number: unique within one file only.
ROW_ID_SQL = "'row-' || cast(\"source_row\" as varchar)"


def _row_id(available: dict, mapping) -> str:
    return ROW_ID_SQL


def _line_amount(available: dict, mapping) -> str:
    # Exact decimal arithmetic so line sums match to the cent.
    return (f"cast(cast(({available['quantity']}) as decimal(18,4)) * ({available['unit_price']})"
            f" - coalesce(({available['discount_amount']}), 0) as decimal(18,4))"
            if "discount_amount" in available else
            f"cast(cast(({available['quantity']}) as decimal(18,4)) * ({available['unit_price']})"
            f" as decimal(18,4))")


def _region(available: dict, mapping) -> str:
    address = _raw(mapping.extras["address"])
    # Chinese addresses may start with the country; drop it, then the first two characters
    # name the province (every province's two-character prefix is unique).
    cn = f"regexp_replace({address}, '^[\\s\\x{{3000}}]*(中国|中华人民共和国)?[\\s\\x{{3000}}]*', '')"
    provinces = " ".join(f"when '{prefix}' then '{name}'"
                         for prefix, name in sorted(CN_PROVINCES.items()))
    # "..., San Francisco, CA 94105" or "... CA 94105-1234, USA": the code before the ZIP.
    us = (f"regexp_extract({address}, '(^|[\\s,])([A-Z]{{2}})\\s+\\d{{5}}(-\\d{{4}})?"
          f"(\\s*,?\\s*(USA|US|United States))?\\s*$', 2)")
    return (f"coalesce(case left({cn}, 2) {provinces} end, "
            f"case when {us} in {sql_string_list(US_STATES)} then {us} end)")


def _stage_in(expr: str, names) -> str:
    return f"({stage_norm_sql(expr)} in {sql_string_list(names)})"


def _any_true(tests: list[str]) -> str:
    """NULL when every test is NULL (nothing known), else whether any test is true."""
    if len(tests) == 1:
        return tests[0]
    all_null = " and ".join(f"{t} is null" for t in tests)
    any_true = " or ".join(f"coalesce({t}, false)" for t in tests)
    return f"case when {all_null} then null else ({any_true}) end"


def _status_expr(mapping) -> str | None:
    header = mapping.extras.get("deal_status") if mapping.extras else None
    return _raw(header) if header else None


def _is_won(available: dict, mapping) -> str:
    tests = []
    if "stage" in available:
        tests.append(_stage_in(available["stage"], WON_STAGES))
    status = _status_expr(mapping)
    if status:
        tests.append(_stage_in(status, WON_STAGES))
    return _any_true(tests)


def _is_closed(available: dict, mapping) -> str:
    tests = []
    if "is_won" in available:
        tests.append(f"({available['is_won']})")
    closed = WON_STAGES | LOST_STAGES
    if "stage" in available:
        tests.append(_stage_in(available["stage"], closed))
    status = _status_expr(mapping)
    if status:
        tests.append(_stage_in(status, closed))
    return _any_true(tests)


def _period_end(available: dict, mapping) -> str:
    start = f"cast(({available['period_start']}) as date)"
    return f"cast(date_trunc('month', {start}) + interval 1 month - interval 1 day as date)"


def _customer_id(available: dict, mapping) -> str:
    if "email" in available:
        return f"lower(nullif(trim({available['email']}), ''))"
    return f"nullif(trim({available['customer_name']}), '')"


def _full_name(available: dict, mapping) -> str:
    first, last = mapping.extras.get("first_name"), mapping.extras.get("last_name")
    parts = [h for h in (first, last) if h]
    # Chinese names are written family name first, without a space.
    if any("\u4e00" <= ch <= "\u9fff" for h in parts for ch in h):
        parts, sep = [h for h in (last, first) if h], ""
    else:
        sep = " "
    joined = f"concat_ws('{sep}', {', '.join(_raw(h) for h in parts)})"
    return f"nullif({joined}, '')"


def _campaign_id(available: dict, mapping) -> str:
    return f"nullif(trim({available['campaign_name']}), '')"


@dataclass(frozen=True)
class Rule:
    """How one canonical column is derived; the first rule whose needs are met applies."""

    tables: tuple[str, ...]
    column: str
    build: Callable[[dict, object], str]
    needs: tuple[str, ...] = ()         # canonical columns that must all be available
    extras: tuple[str, ...] = ()        # extra roles of which at least one must be mapped
    row_made: bool = False              # made from the row number: unique only within a load


REGION_TABLES = tuple(t for t, table in TABLES.items() if "region" in table.column_names)

RULES: tuple[Rule, ...] = (
    Rule(("order_lines",), "order_id", _row_id, row_made=True),
    Rule(("order_lines",), "line_amount", _line_amount, needs=("quantity", "unit_price")),
    Rule(REGION_TABLES, "region", _region, extras=("address",)),
    Rule(("deals",), "deal_id", _row_id, row_made=True),
    Rule(("deals",), "is_won", _is_won, needs=("stage",)),
    Rule(("deals",), "is_won", _is_won, extras=("deal_status",)),
    Rule(("deals",), "is_closed", _is_closed, needs=("stage",)),
    Rule(("deals",), "is_closed", _is_closed, needs=("is_won",)),
    Rule(("deals",), "is_closed", _is_closed, extras=("deal_status",)),
    Rule(("targets",), "period_end", _period_end, needs=("period_start",)),
    Rule(("customers",), "customer_id", _customer_id, needs=("email",)),
    Rule(("customers",), "customer_id", _customer_id, needs=("customer_name",)),
    Rule(("customers",), "customer_name", _full_name, extras=("first_name", "last_name")),
    Rule(("campaigns",), "campaign_id", _campaign_id, needs=("campaign_name",)),
    Rule(("tickets",), "ticket_id", _row_id, row_made=True),
)

# (table, column) pairs whose derived values come from the row number (need a load prefix).
ROW_MADE: frozenset[tuple[str, str]] = frozenset(
    (t, r.column) for r in RULES if r.row_made for t in r.tables)


def _applies(rule: Rule, have: set[str], extras: dict) -> bool:
    return (all(n in have for n in rule.needs)
            and (not rule.extras or any(extras.get(e) for e in rule.extras)))


def derivable(table: str, mapped, extras=None) -> set[str]:
    """Canonical columns of ``table`` that are not in ``mapped`` but can be derived from it."""
    have, extras = set(mapped), dict(extras or {})
    return {r.column for r in RULES
            if table in r.tables and r.column not in have and _applies(r, have, extras)}


def derivations(table: str, available: dict[str, str], mapping: Mapping) -> dict[str, str]:
    """SQL expressions for the columns of ``table`` missing from ``available`` that can be derived.

    ``available`` maps canonical column -> SQL expression already of its canonical type;
    ``mapping.extras`` names raw source headers for roles such as 'address'. Returns
    ``{canonical column: SQL expression}``; a row-made id (e.g. ``'row-' || source_row``) is
    unique only within one load (see ``ROW_MADE``).
    """
    extras = dict(getattr(mapping, "extras", None) or {})
    have = set(available)
    out: dict[str, str] = {}
    for rule in RULES:
        if table in rule.tables and rule.column not in have and rule.column not in out \
                and _applies(rule, have, extras):
            out[rule.column] = rule.build(available, mapping)
    return out
