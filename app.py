"""Entry point: who the user is, navigation, and the frame every page shares."""

from __future__ import annotations

import streamlit as st

import charts.theme  # noqa: F401  (registers the chart theme)
from metrics.service_drill import has_service_data
from ui import access, context, tables
from ui.auth import current_user
from ui.connection import connection
from ui.i18n import language_picker, t

st.set_page_config(page_title="CRM analytics", page_icon=":material/monitoring:", layout="wide")

user = current_user()  # looked up on every run: a change on the admin page applies at once
language_picker()
access.record_sign_in(user)
access.gate(user)  # without access: the sign-in / no-access page only, whatever the link

reports = [
    st.Page("pages/overview.py", title=t("Overview"), icon=":material/dashboard:", default=True),
    st.Page("pages/sales.py", title=t("Sales"), icon=":material/trending_up:"),
    st.Page("pages/funnel.py", title=t("Funnel"), icon=":material/filter_alt:"),
    st.Page("pages/customers.py", title=t("Customers"), icon=":material/groups:"),
    st.Page("pages/retention.py", title=t("Retention"), icon=":material/autorenew:"),
    st.Page("pages/campaigns.py", title=t("Campaigns"), icon=":material/campaign:"),
    st.Page("pages/team.py", title=t("Team"), icon=":material/leaderboard:"),
    # Service is in the menu only once tickets or activities are loaded (links still work).
    st.Page("pages/service.py", title=t("Service"), icon=":material/support_agent:",
            visibility="visible" if has_service_data(connection()) else "hidden"),
    st.Page("pages/report_builder.py", title=t("Report builder"), icon=":material/query_stats:"),
]
manage = []
if user.can_load_data:
    manage.append(st.Page("pages/data.py", title=t("Data"), icon=":material/upload_file:",
                          url_path="data"))
if user.can_manage_users:
    manage.append(st.Page("pages/admin.py", title=t("Admin"), icon=":material/admin_panel_settings:",
                          url_path="admin"))

page = st.navigation({t("Reports"): reports, t("Manage"): manage} if manage else reports)

context.start(with_filters=page.url_path not in ("data", "admin"), user=user)
access.sidebar_account(user)

tables.reset_run_tables()
page.run()
tables.workbook_download()
