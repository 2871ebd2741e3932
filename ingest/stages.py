"""Deal stages as data: the standard orders of common CRMs, and which stages are won or lost.

Stage names are compared in a normalised form (``normalize_stage``): NFKC, case-folded, and
stripped of everything but letters and digits, so "Closed Won", "closed_won", "CLOSEDWON"
and HubSpot's internal id ``closedwon`` are one stage. The same normalisation is written in
SQL by ``stage_norm_sql`` so the load transaction classifies stages exactly as Python does.
"""

from __future__ import annotations

import unicodedata

# Standard stage orders, open stages first, then won, then lost. Display labels as the CRM
# shows them; internal ids (HubSpot) normalise to the same names.
KNOWN_STAGE_ORDERS: dict[str, list[str]] = {
    "salesforce": [
        "Prospecting", "Qualification", "Needs Analysis", "Value Proposition",
        "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
        "Negotiation/Review", "Closed Won", "Closed Lost",
    ],
    # Labels normalise to the internal ids appointmentscheduled, qualifiedtobuy, ...
    "hubspot": [
        "Appointment Scheduled", "Qualified To Buy", "Presentation Scheduled",
        "Decision Maker Bought-In", "Contract Sent", "Closed Won", "Closed Lost",
    ],
    # Pipedrive's default pipelines (old and new); won/lost are its deal statuses.
    "pipedrive": [
        "Lead In", "Qualified", "Contact Made", "Prospect Qualified", "Needs Defined",
        "Demo Scheduled", "Proposal Made", "Negotiations Started", "Won", "Lost",
    ],
    "zoho": [
        "Qualification", "Needs Analysis", "Value Proposition", "Identify Decision Makers",
        "Id. Decision Makers", "Perception Analysis", "Proposal/Price Quote",
        "Negotiation/Review", "Closed Won", "Closed Lost", "Closed-Lost to Competition",
    ],
    "generic": [
        "Lead", "Contacted", "Qualified", "Demo", "Proposal", "Negotiation", "Contract",
        "Won", "Lost",
    ],
    "chinese": [
        "线索", "初步接洽", "验证客户", "需求确认", "需求分析", "方案报价", "方案/报价",
        "商务谈判", "谈判审核", "合同签订", "赢单", "输单",
    ],
}

_WON_NAMES = (
    "Closed Won", "Won", "Deal Won", "Closed - Won", "Won Deal", "Signed", "Closed Won (Paid)",
    "赢单", "成交", "已成交", "赢得", "签约", "已签约", "签单", "已签单", "赢单关闭", "成功",
)
_LOST_NAMES = (
    "Closed Lost", "Lost", "Deal Lost", "Closed - Lost", "Closed-Lost to Competition",
    "Closed Lost to Competition", "Disqualified", "Unqualified",
    "输单", "丢单", "已丢单", "失败", "已失败", "输单关闭", "丢失", "无效",
)


def normalize_stage(name) -> str:
    """Comparison form of a stage name: NFKC, case-folded, letters and digits only."""
    if name is None:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return "".join(ch for ch in text if ch.isalnum())


WON_STAGES: frozenset[str] = frozenset(normalize_stage(n) for n in _WON_NAMES)
LOST_STAGES: frozenset[str] = frozenset(normalize_stage(n) for n in _LOST_NAMES)


def is_won_stage(name) -> bool:
    """True when ``name`` is a won stage (Closed Won, closedwon, Won, 赢单, 成交, ...)."""
    return normalize_stage(name) in WON_STAGES


def is_lost_stage(name) -> bool:
    """True when ``name`` is a lost stage (Closed Lost, closedlost, Lost, 输单, 丢单, ...)."""
    return normalize_stage(name) in LOST_STAGES


def is_known_stage(name) -> bool:
    """True when ``name`` is a stage of some known order, or a won or lost stage."""
    key = normalize_stage(name)
    return bool(key) and (key in WON_STAGES or key in LOST_STAGES or key in _POSITIONS_ANY)


def _positions(order: list[str]) -> dict[str, int]:
    positions: dict[str, int] = {}
    for i, label in enumerate(order):
        positions.setdefault(normalize_stage(label), i)
    return positions


_POSITIONS = {name: _positions(order) for name, order in KNOWN_STAGE_ORDERS.items()}
_POSITIONS_ANY = frozenset(k for p in _POSITIONS.values() for k in p)


def _distinct(stage_values) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for value in stage_values:
        if value is None:
            continue
        text = str(value).strip()
        if text and text not in seen and normalize_stage(text):
            seen.add(text)
            out.append(text)
    return out


def best_known_order(stage_values) -> str | None:
    """Name of the known order matching most of the values (first listed wins ties), or None."""
    keys = {normalize_stage(v) for v in _distinct(stage_values)}
    best, best_hits = None, 0
    for name, positions in _POSITIONS.items():
        hits = len(keys & positions.keys())
        if hits > best_hits:
            best, best_hits = name, hits
    return best


def guess_stage_order(stage_values) -> list[str]:
    """The distinct stage values of a file in funnel order.

    Open stages of the best-matching known order come first, in that order; then stages no
    known order places, in first-seen order; then won stages; lost stages last. Values that
    differ only in case or spacing are kept as found, next to each other.
    """
    values = _distinct(stage_values)
    order = best_known_order(values)
    positions = _POSITIONS[order] if order else {}
    known, unknown, won, lost = [], [], [], []
    for seen_at, value in enumerate(values):
        key = normalize_stage(value)
        if key in LOST_STAGES:
            lost.append((positions.get(key, len(positions)), seen_at, value))
        elif key in WON_STAGES:
            won.append((positions.get(key, len(positions)), seen_at, value))
        elif key in positions:
            known.append((positions[key], seen_at, value))
        else:
            unknown.append((seen_at, seen_at, value))
    return [v for group in (known, unknown, won, lost) for *_, v in sorted(group)]


def stage_norm_sql(expr: str) -> str:
    """SQL for ``normalize_stage`` of the text expression ``expr`` (our own SQL, not user text).

    DuckDB has no NFKC, so full-width letters in the data are not folded; every constant we
    compare with is plain ASCII or CJK, for which both forms agree.
    """
    return f"regexp_replace(lower(trim({expr})), '[^\\p{{L}}\\p{{N}}]+', '', 'g')"


def sql_string_list(names) -> str:
    """A SQL list of string literals from our own constants, quotes doubled, sorted."""
    return "(" + ", ".join("'" + n.replace("'", "''") + "'" for n in sorted(names)) + ")"
