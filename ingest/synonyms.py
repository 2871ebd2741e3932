"""Header synonyms per canonical table and column, extra roles, and signature words per table.

The column lists live in ``ingest.synonym_lists``; here are the roles that feed derivations,
the words that tell tables apart, the normalisation used to compare headers, and loading a
user's additions. Headers are compared in ``compact`` form, so "Close Date", "CLOSEDATE",
"close_date" and "CloseDate" are one synonym.

A user extends the lists with ``<mappings_dir>/synonyms.json``:
``{"deals": {"stage": ["Phase"]}, "extras": {"address": ["Ship to"]}}``; their synonyms
come first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import settings
from ingest.errors import InputError
from ingest.schema import TABLES
from ingest.synonym_lists import SYNONYMS

__all__ = ["EXTRAS", "SIGNATURES", "SYNONYMS", "compact", "load_synonyms", "tokens"]


_NOT_ALNUM = re.compile(r"[\W_]+")  # \w is str.isalnum() plus "_"


def compact(text) -> str:
    """Comparison form of a header: NFKC (full-width to ASCII), case-folded, letters and digits only."""
    text = str(text or "")
    # NFKC leaves ASCII as it is, and casefold is lower there: most headers skip both.
    folded = text.lower() if text.isascii() else (
        unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold())
    return _NOT_ALNUM.sub("", folded)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def tokens(text) -> list[str]:
    """Words of a header: split on camelCase, spaces and punctuation, case-folded."""
    text = str(text or "")
    folded = text if text.isascii() else unicodedata.normalize("NFKC", text).replace("\ufeff", "")
    spaced = _CAMEL.sub(" ", folded).casefold()
    return [t for t in _WORD_BREAK.split(spaced) if t]


_WORD_BREAK = re.compile(r"[^\w]+|_")


# Roles that are not canonical columns but feed derivations (see ingest.derive).
EXTRAS: dict[str, list[str]] = {
    "address": [
        "address", "full address", "shipping address", "billing address", "delivery address",
        "mailing address", "ship to address", "收货地址", "地址", "详细地址", "收件地址",
        "客户地址", "联系地址",
    ],
    "first_name": ["first name", "firstname", "given name", "名"],
    "last_name": ["last name", "lastname", "surname", "family name", "姓"],
    "deal_status": ["deal status", "status", "商机状态", "状态"],
}
# Which tables each extra role is looked for in.
EXTRA_TABLES: dict[str, tuple[str, ...]] = {
    "address": ("order_lines", "customers", "deals", "tickets"),
    "first_name": ("customers",),
    "last_name": ("customers",),
    "deal_status": ("deals",),
}

# Order-level money headers: line_amount is derived instead when quantity and unit price exist.
ORDER_TOTAL_HEADERS = frozenset(compact(h) for h in (
    "total", "order total", "order amount", "subtotal", "订单金额", "订单总金额", "应付金额",
    "买家实际支付金额", "总金额",
))

# Words whose presence in headers says which table a file is; compared with ``compact``.
SIGNATURES: dict[str, list[str]] = {
    "order_lines": [
        "order", "invoice", "lineitem", "sku", "stockcode", "quantity", "qty", "unitprice",
        "financialstatus", "fulfillment", "订单", "购买数量", "单价", "收货", "买家", "宝贝", "商品",
    ],
    "customers": [
        "email", "phone", "lifecycle", "mailing", "billingstreet", "billingcity", "website",
        "numberofemployees", "annualrevenue", "industry", "signup", "邮箱", "电话", "手机",
        "行业", "客户等级", "注册",
    ],
    "deals": [
        "deal", "opportunity", "stage", "probability", "closedate", "pipeline", "iswon",
        "forecast", "商机", "阶段", "赢率", "成交日期",
    ],
    "deal_stage_history": [
        "history", "entered", "changed", "fromstage", "tostage", "oldvalue", "newvalue",
        "变更", "进入",
    ],
    "campaigns": [
        "campaign", "budget", "actualcost", "expectedresponse", "numberofresponses",
        "startdate", "enddate", "活动", "预算",
    ],
    "campaign_performance": [
        "impressions", "impr", "clicks", "ctr", "cpc", "cpm", "spend", "conversions",
        "convvalue", "adgroup", "展现", "点击", "消耗", "曝光", "转化",
    ],
    "activities": [
        "activity", "call", "meeting", "task", "subject", "duration", "跟进", "拜访", "通话",
    ],
    "tickets": [
        "ticket", "case", "priority", "satisfaction", "resolved", "csat", "工单", "投诉",
        "满意度", "优先级",
    ],
    "targets": ["target", "quota", "goal", "目标", "指标", "配额"],
}


def _check_names(path: Path, data) -> None:
    if not isinstance(data, dict):
        raise InputError("expected a JSON object of tables", file=path.name)
    for table, columns in data.items():
        if table == "extras":
            known = EXTRAS
        elif table in TABLES:
            known = TABLES[table].column_names
        else:
            raise InputError(f"unknown table '{table}'; use one of: {', '.join(TABLES)}, extras",
                             file=path.name)
        if not isinstance(columns, dict):
            raise InputError(f"'{table}' must map column names to lists of headers", file=path.name)
        for column, words in columns.items():
            if column not in known:
                raise InputError(f"'{table}' has no column '{column}'", file=path.name)
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise InputError(f"'{table}.{column}' must be a list of header texts", file=path.name)


def load_synonyms(path=None) -> dict:
    """The synonyms in effect: ours, with a user's synonyms.json (if any) put first.

    Returns ``{"tables": {table: {column: [..]}}, "extras": {role: [..]}}``. ``path`` defaults
    to ``<mappings_dir>/synonyms.json``; a missing file is fine, a malformed one is an InputError.
    """
    merged = {
        "tables": {t: {c: list(words) for c, words in cols.items()} for t, cols in SYNONYMS.items()},
        "extras": {role: list(words) for role, words in EXTRAS.items()},
    }
    if path is None:
        path = Path(settings.get("mappings_dir")) / "synonyms.json"
    path = Path(path)
    if not path.is_file():
        return merged
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise InputError(f"cannot read the synonyms file: {err}", file=path.name) from None
    _check_names(path, data)
    for table, columns in data.items():
        target = merged["extras"] if table == "extras" else merged["tables"][table]
        for column, words in columns.items():
            target[column] = [*words, *target.get(column, [])]
    return merged
