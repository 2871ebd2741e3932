"""Who sees what, through the whole app (AppTest runs app.py with sign-in configured and a
signed-in st.user): a rep sees only their own rows on every page and in every download, also
right after another user ran in the same process; unknown, signed-out and deactivated users
see nothing; only admins and analysts reach the Data page, only admins the Admin page.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from page_harness import make_database
from rls_world import ANN_CUSTOMERS, ANN_GROSS, ANN_NET, ANN_SALES, TABLES, leaks
from streamlit.testing.v1 import AppTest

from ingest import audit, users

ROOT = Path(__file__).resolve().parents[1]
# A provider that is never called: AppTest supplies st.user itself.
AUTH = {"auth": {"redirect_uri": "http://localhost:8619/oauth2callback",
                 "cookie_secret": "test-cookie-secret-not-used-anywhere-0123456789",
                 "client_id": "crm", "client_secret": "secret",
                 "server_metadata_url": "http://localhost:8618/.well-known/openid-configuration"}}
PEOPLE = {
    "ann": ("ann@example.com", "Ann", "rep", ["ann"]),
    "boss": ("boss@example.com", "Boss", "manager", []),
    "root": ("root@example.com", "Root", "admin", []),
    "ana": ("ana@example.com", "Ana", "analyst", []),
}
NOT_FOR_REPS = {"data.py", "admin.py"}


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The world's database with ann (rep), boss (manager), root (admin), ana (analyst)."""
    from ingest.db import connect_engine

    path = make_database(tmp_path / "crm.duckdb", TABLES)
    con = connect_engine(str(path))
    for email, name, role, owners in PEOPLE.values():
        users.save_user(con, "test", email, name=name, role=role, owner_values=owners)
    con.close()
    monkeypatch.setenv("CRM_DATABASE_PATH", str(path))
    monkeypatch.setenv("CRM_UPLOAD_DIR", str(tmp_path / "uploads"))
    monkeypatch.setenv("CRM_MAPPINGS_DIR", str(tmp_path / "mappings"))
    monkeypatch.setenv("CRM_LOAD_SAMPLE_DATA", "false")
    monkeypatch.chdir(ROOT)
    return path


def database():
    """A cursor on the database the app has open (same process, same DuckDB instance)."""
    from ui.connection import connection

    return connection()


def signed_in(who: str | None, **claims) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.secrets = AUTH
    if who is None:
        at.user = {"is_logged_in": False}
    else:
        email, name = PEOPLE[who][:2] if who in PEOPLE else (who, who)
        at.user = {"is_logged_in": True, "email": email, "name": name, **claims}
    return at.run()


def registered(at: AppTest) -> set[str]:
    """The page files the navigation registered for this user."""
    found = set()
    for file in sorted((ROOT / "pages").glob("*.py")):
        try:
            at.switch_page(f"pages/{file.name}")
        except ValueError:  # AppTest refuses a page st.navigation did not register
            continue
        found.add(file.name)
    return found


def _arrow_frames(proto) -> list[pd.DataFrame]:
    """Every Arrow table inside a message (dataframes, chart datasets), as frames."""
    frames = []
    for field, value in proto.ListFields():
        items = list(value) if getattr(field, "is_repeated", False) else [value]
        for item in items:
            if isinstance(item, bytes) and item:
                try:
                    frames.append(pa.ipc.open_stream(io.BytesIO(item)).read_pandas())
                except (pa.ArrowInvalid, OSError):
                    pass  # not Arrow data
            elif hasattr(item, "ListFields"):
                frames += _arrow_frames(item)
    return frames


def _around(text: str) -> list[str]:
    """The bits of ``text`` around each canary word, so a failure says where it is."""
    low = text.lower()
    return [text[max(0, m.start() - 60): m.end() + 60]
            for m in re.finditer("bob|zorphan", low)]


def shown_leaks(at: AppTest) -> list[str]:
    """Canaries anywhere the page shows them: text, widget options, tables, charts, tiles,
    and the tables its downloads (CSV, XLSX, the sidebar workbook) are made from."""
    found = []

    def walk(node, path):
        nonlocal found
        proto = getattr(node, "proto", None)
        if proto is not None:
            text = str(proto)
            found += [f"{path}: {type(node).__name__} {x}" for x in leaks(_around(text))]
            for frame in _arrow_frames(proto):
                found += [f"{path}: {x}" for x in leaks(frame)]
        for key, child in getattr(node, "children", {}).items():
            walk(child, f"{path}/{key}")

    walk(at.main, "main")
    walk(at.sidebar, "sidebar")
    for tile in at.metric:
        number = re.sub(r"[^\d.\-]", "", tile.value or "")
        if re.fullmatch(r"-?\d+(\.\d+)?", number):
            found += [f"metric {tile.label}: {x}" for x in leaks(float(number))]
    for name, frame in at.session_state["_tables_this_run"].items():
        found += [f"download {name}: {x}" for x in leaks(frame)]
    return found


def visit_every_page(at: AppTest, pages: set[str]) -> dict[str, list[str]]:
    """page -> canaries shown, after running each page for this user."""
    out = {}
    for page in sorted(pages):
        at.switch_page(f"pages/{page}").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        out[page] = shown_leaks(at)
    return out


@pytest.mark.parametrize("first", [None, "boss"], ids=["alone", "after_manager"])
def test_a_rep_sees_only_own_rows_on_every_page(app, first):
    if first is not None:
        # Another user runs every page first, filling the caches of this process.
        other = signed_in(first)
        seen = visit_every_page(other, registered(other) - NOT_FOR_REPS)
        assert seen["overview.py"], "the canaries must be visible to an unrestricted user"
    ann = signed_in("ann")
    admin_pages = registered(signed_in("root"))
    pages = registered(ann)
    assert "overview.py" in pages and pages == admin_pages - NOT_FOR_REPS
    assert visit_every_page(ann, pages) == {page: [] for page in pages}


def test_the_manager_after_a_rep_sees_everything(app):
    visit_every_page(signed_in("ann"), {"overview.py"})
    boss = signed_in("boss")
    tiles = {m.label: m.value for m in boss.metric}
    # Every order: ann's gross 180 + bob's 1,000,000 + 2,000,000 + 3,000,000 + the ownerless 4,000,000.
    assert tiles["Gross revenue"] == f"{ANN_GROSS + 10_000_000:,.0f}"


def test_the_reps_overview_equals_a_direct_query(app):
    ann = signed_in("ann")
    # Direct SQL over the canonical tables: orders of lines whose owner, else customer's, is ann.
    gross, net, sales, customers = database().execute("""
    with owned as (
      select l.order_id, l.customer_id, l.line_amount
      from order_lines l left join customers c on c.customer_id = l.customer_id
      where coalesce(l.owner, c.owner) = 'ann'
    ),
    orders as (
      select order_id, min(customer_id) as customer_id, sum(line_amount) as total
      from owned group by order_id
    ),
    final as (
      select sum(case when total > 0 then total end) as gross, sum(total) as net,
             count(case when total > 0 then 1 end) as sales,
             count(distinct case when total > 0 then customer_id end) as customers
      from orders
    )
    select * from final
    """).fetchone()
    assert (float(gross), float(net), sales, customers) == (ANN_GROSS, ANN_NET, ANN_SALES,
                                                            ANN_CUSTOMERS)
    tiles = {m.label: m.value for m in ann.metric}
    assert (tiles["Gross revenue"], tiles["Net revenue"], tiles["Sales"], tiles["Customers"]) == (
        f"{gross:,.0f}", f"{net:,.0f}", str(sales), str(customers))
    # The owner filter offers ann only herself.
    owner_filter = next(w for w in ann.sidebar.multiselect if w.key == "owner")
    assert owner_filter.options == ["ann"]


def test_removing_a_user_takes_effect_at_once(app):
    ann = signed_in("ann")
    assert ann.title[0].value == "Overview"
    users.save_user(database(), "root@example.com", "ann@example.com", role="rep",
                    owner_values=["ann"], active=False)
    ann.run()
    assert [t.value for t in ann.title] == ["No access"]
    assert not ann.metric and not ann.dataframe and not shown_leaks(ann)
    assert registered(ann) == set()


def test_a_changed_role_takes_effect_at_once(app):
    ann = signed_in("ann")
    users.save_user(database(), "root@example.com", "ann@example.com", role="manager")
    ann.run()
    assert {m.label: m.value for m in ann.metric}["Gross revenue"] == f"{ANN_GROSS + 10_000_000:,.0f}"


@pytest.mark.parametrize("who, claims, title", [
    (None, {}, "Sign in"),
    ("stranger@example.com", {}, "No access"),
    ("ann", {"email_verified": False}, "No access"),
], ids=["signed_out", "unknown", "unverified_email"])
def test_no_access_shows_nothing(app, who, claims, title):
    at = signed_in(who, **claims)
    assert [t.value for t in at.title] == [title]
    assert not at.metric and not at.dataframe and not at.sidebar.multiselect
    assert registered(at) == set()
    assert not any("acme" in str(e.proto).lower() for e in at.main.children.values())


def test_sign_ins_and_refusals_are_audited_once_per_session(app):
    ann = signed_in("ann")
    ann.run()
    ann.switch_page("pages/overview.py").run()
    signed_in("stranger@example.com")
    got = audit.events(database(), actions=("sign-in", "access denied"))
    assert got[["user_email", "action", "target", "detail"]].fillna("-").values.tolist() == [
        ["stranger@example.com", "access denied", "-", "unknown"],
        ["ann@example.com", "sign-in", "rep", "sees: ann"],
    ]


@pytest.mark.parametrize("who, data, admin", [
    ("ann", False, False), ("boss", False, False), ("ana", True, False), ("root", True, True),
], ids=["rep", "manager", "analyst", "admin"])
def test_manage_pages_by_role(app, who, data, admin):
    pages = registered(signed_in(who))
    assert ("data.py" in pages, "admin.py" in pages) == (data, admin)


def test_without_sign_in_configured_the_app_is_one_local_admin(app):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    assert {"data.py", "admin.py"} <= registered(at)
    assert any("Sign-in is not configured" in c.value for c in at.sidebar.caption)
    # The local admin sees every row.
    assert {m.label: m.value for m in at.metric}["Gross revenue"] == f"{ANN_GROSS + 10_000_000:,.0f}"
