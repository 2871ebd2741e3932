"""How each CRM writes dates and money, and byte-for-byte reproducible file writers."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def hubspot_datetime(t: datetime) -> str:
    """HubSpot export: ``2024-05-03 14:22``."""
    return t.strftime("%Y-%m-%d %H:%M")


def shopify_datetime(t: datetime) -> str:
    """Shopify export with the store's offset: ``2024-05-03 14:22:11 +0800``."""
    return t.strftime("%Y-%m-%d %H:%M:%S") + " +0800"


def tmall_datetime(t: datetime) -> str:
    """Tmall export, no zero padding in the date: ``2025/3/5 14:22:01``."""
    return f"{t.year}/{t.month}/{t.day} {t:%H:%M:%S}"


def us_date(d: date) -> str:
    """Salesforce report, US locale: ``5/3/2024``."""
    return f"{d.month}/{d.day}/{d.year}"


def us_datetime(t: datetime) -> str:
    """Salesforce report, US locale: ``5/3/2024 2:22 PM``."""
    hour = t.hour % 12 or 12
    return f"{us_date(t)} {hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def eu_date(d: date) -> str:
    """German-locale export: ``05.01.2024`` (day first)."""
    return f"{d.day:02d}.{d.month:02d}.{d.year}"


def zoho_datetime(t: datetime) -> str:
    """Zoho Desk export: ``03 May 2024 02:22 PM`` (English month names, whatever the locale)."""
    hour = t.hour % 12 or 12
    return (f"{t.day:02d} {MONTH_ABBR[t.month - 1]} {t.year} "
            f"{hour:02d}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}")


def plain_money(x: float) -> str:
    """``1234.50``."""
    return f"{x:.2f}"


def us_money(x: float) -> str:
    """Salesforce currency field: ``$12,500.00``."""
    return f"${x:,.2f}"


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]], *,
              encoding: str = "utf-8", newline: str = "\n", delimiter: str = ",") -> int:
    """Write a CSV exactly as given (cells already formatted); returns the number of data rows."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
        count += 1
    path.write_bytes(buf.getvalue().encode(encoding))
    return count


# Every member of the xlsx zip gets this timestamp so the bytes do not depend on the clock.
ZIP_TIME = (2026, 10, 31, 0, 0, 0)
XLSX_TIME = datetime(2026, 10, 31, 0, 0, 0)


def save_workbook_reproducibly(workbook, path: Path) -> None:
    """Save an openpyxl workbook with fixed document and zip timestamps."""
    from openpyxl.writer.excel import ExcelWriter

    workbook.properties.created = XLSX_TIME
    workbook.properties.modified = XLSX_TIME
    raw = io.BytesIO()
    # ExcelWriter directly: openpyxl's save() would stamp "modified" with the clock.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).write_data()
    out = io.BytesIO()
    # Stored, not deflated: compressed bytes could differ between zlib builds.
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            member.compress_type = zipfile.ZIP_STORED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    path.write_bytes(out.getvalue())
