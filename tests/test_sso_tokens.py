"""The id_token checks, against a hostile provider: forged, misaddressed and stale tokens.

oidc-provider-mock (tests/test_sso.py) only issues good tokens. Here a small real HTTP server
on 127.0.0.1 plays the provider (discovery document, JWKS, token endpoint) and answers the code
exchange with whatever id_token the test hands it; the dashboard's own routes
(``gate.routes()``, in this process through httpx's ASGI transport) must refuse every bad one.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from tests.async_run import run_async

CLIENT_ID = "pingan-dashboard"
USER = ("hostile-sub-1", "zhao.liu")
APP = "http://dashboard.test"


class Provider:
    """A provider whose token endpoint returns ``self.id_token`` (set by the test)."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
        self.id_token: str | None = None
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self._json({"issuer": provider.issuer,
                                "authorization_endpoint": provider.issuer + "/authorize",
                                "token_endpoint": provider.issuer + "/token",
                                "jwks_uri": provider.issuer + "/jwks"})
                elif self.path == "/jwks":
                    self._json(KeySet([provider.key]).as_dict(private=False))
                else:
                    self.send_error(404)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                if self.path != "/token" or form.get("grant_type") != ["authorization_code"]:
                    return self.send_error(400)
                body = {"access_token": "at", "token_type": "Bearer", "expires_in": 300}
                if provider.id_token is not None:
                    body["id_token"] = provider.id_token
                self._json(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def claims(self, expected_nonce: str, **changes) -> dict:
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": USER[0],
                  "preferred_username": USER[1], "iat": now, "exp": now + 300, "nonce": expected_nonce}
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict, key=None, alg: str = "RS256") -> str:
        return jwt.encode({"alg": alg, "kid": "k1"}, claims, key or self.key)


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    from command_center import config

    folder = tmp_path_factory.mktemp("sso-tokens")
    p = Provider()
    p.thread.start()
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {"CC_PATHS_ACCESS": str(folder / "access.sqlite"),
                           "CC_PATHS_AUDIT": str(folder / "audit.jsonl"),
                           "CC_SSO_ISSUER": p.issuer, "CC_SSO_CLIENT_ID": CLIENT_ID,
                           "CC_SSO_CLIENT_SECRET": "s3cret",
                           "CC_SSO_REDIRECT_URI": APP + "/sso/callback",
                           "NO_PROXY": "127.0.0.1"}.items():
            mp.setenv(key, value)
        config.settings.cache_clear()
        try:
            from command_center.access import accounts, oidc

            oidc._cache.clear()
            accounts.add(USER[1], "analyst", password="Passw0rd!long", must_change=False)
            yield p
        finally:
            p.server.shutdown()
            p.server.server_close()
            oidc._cache.clear()
    config.settings.cache_clear()


def _flow(provider: Provider, make_token) -> httpx.Response:
    """/sso/login, then /sso/callback with the id_token ``make_token(nonce)`` at the provider."""
    from starlette.applications import Starlette

    from command_center.access import gate

    async def main():
        transport = httpx.ASGITransport(app=Starlette(routes=gate.routes()))
        async with httpx.AsyncClient(transport=transport, base_url=APP) as browser:
            r = await browser.get("/sso/login", params={"next": "/risk"})
            assert r.status_code == 303, r.text
            query = parse_qs(urlsplit(r.headers["location"]).query)
            provider.id_token = make_token(query["nonce"][0])
            return await browser.get("/sso/callback", params={
                "code": "c0de", "state": query["state"][0]})

    return run_async(main)


def _reason() -> str:
    from command_center.access import audit

    last = audit.entries()[-1]
    assert last["action"] == "sign_in_failed"
    assert last["detail"]["方式"] == "单点登录"
    return last["detail"]["原因"]


def test_good_token_signs_in(provider):
    r = _flow(provider, lambda nonce: provider.sign(provider.claims(nonce)))
    assert r.status_code == 303 and r.headers["location"] == "/risk"
    assert "cc_session" in r.cookies


@pytest.mark.parametrize("changes, reason", [
    ({"nonce": "another-nonce"}, "nonce"),
    ({"nonce": None}, "nonce"),
    ({"aud": "someone-else"}, "aud"),
    ({"aud": ["someone-else", "x"]}, "aud"),
    ({"iss": "http://127.0.0.1:1"}, "iss"),
    ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "exp"),
    ({"exp": None}, "exp"),
    ({"sub": None}, "sub"),
])
def test_misaddressed_or_stale_token_is_refused(provider, changes, reason):
    r = _flow(provider, lambda nonce: provider.sign(provider.claims(nonce, **changes)))
    assert r.status_code == 400
    assert "单点登录" in r.text and "cc_session" not in r.cookies
    assert reason in _reason()


def test_token_signed_by_another_key_is_refused(provider):
    other = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    r = _flow(provider, lambda nonce: provider.sign(provider.claims(nonce), other))
    assert r.status_code == 400 and "cc_session" not in r.cookies
    assert "签名" in _reason()


def test_hmac_token_is_refused(provider):
    """alg HS256 keyed with anything (e.g. the public key's text) is never accepted."""
    secret = OctKey.import_key(json.dumps(KeySet([provider.key]).as_dict(private=False)))
    r = _flow(provider, lambda nonce: provider.sign(provider.claims(nonce), secret, "HS256"))
    assert r.status_code == 400 and "cc_session" not in r.cookies
    assert "unsupported_algorithm" in _reason()


def test_unsigned_token_is_refused(provider):
    def unsigned(nonce):
        part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
        return f"{part({'alg': 'none'})}.{part(provider.claims(nonce))}."

    r = _flow(provider, unsigned)
    assert r.status_code == 400 and "cc_session" not in r.cookies
    assert "签名无效" in _reason()


def test_no_id_token_is_refused(provider):
    r = _flow(provider, lambda nonce: None)
    assert r.status_code == 502 and "cc_session" not in r.cookies
    assert "id_token" in _reason()
