"""The login gate: an ASGI middleware in front of every Streamlit route, and its own routes.

Mounted by ``asgi.py`` (``st.App``). Without a live session a client gets nothing but the login
page: page requests are redirected to ``/login``, every other request (static files, component
assets, media, downloads, ``/_stcore/*``) is answered 401, and the websocket
``/_stcore/stream`` is refused before it is accepted. Open without a session: ``/login``,
``/password`` (for a signed-in user who must change it), ``/logout``, ``/sso/*`` and
``/_stcore/health`` (a load balancer's probe; it says only "ok").

``/wall?token=…`` signs a screen in with its wall token (cookie kept for years, so the wall
reconnects by itself after a server restart) and redirects to ``/`` (the 大屏 role's only page)
without the token.
"""

from __future__ import annotations

import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, quote, urlencode

import anyio
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from command_center import config
from command_center.access import accounts, audit, login_page, oidc, sessions

OPEN_PATHS = {"/login", "/logout", "/password", "/_stcore/health", "/favicon.ico"}
CSRF_COOKIE = "cc_csrf"
WALL_COOKIE_SECONDS = 10 * 365 * 24 * 3600


def _cookies(headers) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in headers:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed cookie header signs nobody in
                return {}
    return {k: m.value for k, m in jar.items()}


def _secure() -> bool:
    return bool(config.get("access", "secure_cookie", False))


def set_session_cookie(response: Response, token: str, *, wall: bool = False) -> None:
    response.set_cookie(sessions.COOKIE, token, httponly=True, samesite="lax", path="/",
                        secure=_secure(), max_age=WALL_COOKIE_SECONDS if wall else None)


def client_of(scope) -> str:
    client = scope.get("client")
    return client[0] if client else ""


def safe_next(value: str | None) -> str:
    """A local path to go back to after signing in (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


class Gate:
    """Pure ASGI middleware (it must see the websocket too, which BaseHTTPMiddleware cannot)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path in OPEN_PATHS or path.startswith("/sso/"):
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if scope["type"] == "http" and path.rstrip("/").endswith("/wall") and "token" in query:
            return await self._wall_token(scope, receive, send, query)
        token = _cookies(scope.get("headers", ())).get(sessions.COOKIE)
        viewer = await anyio.to_thread.run_sync(sessions.lookup, token)
        if viewer is not None:
            if viewer.method == "password" and viewer.must_change:
                if scope["type"] == "websocket":
                    return await send({"type": "websocket.close", "code": 1008})
                return await RedirectResponse("/password", 303)(scope, receive, send)
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            # closing before accepting makes the server answer the handshake with 403
            return await send({"type": "websocket.close", "code": 1008})
        request = Request(scope)
        wants_page = request.method == "GET" and "text/html" in request.headers.get("accept", "")
        if wants_page:
            target = path + (f"?{scope['query_string'].decode('latin-1')}"
                             if scope.get("query_string") else "")
            return await RedirectResponse(f"/login?{urlencode({'next': target})}", 303)(
                scope, receive, send)
        return await PlainTextResponse("未登录或登录已过期，请先登录。", 401)(scope, receive, send)

    async def _wall_token(self, scope, receive, send, query):
        session = await anyio.to_thread.run_sync(sessions.token_session, query["token"][0])
        if session is None:
            return await HTMLResponse(login_page.refused(), 401)(scope, receive, send)
        # to "/": the 大屏 role's first (default) page is the wall, and Streamlit serves a
        # default page at "/" only
        response = RedirectResponse("/", 303)
        set_session_cookie(response, session, wall=True)
        return await response(scope, receive, send)


def _csrf_ok(request: Request, form) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE, "")
    return bool(cookie) and secrets.compare_digest(cookie, str(form.get("csrf", "")))


def _with_csrf(body_for, status: int = 200) -> HTMLResponse:
    csrf = secrets.token_urlsafe(24)
    response = HTMLResponse(body_for(csrf), status)
    response.set_cookie(CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/",
                        secure=_secure())
    return response


async def login_get(request: Request):
    nxt = safe_next(request.query_params.get("next"))
    return _with_csrf(lambda csrf: login_page.login(csrf, nxt, sso=oidc.enabled()))


async def login_post(request: Request):
    form = await request.form()
    nxt = safe_next(str(form.get("next", "")))
    if not _csrf_ok(request, form):
        return _with_csrf(lambda c: login_page.login(c, nxt, "页面已过期，请重新登录",
                                                      sso=oidc.enabled()), 400)
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    client = client_of(request.scope)
    try:
        user = await anyio.to_thread.run_sync(accounts.authenticate, username, password, client)
    except accounts.AccountError as exc:
        message = str(exc)
        return _with_csrf(lambda c: login_page.login(c, nxt, message, sso=oidc.enabled()), 401)
    return await sign_in(user, "password", nxt if not user.must_change else "/password", client)


async def sign_in(user: accounts.User, method: str, target: str, client: str) -> Response:
    """Start a session for ``user`` (audited) and send the browser to ``target``."""
    token = await anyio.to_thread.run_sync(sessions.start, user.username, method)
    audit.record("sign_in", user.username, role=user.role,
                 detail={"方式": sessions.METHODS[method]}, client=client)
    response = RedirectResponse(target, 303)
    set_session_cookie(response, token)
    return response


async def logout(request: Request):
    viewer = await anyio.to_thread.run_sync(sessions.end, request.cookies.get(sessions.COOKIE))
    if viewer is not None:
        audit.record("sign_out", viewer.username, role=viewer.role.code,
                     client=client_of(request.scope))
    response = RedirectResponse("/login", 303)
    response.delete_cookie(sessions.COOKIE, path="/")
    return response


async def password_get(request: Request):
    if await anyio.to_thread.run_sync(sessions.lookup, request.cookies.get(sessions.COOKIE)) is None:
        return RedirectResponse("/login", 303)
    return _with_csrf(login_page.change_password)


async def password_post(request: Request):
    viewer = await anyio.to_thread.run_sync(sessions.lookup, request.cookies.get(sessions.COOKIE))
    if viewer is None or viewer.method != "password":
        return RedirectResponse("/login", 303)
    form = await request.form()
    if not _csrf_ok(request, form):
        return _with_csrf(lambda c: login_page.change_password(c, "页面已过期，请重试"), 400)
    new, again = str(form.get("new", "")), str(form.get("again", ""))
    try:
        await anyio.to_thread.run_sync(accounts.authenticate, viewer.username,
                                       str(form.get("old", "")), client_of(request.scope))
        if new != again:
            raise accounts.AccountError("两次输入的新密码不一致")
        await anyio.to_thread.run_sync(lambda: accounts.set_password(
            viewer.username, new, by=viewer.username, must_change=False))
    except accounts.AccountError as exc:
        message = str(exc)
        return _with_csrf(lambda c: login_page.change_password(c, message), 400)
    return RedirectResponse("/", 303)


def routes() -> list[Route]:
    return [
        Route("/login", login_get, methods=["GET"]),
        Route("/login", login_post, methods=["POST"]),
        Route("/logout", logout, methods=["GET", "POST"]),
        Route("/password", password_get, methods=["GET"]),
        Route("/password", password_post, methods=["POST"]),
        *oidc.routes(),
    ]


def login_url(next_path: str = "/") -> str:
    return "/login?next=" + quote(safe_next(next_path))

