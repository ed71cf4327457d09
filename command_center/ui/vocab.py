"""数据管理 · 未对照的取值: values other systems wrote that became 其他 (or, in a column whose
vocabulary has no 其他, were stored empty), and mapping them.

The list comes from ``queries/data/unmapped_values.sql`` (the ``<column>_raw`` columns kept at
import). Mapping a value (:func:`apply_mapping`) adds it to ``vocab.toml`` and updates the
warehouse's canonical column for its rows (``ingest.vocab.map_value``: same writer lock and
copy-and-swap as an import), audited as an import. Only a role that may import (or an
administrator) sees the controls.
"""

from __future__ import annotations

import streamlit as st

from command_center import privacy
from command_center.formatting import fmt_count
from command_center.labels import chinese_columns
from command_center.schema import DATASETS
from command_center.ui.upload import dataset_title, table_height
from queries import run_query


def may_map() -> bool:
    from command_center.access import current

    v = current.viewer()
    return bool(v and (v.role.import_data or v.role.admin))


def column_title(dataset: str, column: str) -> str:
    return f"{dataset_title(dataset)} · {DATASETS[dataset].column(column).header}"


def apply_mapping(dataset: str, column: str, raw: str, canonical: str) -> int:
    """Save ``raw → canonical`` and update the warehouse's rows; one audit line (导入数据)."""
    from command_center import config
    from command_center.access import current
    from command_center.ingest import vocab

    if not may_map():
        raise PermissionError("当前角色不能修改类别对照")
    target = f"类别对照：{column_title(dataset, column)}「{raw}」→「{canonical}」"
    try:
        n = vocab.map_value(dataset, column, raw, canonical, warehouse=config.warehouse_path())
    except Exception as exc:
        current.record("import", target=target,
                       detail={"数据集": dataset, "结果": f"失败：{exc}"[:300]})
        raise
    current.record("import", target=target,
                   detail={"数据集": dataset, "字段": column, "原始取值": raw,
                           "规范取值": canonical, "对照文件": str(vocab.path().name)}, rows=n)
    return n


def vocab_section() -> None:
    from command_center.ingest import IngestError, vocab

    try:
        mapped = vocab.mapped_values()
    except IngestError as exc:
        st.error(privacy.md(str(exc)))
        return
    if done := st.session_state.pop("data_vocab_done", None):
        st.success(privacy.md(done), icon="✅")
    df = run_query("data/unmapped_values", mapped=mapped or [""])
    if df.empty:
        st.info("目前没有未对照的取值：导入的类别、来源、状态等取值都已对应到本系统的分类。")
        return
    shown = df.assign(
        dataset=df["dataset"].map(dataset_title),
        column_name=[DATASETS[d].column(c).header
                     for d, c in zip(df["dataset"], df["column_name"], strict=True)])
    st.caption(f"共 {fmt_count(len(df))} 个取值、{fmt_count(int(df['row_count'].sum()))} 条记录"
               "未能识别：类别、来源等记为“其他”，状态、等级等置空（显示为“未知”）。选定对应的"
               "规范取值后，对照写入类别对照文件，已入库的记录随即更新，以后导入和重建时自动使用。")
    st.dataframe(chinese_columns(shown), hide_index=True, key="data_vocab_table",
                 height=table_height(len(shown)))
    if not may_map():
        st.caption("当前角色只能查看；类别对照需由有导入权限的用户设置。")
        return
    options = list(range(len(df)))
    left, right = st.columns(2)
    row = left.selectbox(
        "原始取值", options, key="data_vocab_value",
        format_func=lambda i: (f"{column_title(df.at[i, 'dataset'], df.at[i, 'column_name'])}"
                               f"：{df.at[i, 'raw_value']}（{fmt_count(df.at[i, 'row_count'])} 条）"))
    dataset, column, raw = (str(df.at[row, "dataset"]), str(df.at[row, "column_name"]),
                            str(df.at[row, "raw_value"]))
    col = DATASETS[dataset].column(column)
    canonical = right.selectbox(f"对应的{col.header}（规范取值）", list(col.vocab), index=None,
                                placeholder="请选择", key=f"data_vocab_target_{dataset}_{column}")
    if not st.button("保存对照并更新数据", key="data_vocab_save", type="primary", icon="🔁",
                     disabled=canonical is None):
        return
    try:
        n = apply_mapping(dataset, column, raw, canonical)
    except Exception as exc:  # never a traceback with server paths
        msg = str(exc) if isinstance(exc, (IngestError, PermissionError)) else type(exc).__name__
        st.error(f"对照未保存：{privacy.md(msg)}")
        return
    st.session_state["data_vocab_done"] = (f"已对照：{column_title(dataset, column)}"
                                           f"「{raw}」→「{canonical}」，更新 {fmt_count(n)} 条记录")
    st.rerun()
