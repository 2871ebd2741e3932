"""Sign-in and sign-out, the page shown to anyone without access, and the account box.

``app.py`` calls ``gate(user)`` before it registers any page: a user without access gets
one page (sign in, or "no access") whatever the link, and the run stops there.
"""

from __future__ import annotations

import streamlit as st

from ingest import audit
from ui.auth import INACTIVE, NO_EMAIL, SIGNED_OUT, UNKNOWN, User, auth_configured
from ui.i18n import register, t

register({
    "Sign in": "登录",
    "Sign out": "退出登录",
    "No access": "无访问权限",
    "CRM data is confidential: sign in with your work account to see the reports.":
        "客户数据属于机密：请使用工作账号登录后查看报表。",
    "Your sign-in did not share a verified e-mail address, so this app cannot tell who you are. "
    "Ask an administrator to check the sign-in settings.":
        "登录未提供已验证的电子邮箱，本应用无法确认您的身份。请联系管理员检查登录设置。",
    "{email} has no access to this app. Ask an administrator to add you.":
        "{email} 没有本应用的访问权限。请联系管理员为您开通。",
    "{email} no longer has access to this app. Ask an administrator if this is a mistake.":
        "{email} 已不再拥有本应用的访问权限。如有误，请联系管理员。",
    "Signed in as {name} ({role}).": "当前用户：{name}（{role}）。",
    "You see the rows of: {owners}.": "您可查看以下负责人的数据：{owners}。",
    "You see no rows yet: an administrator has not assigned you an owner.":
        "您暂时看不到任何数据：管理员尚未为您分配负责人。",
    "Admin": "用户与审计",
    "An analyst or an admin can load data on the Data page.": "分析师或管理员可在数据页导入数据。",
    "admin": "管理员", "manager": "经理", "analyst": "分析师", "rep": "销售代表",
})

_AUDITED = "_audited_sign_in"
_MARKDOWN = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$"})


def plain(text) -> str:
    """``text`` with Markdown escaped, for names and values that come from outside."""
    return str(text).translate(_MARKDOWN)


def record_sign_in(user: User) -> None:
    """Audit a sign-in (or a refused one) once per session and identity."""
    if not auth_configured() or user.reason == SIGNED_OUT:
        return
    from ui.connection import connection

    marker = (user.identity, user.role, user.reason)
    if st.session_state.get(_AUDITED) == marker:
        return
    st.session_state[_AUDITED] = marker
    if user.has_access:
        owners = ", ".join(user.owner_scope or ()) if user.owner_scope is not None else "all rows"
        audit.record(connection(), user, "sign-in", user.role, f"sees: {owners or 'no rows'}")
    else:
        audit.record(connection(), user.identity or "unknown", "access denied", None, user.reason)


def gate(user: User) -> None:
    """Unless ``user`` has access: show the sign-in / no-access page as the only page and stop."""
    if user.has_access:
        return
    page = st.Page(lambda: _no_access(user), title=t("Sign in"), icon=":material/lock:",
                   url_path="sign-in", default=True)
    st.navigation([page], position="hidden").run()
    st.stop()


def _no_access(user: User) -> None:
    if user.reason == SIGNED_OUT:
        st.title(t("Sign in"))
        st.write(t("CRM data is confidential: sign in with your work account to see the reports."))
        if st.button(t("Sign in"), type="primary", icon=":material/login:", key="sign-in"):
            st.login()
        return
    st.title(t("No access"))
    message = {
        NO_EMAIL: t("Your sign-in did not share a verified e-mail address, so this app cannot tell "
                    "who you are. Ask an administrator to check the sign-in settings."),
        UNKNOWN: t("{email} has no access to this app. Ask an administrator to add you.",
                   email=user.email),
        INACTIVE: t("{email} no longer has access to this app. Ask an administrator if this is "
                    "a mistake.", email=user.email),
    }.get(user.reason, t("{email} has no access to this app. Ask an administrator to add you.",
                         email=user.email))
    # st.text, not markdown: the e-mail comes from the identity provider.
    st.text(message)
    sign_out_button()


def sign_out_button() -> None:
    if st.button(t("Sign out"), icon=":material/logout:", key="sign-out"):
        st.logout()


def sidebar_account(user: User) -> None:
    """Who is signed in, what they see, and the sign-out button (sidebar, every page)."""
    with st.sidebar:
        st.divider()
        role = t(user.role)
        if not auth_configured():
            st.caption(t("Signed in as {name} ({role}). Sign-in is not configured: this app runs "
                         "as one local admin.", name=plain(user.name), role=role))
            return
        st.caption(t("Signed in as {name} ({role}).", name=plain(user.name), role=role))
        if user.owner_scope is not None:
            st.caption(t("You see the rows of: {owners}.",
                         owners=plain(", ".join(user.owner_scope)))
                       if user.owner_scope else
                       t("You see no rows yet: an administrator has not assigned you an owner."))
        sign_out_button()


def data_link() -> None:
    """For empty states: the link to the Data page for users who may load data; everyone else is
    told who can (the page is not registered for them, so a link to it would fail)."""
    from ui.context import page_context

    if page_context()[1].can_load_data:
        st.page_link("pages/data.py", label=t("Data"), icon=":material/upload_file:")
    else:
        st.caption(t("An analyst or an admin can load data on the Data page."))
