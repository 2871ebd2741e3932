"""Every setting of the product, declared once with its default and help text.

A setting is read from the environment variable ``CRM_<NAME>`` (upper case) when set,
otherwise its default applies. ``python -m settings`` prints them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    @property
    def env_var(self) -> str:
        return "CRM_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("database_path", str(ROOT / "data" / "crm.duckdb"),
            "DuckDB file that holds every loaded dataset. Created on first start."),
    Setting("upload_dir", str(ROOT / "data" / "uploads"),
            "Folder where uploads and fetched links are written before loading; "
            "the only folder the database may read files from."),
    Setting("sample_data_dir", str(ROOT / "sample_data"),
            "Exports loaded into an empty database on first start, so every page has data."),
    Setting("load_sample_data", True,
            "Load the sample exports when the database is empty on first start."),
    Setting("max_upload_mb", 200,
            "Largest file accepted, in MB, for uploads and links alike."),
    Setting("max_excel_uncompressed_mb", 1000,
            "Largest total an .xlsx may inflate to when unzipped, in MB (guards against zip bombs)."),
    Setting("excel_split_read_mb", 256,
            "Most MB of unzipped worksheet XML that reading a workbook keeps in memory to read "
            "a big sheet on two cores at once (about twice as fast, but it holds about twice the "
            "sheet's XML meanwhile); a bigger sheet is read on one core, as are sheets under "
            "8 MB. 0: always one core."),
    Setting("link_timeout_seconds", 30,
            "How long fetching a link may take, in seconds, before it is abandoned."),
    Setting("allowed_link_hosts", "",
            "Comma-separated host names that links may point to even when they resolve to a "
            "private or loopback address (for an intranet file server). Empty: none."),
    Setting("preview_rows", 20, "Rows shown in previews of a file before it is loaded."),
    Setting("mappings_dir", str(ROOT / "data" / "mappings"),
            "Folder where saved column mappings are kept as plain JSON files."),
    Setting("excluded_order_statuses",
            "cancelled, canceled, voided, 交易关闭, 退款成功, 已取消, 已关闭, 订单取消, 交易取消",
            "Comma-separated order statuses (any letter case) that mean an order did not take "
            "place: its lines count in no revenue, sale or return. The defaults are cancelled and "
            "voided orders and the closed and fully refunded orders of Chinese platforms, whose "
            "exports keep the paid amount on such orders. Do not add a status that the export "
            "also gives to separate negative return lines (Shopify's 'refunded'): the return "
            "would then vanish with the sale. Empty: every status counts."),
    Setting("admin_emails", "",
            "Comma-separated e-mails that become admins the first time they sign in (when "
            "sign-in is configured and they have no user record yet). Nobody else becomes "
            "admin without an existing admin. Empty: none."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def get(name: str):
    """The value of setting ``name``: the environment's when set, cast to the default's type."""
    setting = _BY_NAME[name]
    raw = os.environ.get(setting.env_var)
    if raw is None:
        return setting.default
    default = setting.default
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


if __name__ == "__main__":
    for s in SETTINGS:
        print(f"{s.env_var} = {get(s.name)!r}\n    {s.help}")
