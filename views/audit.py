"""审计日志 (管理员): every sign-in, export, download, import, unmasking and account change."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from command_center.access import audit
from command_center.ui.export import download_buttons

st.title("审计日志")
ok, count = audit.verify()
if ok:
    st.caption(f"共 {count:,} 条；哈希链完整（任何一条被改动或删除都会在此报出）。")
else:
    st.error("审计日志的哈希链已断开：有记录被改动或删除，请立即核查日志文件。")

def _value(v) -> str:
    """A detail value as a person reads it (lists joined with 、, an empty one as 全部)."""
    if isinstance(v, list):
        return "、".join(map(str, v)) or "全部"
    if isinstance(v, dict):
        return "，".join(f"{k} {x}" for k, x in v.items()) or "无"
    return str(v)


rows = pd.DataFrame(audit.entries())
if rows.empty:
    st.info("暂无审计记录。")
    st.stop()
rows["day"] = pd.to_datetime(rows["time"]).dt.date
left, mid, right = st.columns([2, 2, 3])
first, last = rows["day"].min(), rows["day"].max()
span = left.date_input("日期", (max(first, last - dt.timedelta(days=30)), last),
                       min_value=first, max_value=last, key="audit_days")
actions = mid.multiselect("动作", list(audit.ACTIONS), format_func=audit.ACTIONS.get,
                          key="audit_actions", placeholder="全部动作")
who = right.text_input("用户（包含）", key="audit_user")

shown = rows
if isinstance(span, tuple) and len(span) == 2:
    shown = shown[(shown["day"] >= span[0]) & (shown["day"] <= span[1])]
if actions:
    shown = shown[shown["action"].isin(actions)]
if who.strip():
    shown = shown[shown["user"].str.contains(who.strip(), regex=False)]
table = pd.DataFrame({
    "时间": shown["time"].str.replace("T", " "),
    "动作": shown["action"].map(audit.ACTIONS),
    "用户": shown["user"],
    "对象": shown["target"],
    "详情": shown["detail"].map(lambda d: "；".join(f"{k}：{_value(v)}" for k, v in (d or {}).items())),
    "行数": shown["rows"].map(lambda n: "—" if pd.isna(n) else f"{int(n):,}"),
    "客户端": shown["client"],
}).iloc[::-1]
st.dataframe(table, hide_index=True, width="stretch", height=560)
download_buttons(table, {"日期": f"{span[0]}–{span[-1]}" if isinstance(span, tuple) else "",
                         "动作": "、".join(audit.ACTIONS[a] for a in actions) or "全部",
                         "用户": who or "全部"}, "审计日志", key="audit_export")
