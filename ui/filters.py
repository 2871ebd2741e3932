"""The sidebar filters every page shares. Their whole state lives in the link's query parameters."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from metrics.dimensions import date_bounds, dimension_values
from metrics.filters import Filters
from metrics.rfm import DEFAULT_SEGMENT_MAP
from ui.auth import User
from ui.cache import metric
from ui.i18n import register, t
from ui.links import linked
from ui.segment_names import SEGMENT_ZH  # noqa: F401  (segment names in Chinese)

register({
    "Filters": "筛选",
    "Period": "时间范围",
    "All time": "全部",
    "Last 30 days": "最近 30 天",
    "Last 90 days": "最近 90 天",
    "Last 12 months": "最近 12 个月",
    "This quarter": "本季度",
    "Year to date": "今年至今",
    "Last year": "去年",
    "Custom": "自定义",
    "From": "开始",
    "To": "结束",
    "Region": "地区",
    "Channel": "渠道",
    "Product": "产品",
    "Owner": "负责人",
    "Segment": "客户分群",
    "Campaign": "营销活动",
    "Periods end on the last day that has data, so a loaded export always shows its latest weeks.":
        "时间范围以数据中的最后一天为终点，导入的数据总能显示最近的几周。",
    "Compared with the previous period of the same length.": "与等长的上一周期对比。",
})

PRESETS = ["all", "30d", "90d", "12m", "quarter", "ytd", "last_year", "custom"]
_PRESET_LABELS = {"all": "All time", "30d": "Last 30 days", "90d": "Last 90 days",
                  "12m": "Last 12 months", "quarter": "This quarter", "ytd": "Year to date",
                  "last_year": "Last year", "custom": "Custom"}
_DIMENSIONS = [("region", "Region"), ("channel", "Channel"), ("product", "Product"),
               ("owner", "Owner"), ("campaign", "Campaign")]


def preset_range(preset: str, anchor: date) -> tuple[date | None, date | None]:
    """The inclusive days a preset covers, ending at ``anchor`` (the last day with data)."""
    if preset == "30d":
        return anchor - timedelta(days=29), anchor
    if preset == "90d":
        return anchor - timedelta(days=89), anchor
    if preset == "12m":
        start = date(anchor.year - 1, anchor.month, 1)
        return start + timedelta(days=(anchor - date(anchor.year, anchor.month, 1)).days + 1), anchor
    if preset == "quarter":
        return date(anchor.year, 3 * ((anchor.month - 1) // 3) + 1, 1), anchor
    if preset == "ytd":
        return date(anchor.year, 1, 1), anchor
    if preset == "last_year":
        return date(anchor.year - 1, 1, 1), date(anchor.year - 1, 12, 31)
    return None, None


def sidebar_filters(con, user: User) -> Filters:
    """Draw the shared filters in the sidebar and return the filter set, scoped to the user."""
    scope = Filters(owner_scope=user.owner_scope)
    first, last = date_bounds(con, scope)
    sidebar = st.sidebar
    sidebar.subheader(t("Filters"))
    # linked, not bind: the link carries the code (?period=30d), not the translated label.
    preset = linked(sidebar.selectbox, t("Period"), PRESETS, key="period", default="12m",
                    format_func={p: t(label) for p, label in _PRESET_LABELS.items()}.get,
                    help=t("Periods end on the last day that has data, so a loaded "
                           "export always shows its latest weeks."))
    start = end = None
    if last is not None:
        if preset == "custom":
            left, right = sidebar.columns(2)
            start = left.date_input(t("From"), value=first, min_value=first, max_value=last, key="from",
                                    bind="query-params")
            end = right.date_input(t("To"), value=last, min_value=first, max_value=last, key="to",
                                   bind="query-params")
        else:
            start, end = preset_range(preset, last)
        if start is not None and end is not None and start <= end:
            sidebar.caption(f"{start:%Y-%m-%d} – {end:%Y-%m-%d}. " +
                            t("Compared with the previous period of the same length."))
    chosen = {}
    for dimension, label in _DIMENSIONS:
        values = metric(dimension_values, con, scope, dimension)["value"].tolist()
        if values:
            chosen[dimension] = tuple(sidebar.multiselect(t(label), values, key=dimension,
                                                          bind="query-params"))
    segment_names = list(dict.fromkeys(DEFAULT_SEGMENT_MAP.values()))
    # Labels looked up now, not in the format_func: it may be called outside this run.
    segments = tuple(linked(sidebar.multiselect, t("Segment"), segment_names, key="segment",
                            default=[], format_func={s: t(s) for s in segment_names}.get))
    return Filters(start_date=start, end_date=end, regions=chosen.get("region", ()),
                   channels=chosen.get("channel", ()), products=chosen.get("product", ()),
                   owners=chosen.get("owner", ()), campaigns=chosen.get("campaign", ()),
                   segments=segments, owner_scope=user.owner_scope)
