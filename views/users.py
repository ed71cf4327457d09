"""用户管理 (管理员): local accounts and wall tokens. Every change is audited."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from command_center.access import accounts, current, roles, sessions
from command_center.ui.filters import community_options

st.title("用户管理")
me = current.viewer()
by = me.username if me else ""
all_roles = roles.all_roles()
names = community_options()

users = accounts.list_users()
st.dataframe(pd.DataFrame([{
    "用户名": u.username, "显示名称": u.display_name, "角色": all_roles[u.role].name,
    "负责社区": "、".join(names.get(c, c) for c in u.communities) or "全部",
    "状态": "已停用" if u.disabled else ("已锁定" if u.locked_until else "正常"),
} for u in users]), hide_index=True, width="stretch")


def _done(message: str) -> None:
    st.session_state["users_msg"] = message
    st.rerun()


if msg := st.session_state.pop("users_msg", None):
    st.success(msg)

add, change, tokens = st.tabs(["新建账户", "修改账户", "大屏令牌"])
with add, st.form("user_add", clear_on_submit=True):
    username = st.text_input("用户名（字母、数字、_ . @ -）")
    display = st.text_input("显示名称")
    role = st.selectbox("角色", list(all_roles), format_func=lambda c: all_roles[c].name)
    codes = st.multiselect("负责的社区（社区/网格角色必填）", list(names),
                           format_func=lambda c: names[c], placeholder="选择社区")
    if st.form_submit_button("新建"):
        try:
            pw = accounts.add(username.strip(), role, display_name=display.strip(),
                              communities=codes, by=by)
            _done(f"已新建 {username}，一次性密码：{pw}（只显示这一次，首次登录后须修改）")
        except (accounts.AccountError, roles.RoleError) as exc:
            st.error(str(exc))

with change:
    if users:
        target = st.selectbox("账户", [u.username for u in users], key="user_target")
        user = next(u for u in users if u.username == target)
        left, mid, right = st.columns(3)
        if left.button("重设密码", key="user_reset"):
            _done(f"{target} 的一次性密码：{accounts.set_password(target, by=by)}")
        if mid.button("启用" if user.disabled else "停用", key="user_toggle",
                      disabled=target == by):
            accounts.set_disabled(target, not user.disabled, by=by)
            _done(f"已{'启用' if user.disabled else '停用'} {target}")
        with right.popover("修改角色"):
            new_role = st.selectbox("新角色", list(all_roles), key="user_new_role",
                                    index=list(all_roles).index(user.role),
                                    format_func=lambda c: all_roles[c].name)
            new_codes = st.multiselect("负责的社区", list(names), default=list(user.communities),
                                       format_func=lambda c: names[c], key="user_new_codes",
                                       placeholder="选择社区")
            if st.button("保存", key="user_role_save"):
                try:
                    accounts.set_role(target, new_role, new_codes, by=by)
                    _done(f"{target} 的角色已改为 {all_roles[new_role].name}")
                except accounts.AccountError as exc:
                    st.error(str(exc))

with tokens:
    listed = sessions.list_tokens()
    if listed:
        st.dataframe(pd.DataFrame([{
            "编号": t["token_id"], "大屏名称": t["label"], "创建时间": t["created_at"],
            "状态": "已吊销" if t["revoked_at"] else "有效"} for t in listed]),
            hide_index=True, width="stretch")
    with st.form("token_add", clear_on_submit=True):
        label = st.text_input("大屏名称（如 指挥大厅 1 号屏）")
        if st.form_submit_button("新建大屏令牌") and label.strip():
            token_id, token = sessions.add_token(label.strip(), by=by)
            _done(f"已新建令牌 {token_id}。大屏地址（只显示这一次）：/wall?token={token}")
    live = [t["token_id"] for t in listed if not t["revoked_at"]]
    if live:
        gone = st.selectbox("吊销令牌", live, key="token_revoke_id")
        if st.button("吊销", key="token_revoke"):
            sessions.revoke_token(gone, by=by)
            _done(f"已吊销令牌 {gone}")
