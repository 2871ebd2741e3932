"""The Admin page through app.py: adding and changing users, the guards, the audit trail tab;
and the audit record every download writes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from page_harness import make_database
from rls_world import TABLES
from streamlit.testing.v1 import AppTest

from ingest import audit, users

ROOT = Path(__file__).resolve().parents[1]
AUTH = {"auth": {"redirect_uri": "http://localhost:8619/oauth2callback",
                 "cookie_secret": "test-cookie-secret-not-used-anywhere-0123456789",
                 "client_id": "crm", "client_secret": "secret",
                 "server_metadata_url": "http://localhost:8618/.well-known/openid-configuration"}}


def shown(markdown: str) -> str:
    """Text as the reader sees it: user values are shown with Markdown escapes."""
    return re.sub(r"\\(.)", r"\1", markdown)


@pytest.fixture
def app(tmp_path, monkeypatch):
    from ingest.db import connect_engine

    path = make_database(tmp_path / "crm.duckdb", TABLES)
    con = connect_engine(str(path))
    users.save_user(con, "test", "root@example.com", name="Root", role="admin")
    con.close()
    for name, value in {"CRM_DATABASE_PATH": str(path), "CRM_UPLOAD_DIR": str(tmp_path / "up"),
                        "CRM_MAPPINGS_DIR": str(tmp_path / "maps"),
                        "CRM_LOAD_SAMPLE_DATA": "false"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(ROOT)
    return path


def database():
    from ui.connection import connection

    return connection()


def admin_page(email="root@example.com") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": email, "name": "Root"}
    at.run()
    at.switch_page("pages/admin.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_add_a_rep_with_owner_values(app):
    at = admin_page()
    assert [t.value for t in at.title] == ["Admin"]
    owners = next(w for w in at.multiselect if w.label == "Owner values")
    # The choices are the owners found in the data (rls_world: ann, bob).
    assert sorted(owners.options) == ["ann", "bob"]
    next(w for w in at.text_input if w.label == "E-mail").input("Ann@Example.com")
    next(w for w in at.text_input if w.label == "Name").input("Ann")
    next(w for w in at.selectbox if w.label == "Role").select("rep")
    owners.select("ann")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception and not at.error
    got = users.get_user(database(), "ann@example.com")
    assert (got["name"], got["role"], got["owner_values"], got["active"]) == (
        "Ann", "rep", ("ann",), True)
    trail = audit.events(database(), actions=("user added",))
    assert trail[["user_email", "target"]].values.tolist()[0] == ["root@example.com",
                                                                  "ann@example.com"]


@pytest.mark.parametrize("email, message", [
    ("not an e-mail", "is not an e-mail address"),
], ids=["bad_email"])
def test_refused_input_is_one_line(app, email, message):
    at = admin_page()
    next(w for w in at.text_input if w.label == "E-mail").input(email)
    next(b for b in at.button if b.label == "Save").click().run()
    assert len(at.error) == 1 and message in shown(at.error[0].value)
    assert len(users.list_users(database())) == 1


def test_an_admin_cannot_demote_themself(app):
    at = admin_page()
    users_table = next(d for d in at.dataframe if "root@example.com" in d.value["email"].tolist())
    assert users_table.value["email"].tolist() == ["root@example.com"]
    # Editing yourself: pick your row, make yourself a manager.
    at.session_state["users"] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert any(shown(s.value) == "Edit root@example.com" for s in at.subheader)
    next(w for w in at.selectbox if w.label == "Role").select("manager")
    next(b for b in at.button if b.label == "Save").click().run()
    assert "cannot take away your own admin access" in at.error[0].value
    assert users.get_user(database(), "root@example.com")["role"] == "admin"


def test_the_audit_tab_filters_by_action(app):
    con = database()
    audit.record(con, "ann@example.com", "download", "top_products.csv", "CSV of 'Top products'")
    at = admin_page()
    actions = next(w for w in at.multiselect if w.label == "Actions")
    actions.select("download").run()
    shown = next(d for d in at.dataframe if "action" in d.value.columns).value
    assert shown[["user_email", "action", "target"]].values.tolist() == [
        ["ann@example.com", "download", "top_products.csv"]]
    assert any(c.value == "1 events match." for c in at.caption)


def test_a_rep_run_of_the_admin_page_is_refused(app):
    # app.py never registers the page for a rep; run on its own it still refuses.
    users.save_user(database(), "root@example.com", "ann@example.com", role="rep",
                    owner_values=["ann"])
    at = AppTest.from_file(str(ROOT / "pages" / "admin.py"), default_timeout=60)
    at.secrets = AUTH
    at.user = {"is_logged_in": True, "email": "ann@example.com", "name": "Ann"}
    at.run()
    assert [e.value for e in at.error] == ["Only admins may open this page."]
    assert not at.dataframe


def test_a_download_is_recorded_under_the_runs_user(app, monkeypatch):
    # The callable Streamlit runs when the button is clicked: it records, then hands out bytes.
    from ui import tables
    from ui.auth import User

    rep = User(name="Ann", role="rep", owner_scope=("ann",), email="ann@example.com")
    monkeypatch.setattr(tables, "page_context", lambda: (database(), rep, None))
    make = tables.audited(lambda: b"a,b\n1,2\n", "x.csv", "CSV of 'X', 1 rows")
    assert audit.count_events(database(), actions=("download",)) == 0
    assert make() == b"a,b\n1,2\n"
    got = audit.events(database(), actions=("download",))
    assert got[["user_email", "target", "detail"]].values.tolist() == [
        ["ann@example.com", "x.csv", "CSV of 'X', 1 rows"]]


def test_no_download_without_its_record(app, monkeypatch):
    from ui import tables
    from ui.auth import LOCAL_ADMIN

    class Broken:
        def cursor(self):
            raise RuntimeError("database gone")

    monkeypatch.setattr(tables, "page_context", lambda: (Broken(), LOCAL_ADMIN, None))
    with pytest.raises(RuntimeError):
        tables.audited(lambda: b"secret", "x.csv", "CSV")()


def test_a_load_through_the_data_page_and_its_saved_mapping_are_audited(app):
    # Signed in as the admin: the Data page records the load and the remembered mapping.
    at = admin_page()
    at.switch_page("pages/data.py").run()
    content = b"order_id,ordered_at,line_amount\nO9,2024-05-01,25\nO10,2024-05-02,35\n"
    at.file_uploader[0].set_value(("orders.csv", content, "text/csv")).run()
    next(b for b in at.button if b.label == "Check the rows").click().run()
    next(b for b in at.button if b.label.startswith("Load 2 rows")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    got = audit.events(database(), actions=("load", "mapping saved"))
    assert got[["user_email", "action"]].values.tolist() == [
        ["root@example.com", "mapping saved"], ["root@example.com", "load"]]
    assert got["detail"].tolist()[1] == "Loaded 2 rows from orders.csv."
