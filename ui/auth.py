"""Who the user is. Without sign-in configured the app runs as one local admin.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` people sign in through ``st.login``
(any OIDC provider) and their role comes from the ``app_users`` table, looked up on EVERY
script run and never cached, so a change on the admin page takes effect at once. Anyone not
signed in, unknown or deactivated gets a user with no access that sees no rows: deny by default.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

import settings
from ingest import users
from ui.connection import connection

NO_ACCESS = "none"
# Why a user has no access; the no-access page words each one.
SIGNED_OUT, NO_EMAIL, UNKNOWN, INACTIVE = "signed out", "no e-mail", "unknown", "inactive"


@dataclass(frozen=True)
class User:
    name: str
    role: str  # admin, manager, analyst, rep; "none" without access
    owner_scope: tuple[str, ...] | None = None  # rows a rep may see; None = all
    email: str = ""
    reason: str = ""  # why there is no access (SIGNED_OUT, ...); empty when there is

    @property
    def has_access(self) -> bool:
        return self.role in users.ROLES

    @property
    def can_load_data(self) -> bool:
        return self.role in {"admin", "analyst"}

    @property
    def can_manage_users(self) -> bool:
        return self.role == "admin"

    @property
    def identity(self) -> str:
        """What records of this user's actions name: the e-mail, else the name."""
        return self.email or self.name


LOCAL_ADMIN = User(name="local admin", role="admin")


def _denied(reason: str, email: str = "", name: str = "") -> User:
    # owner_scope () sees no rows even if some code path forgets to check has_access.
    return User(name=name or email, role=NO_ACCESS, owner_scope=(), email=email, reason=reason)


def auth_configured() -> bool:
    """True when the secrets hold an ``[auth]`` section, i.e. sign-in is on."""
    # load_if_toml_exists is False for a missing or unreadable file (Streamlit logs why).
    secrets = st.secrets
    return bool(secrets.load_if_toml_exists()) and "auth" in secrets


def admin_emails() -> list[str]:
    """The e-mails of setting ``admin_emails``."""
    return [e.strip() for e in str(settings.get("admin_emails")).split(",") if e.strip()]


def current_user() -> User:
    """The user of this script run, looked up on every run (never cached across users)."""
    if not auth_configured():
        return LOCAL_ADMIN
    info = st.user
    if info.get("is_logged_in") is not True:
        return _denied(SIGNED_OUT)
    email = users.normalize_email(info.get("email"))
    name = str(info.get("name") or email)
    # A provider that says the address is unverified cannot vouch for who this is.
    if not email or info.get("email_verified") is False:
        return _denied(NO_EMAIL, email, name)
    con = connection()
    users.bootstrap_admin(con, email, name, admin_emails())
    record = users.get_user(con, email)
    if record is None or record["role"] not in users.ROLES:
        return _denied(UNKNOWN, email, name)
    if not record["active"]:
        return _denied(INACTIVE, email, name)
    role = record["role"]
    scope = tuple(record["owner_values"]) if role == "rep" else None
    return User(name=record["name"] or name, role=role, owner_scope=scope, email=email)
