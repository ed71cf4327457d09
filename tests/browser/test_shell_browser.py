"""The app shell in a real browser: every page in the navigation loads, direct URLs work, and
a deep link with the global filters restores them."""

from __future__ import annotations

import pytest

from command_center.pages import PAGES
from tests.browser.conftest import goto, screenshot, wait_ready

pytestmark = pytest.mark.browser
CODE = "330383001030"
# every registered page (command_center/pages.py; tests/test_pages.py: each file exists)
URL_PATHS = [p.url_path for p in PAGES]


def test_navigation_lists_exactly_the_registered_pages(page, app_server):
    goto(page, app_server, "/")
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all(
        "els => els.map(e => new URL(e.href).pathname.replace(/^\\//, ''))")
    listed = {h or "overview" for h in hrefs}
    assert listed == set(URL_PATHS)


@pytest.mark.parametrize("url_path", URL_PATHS)
def test_every_page_loads_by_direct_url(page, app_server, url_path):
    goto(page, app_server, f"/{url_path}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMain"]').inner_text().strip()
    screenshot(page, f"page_{url_path}")


def test_deep_link_restores_global_filters(page, app_server):
    goto(page, app_server, f"/incidents?period=7d&communities={CODE}")
    sidebar = page.locator('[data-testid="stSidebar"]')
    active = sidebar.locator('button[aria-checked="true"]').all_inner_texts()
    assert active == ["近7天"]
    assert "period=7d" in page.url and f"communities={CODE}" in page.url
    assert sidebar.locator('.react-aria-ComboBox [data-tag]').count() == 1


@pytest.mark.browser
def test_deep_link_restores_custom_range(page, app_server):
    goto(page, app_server, "/?period=custom&range=2025-07-01..2025-07-31")
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.locator('button[aria-checked="true"]').all_inner_texts() == ["自定义"]
    assert "range=2025-07-01..2025-07-31" in page.url.replace("%2E", ".")
    dates = sidebar.locator('[data-testid="stDateInput"] input[type="date"]')
    assert [dates.nth(i).input_value() for i in range(dates.count())] == [
        "2025-07-01", "2025-07-31"]


@pytest.mark.parametrize("path", ["/overview", "/no-such-page", "/old-report?period=7d"])
def test_unknown_path_opens_the_map_without_english(page, app_server, path):
    """A path that matches no page (an old bookmark, 一张图's own name) opens 一张图, with no
    English "Page not found" dialog; an unknown name gets a Chinese note."""
    goto(page, app_server, path)
    page.get_by_role("heading", name="一张图").first.wait_for(timeout=20_000)
    wait_ready(page)  # the dialog, if any, comes with the page's run: wait until it is over
    body = page.locator("body").inner_text()
    assert "Page not found" not in body and "not found" not in body.lower()
    assert page.locator('[role="dialog"]').count() == 0
    if path != "/overview":
        assert "没有找到页面" in body
    screenshot(page, "unknown_path" + path.replace("/", "_").split("?")[0])
