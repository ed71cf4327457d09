"""Single sign-on in chromium: the login page's 政务单点登录 button, the provider's page, the
dashboard with the signed-in user in its sidebar (servers: tests/test_sso.py ``running``).

Its own browser context rather than the ``page`` fixture: oidc-provider-mock's authorization
page (a test stand-in for the county's provider, not part of the dashboard) links an outside
stylesheet. Every non-loopback request is aborted; the test allows only requests made from the
provider's own page, and none from the dashboard.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import LOOPBACK, VIEWPORT, mouse_click, screenshot, wait_ready
from tests.test_sso import ZHANG, running


@pytest.fixture(scope="module")
def sso_servers(tmp_path_factory, fixture_warehouse):
    with running(tmp_path_factory.mktemp("sso-browser"), "sso_browser") as servers:
        yield servers


@pytest.mark.browser
def test_sign_in_with_sso_in_the_browser(sso_servers, browser):
    from command_center.access import audit

    base, issuer = sso_servers
    external = []

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:", "about:")) or urlsplit(url).hostname in LOOPBACK:
            route.continue_()
        else:
            external.append((url, route.request.frame.url))
            route.abort()

    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", service_workers="block")
    context.route("**/*", guard)
    page = context.new_page()
    try:
        before = len(audit.entries())
        page.goto(base + "/incidents", wait_until="domcontentloaded")
        page.wait_for_url(f"{base}/login?next=%2Fincidents")
        mouse_click(page, page.get_by_role("link", name="政务单点登录"))
        page.wait_for_url(f"{issuer}/oauth2/authorize?*")
        mouse_click(page, page.get_by_role("button", name=ZHANG[0]))  # the provider's identity
        page.wait_for_url(f"{base}/incidents")
        wait_ready(page, timeout=180_000)
        screenshot(page, "sso_signed_in")
        sidebar = page.locator('[data-testid="stSidebar"]')
        assert "当前用户：张三（分析员）" in sidebar.inner_text()
        assert page.locator('[data-testid="stException"]').count() == 0
        assert any(c["name"] == "cc_session" for c in context.cookies(base))
        signed_in = [r for r in audit.entries()[before:] if r["action"] == "sign_in"]
        assert [(r["user"], r["detail"]) for r in signed_in] == [(ZHANG[1], {"方式": "单点登录"})]
    finally:
        context.close()
    # the dashboard asked nothing outside the machine; only the stand-in provider's page did
    assert all(frame.startswith(issuer + "/") for _url, frame in external), external
