"""The Data page's steps for one incoming file: receive it, read it, map it, check it, load it.

State lives in ``st.session_state`` keyed by the file's token, so reruns never read or
write a file twice.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path

import pandas as pd
import streamlit as st

import settings
from ingest import audit, read, store
from ingest.errors import InputError
from ingest.fetch import fetch
from ingest.mapping import (
    Mapping,
    default_mapping_path,
    find_saved_mapping,
    guess_mapping,
)
from ingest.schema import TABLES
from ingest.validate import validate
from ui.access import plain
from ui.connection import prepare_reports, writing
from ui.i18n import register, t

ACCEPTED_TYPES = ["csv", "tsv", "txt", "xlsx", "xlsm", "xls", "parquet"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "gb18030", "big5", "cp1252", "latin-1"]
DELIMITERS = {",": "comma ,", ";": "semicolon ;", "\t": "tab", "|": "pipe |"}

register({
    "comma ,": "逗号 ,", "semicolon ;": "分号 ;", "tab": "制表符", "pipe |": "竖线 |",
    "detected: {value}": "检测到：{value}", "Encoding": "编码", "Delimiter": "分隔符", "Sheet": "工作表",
    "Detection is a guess: if the preview shows garbled characters, pick another.":
        "检测结果只是猜测：如果预览出现乱码，请选择其他编码。",
    "These headers were mapped before: the saved mapping is used. You can still change it.":
        "这些表头以前对应过：已使用保存的对应关系，仍可修改。",
    "{table} (detected, {sure} sure)": "{table}（自动识别，把握 {sure}）", "This file holds": "此文件内容",
    "Canonical column": "标准列", "Meaning": "含义", "Required": "必填", "Column in your file": "文件中的列",
    "Confidence": "置信度",
    "Stage order of the funnel, first to last: edit the position numbers to reorder.":
        "漏斗阶段顺序（从前到后）：修改序号即可调整顺序。",
    "Remember this mapping for files with the same headers": "记住此对应关系，用于表头相同的文件",
    "Loading…": "正在导入…", "Preparing reports…": "正在准备报表…",
})
NONE = "— not in this file —"


def pending() -> dict[str, dict]:
    """Files received in this session and not yet loaded, by token."""
    return st.session_state.setdefault("pending_files", {})


def receive_uploads(files) -> None:
    """Write new uploads to the upload folder once each (a rerun does not write them again)."""
    limit = settings.get("max_upload_mb") * 1024 * 1024
    seen = st.session_state.setdefault("received_upload_ids", set())
    for f in files or []:
        if f.file_id in seen:
            continue
        seen.add(f.file_id)
        if f.size > limit:
            # File names are the uploader's text: never Markdown (links, images).
            st.error(f"{plain(f.name)}: the file is {f.size / 1e6:.0f} MB, over the "
                     f"{settings.get('max_upload_mb')} MB limit.")
            continue
        # The stored name is generated; it keeps the suffix only when it is one we accept.
        suffix = Path(f.name).suffix.lower()
        suffix = suffix if suffix[1:] in ACCEPTED_TYPES else ""
        path = Path(settings.get("upload_dir")) / f"{uuid.uuid4().hex}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            out.write(f.getbuffer())
        pending()[path.name] = {"path": str(path), "display_name": f.name, "source": f"upload: {f.name}"}


def receive_link(url: str) -> None:
    """Fetch a link into the upload folder, with the safety checks of ingest.fetch."""
    allowed = {h.strip() for h in settings.get("allowed_link_hosts").split(",") if h.strip()}
    try:
        got = fetch(url, Path(settings.get("upload_dir")),
                    max_bytes=settings.get("max_upload_mb") * 1024 * 1024,
                    timeout=settings.get("link_timeout_seconds"), allowed_hosts=allowed)
    except InputError as err:
        st.error(plain(err))
        return
    pending()[Path(got.path).name] = {"path": str(got.path), "display_name": got.display_name,
                                      "source": url}


def inspection(token: str, encoding, delimiter, sheet):
    """Read the file's shape and preview; remembered per choice of encoding/delimiter/sheet."""
    entry = pending()[token]
    cache = entry.setdefault("inspections", {})
    key = (encoding, delimiter, sheet)
    if key not in cache:
        cache[key] = read.inspect(Path(entry["path"]), entry["display_name"], encoding=encoding,
                                  delimiter=delimiter, sheet=sheet,
                                  preview_rows=settings.get("preview_rows"))
    return cache[key]


def reading_options(token: str):
    """Widgets to override what was detected; returns the Inspection to use."""
    first = inspection(token, None, None, None)
    if first.format != "csv" and not first.sheets:
        return first
    cols = st.columns(3)
    encoding = delimiter = sheet = None
    if first.format == "csv":
        options = [None, *ENCODINGS]
        encoding_names = {None: t("detected: {value}", value=first.encoding)} | {e: e for e in ENCODINGS}
        encoding = cols[0].selectbox(
            t("Encoding"), options, key=f"enc-{token}", format_func=encoding_names.get,
            help=t("Detection is a guess: if the preview shows garbled characters, pick another."))
        detected = DELIMITERS.get(first.delimiter, first.delimiter)
        delimiter_names = {None: t("detected: {value}", value=t(detected))} | {d: t(n) for d, n in DELIMITERS.items()}
        delimiter = cols[1].selectbox(t("Delimiter"), [None, *DELIMITERS], key=f"delim-{token}",
                                      format_func=delimiter_names.get)
    if first.sheets:
        sheet = cols[2].selectbox(t("Sheet"), first.sheets, key=f"sheet-{token}",
                                  index=first.sheets.index(first.sheet) if first.sheet in first.sheets else 0)
    return inspection(token, encoding, delimiter, sheet)


def mapping_editor(token: str, insp) -> Mapping:
    """Show the guessed mapping and let the user change the table, any column and the stage order."""
    mappings_dir = Path(settings.get("mappings_dir"))
    saved = find_saved_mapping(insp.headers, mappings_dir)
    guess = saved or guess_mapping(insp.headers, insp.preview)
    if saved:
        st.success(t("These headers were mapped before: the saved mapping is used. You can still change it."))
    tables = list(TABLES)
    table_names = {name: t(spec.label, context="table") for name, spec in TABLES.items()}
    table_names[guess.table] = t("{table} (detected, {sure} sure)", table=table_names[guess.table],
                                 sure=f"{guess.table_confidence:.0%}")
    table = st.selectbox(t("This file holds"), tables, index=tables.index(guess.table), key=f"table-{token}",
                         format_func=table_names.get)
    mapping = guess if table == guess.table else guess_mapping(insp.headers, insp.preview, table=table)
    spec = TABLES[table]
    rows = pd.DataFrame({
        "column": [c.name for c in spec.columns],
        "meaning": [c.help for c in spec.columns],
        "required": [c.required for c in spec.columns],
        "source": [mapping.columns.get(c.name, NONE) for c in spec.columns],
        "confidence": [float(mapping.confidence.get(c.name, 0.0)) for c in spec.columns],
    })
    edited = st.data_editor(
        rows, key=f"map-{token}-{table}", hide_index=True, disabled=["column", "meaning", "required",
                                                                      "confidence"],
        column_config={
            "column": st.column_config.TextColumn(t("Canonical column")),
            "meaning": st.column_config.TextColumn(t("Meaning"), width="large"),
            "required": st.column_config.CheckboxColumn(t("Required")),
            "source": st.column_config.SelectboxColumn(t("Column in your file"), options=[NONE, *insp.headers],
                                                       required=True),
            "confidence": st.column_config.ProgressColumn(t("Confidence"), min_value=0.0, max_value=1.0,
                                                          format="percent"),
        })
    columns = {r.column: r.source for r in edited.itertuples() if r.source != NONE}
    mapping = Mapping.from_dict({**mapping.to_dict(), "columns": columns})
    if table == "deals" and mapping.stage_order:
        st.caption(t("Stage order of the funnel, first to last: edit the position numbers to reorder."))
        order = st.data_editor(pd.DataFrame({"position": range(1, len(mapping.stage_order) + 1),
                                             "stage": mapping.stage_order}),
                               key=f"stages-{token}", hide_index=True, disabled=["stage"])
        mapping.stage_order = list(order.sort_values(["position", "stage"])["stage"])
    if st.checkbox(t("Remember this mapping for files with the same headers"), value=True,
                   key=f"remember-{token}"):
        st.session_state[f"save-mapping-{token}"] = str(default_mapping_path(mappings_dir, insp.headers))
    else:
        st.session_state.pop(f"save-mapping-{token}", None)
    return mapping


def mapping_fingerprint(mapping: Mapping) -> str:
    return hashlib.sha256(json.dumps(mapping.to_dict(), sort_keys=True, default=str).encode()).hexdigest()


def check(con, insp, mapping: Mapping):
    """Stage the file and validate it; nothing stored changes."""
    stage_table = f"check_{uuid.uuid4().hex[:12]}"
    try:
        read.stage(con, insp, stage_table)
        return validate(con, stage_table, mapping, insp.display_name)
    finally:
        con.execute(f'drop table if exists "{stage_table}"')


def load(con, token: str, insp, mapping: Mapping, *, mode: str, dataset_id, user: str):
    """Load the valid rows in one transaction, with a progress bar."""
    bar = st.progress(0.0, text=t("Loading…"))

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    with writing():
        result = store.load(con, insp, mapping, mode=mode, dataset_id=dataset_id, user=user,
                            source=pending()[token]["source"], on_progress=progress,
                            skip_invalid=True)
    save_to = st.session_state.pop(f"save-mapping-{token}", None)
    if save_to:
        mapping.save(Path(save_to))
        audit.record(con, user, "mapping saved", Path(save_to).name,
                     f"{TABLES[mapping.table].label} from {insp.display_name}: "
                     f"{len(mapping.columns)} columns mapped")
    pending().pop(token, None)
    bar.progress(1.0, text=t("Preparing reports…"))
    prepare_reports(con)
    return result
