"""The viewer of the current Streamlit run: who it is, which rows they may read, unmasking.

``app.py`` calls :func:`sign_in_check` first on every run: the session cookie (sent with the
websocket the gate let through) is looked up again, so a session that timed out, was signed out
in another tab or whose user was disabled stops working at the next click, not at the next
page load. Queries read :func:`scope` — below the pages, so no page, URL or widget can widen it.
Outside Streamlit (command line, scheduled briefings) there is no viewer: the whole county.
"""

from __future__ import annotations

import contextlib
import contextvars

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from command_center.access import audit, sessions

VIEWER_KEY = "_cc_viewer"
TOKEN_KEY = "_cc_session_token"  # tests (AppTest has no cookies) put a real session token here
UNMASK_KEY = "_cc_unmask_reason"


# a download's data is made after the script run that drew its button (when it is clicked):
# the viewer of that run is carried to it explicitly (:func:`acting_as`)
_carried: contextvars.ContextVar = contextvars.ContextVar("cc_viewer", default=None)


class NotSignedIn(PermissionError):
    """A query was asked for inside the app without a signed-in viewer."""


def _in_app() -> bool:
    """Inside the app: a script run (the server's or AppTest's), or a server process."""
    return get_script_run_ctx(suppress_warning=True) is not None or st.runtime.exists()


def sign_in_check() -> sessions.Viewer | None:
    """Look the session up (cookie, else the token a test set); remember the viewer."""
    try:
        token = st.context.cookies.get(sessions.COOKIE)
    except Exception:  # no request context
        token = None
    if not isinstance(token, str):  # AppTest has no cookies: a test's token, if any
        token = st.session_state.get(TOKEN_KEY)
    viewer = sessions.lookup(token if isinstance(token, str) else None)
    st.session_state[VIEWER_KEY] = viewer
    if viewer is None:
        st.session_state.pop(UNMASK_KEY, None)
    return viewer


def viewer() -> sessions.Viewer | None:
    carried = _carried.get()
    if carried is not None:
        return carried[0]
    if not _in_app():
        return None
    if get_script_run_ctx(suppress_warning=True) is None:
        return None  # a server thread outside any script run has no viewer: reads nothing
    return st.session_state.get(VIEWER_KEY)


def scope() -> tuple[str, ...] | None:
    """The communities the current viewer's queries are limited to (None: all).

    In the app without a signed-in viewer (or outside a script run) nothing may be read.
    """
    if _carried.get() is None and not _in_app():
        return None
    v = viewer()
    if v is None:
        raise NotSignedIn("未登录：不能读取数据")
    return v.scope


def whole() -> str:
    """What "no community selected" means for this viewer: 全县/全市, or a scoped viewer's own
    communities (负责的 3 个社区)."""
    from command_center import config

    v = viewer()
    if v is not None and v.scope is not None:
        return f"负责的 {len(v.scope)} 个社区"
    return config.county_whole()


def unmasking() -> bool:
    """Names and phones shown in full: the role allows it and a reason was given (audited)."""
    carried = _carried.get()
    if carried is not None:
        return carried[1]
    v = viewer()
    return bool(v and v.role.unmask and st.session_state.get(UNMASK_KEY))


def snapshot():
    """The current viewer and whether they unmask, to carry into a later call."""
    return viewer(), unmasking()


@contextlib.contextmanager
def acting_as(snap):
    """Run a download's deferred work as the viewer of the run that drew the button."""
    token = _carried.set(snap) if snap[0] is not None else None
    try:
        yield
    finally:
        if token is not None:
            _carried.reset(token)


def start_unmasking(reason: str, page: str) -> None:
    v = viewer()
    if v is None or not v.role.unmask:
        raise PermissionError("当前角色不能查看个人信息明文")
    reason = reason.strip()
    if not reason:
        raise ValueError("请填写查看事由")
    st.session_state[UNMASK_KEY] = reason
    audit.record("unmask", v.username, role=v.role.code, target=page, detail={"事由": reason})


def stop_unmasking() -> None:
    st.session_state.pop(UNMASK_KEY, None)


def record(action: str, *, target: str = "", detail: dict | None = None,
           rows: int | None = None) -> None:
    """Audit an act of the current viewer (export, download, import …)."""
    v = viewer()
    audit.record(action, v.username if v else "", role=v.role.code if v else "",
                 target=target, detail=detail, rows=rows)
