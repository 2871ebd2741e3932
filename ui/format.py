"""Numbers as a reader expects them: thousands separators, %, and 万/亿 in Chinese."""

from __future__ import annotations

import math

from ui.i18n import language


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def amount(value, digits: int = 0) -> str:
    if _missing(value):
        return "–"
    if language() == "zh" and abs(value) >= 1e4:
        return f"{value / 1e8:,.2f}亿" if abs(value) >= 1e8 else f"{value / 1e4:,.1f}万"
    return f"{value:,.{digits}f}"


def count(value) -> str:
    return "–" if _missing(value) else f"{value:,.0f}"


def percent(value, digits: int = 1) -> str:
    return "–" if _missing(value) else f"{value * 100:.{digits}f}%"


def points(value) -> str:
    """A change of a rate, in percentage points."""
    return "–" if _missing(value) else f"{value * 100:+.1f} pts"
