"""Data: upload or link exports, map their columns, check them, load them; manage datasets."""

from __future__ import annotations

import streamlit as st

from ingest import store
from ingest.errors import InputError
from ingest.schema import TABLES
from metrics.export import frame_to_csv
from ui import upload
from ui.access import plain
from ui.auth import current_user
from ui.connection import connection, writing
from ui.i18n import register, t

register({
    "Add the CSV or Excel files your CRM exports — any headers, any encoding — or a link to one. "
    "Each load becomes a dataset you can replace, append to or delete; a load that fails "
    "changes nothing already stored.":
        "添加 CRM 导出的 CSV 或 Excel 文件（任意表头、任意编码），或粘贴文件链接。每次导入成为一个数据集，"
        "可替换、追加或删除；导入失败不会改动已保存的数据。",
    "Add data": "添加数据", "Datasets": "数据集", "History": "历史记录",
    "Drop export files here": "将导出文件拖到这里",
    "CSV/TSV/TXT, Excel (.xlsx, .xlsm, .xls) and Parquet.": "支持 CSV/TSV/TXT、Excel（.xlsx、.xlsm、.xls）和 Parquet。",
    "…or paste a link to a file": "…或粘贴文件链接",
    "A published Google Sheets CSV, a presigned object-store URL, or any public http(s) link to a file.":
        "已发布的 Google 表格 CSV、对象存储预签名链接，或任何公开的 http(s) 文件链接。",
    "Fetch": "获取", "Fetching…": "正在获取…",
    "No file waiting. Upload one above, or paste a link.": "没有待处理的文件。请在上方上传或粘贴链接。",
    "File": "文件", "1. Read": "1. 读取", "2. Map columns": "2. 对应列", "3. Check": "3. 检查", "4. Load": "4. 导入",
    "Still needed: {columns}. Pick the file's column for each in the table above.":
        "仍缺少：{columns}。请在上表中为每一项选择文件中的列。",
    "Check the rows": "检查所有行", "Checking every row…": "正在检查每一行…",
    "Download the list of problems (CSV)": "下载问题清单 (CSV)",
    "as a new dataset": "作为新数据集",
    "appended to a dataset (rows with the same key are replaced)": "追加到数据集（键相同的行被替换）",
    "replacing a dataset": "替换数据集", "Load the valid rows": "导入有效行", "Dataset": "数据集",
    "Load {rows} rows": "导入 {rows} 行", "Loaded {rows} rows into {table}.": "已导入 {rows} 行到{table}。",
    "Cancel and forget this file": "取消并移除此文件", "Forget this file": "移除此文件",
    "Nothing is loaded yet. Add a file in the first tab.": "尚未导入数据。请在第一个标签页添加文件。",
    "Loaded at": "导入时间",
    "To replace this dataset or add rows to it, add the new file in the first tab and choose *replacing* or "
    "*appended to* in step 4.": "要替换此数据集或追加数据，请在第一个标签页添加新文件，并在第 4 步选择“替换”或“追加”。",
    "Delete this dataset": "删除此数据集",
    "Its rows leave every report. The deletion is recorded in the history.": "其数据将从所有报表中移除，删除操作会记入历史。",
    "Delete for good": "永久删除", "No loads yet.": "尚无导入记录。",
    "table|Orders / order lines": "订单/订单明细", "table|Customers / accounts / contacts": "客户/账户/联系人",
    "table|Deals / opportunities": "商机", "table|Deal stage history": "商机阶段历史", "table|Campaigns": "营销活动", "table|Daily campaign performance": "营销活动每日表现",
    "table|Activities": "销售活动", "table|Service tickets": "客服工单", "table|Sales targets": "销售目标",
})

user = current_user()
con = connection()

st.title(t("Data"))
st.caption(t("Add the CSV or Excel files your CRM exports — any headers, any encoding — or a link to one. "
             "Each load becomes a dataset you can replace, append to or delete; a load that fails "
             "changes nothing already stored."))

add_tab, datasets_tab, history_tab = st.tabs([t("Add data"), t("Datasets"), t("History")])

with add_tab:
    files = st.file_uploader(t("Drop export files here"), type=upload.ACCEPTED_TYPES,
                             accept_multiple_files=True, key="uploader",
                             help=t("CSV/TSV/TXT, Excel (.xlsx, .xlsm, .xls) and Parquet."))
    upload.receive_uploads(files)
    with st.form("link-form", clear_on_submit=True, border=False):
        link_col, button_col = st.columns([5, 1], vertical_alignment="bottom")
        url = link_col.text_input(t("…or paste a link to a file"),
                                  placeholder="https://docs.google.com/spreadsheets/d/…/pub?output=csv",
                                  help=t("A published Google Sheets CSV, a presigned object-store URL, or "
                                         "any public http(s) link to a file."))
        if button_col.form_submit_button(t("Fetch")) and url.strip():
            with st.spinner(t("Fetching…")):
                upload.receive_link(url.strip())

    waiting = upload.pending()
    if not waiting:
        st.info(t("No file waiting. Upload one above, or paste a link."))
    else:
        token = st.selectbox(t("File"), list(waiting), key="current-file",
                             format_func=lambda t: waiting[t]["display_name"])
        try:
            st.subheader(t("1. Read"), divider="gray")
            insp = upload.reading_options(token)
            for note in insp.notes:
                st.info(plain(note))  # notes quote the file's name
            st.dataframe(insp.preview, hide_index=True, height=240)

            st.subheader(t("2. Map columns"), divider="gray")
            mapping = upload.mapping_editor(token, insp)
            missing = mapping.missing_required()
            if missing:
                st.warning(t("Still needed: {columns}. Pick the file's column for each in the table above.",
                             columns=", ".join(missing)))

            st.subheader(t("3. Check"), divider="gray")
            fingerprint = (token, insp.encoding, insp.delimiter, insp.sheet,
                           upload.mapping_fingerprint(mapping))
            checked = st.session_state.get("validation")
            if st.button(t("Check the rows"), disabled=bool(missing), type="secondary"):
                with st.spinner(t("Checking every row…")):
                    st.session_state["validation"] = (fingerprint, upload.check(con, insp, mapping))
                checked = st.session_state["validation"]
            if checked and checked[0] == fingerprint:
                result = checked[1]
                for line in result.summary():
                    st.text(line)
                if len(result.problems):
                    st.dataframe(result.problems, hide_index=True, height=240)
                    st.download_button(t("Download the list of problems (CSV)"),
                                       frame_to_csv(result.problems),
                                       file_name="problems.csv", mime="text/csv")

                st.subheader(t("4. Load"), divider="gray")
                same_table = store.list_datasets(con)
                same_table = same_table[same_table["table_name"] == mapping.table]
                modes = {"new": t("as a new dataset")}
                if len(same_table):
                    modes |= {"append": t("appended to a dataset (rows with the same key are replaced)"),
                              "replace": t("replacing a dataset")}
                mode = st.radio(t("Load the valid rows"), list(modes), format_func=modes.get,
                                horizontal=True, key=f"mode-{token}")
                target = None
                if mode != "new":
                    target = st.selectbox(t("Dataset"), list(same_table["dataset_id"]), key=f"target-{token}",
                                          format_func=lambda i: same_table.set_index("dataset_id").at[i, "name"])
                go, cancel = st.columns([1, 5])
                if go.button(t("Load {rows} rows", rows=f"{result.valid_rows:,}"), type="primary",
                             disabled=result.valid_rows == 0):
                    loaded = upload.load(con, token, insp, mapping, mode=mode, dataset_id=target,
                                         user=user.identity)
                    st.session_state.pop("validation", None)
                    st.success(t("Loaded {rows} rows into {table}.", rows=f"{loaded.row_count:,}",
                                 table=t(TABLES[mapping.table].label, context="table").lower()))
                    st.cache_data.clear()
                if cancel.button(t("Cancel and forget this file")):
                    upload.pending().pop(token, None)
                    st.session_state.pop("validation", None)
                    st.rerun()
        except InputError as err:
            st.error(plain(err))
            if st.button(t("Forget this file")):
                upload.pending().pop(token, None)
                st.rerun()

with datasets_tab:
    datasets = store.list_datasets(con)
    if datasets.empty:
        st.info(t("Nothing is loaded yet. Add a file in the first tab."))
    else:
        picked = st.dataframe(
            datasets, hide_index=True, on_select="rerun", selection_mode="single-row", key="datasets",
            column_config={"loaded_at": st.column_config.DatetimeColumn(t("Loaded at"), format="YYYY-MM-DD HH:mm"),
                           "mapping_json": None})
        rows = picked.selection.rows if picked else []
        if rows:
            chosen = datasets.iloc[rows[0]]
            dataset_id = int(chosen["dataset_id"])
            st.subheader(plain(chosen["name"]), divider="gray")
            st.dataframe(store.preview_dataset(con, dataset_id), hide_index=True, height=280)
            st.caption(t("To replace this dataset or add rows to it, add the new file in the first tab and "
                         "choose *replacing* or *appended to* in step 4."))
            with st.popover(t("Delete this dataset"), icon=":material/delete:"):
                st.write(t("Its rows leave every report. The deletion is recorded in the history."))
                if st.button(t("Delete for good"), type="primary", key=f"delete-{dataset_id}"):
                    with writing():
                        store.delete_dataset(con, dataset_id, user.identity)
                    st.cache_data.clear()
                    st.rerun()

with history_tab:
    events = store.history(con)
    if events.empty:
        st.info(t("No loads yet."))
    else:
        st.dataframe(events, hide_index=True)
