"""Scoring a file's headers against the synonyms of one canonical table.

``candidates`` scores every (header, column) pair; ``assign`` picks, best first, at most one
header per column and one column per header. ``stage_date_headers`` finds per-stage date
columns such as HubSpot's ``Date entered "Contract Sent (Sales Pipeline)"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.stages import is_known_stage
from ingest.synonyms import compact, tokens

# Below this a header match is too weak to propose.
MIN_SCORE = 0.45

# "Deal - Value" (Pipedrive), "Order: Date": a prefix naming the table's own entity.
ENTITY_PREFIXES: dict[str, frozenset[str]] = {
    "order_lines": frozenset({"order", "orders", "lineitem", "item", "line", "订单", "商品"}),
    "customers": frozenset({"person", "contact", "organization", "company", "account",
                            "customer", "客户", "联系人", "公司"}),
    "deals": frozenset({"deal", "opportunity", "商机"}),
    "deal_stage_history": frozenset({"deal", "opportunity", "history", "商机"}),
    "campaigns": frozenset({"campaign", "活动"}),
    "campaign_performance": frozenset({"campaign", "ad", "活动"}),
    "activities": frozenset({"activity", "task", "event", "call", "活动", "跟进"}),
    "tickets": frozenset({"ticket", "case", "工单"}),
    "targets": frozenset({"target", "quota", "目标"}),
}
_PREFIX_SPLIT = re.compile(r"\s+-\s+|\s*[:：]\s*")


@dataclass(frozen=True)
class Synonym:
    index: int          # position in its column's list: earlier is the more usual meaning
    key: str            # compact form
    words: tuple[str, ...]
    cjk: bool

    @property
    def joined(self) -> str:
        return "".join(self.words)


@dataclass(frozen=True)
class Candidate:
    header: str
    column: str
    score: float        # 0..1 header evidence, before value shapes
    index: int          # synonym position, breaks ties between equal scores


def compile_synonyms(columns: dict[str, list[str]]) -> dict[str, list[Synonym]]:
    """Synonym lists in matching form, per column (kept for the next call with equal lists)."""
    key = tuple((column, tuple(words)) for column, words in columns.items())
    found = _compiled.get(key)
    if found is None:
        found = {column: [Synonym(i, key, tuple(tokens(w)), not key.isascii())
                          for i, w in enumerate(words) if (key := compact(w))]
                 for column, words in columns.items()}
        if len(_compiled) >= _KEEP_COMPILED:
            _compiled.pop(next(iter(_compiled)))
        _compiled[key] = found
    # Callers get their own lists; the Synonyms themselves are immutable.
    return {column: list(syns) for column, syns in found.items()}


# Compiling every synonym costs more than matching; a few synonym sets are in use at a time.
_KEEP_COMPILED = 32
_compiled: dict[tuple, dict[str, list[Synonym]]] = {}


def _contains(seq: tuple[str, ...], sub: tuple[str, ...]) -> bool:
    n = len(sub)
    return any(seq[i:i + n] == sub for i in range(len(seq) - n + 1))


def _tail(header: str, table: str) -> str | None:
    # The part after an entity prefix, e.g. "Value" of "Deal - Value" in the deals table.
    parts = _PREFIX_SPLIT.split(header.strip(), maxsplit=1)
    if len(parts) == 2 and compact(parts[0]) in ENTITY_PREFIXES.get(table, ()):
        return parts[1]
    return None


@dataclass(frozen=True)
class HeaderForm:
    """A header's comparison forms, computed once per header and table."""

    key: str                    # compact form
    words: tuple[str, ...]      # tokens
    tail: str | None            # compact form after an entity prefix, if any
    joined: str = ""            # the tokens run together

    @classmethod
    def of(cls, header: str, table: str) -> HeaderForm:
        tail = _tail(header, table)
        words = tuple(tokens(header))
        return cls(compact(header), words, None if tail is None else compact(tail), "".join(words))


def _score(form: HeaderForm, syn: Synonym) -> float:
    if not form.key:
        return 0.0
    if form.key == syn.key:
        return 1.0
    if form.tail is not None and form.tail == syn.key:
        return 0.9
    share = len(syn.key) / len(form.key)
    # Headers name the thing last ("Default Address City"), so a matching ending counts more.
    if syn.cjk:
        if len(syn.key) < 2 or syn.key not in form.key:
            return 0.0
        return (0.5 + 0.3 * share) if form.key.endswith(syn.key) else (0.3 + 0.5 * share)
    # Words in sequence are also letters in sequence: the substring test rules most out cheaply.
    if not syn.words or syn.joined not in form.joined or not _contains(form.words, syn.words):
        return 0.0
    ends = form.words[-len(syn.words):] == syn.words
    return (0.5 + 0.3 * share) if ends else (0.3 + 0.5 * share)


def header_score(header: str, syn: Synonym, table: str) -> float:
    """How well ``header`` matches one synonym: 1 equal, 0.9 equal after an entity prefix,
    0.3-0.8 when it contains the synonym (more for a larger share of the header, and when
    the header ends with it), else 0."""
    return _score(HeaderForm.of(header, table), syn)


def candidates(headers: list[str], compiled: dict[str, list[Synonym]], table: str) -> list[Candidate]:
    """Every (header, column) pair scoring at least MIN_SCORE, with its best synonym."""
    out = []
    for header in headers:
        form = HeaderForm.of(header, table)
        for column, syns in compiled.items():
            best, best_index = 0.0, 0
            for syn in syns:
                score = _score(form, syn)
                if score > best:
                    best, best_index = score, syn.index
            if best >= MIN_SCORE:
                out.append(Candidate(header, column, best, best_index))
    return out


def assign(scored: list[tuple[float, int, int, int, str, str]]) -> dict[str, tuple[str, float]]:
    """Greedy one-to-one choice from (confidence, index, column_pos, header_pos, column, header)
    tuples: highest confidence first, then earliest synonym, column, header.
    Returns {column: (header, confidence)}."""
    chosen: dict[str, tuple[str, float]] = {}
    used: set[str] = set()
    for conf, _i, _c, _h, column, header in sorted(scored, key=lambda t: (-t[0], t[1], t[2], t[3])):
        if column in chosen or header in used:
            continue
        chosen[column] = (header, conf)
        used.add(header)
    return chosen


_STAGE_DATE_PATTERNS = (
    re.compile(r"^date\s+entered\s+(?P<stage>.+)$", re.IGNORECASE),
    re.compile(r"^entered\s+(?P<stage>.+?)\s+(?:date|at|time|on)$", re.IGNORECASE),
    re.compile(r"^(?P<stage>.+?)\s+(?:date\s+entered|entered\s+date|entered\s+at|entry\s+date)$", re.IGNORECASE),
    re.compile(r"^进入(?P<stage>.+?)(?:阶段)?的?(?:时间|日期)$"),
)
# "进入阶段时间" is when a deal entered its (row's) stage, not a column for one stage.
_NOT_A_STAGE = frozenset({"stage", "阶段", "新阶段", "dealstage", "newstage"})
_KNOWN_STAGE_DATE = re.compile(r"^(?P<stage>.+?)\s*(?:date|time|at|on|日期|时间)$", re.IGNORECASE)


def _clean_stage(text: str) -> str:
    # 'Date entered "Contract Sent (Sales Pipeline)"' -> 'Contract Sent'
    text = text.strip().strip("\"'“”‘’「」").strip()
    text = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", text)
    return text.strip().strip("\"'“”‘’「」").strip()


def stage_date_headers(headers: list[str], table: str, *, by_known_stage: bool = False) -> dict[str, str]:
    """{stage name: header} for headers holding the date a deal entered a stage.

    Matches "Date entered X", "Entered X date", "X entry date", "进入X阶段时间"; with
    ``by_known_stage`` also "<known stage> date|time" such as "Won time" or "Closed Won Date"
    (only for headers no canonical column took, since "成交日期" is usually the close date).
    """
    out: dict[str, str] = {}
    for header in headers:
        text = header.strip()
        tail = _tail(text, table)
        text = tail if tail is not None else text
        stage = None
        for pattern in _STAGE_DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                stage = _clean_stage(m.group("stage"))
                break
        if stage is None and by_known_stage:
            m = _KNOWN_STAGE_DATE.match(text)
            if m and is_known_stage(m.group("stage")):
                stage = m.group("stage").strip()
        if stage and compact(stage) not in _NOT_A_STAGE and stage not in out:
            out[stage] = header
    return out
