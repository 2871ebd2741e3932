"""The audit trail: records, filters, paging, and the store's loads and deletions landing in it."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
from store_fixtures import write_csv

from ingest import audit
from ingest.errors import InputError
from ingest.load import load_path
from ingest.store import delete_dataset, init_db

# at, user, action, target, detail — typed by hand; event ids follow this order (1..5).
EVENTS = [
    (datetime(2024, 3, 1, 9, 0), "ann@example.com", "sign-in", "rep", "sees: ann"),
    (datetime(2024, 3, 1, 23, 59), "boss@example.com", "load", "dataset 1 'orders.csv'", "Loaded 3 rows"),
    (datetime(2024, 3, 2, 0, 0), "ann@example.com", "download", "top_products.csv", "CSV of 'Top products'"),
    (datetime(2024, 3, 5, 12, 0), "boss@example.com", "user added", "bob@example.com", "role rep"),
    (datetime(2024, 3, 6, 8, 0), "Bob@Example.com", "download", "dashboard.xlsx", "XLSX of 2 tables"),
]


@pytest.fixture
def trail(con):
    audit.init_audit(con)
    for at, who, action, target, detail in EVENTS:
        event_id = audit.record(con, who, action, target, detail)
        # Times are set by hand so that the date filters have fixed answers.
        con.execute('update audit_log set "at" = $at where event_id = $e', {"at": at, "e": event_id})
    return con


def ids(frame: pd.DataFrame) -> list[int]:
    return frame["event_id"].tolist()


CASES = {
    "everything_newest_first": ({}, [5, 4, 3, 2, 1]),
    # Inclusive days: March 1 keeps 09:00 and 23:59, not March 2 00:00.
    "one_day": ({"since": date(2024, 3, 1), "until": date(2024, 3, 1)}, [2, 1]),
    "from_march_2": ({"since": date(2024, 3, 2)}, [5, 4, 3]),
    "downloads": ({"actions": ("download",)}, [5, 3]),
    "two_actions": ({"actions": ("download", "load")}, [5, 3, 2]),
    # Case-insensitive substring of the user: "bob" finds Bob@Example.com only.
    "user_bob": ({"user_text": "BOB"}, [5]),
    # Target or detail: bob@example.com is the target of event 4.
    "text_bob": ({"text": "bob@"}, [4]),
    "text_in_detail": ({"text": "top products"}, [3]),
    "nothing": ({"user_text": "carl"}, []),
}


@pytest.mark.parametrize("conditions, expected", CASES.values(), ids=CASES.keys())
def test_events_filters(trail, conditions, expected):
    assert ids(audit.events(trail, **conditions)) == expected
    assert audit.count_events(trail, **conditions) == len(expected)


def test_paging(trail):
    assert ids(audit.events(trail, limit=2)) == [5, 4]
    assert ids(audit.events(trail, limit=2, offset=2)) == [3, 2]
    assert ids(audit.events(trail, limit=2, offset=4)) == [1]


def test_record_returns_increasing_ids_and_keeps_hostile_text_as_text(con):
    audit.init_audit(con)
    first = audit.record(con, "x@example.com", "download", "a'; drop table audit_log; --", "\"q\"")
    second = audit.record(con, "x@example.com", "download", "b", None)
    assert second == first + 1
    got = audit.events(con)
    assert got["target"].tolist() == ["b", "a'; drop table audit_log; --"]
    assert got["detail"].tolist()[1] == "\"q\""


def test_long_text_is_clipped(con):
    audit.init_audit(con)
    audit.record(con, "x@example.com", "download", "t" * 2000, "d" * 2000)
    row = audit.events(con).iloc[0]
    assert len(row["target"]) == audit.MAX_TEXT and len(row["detail"]) == audit.MAX_TEXT


@pytest.mark.parametrize("user, expected", [
    ("ann@example.com", "ann@example.com"),
    (type("U", (), {"email": "ann@example.com", "name": "Ann"})(), "ann@example.com"),
    (type("U", (), {"email": "", "name": "local admin"})(), "local admin"),
], ids=["string", "user_with_email", "local_admin"])
def test_who(user, expected):
    assert audit.who(user) == expected


# --- the store writes its changes into the trail, in the same transaction -------------------


@pytest.fixture
def orders_csv(con, tmp_path):
    init_db(con)
    path = write_csv(tmp_path / "orders.csv", ["order_id", "ordered_at", "line_amount"],
                     [("O1", "2024-01-05", "10"), ("O2", "2024-01-06", "20")])
    return con, path, tmp_path / "mappings"


def test_load_replace_and_delete_are_audited(orders_csv):
    con, path, maps = orders_csv
    [first] = load_path(con, path, user="boss@example.com", mappings_dir=maps)
    load_path(con, path, mode="replace", dataset_id=first.dataset_id, user="ann@example.com",
              mappings_dir=maps)
    delete_dataset(con, first.dataset_id, "boss@example.com")
    got = audit.events(con)[["user_email", "action", "target", "detail"]]
    d = first.dataset_id
    assert got.values.tolist() == [
        ["boss@example.com", "delete", f"dataset {d}", "Deleted 'orders.csv' and its 2 rows."],
        ["ann@example.com", "replace", f"dataset {d} 'orders.csv'",
         "Replaced the rows with 2 rows from orders.csv (2 rows before)."],
        ["boss@example.com", "load", f"dataset {d} 'orders.csv'", "Loaded 2 rows from orders.csv."],
    ]


def test_a_refused_load_leaves_no_audit_record(orders_csv):
    con, path, maps = orders_csv
    with pytest.raises(InputError):
        load_path(con, path, mode="replace", dataset_id=99, user="boss@example.com",
                  mappings_dir=maps)
    assert audit.count_events(con) == 0
