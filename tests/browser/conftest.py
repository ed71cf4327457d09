"""Browser fixtures: the real app in Debian's chromium, with no request leaving the machine.

Usage (mark every browser test ``@pytest.mark.browser``)::

    from tests.browser.conftest import goto, screenshot, wait_ready, folium_frame

    @pytest.mark.browser
    def test_my_page(page, app_server):
        goto(page, app_server, "/incidents?period=7d")   # navigates and waits (wait_ready)
        assert page.locator('[data-testid="stException"]').count() == 0
        screenshot(page, "incidents")                    # test-artifacts/screenshots/incidents.png

Fixtures
- ``app_server`` (session): base URL (``http://127.0.0.1:<port>``) of
  ``streamlit run app.py`` started on a free port over the fixture warehouse
  (``CC_PATHS_WAREHOUSE``) with the clock pinned to 2026-11-20 12:30 (``CC_CLOCK_NOW``). Its log is
  test-artifacts/app_server.log. Stopped at the end of the session.
- ``browser`` (session): chromium (/usr/bin/chromium) through Playwright.
- ``page``: a fresh 1920×1080 zh-CN page. Every request to a host other than
  127.0.0.1/localhost/[::1] is aborted AND recorded; at teardown the test fails if any was
  made (the list is also available as the ``external_requests`` fixture).

Helpers
- ``goto(page, base_url, path="/")``: open a path of the app and ``wait_ready``.
- ``wait_ready(page, timeout=60_000)``: the app is at rest (connected, ``stApp`` in state
  ``notRunning``, no stale element) for a moment, so a rerun just triggered by a click is
  waited for too; every component iframe has loaded and the app is still at rest after it.
- ``folium_frame(page, index=0, timeout=30_000)``: the Frame of the index-th st_folium map,
  once Leaflet has drawn vector paths in it.
- ``screenshot(page, name)``: writes test-artifacts/screenshots/<name>.png, prints the path
  and returns it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.signing_in import sign_in

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"  # same folder as tests/conftest.py
SCREENSHOTS = ARTIFACTS / "screenshots"
FIXTURE_TODAY = "2026-11-20"  # tests/conftest.py FIXTURE_END
FIXTURE_NOW = "2026-11-20 12:30:00"  # tests/conftest.py FIXTURE_NOW
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
VIEWPORT = {"width": 1920, "height": 1080}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run asgi.py`` (the login gate in front of app.py) on a free port, over
    ``warehouse``, with the clock pinned. Accounts, sessions and the audit file are the test
    session's own (beside the fixture warehouse), so a cookie from ``sign_in`` works on every
    server a test starts, and across restarts."""

    def __init__(self, warehouse: Path, log_name: str, **env: str):
        from command_center.access import audit, store

        self.port = _free_port()
        self.env = {**os.environ, "CC_PATHS_WAREHOUSE": str(warehouse),
                    "CC_CLOCK_NOW": FIXTURE_NOW, "CC_PATHS_ACCESS": str(store.path()),
                    "CC_PATHS_AUDIT": str(audit.path()), **env}
        self.log_path = ARTIFACTS / log_name
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_text("", encoding="utf-8")
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        with open(self.log_path, "a", encoding="utf-8") as log:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("streamlit")), "run", "asgi.py",
                 "--server.port", str(self.port), "--server.address", "127.0.0.1",
                 "--server.headless", "true"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"server not healthy; see {self.log_path}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="session")
def app_server(fixture_warehouse):
    server = AppServer(fixture_warehouse, "app_server.log").start()
    yield server.url
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def external_requests() -> list[str]:
    """Requests to non-loopback hosts the current test's page tried (and was refused)."""
    return []


def guarded_context(browser, external_requests: list[str], session: str | None = None,
                    viewport=VIEWPORT):
    """A browser context whose requests may only reach this machine (others are refused and
    recorded), signed in with the session cookie ``session`` (None: signed out)."""
    context = browser.new_context(viewport=viewport, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", service_workers="block")

    def guard(route):
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:", "about:")) or host in LOOPBACK:
            route.continue_()
        else:
            external_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    if session:
        context.add_cookies([{"name": "cc_session", "value": session,
                              "domain": "127.0.0.1", "path": "/"}])
    return context


@pytest.fixture()
def page(browser, external_requests):
    """A page signed in as an administrator (a real session in the fixture's access file)."""
    context = guarded_context(browser, external_requests, sign_in("admin"))
    p = context.new_page()
    yield p
    context.close()
    assert external_requests == [], f"requests left the machine: {external_requests}"


# The app is at rest: connected, its script run over, no element left stale from an earlier run.
# A run that is about to start (a component's first value, a rerun under way on a busy
# machine) shows as stale elements or another state, so the state must hold for a moment.
AT_REST_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return !!app && app.getAttribute('data-test-script-state') === 'notRunning'
    && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && !document.querySelector('[data-testid="stElementContainer"][data-stale="true"]');
}"""
SETTLE_S = 1.0  # how long the app must stay at rest


def _at_rest(page) -> bool:
    try:
        return bool(page.evaluate(AT_REST_JS))
    except Exception:  # navigation in progress
        return False


def _settle(page, deadline: float) -> None:
    stable_since = None
    while True:
        now = time.monotonic()
        if _at_rest(page):
            stable_since = stable_since or now
            if now - stable_since >= SETTLE_S:
                return
        else:
            stable_since = None
        if now > deadline:
            raise TimeoutError("the app did not come to rest (script still running or stale)")
        page.wait_for_timeout(100)


def wait_ready(page, timeout: float = 60_000) -> None:
    """Wait until the app is at rest (stably), every component iframe has loaded, and it is
    still at rest after that (a component's first value can start another run)."""
    deadline = time.monotonic() + timeout / 1000
    for _ in range(3):
        _settle(page, deadline)
        for handle in page.query_selector_all("iframe"):
            frame = handle.content_frame()
            if frame is not None:
                frame.wait_for_load_state(
                    "load", timeout=max(deadline - time.monotonic(), 1) * 1000)
        if _at_rest(page):
            page.wait_for_timeout(300)
            if _at_rest(page):
                return
    _settle(page, deadline)


def goto(page, base_url: str, path: str = "/", timeout: float = 60_000) -> None:
    page.goto(base_url.rstrip("/") + "/" + path.lstrip("/"), wait_until="domcontentloaded",
              timeout=timeout)
    wait_ready(page, timeout)


def mouse_click(page, locator) -> None:
    """A real mouse click at the centre of ``locator`` (a point the browser hit-tests to it),
    never a synthetic event."""
    box = locator.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def folium_frame(page, index: int = 0, timeout: float = 30_000):
    """The Frame of the index-th st_folium map, once Leaflet has drawn paths in it."""
    selector = 'iframe[title="streamlit_folium.st_folium"]'
    page.locator(selector).nth(index).wait_for(state="attached", timeout=timeout)
    frame = page.locator(selector).nth(index).element_handle().content_frame()
    frame.wait_for_selector("path.leaflet-interactive", state="attached", timeout=timeout)
    return frame


# a point inside the index-th interactive path that the browser hit-tests to that path
# (the most central of a grid of candidates); null when none of the grid's points hit it
HIT_POINT = """(i) => {
  const p = [...document.querySelectorAll('path.leaflet-interactive')][i];
  const b = p.getBoundingClientRect();
  const cx = b.left + b.width / 2, cy = b.top + b.height / 2;
  for (const n of [8, 16, 32]) {
    const hits = [];
    for (let gx = 1; gx < n; gx++) for (let gy = 1; gy < n; gy++) {
      const x = b.left + b.width * gx / n, y = b.top + b.height * gy / n;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      if (document.elementFromPoint(x, y) === p) hits.push([x, y]);
    }
    if (hits.length) {
      hits.sort((a, c) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(c[0] - cx, c[1] - cy));
      return hits[0];
    }
  }
  return null;
}"""


def click_path(page, path_index: int) -> None:
    """Press and release at once over the path, at a point hit-tested to it (the map's frame
    is looked up afresh: a rerun may have mounted a new one)."""
    wait_ready(page)
    frame = folium_frame(page)
    page.mouse.move(2, 2)  # off the map: the last community's tooltip closes
    frame.locator(".leaflet-tooltip").first.wait_for(state="hidden", timeout=5_000)
    point = frame.evaluate(HIT_POINT, path_index)
    assert point is not None, f"path {path_index}: no point of it is visible"
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    x, y = box["x"] + point[0], box["y"] + point[1]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()


def county_outline(frame, timeout: float = 30_000) -> str:
    """The stroke colour of the county outline, once the map has loaded it from its file (it
    is drawn under every layer and is not interactive)."""
    outline = frame.locator("path:not(.leaflet-interactive)[fill='none']").first
    outline.wait_for(state="attached", timeout=timeout)
    return outline.get_attribute("stroke")


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.glob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {SCREENSHOTS}")
