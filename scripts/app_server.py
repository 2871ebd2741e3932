"""Start the dashboard as a real server and drive it with headless Chromium (Playwright).

Shared by the browser test (tests/test_browser.py) and the README screenshots
(scripts/screenshots.py).
"""

from __future__ import annotations

import ast
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# The README's run command; -o: whoever calls this already runs inside the installed .venv,
# so make must not reinstall it.
RUN_COMMAND = ["make", "--no-print-directory", "-o", ".venv/.installed", "run"]


def navigation_pages() -> list[tuple[str, str]]:
    """(file, URL path) of every st.Page in app.py, in menu order: the URL path is url_path= or
    the file stem, "" for the default page."""
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    pages = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Page"
                and node.args and isinstance(node.args[0], ast.Constant)):
            keywords = {k.arg: k.value for k in node.keywords}
            url = (keywords["url_path"].value if "url_path" in keywords
                   else Path(node.args[0].value).stem)
            default = "default" in keywords and keywords["default"].value is True
            pages.append((node.lineno, node.args[0].value, "" if default else url))
    return [(file, url) for _, file, url in sorted(pages)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(folder: Path, port: int, *, sample: bool = True) -> dict[str, str]:
    """The environment of a server on ``port`` whose database and uploads live in ``folder``."""
    return {**os.environ,
            "STREAMLIT_SERVER_PORT": str(port), "STREAMLIT_SERVER_HEADLESS": "true",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
            # Source edits made meanwhile must not rerun the app under the browser.
            "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none",
            "CRM_DATABASE_PATH": str(folder / "crm.duckdb"),
            "CRM_UPLOAD_DIR": str(folder / "uploads"),
            "CRM_MAPPINGS_DIR": str(folder / "mappings"),
            "CRM_LOAD_SAMPLE_DATA": "true" if sample else "false"}


@contextlib.contextmanager
def running_app(folder: Path, *, sample: bool = True, timeout: float = 60):
    """Yield (base URL, log file) of the app started with the README's command; stop its whole
    process group on exit."""
    port = free_port()
    log = folder / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(RUN_COMMAND, cwd=ROOT, env=server_env(folder, port, sample=sample),
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while not _healthy(base):
            if proc.poll() is not None:
                raise RuntimeError("the server stopped:\n" + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise RuntimeError(f"no /_stcore/health within {timeout:.0f} s:\n"
                                   + log.read_text(errors="replace")[-3000:])
            time.sleep(0.3)
        yield base, log
    finally:
        _stop(proc)


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def settle(page, quiet: float = 1.0, timeout: float = 90) -> None:
    """Wait until the app's script has not been running for ``quiet`` seconds (Streamlit marks
    its root element with data-test-script-state)."""
    app = page.locator('[data-testid="stApp"]')
    app.wait_for()
    deadline = time.monotonic() + timeout
    calm_since = None
    while time.monotonic() < deadline:
        if app.get_attribute("data-test-script-state") == "notRunning":
            calm_since = calm_since or time.monotonic()
            if time.monotonic() - calm_since >= quiet:
                return
        else:
            calm_since = None
        time.sleep(0.2)
    raise AssertionError(f"{page.url} still running after {timeout:.0f} s")


def server_errors(log: Path) -> list[str]:
    """The tracebacks the server logged (users see a redacted message; the log has the cause)."""
    return log.read_text(encoding="utf-8", errors="replace").split("Traceback (most recent call last)")[1:]
