"""Drawing one report-builder spec (the builder page and the saved reports on the Overview)."""

from __future__ import annotations

import math

import streamlit as st

from charts.builder import effective_chart, report_chart
from ingest.errors import InputError
from metrics.builder import (
    CHART_LABELS,
    DIMENSION_LABELS,
    GRAIN_LABELS,
    MEASURES,
    ReportSpec,
    build_report,
)
from metrics.saved_reports import saved_reports
from ui import format as fmt
from ui.cache import metric
from ui.i18n import language, register, t
from ui.tables import show_chart, show_table

register({
    "Net revenue": "净销售额", "Gross revenue": "总销售额", "Returns": "退货", "Number of sales": "销售单数",
    "Buying customers": "购买客户数", "Average order value": "客单价", "Units (net)": "净销量",
    "Deals created": "新建商机", "Deals won": "赢单数", "Revenue won": "赢单金额",
    "Win rate": "赢单率", "Open pipeline value": "在途商机金额", "Tickets": "工单数",
    "Complaints": "投诉数", "Mean satisfaction": "平均满意度", "Activities": "活动数",
    "None": "无", "Region": "地区", "Channel": "渠道", "Product": "产品", "Category": "品类",
    "Industry": "行业", "Owner": "负责人", "Campaign": "营销活动",
    "Day": "日", "Week": "周", "Month": "月", "Quarter": "季度",
    "Bar": "柱状图", "Line": "折线图", "Area": "面积图", "Pie": "饼图", "Table": "表格",
    "Time period": "周期", "by {dimension}": "按{dimension}", "per {grain}": "每{grain}",
    "Saved reports": "已保存的报表",
    "Made in the report builder; drawn with the filters of this page.":
        "在自定义报表中创建，按本页筛选条件绘制。",
    "{n} more in the report builder.": "另有 {n} 个报表，请在自定义报表页查看。",
    "No data for this report in this period.": "此时间范围内没有该报表的数据。",
    "A pie needs a summable measure by a dimension, without time grain or negative values: "
    "shown as bars.": "饼图需要可加总的指标、按维度拆分、不按时间且无负值：已改为柱状图。",
})

MAX_SHOWN = 12  # saved reports drawn on the Overview


def measure_label(measure: str) -> str:
    return t(MEASURES[measure].label)


def dimension_label(dimension: str) -> str:
    return t(DIMENSION_LABELS[dimension])


def grain_label(grain: str) -> str:
    return t(GRAIN_LABELS[grain])


def chart_label(chart: str) -> str:
    return t(CHART_LABELS[chart])


def _number(value, kind: str) -> str:
    if kind == "percent":
        return fmt.percent(value)
    if kind == "count":
        return fmt.count(value)
    if kind == "number":
        return "–" if value is None or math.isnan(value) else f"{value:,.2f}"
    return fmt.amount(value)


def draw_report(con, filters, spec: ReportSpec, *, key: str, name: str, height: int = 320,
                downloads: bool = True) -> None:
    """Compute ``spec`` over ``filters`` (cached) and draw it: a number, a table or a chart."""
    frame = metric(build_report, con, filters, spec.measure, spec.dimension, spec.grain, spec.top)
    if frame.empty:
        st.caption(t("No data for this report in this period."))
        return
    kind = effective_chart(spec, frame)
    label = measure_label(spec.measure)
    if kind == "number":
        st.metric(label, _number(frame[spec.measure].iloc[0], MEASURES[spec.measure].kind),
                  border=True)
        return
    if spec.chart == "pie" and kind != "pie":
        st.caption(t("A pie needs a summable measure by a dimension, without time grain or "
                     "negative values: shown as bars."))
    if kind == "table":
        config = {spec.measure: st.column_config.NumberColumn(label, format="localized")}
        if spec.dimension != "none":
            config[spec.dimension] = st.column_config.TextColumn(dimension_label(spec.dimension))
        if spec.grain != "none":
            config["period"] = st.column_config.DateColumn(t("Time period"), format="YYYY-MM-DD")
        show_table(frame, name, column_config=config, key=key, downloads=downloads,
                   height=min(38 + 35 * len(frame), height + 80))
        return
    labels = {"measure": label, "period": t("Time period"),
              "dimension": dimension_label(spec.dimension) if spec.dimension != "none" else ""}
    show_chart(report_chart(frame, spec, language(), labels, height=height), name, key=key,
               width="stretch", png=downloads)


def describe(spec: ReportSpec) -> str:
    """One line naming what a report shows: measure · by dimension · per grain · chart."""
    parts = [measure_label(spec.measure)]
    if spec.dimension != "none":
        parts.append(t("by {dimension}", dimension=dimension_label(spec.dimension)))
    if spec.grain != "none":
        parts.append(t("per {grain}", grain=grain_label(spec.grain)))
    parts.append(chart_label(spec.chart))
    return " · ".join(parts)


def saved_reports_section(con, filters, columns: int = 3) -> None:
    """The saved reports, each drawn small with the current filters (the Overview's last part)."""
    saved = saved_reports(con)
    if saved.empty:
        return
    st.subheader(t("Saved reports"))
    st.caption(t("Made in the report builder; drawn with the filters of this page."))
    cells = st.columns(columns)
    for i, row in enumerate(saved.head(MAX_SHOWN).itertuples()):
        with cells[i % columns], st.container(border=True):
            st.text(str(row.name))  # user text: shown without Markdown
            try:
                spec = ReportSpec.from_json(row.spec_json)
            except InputError as err:
                st.text(str(err))
                continue
            st.caption(describe(spec))
            draw_report(con, filters, spec, key=f"saved_report_{row.report_id}", name=str(row.name),
                        height=180, downloads=False)
    if len(saved) > MAX_SHOWN:
        st.caption(t("{n} more in the report builder.", n=len(saved) - MAX_SHOWN))
