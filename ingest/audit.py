"""The audit trail: who did what, when — sign-ins, loads, deletions, downloads, user changes.

One table, ``audit_log``: one row per event, never updated or removed. ``record`` is called
inside the transaction of the change it describes, so a change and its record commit (or
roll back) together. Nothing here imports Streamlit.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pandas as pd

AUDIT_DDL = (
    "create sequence if not exists audit_log_seq start 1",
    """create table if not exists audit_log (
  event_id bigint primary key,
  "at" timestamp not null,
  user_email varchar not null,
  action varchar not null,
  target varchar,
  detail varchar
)""",
)
AUDIT_COLUMNS = ["event_id", "at", "user_email", "action", "target", "detail"]

# The actions recorded, in the order the admin page lists them.
ACTIONS = (
    "sign-in", "access denied", "load", "append", "replace", "delete", "mapping saved",
    "user added", "user changed", "download",
)
# Longest text kept per field: an audit row describes, it does not copy data.
MAX_TEXT = 500


def init_audit(con) -> None:
    """Create the audit table and its id sequence if missing (idempotent)."""
    for ddl in AUDIT_DDL:
        con.execute(ddl)


def now() -> datetime:
    """Current UTC time without zone, as the catalog stores times."""
    return datetime.now(UTC).replace(tzinfo=None)


def who(user) -> str:
    """The identity an event is recorded under: a string as given, else the user's e-mail,
    else its name (the local admin has no e-mail)."""
    if isinstance(user, str):
        return user
    return getattr(user, "email", None) or getattr(user, "name", None) or "unknown"


def _clip(text) -> str | None:
    return None if text is None else str(text)[:MAX_TEXT]


def record(con, user, action: str, target=None, detail=None) -> int:
    """Add one event: ``user`` (a User or an identity string) did ``action`` to ``target``.

    Returns the new event id. Runs inside the caller's transaction when there is one.
    """
    row = con.execute(
        'insert into audit_log (event_id, "at", user_email, action, target, detail) '
        "values (nextval('audit_log_seq'), $at, $who, $action, $target, $detail) "
        "returning event_id",
        {"at": now(), "who": _clip(who(user)), "action": _clip(action),
         "target": _clip(target), "detail": _clip(detail)}).fetchall()[0]
    return int(row[0])


def _where(since: date | None, until: date | None, actions, user_text: str | None,
           text: str | None) -> tuple[str, dict]:
    """Conditions and bound values shared by ``events`` and ``count_events``."""
    clauses, params = [], {}
    if since is not None:
        clauses.append('"at" >= $since')
        params["since"] = datetime.combine(since, datetime.min.time())
    if until is not None:
        # Inclusive day: everything before the next midnight.
        clauses.append('"at" < $until')
        params["until"] = datetime.combine(until + timedelta(days=1), datetime.min.time())
    if actions:
        names = []
        for i, action in enumerate(actions):
            params[f"a{i}"] = action
            names.append(f"$a{i}")
        clauses.append(f"action in ({', '.join(names)})")
    if user_text:
        clauses.append("strpos(lower(user_email), lower($who)) > 0")
        params["who"] = user_text
    if text:
        clauses.append("(strpos(lower(coalesce(target, '')), lower($text)) > 0 "
                       "or strpos(lower(coalesce(detail, '')), lower($text)) > 0)")
        params["text"] = text
    return " and ".join(f"({c})" for c in clauses) or "true", params


def events(con, *, since: date | None = None, until: date | None = None, actions=(),
           user_text: str | None = None, text: str | None = None, limit: int = 100,
           offset: int = 0) -> pd.DataFrame:
    """One row per event matching every given condition, newest first: AUDIT_COLUMNS.

    ``since``/``until`` are inclusive days; ``actions`` keeps those actions; ``user_text`` and
    ``text`` are case-insensitive substrings of the user, and of the target or detail.
    At most ``limit`` rows from ``offset`` (a page, never the whole log).
    """
    where, params = _where(since, until, actions, user_text, text)
    params |= {"limit": int(limit), "offset": int(offset)}
    sql = f"""
    with matching as (
      select event_id, "at", user_email, action, target, detail
      from audit_log
      where {where}
    ),
    final as (
      select * from matching order by event_id desc limit $limit offset $offset
    )
    select * from final order by event_id desc
    """
    return con.execute(sql, params).df()[AUDIT_COLUMNS]


def count_events(con, *, since: date | None = None, until: date | None = None, actions=(),
                 user_text: str | None = None, text: str | None = None) -> int:
    """How many events ``events`` would page through with the same conditions."""
    where, params = _where(since, until, actions, user_text, text)
    return int(con.execute(f"select count(*) from audit_log where {where}", params).fetchall()[0][0])
