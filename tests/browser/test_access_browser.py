"""Logins, roles and wall tokens in the browser, against ``streamlit run asgi.py``.

A signed-out client gets nothing but the login page from every route (pages, static files,
component files, media, ``/_stcore/*`` and the websocket); each role sees exactly its pages;
a 社区 user's numbers are their communities' only, whatever the URL asks; a wall token signs a
screen in without a person and keeps working across a server restart.
"""

from __future__ import annotations

import re
import socket

import duckdb
import pytest

from command_center.access import audit, roles, sessions
from command_center.pages import PAGES
from tests.browser.conftest import (
    VIEWPORT,
    AppServer,
    goto,
    guarded_context,
    mouse_click,
    screenshot,
    wait_ready,
)
from tests.signing_in import sign_in

MINE = ("330383001030", "330383001031", "330383001032")
PHONE = re.compile(r"1[3-9]\d{9}")



def _login(page, base: str, username: str, password: str, path: str = "/") -> None:
    page.goto(base + path, wait_until="domcontentloaded")
    assert "/login" in page.url
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    mouse_click(page, page.locator("button[type=submit]"))
    page.wait_for_load_state("domcontentloaded")


def _nav(page) -> set[str]:
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all(
        "els => els.map(e => new URL(e.href).pathname.replace(/^\\//, ''))")
    return {h or "overview" for h in hrefs}


def _websocket_status(base: str, cookie: str | None) -> str:
    """The status line the server answers a websocket handshake on /_stcore/stream with."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        lines = ["GET /_stcore/stream HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                 "Sec-WebSocket-Version: 13", f"Origin: {base}"]
        if cookie:
            lines.append(f"Cookie: cc_session={cookie}")
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return s.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_signed_out_client_gets_only_the_login_page(browser, page, app_server,
                                                     external_requests):
    # what a signed-in page loads: its static bundle and the map component's files
    goto(page, app_server, "/")
    page.locator('iframe[title="streamlit_folium.st_folium"]').first.wait_for(state="attached")
    assets = page.evaluate("""() => [
        ...[...document.scripts].map(s => s.src),
        ...[...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href),
        ...[...document.querySelectorAll('iframe')].map(f => f.src)]
        .filter(u => u && u.startsWith(location.origin)).map(u => new URL(u).pathname)""")
    statics = [a for a in assets if a.startswith("/static/")]
    components = [a for a in assets if a.startswith("/component/")]
    assert statics and components, assets
    signed_in = page.context.request.get(app_server + statics[0])
    assert signed_in.status == 200 and len(signed_in.body()) > 1000

    context = guarded_context(browser, external_requests)  # no cookie
    try:
        request = context.request
        routes = ["/", "/incidents", "/wall", "/data", "/audit", "/definitions?x=1",
                  *statics[:3], *components[:2], "/_stcore/host-config", "/media/x.png",
                  "/app/static/x.png", "/_stcore/upload_file/x", "/nope"]
        for route in routes:
            r = request.get(app_server + route, max_redirects=0,
                            headers={"Accept": "text/html"})
            assert r.status == 303 and r.headers["location"].startswith("/login?next="), route
            r = request.get(app_server + route, max_redirects=0)
            assert r.status == 401 and "请先登录" in r.text(), route
            assert request.post(app_server + route, max_redirects=0).status in (401, 405), route
        assert request.get(app_server + "/_stcore/health").text() == "ok"
        # the login page: Chinese, nothing but a form
        p = context.new_page()
        p.goto(app_server + "/incidents", wait_until="domcontentloaded")
        assert p.url.startswith(app_server + "/login?next=%2Fincidents")
        assert p.locator("h1").inner_text() == "平安治理一张图"
        assert p.locator('[data-testid="stApp"]').count() == 0
        assert not re.search(r"[A-Za-z]{4,}", p.locator("main").inner_text())
        screenshot(p, "access_login")
    finally:
        context.close()
    assert _websocket_status(app_server, None).split()[1] == "403"
    assert _websocket_status(app_server, "forged-session").split()[1] == "403"
    assert _websocket_status(app_server, sign_in("leader")).split()[1] == "101"


ALL_PAGES = {p.url_path for p in PAGES}


@pytest.mark.parametrize("role", ["admin", "leader", "analyst", "community"])
def test_each_role_signs_in_with_the_form_and_sees_exactly_its_pages(
        browser, app_server, external_requests, role):
    from command_center.access import accounts

    username = f"form-{role}"
    if accounts.get(username) is None:
        accounts.add(username, role, password="Form-pass-123", by="测试", must_change=False,
                     communities=MINE if role == "community" else ())
    context = guarded_context(browser, external_requests)
    try:
        page = context.new_page()
        mark = len(audit.entries())
        _login(page, app_server, username, "Form-pass-123", "/definitions")
        wait_ready(page)
        assert page.url.rstrip("/").endswith("/definitions")
        info = roles.get(role)
        assert _nav(page) == {p for p in ALL_PAGES if info.may_open(p)}
        lines = audit.entries()[mark:]
        assert [(x["action"], x["user"], x["detail"]["方式"]) for x in lines] == [
            ("sign_in", username, "密码")]
        sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
        assert f"（{info.name}）" in sidebar
        # a page outside the role: Streamlit has no such page for this session
        if not info.may_open("data"):
            goto(page, app_server, "/data")
            main = page.locator('[data-testid="stMain"]').inner_text()
            assert "上传导出文件" not in main
            assert f"您的角色（{info.name}）不能打开“数据管理”" in main
            assert page.locator('[data-testid="stDialog"]').count() == 0
        screenshot(page, f"access_role_{role}")
        # sign out: one line, and the session is gone for every tab
        mark = len(audit.entries())
        mouse_click(page, page.get_by_text("退出登录"))
        page.wait_for_url(re.compile(r"/login"))
        assert [x["action"] for x in audit.entries()[mark:]] == ["sign_out"]
        page.goto(app_server + "/", wait_until="domcontentloaded")
        assert "/login" in page.url
    finally:
        context.close()
    assert external_requests == []


def test_wrong_passwords_lock_the_account_with_a_chinese_message(
        browser, app_server, external_requests):
    from command_center.access import accounts

    accounts.add("form-lock", "leader", password="Form-pass-123", by="测试", must_change=False)
    context = guarded_context(browser, external_requests)
    try:
        page = context.new_page()
        for _ in range(5):
            _login(page, app_server, "form-lock", "not-the-password")
            assert page.locator(".err").inner_text() == "用户名或密码错误"
        _login(page, app_server, "form-lock", "Form-pass-123")
        assert "账户已锁定" in page.locator(".err").inner_text()
        assert "/login" in page.url
    finally:
        context.close()


def test_community_user_sees_only_their_rows_whatever_the_url(
        browser, app_server, external_requests, fixture_warehouse):
    context = guarded_context(browser, external_requests, sign_in("community", MINE, "grid-3"))
    try:
        page = context.new_page()
        other = "330383001001"
        goto(page, app_server, f"/incidents?communities={other}")
        con = duckdb.connect(str(fixture_warehouse), read_only=True,
                             config={"enable_external_access": False, "threads": 2})
        try:
            mine = con.execute(
                "select count(*) from incidents where community_code in (?, ?, ?) and "
                "reported_at >= '2026-11-01' and reported_at < '2026-11-20 12:30'",
                list(MINE)).fetchone()[0]
            other_name = con.execute("select community_name from communities where "
                                     "community_code = ?", [other]).fetchone()[0]
        finally:
            con.close()
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="本期警情").first
        assert metric.locator('[data-testid="stMetricValue"]').inner_text() == f"{mine:,}"
        assert other_name not in page.locator('[data-testid="stMain"]').inner_text()
        assert "数据范围：仅" in page.locator('[data-testid="stSidebar"]').inner_text()
        screenshot(page, "access_community_incidents")
    finally:
        context.close()


def test_wall_token_shows_the_wall_without_personal_data_and_survives_a_restart(
        browser, fixture_warehouse, external_requests):
    server = AppServer(fixture_warehouse, "access_wall_server.log").start()
    token_id, token = sessions.add_token("测试大屏", by="测试")
    context = guarded_context(browser, external_requests, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/wall?token={token}", wait_until="domcontentloaded")
        wait_ready(page)
        # the token is not left in the address bar; the wall is the screen's only page
        assert "token" not in page.url and page.url.startswith(server.url)
        text = page.locator('[data-testid="stApp"]').inner_text()
        assert "平安" in text and "退出登录" not in text and not PHONE.search(text)
        assert "Page not found" not in text and page.locator('[data-testid="stDialog"]').count() == 0
        assert _nav(page) <= {"wall"}
        screenshot(page, "access_wall_token")
        # the server restarts (an update, a power cut): the screen comes back by itself
        server.stop()
        server.start()
        page.reload(wait_until="domcontentloaded")
        wait_ready(page)
        assert "/login" not in page.url
        assert "平安" in page.locator('[data-testid="stApp"]').inner_text()
        # revoked: the screen is signed out
        sessions.revoke_token(token_id, by="测试")
        page.reload(wait_until="domcontentloaded")
        assert "/login" in page.url
    finally:
        context.close()
        server.stop()


def test_a_one_time_password_must_be_changed_before_anything_else(
        browser, app_server, external_requests):
    from command_center.access import accounts

    once = accounts.add("form-first", "leader", by="测试")  # must_change, like `user add`
    context = guarded_context(browser, external_requests)
    try:
        page = context.new_page()
        _login(page, app_server, "form-first", once, "/incidents")
        page.wait_for_url(re.compile(r"/password$"))
        assert page.locator("h1").inner_text() == "修改密码"
        page.goto(app_server + "/incidents", wait_until="domcontentloaded")
        assert page.url.endswith("/password")  # nothing else until it is changed
        page.locator("#old").fill(once)
        page.locator("#new").fill("Changed-pass-2026")
        page.locator("#again").fill("Changed-pass-2026")
        mouse_click(page, page.locator("button[type=submit]"))
        wait_ready(page)
        assert "/password" not in page.url and "/login" not in page.url
        assert accounts.authenticate("form-first", "Changed-pass-2026").must_change is False
    finally:
        context.close()
