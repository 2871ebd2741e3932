"""Sign-in for real: the app served by ``streamlit run`` with a temp secrets.toml pointing at a
real OIDC provider on localhost (oidc-provider-mock), driven by headless Chromium.

A rep signs in and sees only her rows (the Overview equals a direct query over her owner's
rows, computed by hand in rls_world), cannot open /data or /admin by URL, and downloads only
her rows; a manager sees every row; a user unknown to the app sees nothing; the admin finds the
rep's sign-in and download in the audit trail.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from page_harness import make_database
from rls_world import ANN_GROSS, ANN_NET, TABLES

from ingest import users

pytestmark = [pytest.mark.browser,
              # The mock provider and Authlib warn about their own deprecated internals.
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]

ROOT = Path(__file__).resolve().parents[1]
PROVIDER_PORT, APP_PORT = 8611, 8612
APP = f"http://localhost:{APP_PORT}"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Identities the provider offers with one click: sub -> claims.
IDENTITIES = {
    "ann": {"email": "ann@example.com", "name": "Ann", "email_verified": True},
    "boss": {"email": "boss@example.com", "name": "Boss", "email_verified": True},
    "root": {"email": "root@example.com", "name": "Root", "email_verified": True},
    "stranger": {"email": "stranger@example.com", "name": "Stranger", "email_verified": True},
}


def _wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on APP_PORT, signed in through the provider on PROVIDER_PORT."""
    from oidc_provider_mock import User, run_server_in_thread

    from ingest.db import connect_engine

    folder = tmp_path_factory.mktemp("auth")
    database = make_database(folder / "crm.duckdb", TABLES)
    con = connect_engine(str(database))
    users.save_user(con, "test", "ann@example.com", name="Ann", role="rep", owner_values=["ann"])
    users.save_user(con, "test", "boss@example.com", name="Boss", role="manager")
    users.save_user(con, "test", "root@example.com", name="Root", role="admin")
    con.close()
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "{APP}/oauth2callback"
cookie_secret = "browser-test-cookie-secret-0123456789abcdef0123456789abcdef"
client_id = "crm-dashboard"
client_secret = "browser-test-client-secret"
server_metadata_url = "http://localhost:{PROVIDER_PORT}/.well-known/openid-configuration"
""", encoding="utf-8")
    env = {**os.environ, "CRM_DATABASE_PATH": str(database),
           "CRM_UPLOAD_DIR": str(folder / "uploads"), "CRM_MAPPINGS_DIR": str(folder / "maps"),
           "CRM_LOAD_SAMPLE_DATA": "false", "CRM_ADMIN_EMAILS": ""}
    claims = [User(sub=sub, claims=c) for sub, c in IDENTITIES.items()]
    with run_server_in_thread(port=PROVIDER_PORT, user_claims=claims):
        log = open(folder / "streamlit.log", "w", encoding="utf-8")  # noqa: SIM115
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(APP_PORT), "--secrets.files", str(secrets),
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(f"{APP}/_stcore/health")
            yield database
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def settle(page, heading: str) -> None:
    """Wait until the page shows ``heading`` and Streamlit has finished running."""
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
    page.wait_for_timeout(1500)


def sign_in(browser, sub: str, heading: str):
    """A new browser session signed in as ``sub`` through the provider's consent page."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(APP)
    settle(page, "Sign in")
    page.locator("button", has_text="Sign in").click()
    page.wait_for_url(re.compile(rf"localhost:{PROVIDER_PORT}/oauth2/authorize"))
    page.locator(f"button[name=sub][value={sub}]").click()
    page.wait_for_url(re.compile(rf"localhost:{APP_PORT}"), timeout=60_000)
    settle(page, heading)
    return context, page


def tiles(page) -> dict[str, str]:
    """Label -> value of each KPI tile, read tile by tile (a tile still drawing is waited for)."""
    out = {}
    for tile in page.locator('[data-testid="stMetric"]').all():
        label = tile.locator('[data-testid="stMetricLabel"]').inner_text(timeout=30_000)
        value = tile.locator('[data-testid="stMetricValue"]').inner_text(timeout=30_000)
        out[label.strip()] = value.strip()
    return out


@pytest.fixture(scope="module")
def ann(app, browser):
    """One browser session of the rep ann, shared by the rep's tests."""
    context, page = sign_in(browser, "ann", "Overview")
    yield page
    context.close()


def test_a_rep_sees_only_her_rows(ann):
    shown = tiles(ann)
    assert (shown["Gross revenue"], shown["Net revenue"]) == (f"{ANN_GROSS:,.0f}", f"{ANN_NET:,.0f}")
    text = ann.locator("body").inner_text().lower()
    assert "bob" not in text and "zorphan" not in text
    assert "You see the rows of: ann." in ann.locator('[data-testid="stSidebar"]').inner_text()
    nav = ann.locator('[data-testid="stSidebarNav"]').inner_text()
    assert "Data" not in nav.split() and "Admin" not in nav.split()


@pytest.mark.parametrize("path", ["data", "admin"])
def test_a_rep_cannot_open_manage_pages_by_url(ann, path):
    ann.goto(f"{APP}/{path}")
    settle(ann, "Overview")
    assert ann.get_by_role("heading", name="Data", exact=True).count() == 0
    assert ann.get_by_role("heading", name="Admin", exact=True).count() == 0
    assert tiles(ann)["Gross revenue"] == f"{ANN_GROSS:,.0f}"


def test_a_manager_sees_every_row(app, browser):
    context, page = sign_in(browser, "boss", "Overview")
    # ann's 180 + bob's 1,000,000 + 2,000,000 + 3,000,000 + the ownerless 4,000,000.
    assert tiles(page)["Gross revenue"] == f"{ANN_GROSS + 10_000_000:,.0f}"
    context.close()


def test_an_unknown_user_sees_nothing(app, browser):
    context, page = sign_in(browser, "stranger", "No access")
    body = page.locator("body").inner_text()
    assert "stranger@example.com has no access to this app" in body
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert "Acme" not in body and "Overview" not in body
    page.goto(f"{APP}/data")
    settle(page, "No access")
    context.close()


def test_a_reps_download_holds_her_rows_and_is_audited(ann, browser, tmp_path):
    ann.goto(APP)
    settle(ann, "Overview")
    with ann.expect_download() as download:
        ann.locator('[data-testid="stDownloadButton"] button', has_text="CSV").first.click()
    saved = tmp_path / "download.csv"
    download.value.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert "Widget" in text and "Gadget" in text
    assert "bob" not in text.lower() and "zorphan" not in text.lower()

    admin, page = sign_in(browser, "root", "Overview")
    page.goto(f"{APP}/admin")
    settle(page, "Admin")
    page.get_by_role("tab", name="Audit trail").click()
    page.wait_for_timeout(1500)
    # The grid draws on a canvas: read the trail through its CSV export instead.
    with page.expect_download() as export:
        page.locator('[data-testid="stDownloadButton"] button',
                     has_text="Download every matching event").click()
    saved = tmp_path / "audit.csv"
    export.value.save_as(saved)
    rows = saved.read_text(encoding="utf-8-sig")
    assert re.search(r"ann@example\.com,sign-in,rep", rows)
    assert re.search(r"ann@example\.com,download,top_products\.csv,\"CSV of 'Top products', 2 rows",
                     rows)
    admin.close()
