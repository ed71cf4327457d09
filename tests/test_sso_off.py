"""Without ``[sso] issuer`` single sign-on is off: no button, /sso/* answers 404, no discovery
document is fetched (the routes are still mounted, so /sso/* never reaches Streamlit's page shell)."""

from __future__ import annotations

import httpx
import pytest

from tests.async_run import run_async


@pytest.fixture()
def sso_off(monkeypatch):
    from command_center import config

    monkeypatch.setenv("CC_SSO_ISSUER", "")
    config.settings.cache_clear()
    yield
    monkeypatch.undo()
    config.settings.cache_clear()


def _get(path: str, **params) -> httpx.Response:
    from starlette.applications import Starlette

    from command_center.access import gate

    async def main():
        transport = httpx.ASGITransport(app=Starlette(routes=gate.routes()))
        async with httpx.AsyncClient(transport=transport, base_url="http://dashboard.test") as c:
            return await c.get(path, params=params)

    return run_async(main)


def test_sso_off(sso_off):
    from command_center.access import oidc

    assert not oidc.enabled()
    oidc._cache.clear()
    assert {r.path for r in oidc.routes()} == {"/sso/login", "/sso/callback"}
    for path in ("/sso/login", "/sso/callback"):
        r = _get(path, next="/risk", code="x", state="y")
        assert r.status_code == 404
        assert "未启用单点登录" in r.text
    page = _get("/login")
    assert page.status_code == 200 and "政务单点登录" not in page.text
    assert oidc._cache == {}  # no discovery document or JWKS was fetched
