"""预警: active and past alerts, acknowledge (who, when, a note), each alert's history."""

from __future__ import annotations

import streamlit as st

from command_center import alerts
from command_center.access import current
from command_center.alerts import store
from command_center.alerts import ui as aui
from command_center.privacy import md

st.title("预警")
st.caption("预警规则由系统管理员在预警规则文件中设定；每次导入数据后和定时任务都会重新评估。"
           "条件满足时触发一次，持续期间保持，条件消失后自动解除。")

active = store.active_alerts()
past = store.past_alerts()
counts = store.active_counts()
cols = st.columns(4)
cols[0].metric("当前预警", f"{len(active)} 条")
for col, level in zip(cols[1:], ("紧急", "关注", "提示"), strict=True):
    col.metric(level, f"{counts.get(level, 0)} 条")

LINK = st.column_config.LinkColumn("查看", display_text="打开页面")
tab_active, tab_past = st.tabs(["当前预警", "历史预警"])
with tab_active:
    if active:
        st.dataframe(aui.alerts_frame(active), hide_index=True, width="stretch",
                     column_config={"查看": LINK}, key="alerts_active")
    else:
        st.info("当前没有预警。")
with tab_past:
    if past:
        st.dataframe(aui.alerts_frame(past, past=True), hide_index=True, width="stretch",
                     column_config={"查看": LINK}, key="alerts_past")
    else:
        st.info("还没有已解除的预警。")

everything = active + past
if everything:
    st.subheader("确认与记录")
    by_id = {a["alert_id"]: a for a in everything}
    chosen = st.selectbox("选择预警", list(by_id), format_func=lambda i: aui.option_label(by_id[i]),
                          key="alerts_pick")
    a = by_id[chosen]
    if a["acknowledged_by"]:
        st.caption(f"已由 {md(a['acknowledged_by'])} 于 {aui.time_text(a['acknowledged_at'])} 确认")
    me = current.viewer()
    with st.form("alerts_ack", clear_on_submit=True):
        st.caption(f"确认人：{md(me.display_name)}（{md(me.role.name)}），记入审计日志")
        note = st.text_area("备注", key="alerts_ack_note", height=80)
        if st.form_submit_button("确认预警"):
            try:
                alerts.acknowledge(chosen, me.display_name, note)
            except ValueError as exc:
                st.error(str(exc))
            else:
                current.record("alert_ack", target=a["title"],
                               detail={"预警编号": chosen, "备注": note})
                st.toast(f"已确认：{a['title']}")
                st.rerun()
    left, right = st.columns(2)
    with left:
        st.markdown("**处理记录**")
        st.dataframe(aui.events_frame(store.alert_events(chosen)), hide_index=True,
                     width="stretch", key="alerts_events")
    with right:
        st.markdown("**发送情况**")
        sent = store.deliveries(chosen)
        if sent:
            st.dataframe(aui.deliveries_frame(sent), hide_index=True, width="stretch",
                         key="alerts_sent")
        else:
            st.caption("未发送（这条规则没有指定发送渠道，或发送渠道尚未配置）")
