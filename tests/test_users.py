"""Users, roles and owner values: adding, changing, deactivating, the admin bootstrap."""

from __future__ import annotations

import pytest

from ingest import audit, users
from ingest.errors import InputError


@pytest.fixture
def db(con):
    audit.init_audit(con)
    users.init_users(con)
    return con


def test_add_then_change_a_rep(db):
    assert users.save_user(db, "boss@example.com", " Ann@Example.COM ", name="Ann", role="rep",
                           owner_values=["North team", "ann"]) == "user added"
    got = users.get_user(db, "ann@example.com")
    assert (got["email"], got["name"], got["role"], got["owner_values"], got["active"]) == (
        "ann@example.com", "Ann", "rep", ("North team", "ann"), True)
    assert got["created_by"] == "boss@example.com"

    assert users.save_user(db, "root@example.com", "ann@example.com", name="Ann", role="manager",
                           owner_values=[]) == "user changed"
    got = users.get_user(db, "ANN@example.com")
    assert (got["role"], got["owner_values"], got["updated_by"]) == ("manager", (), "root@example.com")
    assert got["created_by"] == "boss@example.com"

    trail = audit.events(db)[["user_email", "action", "target", "detail"]].values.tolist()
    assert trail == [
        ["root@example.com", "user changed", "ann@example.com",
         "role rep -> manager; owners North team, ann -> (none)"],
        ["boss@example.com", "user added", "ann@example.com",
         "name Ann; role rep; owners North team, ann; active yes"],
    ]


def test_list_users_active_first(db):
    users.save_user(db, "x", "zed@example.com", role="rep", owner_values=["z"])
    users.save_user(db, "x", "amy@example.com", role="rep", owner_values=["b", "a"], active=False)
    users.save_user(db, "x", "bea@example.com", role="manager")
    got = users.list_users(db)
    assert got[["email", "owner_values", "active"]].values.tolist() == [
        ["bea@example.com", "", True], ["zed@example.com", "z", True],
        ["amy@example.com", "a, b", False]]
    assert list(got.columns) == users.USER_COLUMNS


def test_deactivate_keeps_the_record(db):
    users.save_user(db, "x", "ann@example.com", role="rep", owner_values=["ann"])
    users.save_user(db, "x", "ann@example.com", role="rep", owner_values=["ann"], active=False)
    got = users.get_user(db, "ann@example.com")
    assert got["active"] is False and got["owner_values"] == ("ann",)
    assert audit.events(db)["detail"].tolist()[0] == "active yes -> no"


@pytest.mark.parametrize("email, role, message", [
    ("not-an-email", "rep", "is not an e-mail address"),
    ("a b@example.com", "rep", "is not an e-mail address"),
    ("ann@example.com", "superuser", "unknown role 'superuser'"),
], ids=["no_at", "space", "bad_role"])
def test_refused_input(db, email, role, message):
    with pytest.raises(InputError, match=message):
        users.save_user(db, "x", email, role=role)
    assert users.list_users(db).empty and audit.count_events(db) == 0


@pytest.mark.parametrize("change", [{"role": "manager"}, {"role": "admin", "active": False}],
                         ids=["demote", "deactivate"])
def test_the_last_active_admin_stays(db, change):
    users.save_user(db, "x", "boss@example.com", role="admin")
    with pytest.raises(InputError, match="only active admin"):
        users.save_user(db, "x", "boss@example.com", **change)
    assert users.get_user(db, "boss@example.com")["role"] == "admin"
    # With a second admin the change goes through.
    users.save_user(db, "x", "root@example.com", role="admin")
    users.save_user(db, "x", "boss@example.com", **change)
    assert users.count_active_admins(db) == 1


def test_bootstrap_only_for_listed_emails_without_a_record(db):
    listed = ["Boss@Example.com", " "]
    assert users.bootstrap_admin(db, "stranger@example.com", "S", listed) is False
    assert users.get_user(db, "stranger@example.com") is None
    assert users.bootstrap_admin(db, "boss@example.com", "Boss", listed) is True
    assert users.get_user(db, "boss@example.com")["role"] == "admin"
    assert audit.events(db)[["user_email", "action"]].values.tolist() == [
        ["setting admin_emails", "user added"]]
    # Once a record exists it rules: a deactivated listed admin is not revived.
    users.save_user(db, "x", "root@example.com", role="admin")
    users.save_user(db, "root@example.com", "boss@example.com", role="admin", active=False)
    assert users.bootstrap_admin(db, "boss@example.com", "Boss", listed) is False
    assert users.get_user(db, "boss@example.com")["active"] is False


def test_owner_values_are_bound_not_formatted(db):
    hostile = "x'); delete from app_users; --"
    users.save_user(db, "x", "ann@example.com", role="rep", owner_values=[hostile, ""])
    assert users.get_user(db, "ann@example.com")["owner_values"] == (hostile,)
