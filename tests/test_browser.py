"""The real app in a real browser: `make run` on a temporary database with the sample data,
driven by headless Chromium through Playwright. Uploads a file through the Data page, walks every
page of the navigation, clicks a drill-down, checks that links carry the view, and saves a
screenshot per page in test-artifacts/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from scripts.app_server import (
    launch_chromium,
    navigation_pages,
    running_app,
    server_errors,
    settle,
)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
UPLOAD_CSV = ("Order ID,Order Date,Customer ID,Amount,Region\n"
              "BT-1,2026-10-30,BROWSER-1,120,North\n"
              "BT-2,2026-10-31,BROWSER-2,80,South\n")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The README's run command on a free port and a temporary database with the sample data."""
    with running_app(tmp_path_factory.mktemp("browser")) as (base, log):
        yield base, log


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def open_page(page: Page, base: str, path: str = "", query: str = "") -> None:
    page.goto(f"{base}/{path}" + (f"?{query}" if query else ""))
    settle(page)


def assert_no_error(page: Page, log: Path, where: str) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, f"{where}: " + boxes.first.inner_text()
    assert "Traceback" not in page.locator("body").inner_text(), where
    assert not server_errors(log), f"{where}: " + server_errors(log)[0][-2000:]


def sidebar_text(page: Page) -> str:
    return " ".join(page.locator('[data-testid="stSidebar"]').inner_text().split())


def test_first_deep_link_runs_through_the_app(server, page):
    """The first visit of a fresh server is a shared link into a page: it must get the app's
    navigation, language and filters, not Streamlit's bare pages/ folder listing."""
    base, log = server
    open_page(page, base, "sales", "lang=zh&period=all")
    assert_no_error(page, log, "first deep link")
    text = sidebar_text(page)
    assert "概览" in text and "筛选" in text, text[:300]
    expect(page.locator('[data-testid="stSidebar"]').get_by_role("combobox").first).to_have_value("全部")
    assert "lang=zh" in page.url and "period=all" in page.url


def test_upload_map_check_load(server, page, tmp_path):
    base, log = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "browser orders.csv"
    upload.write_text(UPLOAD_CSV, encoding="utf-8")
    open_page(page, base, "data")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(upload))
    expect(page.get_by_text("2. Map columns")).to_be_visible()
    settle(page)
    expect(page.get_by_role("combobox", name="This file holds")).to_have_value(
        re.compile(r"^Orders / order lines \(detected"))
    page.get_by_role("button", name="Check the rows").click()
    settle(page)
    page.get_by_role("button", name="Load 2 rows").click()
    expect(page.get_by_text("Loaded 2 rows into orders / order lines.")).to_be_visible()
    settle(page)
    # The History tab lists the newest load first. Its grid draws on a canvas; the hidden
    # accessible table beside it holds the text of the rows in view.
    page.get_by_role("tab", name="History").click()
    settle(page)
    history = page.get_by_role("tabpanel", name="History").locator('[data-testid="stDataFrame"]')
    expect(history).to_be_visible()
    expect(history.locator("td", has_text="browser orders.csv").first).to_be_attached()
    page.get_by_role("tab", name="Datasets").click()
    settle(page)
    assert_no_error(page, log, "data page")
    page.screenshot(path=str(SHOTS / "data-loaded.png"), full_page=True)


def test_every_page_in_the_navigation(server, page):
    """Click through every page of the menu (a hidden page is opened by its link)."""
    base, log = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    open_page(page, base)
    for file, url in navigation_pages():
        link = page.locator(f'[data-testid="stSidebarNav"] a[href="{base}/{url}"]')
        if link.count():
            link.first.click()
            page.wait_for_url(f"{base}/{url}")
            settle(page)
        else:
            open_page(page, base, url)
        assert_no_error(page, log, file)
        expect(page.locator("h1").first).to_be_visible()
        page.screenshot(path=str(SHOTS / f"{Path(file).stem}.png"), full_page=True)


def test_changing_the_period_changes_numbers_and_link(server, page):
    base, log = server
    open_page(page, base)
    first_tile = page.locator('[data-testid="stMetricValue"]').first
    before = first_tile.inner_text()
    page.locator('[data-testid="stSidebar"]').get_by_role("combobox").first.click()
    page.get_by_role("option", name="All time").click()
    settle(page)
    assert "period=all" in page.url
    assert first_tile.inner_text() != before
    # The link opened in a new tab shows the same numbers.
    shown = first_tile.inner_text()
    open_page(page, base, "", "period=all")
    assert page.locator('[data-testid="stMetricValue"]').first.inner_text() == shown
    assert_no_error(page, log, "period change")


def test_clicking_a_bar_drills_down(server, page):
    """Sales: a click on the largest region's bar focuses the page on it (kept in the link) and
    lists the orders behind it in one more table."""
    base, log = server
    open_page(page, base, "sales")
    tables = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    before = tables.count()
    heading = page.get_by_role("heading", name="By region")
    chart = heading.locator('xpath=following::div[@data-testid="stVegaLiteChart"][1]')
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg, canvas").first).to_be_visible()
    box = chart.bounding_box()
    # The largest region is the top bar; its band is the first 24 px of the plot.
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + 14)
    settle(page)
    assert "drill_by=region" in page.url and "drill_value=" in page.url, page.url
    expect(tables).to_have_count(before + 1)
    assert_no_error(page, log, "drill-down")
    page.screenshot(path=str(SHOTS / "sales-drill-down.png"), full_page=True)
