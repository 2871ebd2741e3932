"""Admin: who may sign in, what each person sees, and the audit trail of who did what."""

from __future__ import annotations

from datetime import date

import streamlit as st

from ingest import audit, users
from ingest.errors import InputError
from metrics.dimensions import dimension_values
from metrics.export import frame_to_csv
from ui.access import plain
from ui.auth import auth_configured
from ui.cache import metric
from ui.context import page_context
from ui.i18n import register, t
from ui.tables import audited, show_table

register({
    "Who may sign in, what each person sees, and the record of who did what.":
        "谁可以登录、每个人能看到什么，以及谁在何时做了什么的记录。",
    "Only admins may open this page.": "只有管理员可以打开此页面。",
    "Sign-in is not configured, so whoever opens this app is the local admin and the users below "
    "are not used yet. The README's \"Turn sign-in on\" section says how.":
        "尚未配置登录，任何打开本应用的人都是本地管理员，下方用户暂不生效。README 的“开启登录”一节说明了配置方法。",
    "Users": "用户", "Audit trail": "审计日志",
    "No users yet.": "还没有用户。",
    "Click a row to edit that user.": "点击一行以编辑该用户。",
    "Add a user": "添加用户", "Edit {email}": "编辑 {email}",
    "E-mail": "电子邮箱", "user|Name": "姓名", "Role": "角色", "Owner values": "负责人",
    "Active": "启用", "Save": "保存", "Created": "创建时间", "Changed": "修改时间",
    "Changed by": "修改人",
    "For reps: the owner values whose rows they see. Picked from the owners in the data.":
        "仅对销售代表有效：其可查看数据的负责人，取自数据中的负责人。",
    "Deactivated users see nothing at once; they stay listed so the audit trail names them.":
        "停用的用户立即失去访问权限；其记录保留，以便审计日志可追溯。",
    "You cannot take away your own admin access; another admin can.":
        "不能移除自己的管理员权限；请由其他管理员操作。",
    "Saved: {email}.": "已保存：{email}。",
    "From": "开始", "To": "结束", "Actions": "操作", "User contains": "用户包含",
    "Target or detail contains": "对象或详情包含", "Page": "页码",
    "{count} events match.": "共 {count} 条记录符合条件。",
    "No events match.": "没有符合条件的记录。",
    "Download every matching event (CSV)": "下载全部符合条件的记录 (CSV)",
    "At": "时间", "User": "用户", "Action": "操作", "Target": "对象", "Detail": "详情",
    "admin": "管理员", "manager": "经理", "analyst": "分析师", "rep": "销售代表",
    "sees every row, loads data and manages users": "查看全部数据、导入数据并管理用户",
    "sees every row": "查看全部数据",
    "sees every row and loads data": "查看全部数据并导入数据",
    "sees only the rows of their owner values": "只查看其负责人的数据",
})

PAGE_ROWS = 100
EXPORT_LIMIT = 100_000

con, user, filters = page_context()
if not user.can_manage_users:
    # app.py registers this page for admins only; this guards a page run on its own.
    st.error(t("Only admins may open this page."))
    st.stop()

st.title(t("Admin"))
st.caption(t("Who may sign in, what each person sees, and the record of who did what."))
if not auth_configured():
    st.info(t("Sign-in is not configured, so whoever opens this app is the local admin and the users "
              "below are not used yet. The README's \"Turn sign-in on\" section says how."))

users_tab, audit_tab = st.tabs([t("Users"), t("Audit trail")])

with users_tab:
    table = users.list_users(con)
    picked = None
    if table.empty:
        st.caption(t("No users yet."))
    else:
        st.caption(t("Click a row to edit that user."))
        shown = show_table(table, "Users", key="users", on_select="rerun",
                           selection_mode="single-row", column_config={
                               "email": st.column_config.TextColumn(t("E-mail")),
                               "name": st.column_config.TextColumn(t("Name", context="user")),
                               "role": st.column_config.TextColumn(t("Role")),
                               "owner_values": st.column_config.TextColumn(t("Owner values")),
                               "active": st.column_config.CheckboxColumn(t("Active")),
                               "created_at": st.column_config.DatetimeColumn(
                                   t("Created"), format="YYYY-MM-DD HH:mm"),
                               "created_by": None,
                               "updated_at": st.column_config.DatetimeColumn(
                                   t("Changed"), format="YYYY-MM-DD HH:mm"),
                               "updated_by": st.column_config.TextColumn(t("Changed by"))})
        rows = shown.selection.rows if shown else []
        if rows:
            picked = users.get_user(con, table.iloc[rows[0]]["email"])

    st.subheader(t("Edit {email}", email=plain(picked["email"])) if picked else t("Add a user"),
                 divider="gray")
    owners = metric(dimension_values, con, filters, "owner")["value"].tolist()
    current = list(picked["owner_values"]) if picked else []
    with st.form(f"user-form-{picked['email'] if picked else 'new'}", border=False):
        left, right = st.columns(2)
        email = left.text_input(t("E-mail"), value=picked["email"] if picked else "",
                                disabled=picked is not None, max_chars=200)
        name = right.text_input(t("Name", context="user"), value=(picked or {}).get("name") or "", max_chars=200)
        role = left.selectbox(t("Role"), users.ROLES,
                              index=users.ROLES.index(picked["role"]) if picked else
                              users.ROLES.index("rep"),
                              format_func=lambda r: f"{t(r)} — {t(users.ROLE_HELP[r])}")
        chosen = right.multiselect(t("Owner values"), list(dict.fromkeys(owners + current)),
                                   default=current, accept_new_options=True,
                                   help=t("For reps: the owner values whose rows they see. Picked "
                                          "from the owners in the data."))
        active = st.checkbox(t("Active"), value=bool(picked["active"]) if picked else True,
                             help=t("Deactivated users see nothing at once; they stay listed so "
                                    "the audit trail names them."))
        if st.form_submit_button(t("Save"), type="primary"):
            target = picked["email"] if picked else email
            if users.normalize_email(target) == user.email and (role != "admin" or not active):
                st.error(t("You cannot take away your own admin access; another admin can."))
            else:
                try:
                    users.save_user(con, user, target, name=name, role=role,
                                    owner_values=chosen, active=active)
                    st.success(t("Saved: {email}.", email=plain(users.normalize_email(target))))
                    st.rerun()
                except InputError as err:
                    st.error(plain(err))

with audit_tab:
    top = st.columns([1, 1, 2])
    since = top[0].date_input(t("From"), value=None, key="audit_from", bind="query-params")
    until = top[1].date_input(t("To"), value=None, key="audit_to", bind="query-params")
    actions = top[2].multiselect(t("Actions"), list(audit.ACTIONS), key="audit_actions",
                                 bind="query-params")
    second = st.columns(2)
    user_text = second[0].text_input(t("User contains"), key="audit_user", max_chars=200,
                                     bind="query-params")
    text = second[1].text_input(t("Target or detail contains"), key="audit_text", max_chars=200,
                                bind="query-params")
    conditions = {"since": since if isinstance(since, date) else None,
                  "until": until if isinstance(until, date) else None,
                  "actions": tuple(actions), "user_text": user_text.strip() or None,
                  "text": text.strip() or None}
    total = audit.count_events(con, **conditions)
    if total == 0:
        st.caption(t("No events match."))
    else:
        pages = (total + PAGE_ROWS - 1) // PAGE_ROWS
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        left.caption(t("{count} events match.", count=f"{total:,}"))
        number = right.number_input(t("Page"), min_value=1, max_value=pages, value=1, step=1,
                                    key="audit_page") if pages > 1 else 1
        events = audit.events(con, **conditions, limit=PAGE_ROWS,
                              offset=(int(number) - 1) * PAGE_ROWS)
        show_table(events, "Audit trail", key="audit", column_config={
            "event_id": None,
            "at": st.column_config.DatetimeColumn(t("At"), format="YYYY-MM-DD HH:mm:ss"),
            "user_email": st.column_config.TextColumn(t("User")),
            "action": st.column_config.TextColumn(t("Action")),
            "target": st.column_config.TextColumn(t("Target")),
            "detail": st.column_config.TextColumn(t("Detail"), width="large")})
        st.download_button(
            t("Download every matching event (CSV)"),
            audited(lambda: frame_to_csv(audit.events(con.cursor(), **conditions,
                                                      limit=EXPORT_LIMIT)),
                    "audit_trail.csv", f"CSV of the audit trail, {min(total, EXPORT_LIMIT):,} events"),
            file_name="audit_trail.csv", mime="text/csv", icon=":material/download:",
            on_click="ignore", key="audit-export")
