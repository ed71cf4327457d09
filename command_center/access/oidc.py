"""Single sign-on through OpenID Connect (``[sso]`` in settings.toml). Off unless configured.

The authorization-code flow with PKCE (S256), ``state`` and ``nonce``:

- ``GET /sso/login?next=/path`` reads the provider's ``{issuer}/.well-known/openid-configuration``
  (cached), keeps ``state``, ``nonce``, the PKCE ``code_verifier`` and ``next`` in a short-lived
  signed cookie (itsdangerous; path ``/sso/``) and sends the browser to the provider.
- ``GET /sso/callback`` checks ``state`` against that cookie, exchanges the code (Authlib's
  ``AsyncOAuth2Client``, with the ``code_verifier``), validates the id_token (joserfc, Authlib's
  JOSE successor: signature against the provider's JWKS, ``iss``, ``aud``/``azp``, ``exp``,
  ``iat``, ``nonce``) and maps it to a LOCAL account: first by the linked subject (``sub``), else
  by the claim ``[sso] username_claim`` naming the user (then linked to that ``sub``, audited as
  ``user_change``). Nobody is
  created here: an administrator opens the account first. A refusal is a Chinese page and an
  audited ``sign_in_failed``; a success goes through ``gate.sign_in`` (audited ``sign_in``).

Nothing is fetched at import or while ``[sso] issuer`` is empty. The cookie's signing key is
made per process: a sign-in started before a restart has to be started again.
"""

from __future__ import annotations

import secrets
import time
import warnings

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from command_center import config

STATE_COOKIE = "cc_sso"
STATE_SECONDS = 600          # the time a user has at the provider
METADATA_SECONDS = 3600      # discovery document and JWKS are fetched again after this
LEEWAY_SECONDS = 60          # clock skew allowed on exp / iat
HTTP_TIMEOUT = 10
ID_TOKEN_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                 "ES256", "ES384", "ES512", "EdDSA")  # never "none", never HS* with a public key

_KEY = secrets.token_bytes(32)
_cache: dict[str, tuple[float, dict]] = {}


class SSOError(Exception):
    """A sign-in that cannot go on; ``reason`` is for the audit trail, ``message`` for the user."""

    def __init__(self, reason: str, message: str | None = None, status: int = 400, user=None):
        super().__init__(reason)
        self.reason = reason
        self.message = message or "单点登录未能完成，请返回登录页重试。"
        self.status = status
        self.user = user  # the local account, when one was found


def enabled() -> bool:
    return bool(config.get("sso", "issuer", ""))


def _setting(key: str, default: str = "") -> str:
    return str(config.get("sso", key, default) or default).strip()


def _issuer() -> str:
    return _setting("issuer").rstrip("/")


def _serializer():
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(_KEY, salt="cc-sso-state")


def _secure() -> bool:
    return bool(config.get("access", "secure_cookie", False))


def _http():
    import httpx

    return httpx.AsyncClient(timeout=HTTP_TIMEOUT, follow_redirects=False)


async def _get_json(url: str, what: str) -> dict:
    try:
        async with _http() as client:
            response = await client.get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except Exception as exc:
        raise SSOError(f"无法读取认证服务器的{what}（{type(exc).__name__}）",
                       "暂时无法连接统一身份认证服务，请稍后重试或使用账号密码登录。", 502) from exc
    if not isinstance(data, dict):
        raise SSOError(f"认证服务器的{what}不是 JSON 对象", status=502)
    return data


async def _cached(name: str, url: str, what: str, *, fresh: bool = False) -> dict:
    hit = _cache.get(name)
    if hit and not fresh and hit[0] > time.monotonic() and hit[1].get("_url") == url:
        return hit[1]
    data = await _get_json(url, what)
    data["_url"] = url
    _cache[name] = (time.monotonic() + METADATA_SECONDS, data)
    return data


async def _metadata() -> dict:
    issuer = _issuer()
    meta = await _cached("metadata", issuer + "/.well-known/openid-configuration", "发现文档")
    if str(meta.get("issuer", "")).rstrip("/") != issuer:
        raise SSOError(f"发现文档中的 issuer（{meta.get('issuer')}）与配置不符", status=502)
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not meta.get(key):
            raise SSOError(f"发现文档缺少 {key}", status=502)
    return meta


def _oauth_client(meta: dict):
    from authlib.deprecate import AuthlibDeprecationWarning  # (it installs an "always" filter)

    with warnings.catch_warnings():  # Authlib falls back to httpx (not httpx2) with a warning
        warnings.simplefilter("ignore", AuthlibDeprecationWarning)
        from authlib.integrations.httpx_client import AsyncOAuth2Client

    methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    secret = _setting("client_secret")
    if not secret:
        auth_method = "none"
    elif "client_secret_basic" in methods:
        auth_method = "client_secret_basic"
    else:
        auth_method = "client_secret_post"
    return AsyncOAuth2Client(
        client_id=_setting("client_id"), client_secret=secret or None,
        scope=_setting("scope", "openid profile email"), redirect_uri=_setting("redirect_uri"),
        code_challenge_method="S256", token_endpoint_auth_method=auth_method,
        timeout=HTTP_TIMEOUT)


def _page(message: str, status: int) -> HTMLResponse:
    from command_center.access import login_page

    response = HTMLResponse(login_page.sso_refused(message), status)
    response.delete_cookie(STATE_COOKIE, path="/sso/")
    return response


def _not_configured() -> HTMLResponse:
    return _page("本系统未启用单点登录，请使用账号密码登录。", 404)


async def login(request: Request) -> Response:
    if not enabled():
        return _not_configured()
    from command_center.access import audit, gate

    nxt = gate.safe_next(request.query_params.get("next"))
    try:
        meta = await _metadata()
    except SSOError as exc:
        audit.record("sign_in_failed", "", detail={"方式": "单点登录", "原因": exc.reason},
                     client=gate.client_of(request.scope))
        return _page(exc.message, exc.status)
    from authlib.common.security import generate_token

    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    async with _oauth_client(meta) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], state=state, code_verifier=verifier, nonce=nonce)
    response = RedirectResponse(url, 303)
    response.set_cookie(
        STATE_COOKIE,
        _serializer().dumps({"state": state, "nonce": nonce, "verifier": verifier, "next": nxt}),
        max_age=STATE_SECONDS, path="/sso/", httponly=True, secure=_secure(),
        samesite="lax")  # lax: the provider's redirect back is a top-level GET from its site
    return response


def _pending(request: Request) -> dict:
    from itsdangerous import BadSignature, SignatureExpired

    raw = request.cookies.get(STATE_COOKIE)
    if not raw:
        raise SSOError("缺少登录状态（未从本系统发起或已过期）", "登录页面已过期，请重新登录。")
    try:
        data = _serializer().loads(raw, max_age=STATE_SECONDS)
    except SignatureExpired as exc:
        raise SSOError("登录状态已过期", "登录页面已过期，请重新登录。") from exc
    except BadSignature as exc:
        raise SSOError("登录状态签名无效", "登录状态校验失败，请重新登录。") from exc
    given = request.query_params.get("state", "")
    if not isinstance(data, dict) or not secrets.compare_digest(str(data.get("state", "")), given):
        raise SSOError("state 与本次登录不符", "登录状态校验失败，请重新登录。")
    return data


async def _keyset(meta: dict, *, fresh: bool = False):
    from joserfc.jwk import KeySet

    jwks = await _cached("jwks", meta["jwks_uri"], "签名公钥（JWKS）", fresh=fresh)
    try:
        return KeySet.import_key_set({"keys": jwks.get("keys", [])})
    except Exception as exc:
        raise SSOError(f"签名公钥（JWKS）无法解析（{type(exc).__name__}）", status=502) from exc


async def _id_token_claims(meta: dict, id_token: str, nonce: str) -> dict:
    from joserfc import jwt
    from joserfc.errors import JoseError

    try:
        try:
            token = jwt.decode(id_token, await _keyset(meta), algorithms=list(ID_TOKEN_ALGS))
        except JoseError:
            # the provider may have rotated its keys since the JWKS was cached: read it once more
            token = jwt.decode(id_token, await _keyset(meta, fresh=True),
                               algorithms=list(ID_TOKEN_ALGS))
    except JoseError as exc:
        raise SSOError(f"id_token 签名无效（{exc.error}）") from exc
    except ValueError as exc:
        raise SSOError(f"id_token 格式无效（{exc}）") from exc
    claims = token.claims
    client_id = _setting("client_id")
    registry = jwt.JWTClaimsRegistry(
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": str(meta["issuer"])},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise SSOError(f"id_token 校验失败（{exc.error}：{exc.description or ''}）") from exc
    aud = claims.get("aud")
    if isinstance(aud, list) and len(aud) > 1 and claims.get("azp") != client_id:
        raise SSOError("id_token 的 azp 不是本系统")
    if not isinstance(claims.get("sub"), str) or not claims["sub"]:
        raise SSOError("id_token 缺少 sub")
    return claims


async def _exchange(request: Request, meta: dict, pending: dict) -> tuple[dict, str]:
    """(id_token claims, the claim naming the account) for the callback's code."""
    code = request.query_params.get("code")
    if not code:
        raise SSOError("回调缺少授权码")
    try:
        async with _oauth_client(meta) as client:
            token = await client.fetch_token(
                meta["token_endpoint"], grant_type="authorization_code", code=code,
                code_verifier=pending["verifier"], redirect_uri=_setting("redirect_uri"))
    except Exception as exc:
        raise SSOError(f"授权码换取令牌失败（{type(exc).__name__}：{exc}）"[:300], status=502) from exc
    id_token = token.get("id_token")
    if not id_token:
        raise SSOError("令牌响应中没有 id_token（scope 须含 openid）", status=502)
    claims = await _id_token_claims(meta, id_token, pending["nonce"])
    claim_name = _setting("username_claim", "preferred_username")
    name = claims.get(claim_name)
    if not name and meta.get("userinfo_endpoint") and token.get("access_token"):
        name = await _userinfo_claim(meta, token["access_token"], claims["sub"], claim_name)
    return claims, str(name or "").strip()


async def _userinfo_claim(meta: dict, access_token: str, sub: str, claim_name: str):
    """Some providers put the user name only in the userinfo response, not in the id_token."""
    try:
        async with _http() as client:
            response = await client.get(meta["userinfo_endpoint"], headers={
                "Authorization": f"Bearer {access_token}", "Accept": "application/json"})
        response.raise_for_status()
        info = response.json()
    except Exception:
        return None
    if not isinstance(info, dict) or info.get("sub") != sub:  # OIDC core 5.3.2
        return None
    return info.get(claim_name)


def _linked_subject(username: str) -> str | None:
    from command_center.access import store

    with store.connect() as con:
        row = con.execute("select sso_subject from users where username = ?",
                          (username,)).fetchone()
    return row["sso_subject"] if row else None


def _local_account(sub: str, name: str):
    """The local account for this identity, linked to ``sub`` on first use; else SSOError."""
    from command_center.access import accounts, audit

    user = accounts.by_sso_subject(sub)
    if user is None:
        user = accounts.get(name) if name else None
        if user is None:
            raise SSOError("本系统无此账户", "本系统尚未为您开通账户，请联系管理员开通后再登录。", 403)
        linked = _linked_subject(user.username)
        if linked and linked != sub:
            raise SSOError("账户已关联另一单点登录身份",
                           "该账户已关联另一统一身份，无法登录，请联系管理员。", 403, user)
        if not user.disabled:
            accounts.link_sso(user.username, sub)
            audit.record("user_change", "单点登录", target=user.username,
                         detail={"操作": "关联单点登录身份", "认证服务器": _issuer(), "标识": sub})
    if user.disabled:
        raise SSOError("账户已停用", "账户已停用，请联系管理员。", 403, user)
    return user


async def callback(request: Request) -> Response:
    if not enabled():
        return _not_configured()
    from command_center.access import audit, gate

    client_addr = gate.client_of(request.scope)
    name = ""
    try:
        pending = _pending(request)
        if request.query_params.get("error"):
            raise SSOError(f"认证服务器拒绝：{request.query_params.get('error')}"[:200],
                           "统一身份认证未通过，请重试或使用账号密码登录。", 403)
        meta = await _metadata()
        claims, name = await _exchange(request, meta, pending)
        user = await anyio.to_thread.run_sync(_local_account, claims["sub"], name)
    except SSOError as exc:
        audit.record("sign_in_failed", exc.user.username if exc.user else name,
                     role=exc.user.role if exc.user else None,
                     detail={"方式": "单点登录", "原因": exc.reason}, client=client_addr)
        return _page(exc.message, exc.status)
    response = await gate.sign_in(user, "sso", gate.safe_next(pending.get("next")), client_addr)
    response.delete_cookie(STATE_COOKIE, path="/sso/")
    return response


def routes() -> list[Route]:
    """Always mounted (answering 404 while off), so ``/sso/*`` never reaches Streamlit."""
    return [
        Route("/sso/login", login, methods=["GET"]),
        Route("/sso/callback", callback, methods=["GET"]),
    ]
