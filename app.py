"""Entry point: who the user is, navigation, and the frame every page shares."""

from __future__ import annotations

import streamlit as st

import charts.theme  # noqa: F401  (registers the chart theme)
from ui import context, tables
from ui.auth import current_user
from ui.i18n import language_picker, t

st.set_page_config(page_title="CRM analytics", page_icon=":material/monitoring:", layout="wide")

user = current_user()
language_picker()

reports = [
    st.Page("pages/overview.py", title=t("Overview"), icon=":material/dashboard:", default=True),
]
manage = []
if user.can_load_data:
    manage.append(st.Page("pages/data.py", title=t("Data"), icon=":material/upload_file:",
                          url_path="data"))

page = st.navigation({t("Reports"): reports, t("Manage"): manage} if manage else reports)

context.start(with_filters=page.url_path != "data")
with st.sidebar:
    st.divider()
    st.caption(t("Signed in as {name} ({role}). Sign-in is not configured: this app runs as one "
                 "local admin.", name=user.name, role=user.role))

tables.reset_run_tables()
page.run()
tables.workbook_download()
