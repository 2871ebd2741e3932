"""Frames to files a person opens: a formatted Excel workbook, and CSV text.

Shared by the report command and the dashboard's downloads. Text that a spreadsheet would run
as a formula (starting with = + - @, a tab or a carriage return) is neutralised with a
leading apostrophe, in workbooks and downloaded CSV alike, so a download can never carry a
formula from user data into Excel.
"""

from __future__ import annotations

import io
import math
import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

# First characters that make Excel, LibreOffice or Sheets read a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Columns shown as percentages: rates, shares and conversions are stored as fractions.
_PERCENT_NAME = re.compile(r"(rate|share|conversion|retention|attainment|p_alive|change_pct|roi)")
# Long-format "metric, value" columns whose rows differ in kind.
_MIXED_VALUE_COLUMNS = {"value", "previous_value", "change"}
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_WIDTH = 60
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def safe_cell(value):
    """``value`` made safe for a spreadsheet cell: formula-like text gets a leading ``'``,
    characters a workbook cannot hold are dropped, missing values become None, numpy and
    Decimal numbers become plain Python numbers. Other values pass through."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        return "'" + text if text.startswith(FORMULA_PREFIXES) else text
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, Decimal)):
        number = float(value)
        return None if math.isnan(number) else (number if math.isfinite(number) else str(number))
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (datetime, date)):
        return value
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return safe_cell(str(value))


def sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique worksheet title (at most 31 characters, none of [ ] : * ? / \\)."""
    base = _SHEET_FORBIDDEN.sub("_", str(name)).strip("'") or "Sheet"
    title, n = base[:31], 1
    while title.lower() in taken:
        n += 1
        suffix = f" ({n})"
        title = base[: 31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def _number_format(column: str, series: pd.Series) -> str | None:
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_datetime64_any_dtype(series):
        return "yyyy-mm-dd" if (series.dropna().dt.normalize() == series.dropna()).all() \
            else "yyyy-mm-dd hh:mm"
    if pd.api.types.is_integer_dtype(series):
        return "#,##0"
    if pd.api.types.is_float_dtype(series):
        if column.lower() in _MIXED_VALUE_COLUMNS:
            return None  # money, counts and model parameters share the column: show them whole
        return "0.0%" if _PERCENT_NAME.search(column.lower()) else "#,##0.00"
    if series.dtype == object and len(series.dropna()) and \
            all(isinstance(v, date) and not isinstance(v, datetime) for v in series.dropna()):
        return "yyyy-mm-dd"
    return None


def _write_sheet(ws, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    ws.append([safe_cell(c) for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in frame.itertuples(index=False, name=None):
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(frame) + 1}"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        series = frame.iloc[:, index - 1]
        fmt = _number_format(column, series)
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
        sample = [column, *(str(v) for v in series.head(200).tolist())]
        ws.column_dimensions[letter].width = min(_MAX_WIDTH, max(8, max(len(s) for s in sample) + 2))


def frames_to_xlsx(frames: dict[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one formatted sheet per frame, in the dict's order: bold header
    row, frozen and filterable; money with thousands separators, rates as percentages, dates
    as dates; every text cell passed through ``safe_cell``. An empty dict gives one empty sheet.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for name, frame in frames.items():
        _write_sheet(workbook.create_sheet(sheet_title(name, taken)), frame)
    if not workbook.worksheets:
        workbook.create_sheet("Report")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def neutral_text(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def frame_to_csv(frame: pd.DataFrame, *, neutralise: bool = True) -> bytes:
    """UTF-8 CSV of ``frame`` (no index, ISO dates, full float precision).

    Downloads open in spreadsheets, so by default formula-like text in cells and headers gets
    a leading ``'`` as in the workbook; ``neutralise=False`` writes values exactly (the report
    command's files, read by other programs). Numbers are never changed. Lines end in CRLF
    (RFC 4180), which also makes the writer quote a value holding a lone carriage return: unquoted,
    a spreadsheet would start a new row there (and could run what follows as a formula)."""
    out = frame.copy()
    if neutralise:
        out.columns = [neutral_text(c) for c in out.columns]
    for position in range(out.shape[1]):
        series = out.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(series):
            midnight = (series.dropna().dt.normalize() == series.dropna()).all()
            out.isetitem(position, series.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S"))
        elif neutralise and (series.dtype == object or pd.api.types.is_string_dtype(series)):
            out.isetitem(position, series.map(neutral_text, na_action="ignore"))
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8")
