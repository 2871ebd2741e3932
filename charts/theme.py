"""One look for every chart: palette, fonts, number formats (thousands, %, 万/亿 in Chinese)."""

from __future__ import annotations

import altair as alt

PALETTE = ["#2563eb", "#f97316", "#10b981", "#a855f7", "#ef4444", "#0ea5e9", "#eab308",
           "#64748b", "#ec4899", "#14b8a6"]
ACCENT = PALETTE[0]
MUTED = "#94a3b8"
FONT = "Inter, 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


@alt.theme.register("crm", enable=True)
def _crm_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": FONT,
            "view": {"stroke": None},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal",
                     "gridColor": "#e5e7eb", "domainColor": "#cbd5e1", "tickColor": "#cbd5e1"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
            "title": {"fontSize": 14, "anchor": "start", "fontWeight": 600},
        }
    }


def number_label_expr(lang: str, kind: str = "amount") -> str:
    """Vega expression for axis labels: 1.2M / 35K in English, 1.2亿 / 3.5万 in Chinese, 45% for rates."""
    if kind == "percent":
        return "format(datum.value, '.0%')"
    if lang == "zh":
        return ("abs(datum.value) >= 1e8 ? format(datum.value / 1e8, '.1f') + '亿' : "
                "abs(datum.value) >= 1e4 ? format(datum.value / 1e4, '.1f') + '万' : "
                "format(datum.value, ',.0f')")
    return "format(datum.value, '~s')"


def axis(lang: str, kind: str = "amount", title: str | None = None) -> alt.Axis:
    """A quantitative axis with this product's number labels."""
    return alt.Axis(labelExpr=number_label_expr(lang, kind), title=title)


def tooltip_format(kind: str) -> str:
    """d3 format for tooltips: exact amounts with thousands separators, percents with one decimal."""
    return {"amount": ",.2f", "count": ",.0f", "percent": ".1%", "number": ",.2f"}[kind]
