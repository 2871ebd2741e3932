"""The people who may use the app when sign-in is on: their role and, for reps, their owner values.

Tables:
- ``app_users``: one row per e-mail (stored lower-case): name, role, active, created_at,
  created_by, updated_at, updated_by. Users are deactivated, never removed, so the audit trail
  keeps naming them.
- ``app_user_owners``: one row per user and owner value the user (a rep) may see.

Every change is one transaction with its audit record. Nothing here imports Streamlit.
"""

from __future__ import annotations

import re
from contextlib import contextmanager, suppress

import pandas as pd

from ingest import audit
from ingest.errors import InputError

ROLES = ("admin", "manager", "analyst", "rep")
ROLE_HELP = {
    "admin": "sees every row, loads data and manages users",
    "manager": "sees every row",
    "analyst": "sees every row and loads data",
    "rep": "sees only the rows of their owner values",
}
USERS_DDL = (
    """create table if not exists app_users (
  email varchar primary key,
  name varchar,
  role varchar not null,
  active boolean not null,
  created_at timestamp,
  created_by varchar,
  updated_at timestamp,
  updated_by varchar
)""",
    """create table if not exists app_user_owners (
  email varchar not null,
  owner_value varchar not null
)""",
)
USER_COLUMNS = ["email", "name", "role", "owner_values", "active", "created_at", "created_by",
                "updated_at", "updated_by"]
# Deliberately loose: one @, no spaces, a dot in the domain. The provider owns real checks.
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def init_users(con) -> None:
    """Create the user tables if missing (idempotent)."""
    for ddl in USERS_DDL:
        con.execute(ddl)


@contextmanager
def _transaction(con):
    """One transaction; rolled back on any error, which reaches the user as one line."""
    con.begin()
    try:
        yield
        con.commit()
    except BaseException as exc:
        with suppress(Exception):  # the transaction may already be gone
            con.rollback()
        if isinstance(exc, InputError) or not isinstance(exc, Exception):
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        raise InputError(f"the user could not be saved, nothing was changed ({first})") from exc


def normalize_email(email) -> str:
    """The e-mail as stored and compared: trimmed, lower-case ('' when missing)."""
    return str(email or "").strip().lower()


def get_user(con, email) -> dict | None:
    """The user with this e-mail as a dict (USER_COLUMNS; owner_values a sorted tuple), or None."""
    email = normalize_email(email)
    cur = con.execute("select email, name, role, active, created_at, created_by, updated_at, "
                      "updated_by from app_users where email = $e", {"e": email})
    row = next(iter(cur.fetchall()), None)
    if row is None:
        return None
    user = dict(zip([d[0] for d in cur.description], row))
    owners = con.execute("select owner_value from app_user_owners where email = $e "
                         "order by owner_value", {"e": email}).fetchall()
    user["owner_values"] = tuple(r[0] for r in owners)
    return user


def list_users(con) -> pd.DataFrame:
    """One row per user, active first, then by e-mail: USER_COLUMNS (owner_values joined by ', ')."""
    sql = """
    with owners as (
      select email, string_agg(owner_value, ', ' order by owner_value) as owner_values
      from app_user_owners
      group by email
    ),
    final as (
      select u.email, u.name, u.role, coalesce(o.owner_values, '') as owner_values, u.active,
             u.created_at, u.created_by, u.updated_at, u.updated_by
      from app_users u
      left join owners o on o.email = u.email
    )
    select * from final order by active desc, email
    """
    return con.execute(sql).df()[USER_COLUMNS]


def count_active_admins(con) -> int:
    return int(con.execute("select count(*) from app_users where role = 'admin' and active")
               .fetchall()[0][0])


def _check(email: str, name, role: str, owner_values) -> tuple[str, str | None, tuple[str, ...]]:
    if not _EMAIL.fullmatch(email):
        raise InputError(f"'{email[:80]}' is not an e-mail address", column="email")
    if role not in ROLES:
        raise InputError(f"unknown role '{str(role)[:40]}'; use one of: {', '.join(ROLES)}",
                         column="role")
    owners = tuple(sorted({str(v) for v in owner_values or () if str(v).strip()}))
    name = str(name).strip()[:200] if name and str(name).strip() else None
    return email, name, owners


def save_user(con, by, email, *, name=None, role: str = "rep", owner_values=(),
              active: bool = True) -> str:
    """Add the user, or change every field of an existing one. Returns 'user added' or
    'user changed' (the audit action recorded, ``by`` being who did it).

    Refuses (InputError) a bad e-mail or role, and a change that would leave no active admin.
    """
    email, name, owners = _check(normalize_email(email), name, role, owner_values)
    with _transaction(con):
        before = get_user(con, email)
        if before is not None and before["role"] == "admin" and before["active"] and (
                role != "admin" or not active) and count_active_admins(con) <= 1:
            raise InputError(f"{email} is the only active admin; make another user admin first")
        stamp, actor = audit.now(), audit.who(by)
        if before is None:
            con.execute("insert into app_users values ($e, $n, $r, $a, $t, $by, $t, $by)",
                        {"e": email, "n": name, "r": role, "a": bool(active), "t": stamp,
                         "by": actor})
        else:
            con.execute("update app_users set name = $n, role = $r, active = $a, updated_at = $t, "
                        "updated_by = $by where email = $e",
                        {"e": email, "n": name, "r": role, "a": bool(active), "t": stamp,
                         "by": actor})
            con.execute("delete from app_user_owners where email = $e", {"e": email})
        for owner in owners:
            con.execute("insert into app_user_owners values ($e, $o)", {"e": email, "o": owner})
        action = "user added" if before is None else "user changed"
        audit.record(con, by, action, email, _describe(before, name, role, owners, active))
    return action


def _describe(before: dict | None, name, role, owners, active) -> str:
    """What changed, in one line: 'role rep -> manager; owners ann -> (none)'."""
    after = {"name": name, "role": role, "owners": ", ".join(owners) or "(none)",
             "active": "yes" if active else "no"}
    if before is None:
        return "; ".join(f"{k} {v}" for k, v in after.items() if v is not None)
    old = {"name": before["name"], "role": before["role"],
           "owners": ", ".join(before["owner_values"]) or "(none)",
           "active": "yes" if before["active"] else "no"}
    changes = [f"{k} {old[k]} -> {after[k]}" for k in after if old[k] != after[k]]
    return "; ".join(changes) or "no change"


def bootstrap_admin(con, email, name, admin_emails) -> bool:
    """Make ``email`` an admin when it is listed in ``admin_emails`` and has no user record.

    The only way anyone becomes admin without another admin: the admin e-mail setting names
    them. Returns True when a record was created (and audited).
    """
    email = normalize_email(email)
    listed = {normalize_email(e) for e in admin_emails if normalize_email(e)}
    if email not in listed or get_user(con, email) is not None:
        return False
    try:
        save_user(con, "setting admin_emails", email, name=name, role="admin", active=True)
    except InputError:
        # Another session created the record a moment ago; its record rules.
        return False
    return True
