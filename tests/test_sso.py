"""Single sign-on end to end: a real OpenID provider process and the real dashboard server.

The provider is oidc-provider-mock (Authlib's server, RS256-signed id_tokens, nonce required)
on a free loopback port, with three predefined identities. The dashboard is ``streamlit run
asgi.py`` (the login gate in front of Streamlit) on another free port, configured through
``CC_SSO_*`` and with its own access file and audit file (``CC_PATHS_ACCESS`` /
``CC_PATHS_AUDIT``) in a temporary folder. The browser is an httpx client that follows the
redirects itself and keeps cookies; nothing leaves 127.0.0.1.

The provider mock does not implement PKCE, so the test checks that the dashboard SENDS an S256
code challenge (and the verifier's shape cannot be checked from outside); state, nonce, the
id_token's signature, issuer, audience and expiry are checked by the dashboard for real.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CLIENT_ID = "pingan-dashboard"
CLIENT_SECRET = "test-client-secret"
PASSWORD = "Passw0rd!long"
# identities at the provider: (sub, preferred_username)
ZHANG = ("idp-sub-0001", "zhang.san")   # has a local account
LI = ("idp-sub-0002", "li.si")          # has none
WANG = ("idp-sub-0003", "wang.wu")      # has one, disabled
CHEN = ("idp-sub-0004", "chen.qi")      # has one, already linked to another identity


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(proc: subprocess.Popen, url: str, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode}; see {log}")
        try:
            if httpx.get(url, timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer; see {log}")
        time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running(folder: Path, name: str = "sso"):
    """Start the provider and ``streamlit run asgi.py`` with their own access and audit files
    in ``folder``; the local accounts exist. Yields (dashboard base URL, issuer). Logs:
    test-artifacts/<name>_provider.log and <name>_app_server.log. Used by the browser test too."""
    from command_center import config

    provider_port, app_port = _free_port(), _free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    base = f"http://127.0.0.1:{app_port}"
    env = {
        "CC_PATHS_ACCESS": str(folder / "access.sqlite"),
        "CC_PATHS_AUDIT": str(folder / "audit.jsonl"),
        "CC_SSO_ISSUER": issuer,
        "CC_SSO_CLIENT_ID": CLIENT_ID,
        "CC_SSO_CLIENT_SECRET": CLIENT_SECRET,
        "CC_SSO_REDIRECT_URI": base + "/sso/callback",
        "NO_PROXY": "127.0.0.1,localhost",
    }
    ARTIFACTS.mkdir(exist_ok=True)
    procs = []
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        config.settings.cache_clear()  # this process reads the same access and audit files
        try:
            from command_center.access import accounts

            accounts.add(ZHANG[1], "analyst", password=PASSWORD, display_name="张三",
                         must_change=False)
            accounts.add(WANG[1], "leader", password=PASSWORD, display_name="王五",
                         must_change=False)
            accounts.set_disabled(WANG[1], True)
            accounts.add(CHEN[1], "analyst", password=PASSWORD, must_change=False)
            accounts.link_sso(CHEN[1], "idp-sub-9999")

            provider_log = ARTIFACTS / f"{name}_provider.log"
            with open(provider_log, "w", encoding="utf-8") as log:
                users = [json.dumps({"sub": sub, "preferred_username": user, "name": user})
                         for sub, user in (ZHANG, LI, WANG, CHEN)]
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1",
                     "--port", str(provider_port), "--require-nonce", "true",
                     *[arg for claims in users for arg in ("--user-claims", claims)]],
                    env={**os.environ, "NO_COLOR": "1"}, stdout=log, stderr=subprocess.STDOUT))
            _wait_healthy(procs[-1], issuer + "/.well-known/openid-configuration", provider_log)

            app_log = ARTIFACTS / f"{name}_app_server.log"
            with open(app_log, "w", encoding="utf-8") as log:
                procs.append(subprocess.Popen(
                    [str(Path(sys.executable).with_name("streamlit")), "run", "asgi.py",
                     "--server.port", str(app_port), "--server.address", "127.0.0.1",
                     "--server.headless", "true"],
                    cwd=ROOT, env=dict(os.environ), stdout=log, stderr=subprocess.STDOUT))
            _wait_healthy(procs[-1], base + "/_stcore/health", app_log)
            yield base, issuer
        finally:
            for proc in reversed(procs):
                _stop(proc)
    config.settings.cache_clear()  # the environment is restored: read the settings again


@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    """(dashboard base URL, provider base URL); the local accounts exist, processes run."""
    with running(tmp_path_factory.mktemp("sso")) as servers:
        yield servers


@pytest.fixture()
def browser():
    with httpx.Client(follow_redirects=False, trust_env=False, timeout=30) as client:
        yield client


def _audit_rows() -> list[dict]:
    from command_center.access import audit

    return audit.entries()


def _start(browser: httpx.Client, base: str, issuer: str, next_path: str = "/incidents") -> str:
    """GET /sso/login; returns the provider's authorization URL the dashboard redirected to."""
    r = browser.get(base + "/sso/login", params={"next": next_path})
    assert r.status_code in (302, 303), r.text
    location = r.headers["location"]
    assert location.startswith(issuer + "/"), location
    assert "cc_sso" in browser.cookies
    return location


def _authorize(browser: httpx.Client, authorize_url: str, sub: str) -> str:
    """The user picks ``sub`` at the provider; returns the callback URL it redirects to."""
    page = browser.get(authorize_url)
    assert page.status_code == 200
    r = browser.post(authorize_url, data={"sub": sub})
    assert r.status_code in (302, 303), r.text
    return r.headers["location"]


def _sign_in(browser, base, issuer, sub, next_path="/incidents") -> httpx.Response:
    callback = _authorize(browser, _start(browser, base, issuer, next_path), sub)
    assert callback.startswith(base + "/sso/callback?")
    return browser.get(callback)


def test_sign_in_through_the_provider(sso, browser):
    from command_center.access import accounts, sessions

    base, issuer = sso
    before = len(_audit_rows())

    authorize_url = _start(browser, base, issuer, "/incidents?period=7d")
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [base + "/sso/callback"]
    assert "openid" in query["scope"][0].split()
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert query["state"][0] and query["nonce"][0] and query["state"] != query["nonce"]

    callback = _authorize(browser, authorize_url, ZHANG[0])
    r = browser.get(callback)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/incidents?period=7d"
    token = browser.cookies.get("cc_session")
    assert token
    viewer = sessions.lookup(token, touch=False)
    assert viewer is not None and viewer.username == ZHANG[1] and viewer.method == "sso"
    assert accounts.by_sso_subject(ZHANG[0]).username == ZHANG[1]  # linked on first use

    # the dashboard itself now lets this browser in
    page = browser.get(base + "/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert browser.get(base + "/_stcore/host-config").status_code == 200
    with httpx.Client(follow_redirects=False, trust_env=False) as stranger:
        assert stranger.get(base + "/", headers={"Accept": "text/html"}).status_code == 303
        assert stranger.get(base + "/_stcore/host-config").status_code == 401

    new = _audit_rows()[before:]
    assert [(row["action"], row["user"]) for row in new] == [
        ("user_change", "单点登录"), ("sign_in", ZHANG[1])]
    assert new[0]["target"] == ZHANG[1]
    assert new[0]["detail"] == {"操作": "关联单点登录身份", "认证服务器": issuer, "标识": ZHANG[0]}
    signed_in = [row for row in new if row["action"] == "sign_in"]
    assert len(signed_in) == 1
    assert signed_in[0]["detail"] == {"方式": "单点登录"}
    assert signed_in[0]["role"] == "analyst"

    # the state cookie is single-use: replaying the same callback signs nobody in
    browser.cookies.delete("cc_session")
    again = browser.get(callback)
    assert again.status_code == 400
    assert "cc_session" not in browser.cookies


def test_linked_subject_signs_in_again(sso, browser):
    base, issuer = sso
    before = len(_audit_rows())
    r = _sign_in(browser, base, issuer, ZHANG[0], "/overview")
    assert r.status_code == 303 and r.headers["location"] == "/overview"
    assert browser.cookies.get("cc_session")
    new = _audit_rows()[before:]
    assert [(row["action"], row["user"], row["detail"]) for row in new] == [
        ("sign_in", ZHANG[1], {"方式": "单点登录"})]


def test_unknown_user_is_refused(sso, browser):
    base, issuer = sso
    before = len(_audit_rows())
    r = _sign_in(browser, base, issuer, LI[0])
    assert r.status_code == 403
    assert "text/html" in r.headers["content-type"]
    assert "尚未为您开通账户" in r.text and "返回登录页" in r.text
    assert "cc_session" not in browser.cookies
    new = _audit_rows()[before:]
    assert [(row["action"], row["user"]) for row in new] == [("sign_in_failed", LI[1])]
    assert new[0]["detail"] == {"方式": "单点登录", "原因": "本系统无此账户"}


def test_disabled_user_is_refused(sso, browser):
    from command_center.access import accounts

    base, issuer = sso
    before = len(_audit_rows())
    r = _sign_in(browser, base, issuer, WANG[0])
    assert r.status_code == 403
    assert "账户已停用" in r.text
    assert "cc_session" not in browser.cookies
    new = _audit_rows()[before:]
    assert [(row["action"], row["user"], row["detail"]) for row in new] == [
        ("sign_in_failed", WANG[1], {"方式": "单点登录", "原因": "账户已停用"})]
    assert accounts.by_sso_subject(WANG[0]) is None  # a disabled account is not linked


def test_account_linked_to_another_identity_is_refused(sso, browser):
    """Same name at the provider, another sub: not the person the account was linked to."""
    from command_center.access import accounts

    base, issuer = sso
    before = len(_audit_rows())
    r = _sign_in(browser, base, issuer, CHEN[0])
    assert r.status_code == 403
    assert "已关联另一统一身份" in r.text
    assert "cc_session" not in browser.cookies
    new = _audit_rows()[before:]
    assert [(row["action"], row["user"], row["detail"]) for row in new] == [
        ("sign_in_failed", CHEN[1], {"方式": "单点登录", "原因": "账户已关联另一单点登录身份"})]
    assert accounts.by_sso_subject(CHEN[0]) is None


def _with_query(url: str, **changes) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_tampered_state_is_refused(sso, browser):
    base, issuer = sso
    before = len(_audit_rows())
    callback = _authorize(browser, _start(browser, base, issuer), ZHANG[0])
    state = parse_qs(urlsplit(callback).query)["state"][0]
    tampered = _with_query(callback, state=state[:-2] + ("AA" if state[-2:] != "AA" else "BB"))
    r = browser.get(tampered)
    assert r.status_code == 400
    assert "登录状态校验失败" in r.text
    assert "cc_session" not in browser.cookies
    new = _audit_rows()[before:]
    assert [(row["action"], row["detail"]) for row in new] == [
        ("sign_in_failed", {"方式": "单点登录", "原因": "state 与本次登录不符"})]


def test_callback_without_the_state_cookie_is_refused(sso, browser):
    """A callback link from someone else's sign-in (login CSRF) does not sign this browser in."""
    base, issuer = sso
    callback = _authorize(browser, _start(browser, base, issuer), ZHANG[0])
    with httpx.Client(follow_redirects=False, trust_env=False) as victim:
        r = victim.get(callback)
        assert r.status_code == 400
        assert "cc_session" not in victim.cookies


def test_forged_state_cookie_is_refused(sso, browser):
    base, issuer = sso
    callback = _authorize(browser, _start(browser, base, issuer), ZHANG[0])
    forged = browser.cookies.get("cc_sso")
    browser.cookies.delete("cc_sso")
    browser.cookies.set("cc_sso", forged[:-3] + ("xyz" if forged[-3:] != "xyz" else "abc"),
                        domain="127.0.0.1", path="/sso/")
    r = browser.get(callback)
    assert r.status_code == 400
    assert "cc_session" not in browser.cookies


def test_next_must_be_local(sso, browser):
    base, issuer = sso
    r = _sign_in(browser, base, issuer, ZHANG[0], "//evil.example/x")
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_login_page_offers_sso(sso, browser):
    base, _ = sso
    r = browser.get(base + "/login", params={"next": "/risk"})
    assert r.status_code == 200
    assert "href='/sso/login?next=/risk'" in r.text and "政务单点登录" in r.text
