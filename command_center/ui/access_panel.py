"""The signed-in viewer on screen: the sign-in check, the sidebar's user box, unmasking."""

from __future__ import annotations

import streamlit as st

from command_center.access import current, sessions
from command_center.privacy import md


def require_viewer() -> sessions.Viewer:
    """The signed-in viewer; otherwise a Chinese notice with the way back to /login, and stop.

    The gate lets no websocket through without a session, so this answers the session that
    ended since (signed out elsewhere, idle too long, user disabled, token revoked).
    """
    viewer = current.sign_in_check()
    if viewer is None:
        st.warning("登录已过期或已退出，请重新登录。")
        st.markdown('<a href="/login" target="_self">前往登录</a>', unsafe_allow_html=True)
        st.stop()
    return viewer


def scope_caption(viewer: sessions.Viewer, names: dict[str, str]) -> str | None:
    """"数据范围：仅 …" for a scoped viewer (None for the whole county)."""
    if viewer.scope is None:
        return None
    shown = "、".join(names.get(c, c) for c in viewer.scope)
    return f"数据范围：仅{shown}（{len(viewer.scope)} 个社区）；排名、合计均只含这些社区。"


def sidebar(viewer: sessions.Viewer, page: str, names: dict[str, str]) -> None:
    with st.sidebar:
        st.caption(f"当前用户：{md(viewer.display_name)}（{md(viewer.role.name)}）")
        caption = scope_caption(viewer, names)
        if caption:
            st.caption(md(caption))
        if viewer.role.unmask:
            _unmask_box(page)
        if viewer.method != "token":
            st.markdown('<a href="/logout" target="_self">退出登录</a>', unsafe_allow_html=True)


def _unmask_box(page: str) -> None:
    if current.unmasking():
        st.warning("正在显示个人信息明文（已记入审计日志）")
        if st.button("恢复脱敏显示", key="_cc_unmask_stop"):
            current.stop_unmasking()
            st.rerun()
        return
    with st.expander("查看个人信息明文"):
        reason = st.text_input("查看事由（必填，记入审计日志）", key="_cc_unmask_reason_input")
        if st.button("确认查看", key="_cc_unmask_go", disabled=not reason.strip()):
            current.start_unmasking(reason, page)
            st.rerun()
