"""Column headers as exports write them, made usable: trimmed, never blank, never repeated."""

from __future__ import annotations

import re

from ingest.sqltext import WS_CHARS

# A UTF-8 byte-order mark read as Windows-1252 / Latin-1 text ("ï»¿"), left at the start.
_BOM_REMNANTS = ("\ufeff", "ï»¿", "Ã¯Â»Â¿")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200d\u2060]")


def clean_header(raw) -> str:
    """One header: BOM remnants and control characters removed, whitespace collapsed."""
    text = "" if raw is None else str(raw)
    changed = True
    while changed:
        changed = False
        for remnant in _BOM_REMNANTS:
            if text.startswith(remnant):
                text, changed = text[len(remnant):], True
    text = _CONTROL.sub(" ", text)
    return " ".join(text.strip(WS_CHARS).split())


def clean_headers(raw_headers, reserved=("source_row",)) -> list[str]:
    """Headers usable as column names: cleaned, blank -> 'column_<n>' (1-based position),
    repeats -> 'Name_2', 'Name_3' (compared without case, as SQL column names are).
    ``reserved`` names (the staging table's own columns) count as already taken."""
    cleaned = [clean_header(h) or f"column_{i}" for i, h in enumerate(raw_headers, start=1)]
    taken: set[str] = {r.lower() for r in reserved}
    result: list[str] = []
    for i, name in enumerate(cleaned):
        if name.lower() in taken:
            later = {n.lower() for n in cleaned[i + 1:]}
            n = 2
            while f"{name}_{n}".lower() in taken or f"{name}_{n}".lower() in later:
                n += 1
            name = f"{name}_{n}"
        taken.add(name.lower())
        result.append(name)
    return result
