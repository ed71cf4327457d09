"""数据探索's 我的查询: save the question on the page by name (shared or not), open or delete a
saved one (``command_center.explore_store``; a question is kept as its link's query string)."""

from __future__ import annotations

import urllib.parse

import streamlit as st

from command_center import explore_store
from command_center.access import current
from command_center.periods import Period
from command_center.privacy import md
from command_center.ui.explore_form import K, open_saved


def saved_queries(url_want: dict, period: Period) -> None:
    """The 我的查询 expander; ``url_want`` is the page's question as link parameters."""
    me = current.viewer()
    with st.expander("我的查询（保存当前查询，或打开已保存的查询）"):
        saved = explore_store.visible(me.username) if me else []
        a, b, c = st.columns([4, 1, 1], vertical_alignment="bottom")
        by_id = {x.id: x for x in saved}
        pick = a.selectbox("已保存的查询", list(by_id), key=K + "saved_pick",
                           format_func=lambda i: (f"{by_id[i].name}" + (
                               "（我的" + ("，已共享）" if by_id[i].shared else "）")
                               if me and by_id[i].owner == me.username
                               else f"（{by_id[i].owner} 共享）")),
                           placeholder="还没有保存的查询" if not saved else "选择一个查询")
        b.button("打开", key=K + "saved_open", disabled=pick is None, width="stretch",
                 on_click=open_saved, args=(by_id[pick].query if pick in by_id else "", period))
        if c.button("删除", key=K + "saved_delete", width="stretch",
                    disabled=pick is None or not me or by_id[pick].owner != me.username):
            if explore_store.delete(pick, me.username):
                current.record("query_delete", target="数据探索",
                               detail={"名称": by_id[pick].name, "查询": by_id[pick].query})
            st.rerun()
        a, b, c = st.columns([4, 1, 1], vertical_alignment="bottom")
        new_name = a.text_input("查询名称", key=K + "saved_name", max_chars=explore_store.MAX_NAME,
                                placeholder="为当前查询起个名字")
        shared = b.checkbox("共享给其他用户", key=K + "saved_shared")
        if c.button("保存当前查询", key=K + "saved_save", width="stretch", disabled=me is None):
            query = urllib.parse.urlencode(url_want, doseq=True)
            try:
                explore_store.save(me.username, new_name, query, shared)
            except ValueError as err:
                st.error(str(err))
            else:
                current.record("query_save", target="数据探索",
                               detail={"名称": new_name.strip(), "共享": shared, "查询": query})
                st.success(f"已保存“{md(new_name.strip())}”。")
        st.caption("保存的是数据集、分组、统计、筛选条件和展示方式；时间范围和社区取侧栏当前的选择。"
                   "共享的查询其他用户也能打开，各自只看到自己权限范围内的数据。")
