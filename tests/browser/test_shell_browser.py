"""The app shell in a real browser: every page in the navigation loads, direct URLs work, and
a deep link with the global filters restores them."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ROOT, goto, screenshot

pytestmark = pytest.mark.browser
CODE = "330383001030"
# url path → file (app.py PAGES); a page is tested once its file exists
PAGES = {
    "overview": "pages/overview.py", "briefing": "pages/briefing.py",
    "incidents": "pages/incidents.py", "disputes": "pages/disputes.py",
    "social-orgs": "pages/social_orgs.py", "typhoon": "pages/typhoon.py",
    "risk": "pages/risk.py", "wall": "pages/wall.py", "data": "pages/data.py",
}
EXISTING = [p for p, f in PAGES.items() if (ROOT / f).exists()]


def test_navigation_lists_exactly_the_existing_pages(page, app_server):
    goto(page, app_server, "/")
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all(
        "els => els.map(e => new URL(e.href).pathname.replace(/^\\//, ''))")
    listed = {h or "overview" for h in hrefs}
    assert listed == set(EXISTING)


@pytest.mark.parametrize("url_path", EXISTING)
def test_every_page_loads_by_direct_url(page, app_server, url_path):
    goto(page, app_server, f"/{url_path}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMain"]').inner_text().strip()
    screenshot(page, f"page_{url_path}")


@pytest.mark.xfail(strict=True, reason=(
    "command_center/ui/filters.py: widgets bound with format_func put the LABEL in the URL "
    "(?period=近7天&communities=<社区名>); ?period=7d&communities=<code> is dropped"))
def test_deep_link_restores_global_filters(page, app_server):
    goto(page, app_server, f"/incidents?period=7d&communities={CODE}"
         if "incidents" in EXISTING else f"/?period=7d&communities={CODE}")
    sidebar = page.locator('[data-testid="stSidebar"]')
    active = sidebar.locator('button[kind*="Active"]').all_inner_texts()
    assert active == ["近7天"]
    assert "period=7d" in page.url and f"communities={CODE}" in page.url
    assert sidebar.locator('[data-baseweb="tag"]').count() == 1
