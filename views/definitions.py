"""统计口径: every figure of the registry (command_center/figures.py), its 口径, and its SQL."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from command_center import figures
from command_center.formatting import PLACEHOLDER
from queries import sql_text, staging_text

BETTER = {"lower": "越低越好", "higher": "越高越好", None: "—"}

st.title("统计口径")
st.caption("本系统每个指标只有一个定义：页面卡片的说明、大屏、工作简报及其“统计口径说明”都取自这里。"
           "含今日的时段统计到此刻，不计此刻之后的记录；同比与上年同期同一时段比较，环比与上一周期的"
           "相同天数比较；比率的变化以“个百分点”表示，件数和时长以“%”表示；"
           "样本少于最小样本时显示“样本不足”，不显示升降。")

by_topic: dict[str, list[figures.Figure]] = {}
for f in figures.catalog():
    by_topic.setdefault(f.topic, []).append(f)

for topic, items in by_topic.items():
    st.subheader(topic)
    # st.table, not st.dataframe: a data grid cuts a cell at its column width, while the 口径
    # sentence must be read whole (the table wraps it)
    st.table(pd.DataFrame([{
        "指标": f.label, "口径": f.definition, "单位": f.unit or PLACEHOLDER,
        "方向": BETTER[f.better], "最小样本": str(f.min_sample) if f.min_sample else PLACEHOLDER,
        "变化表示": "个百分点" if f.is_rate else "%", "来源查询": f.sql_path,
    } for f in items]).fillna(PLACEHOLDER), hide_index=True)
    for f in items:
        with st.expander(f"{f.label} 的查询（{f.sql_path}，字段 {f.column}）"):
            st.code(sql_text(f.query), language="sql")

st.subheader("派生字段（staging 层）")
st.caption("办结、结案、调解成功、某一时刻是否在办、超期、办结时长等派生事实只在这里定义一次，"
           "每次建库和导入时写入数据仓库，所有查询都读取它们。")
with st.expander("queries/_staging.sql"):
    st.code(staging_text(), language="sql")
