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
from ui.connection import connection

user = current_user()
con = connection()

st.title("Data")
st.caption("Add the CSV or Excel files your CRM exports — any headers, any encoding — or a link to one. "
           "Each load becomes a dataset you can replace, append to or delete; a load that fails "
           "changes nothing already stored.")

add_tab, datasets_tab, history_tab = st.tabs(["Add data", "Datasets", "History"])

with add_tab:
    files = st.file_uploader("Drop export files here", type=upload.ACCEPTED_TYPES,
                             accept_multiple_files=True, key="uploader",
                             help="CSV/TSV/TXT, Excel (.xlsx, .xlsm, .xls) and Parquet.")
    upload.receive_uploads(files)
    with st.form("link-form", clear_on_submit=True, border=False):
        link_col, button_col = st.columns([5, 1], vertical_alignment="bottom")
        url = link_col.text_input("…or paste a link to a file",
                                  placeholder="https://docs.google.com/spreadsheets/d/…/pub?output=csv",
                                  help="A published Google Sheets CSV, a presigned object-store URL, or "
                                       "any public http(s) link to a file.")
        if button_col.form_submit_button("Fetch") and url.strip():
            with st.spinner("Fetching…"):
                upload.receive_link(url.strip())

    waiting = upload.pending()
    if not waiting:
        st.info("No file waiting. Upload one above, or paste a link.")
    else:
        token = st.selectbox("File", list(waiting), key="current-file",
                             format_func=lambda t: waiting[t]["display_name"])
        try:
            st.subheader("1. Read", divider="gray")
            insp = upload.reading_options(token)
            for note in insp.notes:
                st.info(note)
            st.dataframe(insp.preview, hide_index=True, height=240)

            st.subheader("2. Map columns", divider="gray")
            mapping = upload.mapping_editor(token, insp)
            missing = mapping.missing_required()
            if missing:
                st.warning("Still needed: " + ", ".join(missing) +
                           ". Pick the file's column for each in the table above.")

            st.subheader("3. Check", divider="gray")
            fingerprint = (token, insp.encoding, insp.delimiter, insp.sheet,
                           upload.mapping_fingerprint(mapping))
            checked = st.session_state.get("validation")
            if st.button("Check the rows", disabled=bool(missing), type="secondary"):
                with st.spinner("Checking every row…"):
                    st.session_state["validation"] = (fingerprint, upload.check(con, insp, mapping))
                checked = st.session_state["validation"]
            if checked and checked[0] == fingerprint:
                result = checked[1]
                for line in result.summary():
                    st.text(line)
                if len(result.problems):
                    st.dataframe(result.problems, hide_index=True, height=240)
                    st.download_button("Download the list of problems (CSV)",
                                       frame_to_csv(result.problems),
                                       file_name="problems.csv", mime="text/csv")

                st.subheader("4. Load", divider="gray")
                same_table = store.list_datasets(con)
                same_table = same_table[same_table["table_name"] == mapping.table]
                modes = {"new": "as a new dataset"}
                if len(same_table):
                    modes |= {"append": "appended to a dataset (rows already there are skipped)",
                              "replace": "replacing a dataset"}
                mode = st.radio("Load the valid rows", list(modes), format_func=modes.get,
                                horizontal=True, key=f"mode-{token}")
                target = None
                if mode != "new":
                    target = st.selectbox("Dataset", list(same_table["dataset_id"]), key=f"target-{token}",
                                          format_func=lambda i: same_table.set_index("dataset_id").at[i, "name"])
                go, cancel = st.columns([1, 5])
                if go.button(f"Load {result.valid_rows:,} rows", type="primary",
                             disabled=result.valid_rows == 0):
                    loaded = upload.load(con, token, insp, mapping, mode=mode, dataset_id=target,
                                         user=user.identity)
                    st.session_state.pop("validation", None)
                    st.success(f"Loaded {loaded.row_count:,} rows into "
                               f"{TABLES[mapping.table].label.lower()}.")
                    st.cache_data.clear()
                if cancel.button("Cancel and forget this file"):
                    upload.pending().pop(token, None)
                    st.session_state.pop("validation", None)
                    st.rerun()
        except InputError as err:
            st.error(plain(err))
            if st.button("Forget this file"):
                upload.pending().pop(token, None)
                st.rerun()

with datasets_tab:
    datasets = store.list_datasets(con)
    if datasets.empty:
        st.info("Nothing is loaded yet. Add a file in the first tab.")
    else:
        picked = st.dataframe(
            datasets, hide_index=True, on_select="rerun", selection_mode="single-row", key="datasets",
            column_config={"loaded_at": st.column_config.DatetimeColumn("Loaded at", format="YYYY-MM-DD HH:mm"),
                           "mapping_json": None})
        rows = picked.selection.rows if picked else []
        if rows:
            chosen = datasets.iloc[rows[0]]
            dataset_id = int(chosen["dataset_id"])
            st.subheader(plain(chosen["name"]), divider="gray")
            st.dataframe(store.preview_dataset(con, dataset_id), hide_index=True, height=280)
            st.caption("To replace this dataset or add rows to it, add the new file in the first tab and "
                       "choose *replacing* or *appended to* in step 4.")
            with st.popover("Delete this dataset", icon=":material/delete:"):
                st.write("Its rows leave every report. The deletion is recorded in the history.")
                if st.button("Delete for good", type="primary", key=f"delete-{dataset_id}"):
                    store.delete_dataset(con, dataset_id, user.identity)
                    st.cache_data.clear()
                    st.rerun()

with history_tab:
    events = store.history(con)
    if events.empty:
        st.info("No loads yet.")
    else:
        st.dataframe(events, hide_index=True)
