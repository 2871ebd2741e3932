"""One English text has one Chinese translation across the whole app."""

import ast
from pathlib import Path

import pytest

from ui import i18n

ROOT = Path(__file__).resolve().parents[1]


def _registered() -> list[tuple[str, str, str]]:
    """(file, english, chinese) of every literal dict passed to register() in pages/ and ui/."""
    found = []
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "register"
                    and node.args and isinstance(node.args[0], ast.Dict)):
                for key, value in zip(node.args[0].keys, node.args[0].values, strict=True):
                    if isinstance(key, ast.Constant) and isinstance(value, ast.Constant):
                        found.append((path.name, key.value, value.value))
    return found


def test_no_english_text_is_translated_two_ways():
    seen: dict[str, tuple[str, str]] = {k: ("ui/i18n.py", v) for k, v in i18n.ZH.items()
                                        if k in {e for _, e, _ in _registered()}}
    clashes = []
    for file, english, chinese in _registered():
        if english in seen and seen[english][1] != chinese:
            clashes.append(f"{english!r}: {seen[english][0]} says {seen[english][1]!r}, {file} says {chinese!r}")
        seen.setdefault(english, (file, chinese))
    assert clashes == []


def test_register_refuses_a_second_translation(monkeypatch):
    monkeypatch.setattr(i18n, "ZH", {"Sales": "销售"})
    i18n.register({"Sales": "销售"})  # the same translation again is fine
    with pytest.raises(i18n.TranslationConflict):
        i18n.register({"Sales": "销售单数"})


def test_context_picks_its_own_translation(monkeypatch):
    monkeypatch.setattr(i18n, "ZH", {"Sales": "销售", "kpi|Sales": "销售单数"})
    monkeypatch.setattr(i18n, "language", lambda: "zh")
    assert (i18n.t("Sales"), i18n.t("Sales", context="kpi"), i18n.t("Sales", context="other")) == (
        "销售", "销售单数", "销售")
