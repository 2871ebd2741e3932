"""English and 简体中文. English text is the key; the language lives in the link (?lang=zh)."""

from __future__ import annotations

import streamlit as st

from ui.links import linked

LANGUAGES = {"en": "English", "zh": "简体中文"}

ZH: dict[str, str] = {
    "Reports": "报表", "Manage": "管理", "Overview": "概览", "Sales": "销售", "Funnel": "销售漏斗",
    "Customers": "客户", "Retention": "留存", "Campaigns": "营销活动", "Team": "团队",
    "Service": "客服", "Report builder": "自定义报表", "Data": "数据",
    "Signed in as {name} ({role}). Sign-in is not configured: this app runs as one local admin.":
        "当前用户：{name}（{role}）。未配置登录：本应用以本地管理员身份运行。",
    "No deals in this period.": "此时间范围内没有商机。",
    "Download every table (XLSX)": "下载全部表格 (XLSX)",
    "How these numbers are defined": "指标定义",
}


class TranslationConflict(ValueError):
    """Two pages translate the same English text differently: one of them needs a ``context``."""


def register(translations: dict[str, str]) -> None:
    """Add Chinese translations (English text -> Chinese), kept beside the page that uses them.

    The table is shared by every page, so one English text has one translation; a word that must
    read differently in one place is registered as ``"context|text"`` and asked for with
    ``t(text, context=...)``.
    """
    for english, chinese in translations.items():
        if ZH.get(english, chinese) != chinese:
            raise TranslationConflict(f"{english!r} is already translated as {ZH[english]!r}, "
                                      f"not {chinese!r}")
    ZH.update(translations)


def language() -> str:
    return st.session_state.get("lang") or "en"


def t(text: str, *, context: str | None = None, **values) -> str:
    """The text in the chosen language, with ``{name}`` placeholders filled in.

    ``context`` picks a translation registered as ``"context|text"`` when there is one.
    """
    out = text
    if language() == "zh":
        out = ZH.get(f"{context}|{text}") or ZH.get(text, text) if context else ZH.get(text, text)
    return out.format(**values) if values else out


def language_picker() -> None:
    # linked, not bind: the link says ?lang=zh (bind would write the label, ?lang=简体中文).
    linked(st.sidebar.segmented_control, "Language / 语言", list(LANGUAGES), key="lang", default="en",
           format_func=LANGUAGES.get, required=True)
