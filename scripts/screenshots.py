"""Regenerate the README screenshots (docs/screenshots/*.png) from the sample data.

    .venv/bin/python -m scripts.screenshots

Starts the app with the README's run command on a temporary database loaded with the sample
exports, opens each page in headless Chromium at 1400 px wide and saves what a reader sees first.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.app_server import ROOT, launch_chromium, running_app, server_errors, settle

OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1400, 1000
# (file name, URL path and query): the pages the README shows.
SHOTS = [("overview.png", ""), ("sales.png", "sales"), ("customers.png", "customers")]


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="crm-screenshots-") as tmp, \
            running_app(Path(tmp)) as (base, log), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT}, locale="en-US")
        for name, path in SHOTS:
            page.goto(f"{base}/{path}")
            settle(page, quiet=2.0)
            # Charts fade in after the script run; give them a moment.
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / name))
            print(f"wrote {OUT / name}")
        browser.close()
        errors = server_errors(log)
        if errors:
            print("the app logged errors:\n" + errors[0][-2000:], file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
