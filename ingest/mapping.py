"""Which canonical table a file is, and which of its columns feeds each canonical column.

``detect_table`` ranks the canonical tables for a file's headers; ``guess_mapping`` proposes
a ``Mapping`` with a confidence per column, from header synonyms first and then from what
the preview's values look like. Mappings are saved as plain JSON so a user can edit them and
so the next file with the same headers loads without questions.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ingest import derive, shapes
from ingest.errors import InputError
from ingest.mapping_checks import check_extras, check_options, known_columns, str_dict
from ingest.matching import (
    MIN_SCORE,
    Candidate,
    assign,
    candidates,
    compile_synonyms,
    stage_date_headers,
)
from ingest.schema import TABLES
from ingest.stages import guess_stage_order, normalize_stage
from ingest.synonyms import (
    EXTRA_TABLES,
    ORDER_TOTAL_HEADERS,
    SIGNATURES,
    compact,
    load_synonyms,
    tokens,
)

FORMAT_VERSION = 1
SYNONYMS_FILE = "synonyms.json"


@dataclass
class Mapping:
    """How one file's columns become one canonical table's columns."""

    table: str                                   # key of ingest.schema.TABLES
    columns: dict[str, str] = field(default_factory=dict)      # canonical -> source header
    confidence: dict[str, float] = field(default_factory=dict)  # canonical -> 0..1
    table_confidence: float = 0.0                # how sure we are the file is this table
    headers: list[str] = field(default_factory=list)           # the file's cleaned headers
    options: dict[str, dict] = field(default_factory=dict)     # canonical -> parse options
    extras: dict = field(default_factory=dict)   # role -> header; "stage_dates": {stage: header}
    stage_order: list[str] | None = None         # deals: stage order to use

    def to_dict(self) -> dict:
        return {
            "version": FORMAT_VERSION, "table": self.table, "columns": dict(self.columns),
            "confidence": dict(self.confidence), "table_confidence": self.table_confidence,
            "headers": list(self.headers), "options": {k: dict(v) for k, v in self.options.items()},
            "extras": json.loads(json.dumps(self.extras)), "stage_order":
                None if self.stage_order is None else list(self.stage_order),
        }

    @classmethod
    def from_dict(cls, d) -> Mapping:
        """A Mapping from ``to_dict`` output (possibly hand-edited); InputError when malformed."""
        if not isinstance(d, dict):
            raise InputError("a mapping must be a JSON object")
        table = TABLES.get(d.get("table"))
        if table is None:
            raise InputError(f"unknown table {d.get('table')!r}; use one of: {', '.join(TABLES)}")
        columns = str_dict(d.get("columns") or {}, "columns")
        unknown = sorted(set(columns) - set(table.column_names))
        if unknown:
            raise InputError(f"{table.label} has no column {', '.join(map(repr, unknown))}")
        confidence = d.get("confidence") or {}
        if not isinstance(confidence, dict) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in confidence.values()):
            raise InputError("'confidence' must map columns to numbers")
        known_columns(table, confidence)
        headers = d.get("headers") or []
        if not isinstance(headers, list) or not all(isinstance(h, str) for h in headers):
            raise InputError("'headers' must be a list of header texts")
        options = d.get("options") or {}
        if not isinstance(options, dict) or not all(isinstance(v, dict) for v in options.values()):
            raise InputError("'options' must map columns to objects of parse options")
        known_columns(table, options)
        for column_options in options.values():
            check_options(column_options)
        extras = d.get("extras") or {}
        if not isinstance(extras, dict):
            raise InputError("'extras' must map roles to header texts")
        check_extras(table, extras)
        stage_order = d.get("stage_order")
        if stage_order is not None and (not isinstance(stage_order, list)
                                        or not all(isinstance(s, str) for s in stage_order)):
            raise InputError("'stage_order' must be a list of stage names")
        table_confidence = d.get("table_confidence", 1.0)
        if isinstance(table_confidence, bool) or not isinstance(table_confidence, (int, float)):
            raise InputError("'table_confidence' must be a number")
        return cls(table.name, columns, {k: float(v) for k, v in confidence.items()},
                   float(table_confidence), list(headers), {k: dict(v) for k, v in options.items()},
                   dict(extras), None if stage_order is None else list(stage_order))

    def save(self, path) -> None:
        """Write the mapping as indented UTF-8 JSON (atomically: a half-written file never shows)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, path) -> Mapping:
        """Read a saved mapping; InputError naming the file when it is unreadable or malformed."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise InputError(f"cannot read the saved mapping: {err}", file=path.name) from None
        try:
            return cls.from_dict(data)
        except InputError as err:
            raise InputError(err.message, file=path.name) from None

    def missing_required(self) -> list[str]:
        """Required canonical columns that are neither mapped nor derivable, in schema order."""
        table = TABLES[self.table]
        derivable = derive.derivable(self.table, self.columns, self.extras)
        return [c.name for c in table.columns
                if c.required and c.name not in self.columns and c.name not in derivable]


# ----------------------------------------------------------------------------- guessing

def _values(preview, header: str) -> list | None:
    if preview is None or header not in getattr(preview, "columns", ()):
        return None
    column = preview[header]
    if isinstance(column, pd.DataFrame):  # duplicate header names: judge by the first
        column = column.iloc[:, 0]
    return column.tolist()


def _shape_of(table: str, column: str) -> str:
    return "email" if column == "email" else TABLES[table].column(column).kind


def _confidence(cand: Candidate, table: str, preview) -> float:
    """Header score weighed by how many preview values have the column's shape."""
    values = _values(preview, cand.header)
    share = shapes.fit(values, _shape_of(table, cand.column)) if values is not None else None
    factor = 1.0 if share is None else 0.5 + 0.5 * share
    return round(cand.score * factor, 3)


def _signature_hits(headers: list[str], table: str) -> int:
    words = SIGNATURES.get(table, ())
    hits = 0
    for header in headers:
        key, toks = compact(header), set(tokens(header))
        if any((w in key) if not w.isascii() else
               (w in toks or key.startswith(w) or key.endswith(w)) for w in words):
            hits += 1
    return hits


_SHAPE_CONFIDENCE = 0.5


def _fill_rule(table: str, column) -> tuple[str, float] | None:
    """(shape, minimum share) for a column that may be placed by its values alone."""
    if column.name == "email" or (table == "order_lines" and column.name == "customer_id"):
        return "email", 0.8
    if not column.required:
        return None
    if column.name == "stage":
        return "stage", 0.6
    if column.kind in ("date", "timestamp"):
        return "strict_date", 0.8  # Excel day numbers look like any other number
    return None


def _fill_by_shape(table: str, chosen: dict, headers: list[str], preview) -> None:
    """Give still-unmapped required (and e-mail) columns a free header whose values fit."""
    for column in TABLES[table].columns:
        rule = _fill_rule(table, column)
        if column.name in chosen or rule is None:
            continue
        used = {h for h, _ in chosen.values()}
        for header in headers:
            values = None if header in used else _values(preview, header)
            share = shapes.fit(values, rule[0]) if values is not None else None
            if share is not None and share >= rule[1]:
                chosen[column.name] = (header, _SHAPE_CONFIDENCE)
                break


_EXTRA = "extra:"  # prefix of extra roles while they compete with columns for headers


def _match_table(table: str, headers: list[str], preview, compiled: dict) -> dict:
    """Everything matching says about ``headers`` as ``table``: chosen columns, extras, candidates."""
    # "Date entered <stage>" columns belong to a deals export, whichever table is tried.
    stage_dates = stage_date_headers(headers, "deals")
    usable = [h for h in headers if h not in stage_dates.values()]
    if table != "deals":
        stage_dates = {}
    cands = candidates(usable, compiled["tables"][table], table)
    roles = {_EXTRA + r: compiled["extras"][r] for r, ts in EXTRA_TABLES.items() if table in ts}
    # Extra roles need a near-exact header ("Last Name" is no customer name, "Address Zip" no address).
    extra_cands = [c for c in candidates(usable, roles, table) if c.score >= 0.6]
    col_pos = {c: i for i, c in enumerate([*TABLES[table].column_names, *roles])}
    head_pos = {h: i for i, h in enumerate(headers)}
    scored = [(_confidence(c, table, preview) if not c.column.startswith(_EXTRA) else c.score, c.index,
               col_pos[c.column], head_pos[c.header], c.column, c.header)
              for c in [*cands, *extra_cands]]
    picked = assign([s for s in scored if s[0] >= MIN_SCORE])
    chosen = {c: v for c, v in picked.items() if not c.startswith(_EXTRA)}
    extras: dict = {c[len(_EXTRA):]: h for c, (h, _) in picked.items() if c.startswith(_EXTRA)}
    if table == "order_lines" and "quantity" in chosen and "unit_price" in chosen \
            and compact(chosen.get("line_amount", ("", 0))[0]) in ORDER_TOTAL_HEADERS:
        del chosen["line_amount"]  # an order total repeated on lines; derive the line's amount
    if table == "customers" and ("first_name" in extras or "last_name" in extras) \
            and chosen.get("customer_name", ("", 1.0))[1] < 0.9:
        del chosen["customer_name"]  # a loose match; the person's name is built from its parts
    if preview is not None:
        _fill_by_shape(table, chosen, [h for h in usable if h not in extras.values()], preview)
    if table == "deals":
        used = {h for h, _ in chosen.values()} | set(extras.values())
        stage_dates.update({s: h for s, h in stage_date_headers(
            [h for h in usable if h not in used], table, by_known_stage=True).items()
            if s not in stage_dates})
        if stage_dates:
            extras["stage_dates"] = stage_dates
    return {"chosen": chosen, "extras": extras, "candidates": cands}


def _repeats_key(table: str, chosen: dict, preview) -> bool:
    """True when the preview repeats a value of the table's key (one row per deal, ...)."""
    key = TABLES[table].key
    if preview is None or "source_row" in key or not all(k in chosen for k in key):
        return False
    columns = [_values(preview, chosen[k][0]) for k in key]
    if any(c is None for c in columns):
        return False
    rows = [tuple(str(v).strip() for v in row) for row in zip(*columns)]
    rows = [r for r in rows if all(v and v.lower() not in {"nan", "none", "<na>"} for v in r)]
    return len(set(rows)) < len(rows)


def _table_score(table: str, match: dict, spread: dict[str, int], sig_hits: int,
                 elsewhere: int, repeats_key: bool = False) -> float:
    """0..1: header evidence (shared headers count less), signature words, required columns,
    less for each header that names a column of another table only and is unused here, and
    less when the preview repeats what should be the table's key."""
    chosen = match["chosen"]
    evidence = sum(conf / spread.get(header, 1) for header, conf in chosen.values())
    evidence += 0.5 * min(len(match["extras"].get("stage_dates", {})), 4)
    raw = evidence + 0.5 * min(sig_hits, 4)
    fit = raw / (raw + 2.0)
    required = [c.name for c in TABLES[table].columns if c.required]
    derivable = derive.derivable(table, chosen, match["extras"])
    met = sum(1.0 if c in chosen else 0.8 if c in derivable else 0.0 for c in required)
    penalty = (1 + 0.15 * elsewhere) * (1.6 if repeats_key else 1.0)
    return round(fit * (0.25 + 0.75 * met / len(required)) / penalty, 3)


def _analyse(headers: list[str], preview, synonyms) -> dict[str, tuple[float, dict]]:
    compiled = {"tables": {t: compile_synonyms(cols) for t, cols in synonyms["tables"].items()},
                "extras": compile_synonyms(synonyms["extras"])}
    matches = {t: _match_table(t, headers, preview, compiled) for t in TABLES}
    # A header that names a column of several tables outright says little about which it is.
    spread: dict[str, int] = {}
    for match in matches.values():
        for header in {c.header for c in match["candidates"] if c.score >= 0.9}:
            spread[header] = spread.get(header, 0) + 1
    stage_date_cols = set(stage_date_headers(headers, "deals").values())
    exact = {t: {c.header for c in m["candidates"] if c.score >= 0.9} for t, m in matches.items()}
    out = {}
    for t, m in matches.items():
        used = {h for h, _ in m["chosen"].values()}
        elsewhere = sum(1 for h, n in spread.items() if n == 1 and h not in exact[t] and h not in used)
        hits = _signature_hits([h for h in headers if h not in stage_date_cols], t)
        repeats = _repeats_key(t, m["chosen"], preview)
        out[t] = (_table_score(t, m, spread, hits, elsewhere, repeats), m)
    return out


def _clean_headers(headers) -> list[str]:
    return [str(h) for h in headers]


def detect_table(headers: list[str], preview: pd.DataFrame | None = None,
                 synonyms: dict | None = None) -> list[tuple[str, float]]:
    """Every canonical table ranked by how well the file fits it, with a 0..1 score, best first."""
    analysed = _analyse(_clean_headers(headers), preview, synonyms or load_synonyms())
    order = list(TABLES)
    return sorted(((t, s) for t, (s, _) in analysed.items()), key=lambda ts: (-ts[1], order.index(ts[0])))


def _stage_order(match: dict, preview) -> list[str] | None:
    header = match["chosen"].get("stage", (None,))[0]
    values = [str(v).strip() for v in (_values(preview, header) or [])] if header else []
    values = [v for v in values if v and v.lower() not in {"nan", "none", "null", "<na>"}]
    by_key = {}
    for v in values:
        by_key.setdefault(normalize_stage(v), v)
    # Per-stage date columns come in pipeline order; spell them as the data does.
    listed = [by_key.get(normalize_stage(s), s) for s in match["extras"].get("stage_dates", {})]
    ordered = guess_stage_order([*listed, *values])
    return ordered or None


def guess_mapping(headers, preview=None, table=None, synonyms=None) -> Mapping:
    """Best mapping (for the detected table, or ``table`` if given) with a confidence per column.

    Header synonyms first, then value shapes in the preview (dates, money, e-mails, stage
    names). Each source column maps to at most one canonical column.
    """
    headers = _clean_headers(headers)
    analysed = _analyse(headers, preview, synonyms or load_synonyms())
    if table is None:
        table = _best_table(analysed)
    elif table not in TABLES:
        raise InputError(f"unknown table '{table}'; use one of: {', '.join(TABLES)}")
    score, match = analysed[table]
    chosen = match["chosen"]
    order = TABLES[table].column_names
    columns = {c: chosen[c][0] for c in order if c in chosen}
    options: dict[str, dict] = {}
    for column, header in columns.items():
        kind = TABLES[table].column(column).kind
        values = _values(preview, header)
        if values is None:
            continue
        if kind in ("date", "timestamp") and shapes.date_order(values):
            options[column] = {"date_order": shapes.date_order(values)}
        if kind in ("amount", "number", "percent") and shapes.decimal_comma(values):
            options.setdefault(column, {})["decimal_comma"] = True
    stage_order = _stage_order(match, preview) if table in ("deals", "deal_stage_history") else None
    return Mapping(table, columns, {c: chosen[c][1] for c in columns}, score, headers, options,
                   match["extras"], stage_order)


def _best_table(analysed: dict) -> str:
    order = list(TABLES)
    return min(analysed, key=lambda t: (-analysed[t][0], order.index(t)))


# ----------------------------------------------------------------------------- saved mappings

def _headers_key(headers) -> str:
    return json.dumps(sorted(str(h) for h in headers), ensure_ascii=False)


def default_mapping_path(directory, headers) -> Path:
    """``<directory>/mapping-<hash>.json``, the hash of the headers regardless of their order."""
    digest = hashlib.sha256(_headers_key(headers).encode("utf-8")).hexdigest()[:16]
    return Path(directory) / f"mapping-{digest}.json"


def find_saved_mapping(headers, directory) -> Mapping | None:
    """A mapping saved earlier for a file with the same headers (order-insensitive), else None.

    The file at ``default_mapping_path`` is read first (an InputError if it is malformed);
    other JSON files in the folder, e.g. renamed copies, are tried newest first and skipped
    when unreadable.
    """
    directory = Path(directory)
    key = _headers_key(headers)
    default = default_mapping_path(directory, headers)
    if default.is_file():
        mapping = Mapping.load(default)
        if _headers_key(mapping.headers) == key:
            return mapping
    if not directory.is_dir():
        return None
    others = [p for p in directory.glob("*.json") if p != default and p.name != SYNONYMS_FILE]
    for path in sorted(others, key=lambda p: (-p.stat().st_mtime, p.name)):
        try:
            mapping = Mapping.load(path)
        except InputError:
            continue
        if _headers_key(mapping.headers) == key:
            return mapping
    return None
