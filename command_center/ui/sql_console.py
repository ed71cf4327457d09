"""数据探索's read-only SQL console (管理员/分析员 of the whole county): one statement, bounded
in time and rows, masked, audited (``queries.console``)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from command_center.access import current
from command_center.schema import DATASETS
from command_center.ui.tables import records_table
from queries import console


def sql_console() -> None:
    """The console, for a viewer whose role may run SQL and who sees the whole county."""
    viewer = current.viewer()
    if viewer is None or not viewer.role.sql or viewer.scope is not None:
        return
    st.subheader("SQL 查询（只读）")
    st.caption(f"一次一条查询语句（SELECT 或 WITH 开头），最长 {console.SECONDS:.0f} 秒，最多返回 "
               f"{console.ROW_LIMIT:,} 行；不能修改数据，不能读取文件或外部地址；姓名、电话已脱敏；"
               "每条语句记入审计日志。")
    with st.expander("可查询的表与字段"):
        records_table(pd.DataFrame({
            "表名": list(DATASETS), "数据集": [d.title for d in DATASETS.values()],
            "字段": ["、".join(f"{c.name}（{c.header}）" for c in d.columns)
                   for d in DATASETS.values()]}), key="ex_sql_tables", height=300)
    text = st.text_area("查询语句", key="ex_sql", height=120,
                        placeholder="输入一条查询语句")
    if st.button("执行查询", key="ex_sql_run"):
        try:
            df, cut = console.run(text)
        except console.ConsoleError as err:
            st.session_state["ex_sql_result"] = (None, str(err))
            current.record("sql_query", target="SQL 查询",
                           detail={"语句": text.strip()[:2000], "结果": f"失败：{err}"})
        else:
            note = (f"共 {len(df):,} 行" + (f"（只显示前 {console.ROW_LIMIT:,} 行）" if cut else ""))
            st.session_state["ex_sql_result"] = (df, note)
            current.record("sql_query", target="SQL 查询",
                           detail={"语句": text.strip()[:2000], "结果": note}, rows=len(df))
    if (res := st.session_state.get("ex_sql_result")) is not None:
        df, note = res
        if df is None:
            st.error(note)
        else:
            st.caption(note)
            records_table(df, key="ex_sql_table", height=360)
