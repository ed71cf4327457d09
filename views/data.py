"""数据管理: import export files, see what each dataset holds and since when, fix the quarantine."""

from __future__ import annotations

import streamlit as st

from command_center.formatting import fmt_count
from command_center.labels import chinese_columns
from command_center.schema import BUILD_ORDER
from command_center.ui.freshness import fmt_time
from command_center.ui.upload import (
    BROWSE_ROWS,
    EXPORT_ROWS,
    REFIX_HINT,
    dataset_title,
    quarantine_download,
    quarantine_frame,
    table_height,
    upload_section,
)
from command_center.ui.vocab import vocab_section
from queries import run_query

HISTORY_ROWS = 200

st.title("数据管理")
st.caption("上传各业务系统的导出文件（警情、纠纷、社会组织、台风、避灾场所、转移人员、社区），"
           "先核对识别出的数据类型和表头对应，再导入。导入按编号更新，重复导入不会产生重复记录；"
           "有问题的行单独隔离，可下载修正后重新导入。")

# ------------------------------------------------------------------ upload and import
st.header("导入数据")
upload_section()

# ------------------------------------------------------------------ freshness
st.header("数据概况")
fresh = run_query("data/freshness_by_dataset").set_index("dataset")
PER_ROW = 5  # ten datasets in one row cut their names (避灾安置…) and squeezed the dates
slots = [c for i in range(0, len(BUILD_ORDER), PER_ROW) for c in st.columns(PER_ROW)]
for card, name in zip(slots, BUILD_ORDER, strict=False):
    row = fresh.loc[name]
    lines = [f"数据更新于 {fmt_time(row['last_imported_at'])}"]
    if row["newest_record_at"] is not None and str(row["newest_record_at"]) != "NaT":
        lines.append(f"最新记录 {fmt_time(row['newest_record_at'])}")
    if row["quarantined_count"]:
        lines.append(f"隔离 {fmt_count(row['quarantined_count'])} 行")
    with card.container(border=True):
        st.metric(dataset_title(name), fmt_count(row["row_count"]),
                  help="记录数；“数据更新于”是该类数据最近一次导入的时间，"
                       "“最新记录”是数据中最晚的上报/受理/登记时间")
        st.caption("  \n".join(lines))

# ------------------------------------------------------------------ vocabulary
st.header("未对照的取值")
vocab_section()

# ------------------------------------------------------------------ history
st.header("导入记录")
history = run_query("data/import_history", limit=HISTORY_ROWS)
history["dataset"] = history["dataset"].map(dataset_title)
st.dataframe(chinese_columns(history), hide_index=True, key="data_history",
             height=table_height(len(history), 320),
             column_config={"导入时间": st.column_config.DatetimeColumn(
                 format="YYYY-MM-DD HH:mm:ss")})
if len(history) == HISTORY_ROWS:
    st.caption(f"仅显示最近 {HISTORY_ROWS} 次导入")

# ------------------------------------------------------------------ quarantine browser
st.header("隔离数据")
with_quarantine = [n for n in BUILD_ORDER if fresh.loc[n, "quarantined_count"] > 0]
if not with_quarantine:
    st.info("目前没有被隔离的数据：最近一次导入的每个文件都已全部入库。")
else:
    q_dataset = st.selectbox(
        "数据类型", with_quarantine, format_func=lambda n: (
            f"{dataset_title(n)}（{fmt_count(fresh.loc[n, 'quarantined_count'])} 行）"),
        key="data_q_dataset", bind="query-params")
    files = run_query("data/quarantine_files", dataset=q_dataset)
    file_names = files["source_file"].tolist()
    chosen = st.multiselect(
        "文件（不选即全部）", file_names, key=f"data_q_files_{q_dataset}", placeholder="全部文件",
        format_func=lambda f: (
            f"{f}（{fmt_count(files.set_index('source_file').loc[f, 'quarantined_count'])} 行）"))
    total = int(files.loc[files["source_file"].isin(chosen or file_names),
                          "quarantined_count"].sum())
    st.caption(f"共 {fmt_count(total)} 行（每个文件取其最近一次导入）；"
               f"下表显示前 {BROWSE_ROWS} 行，个人信息已脱敏。")
    rows = quarantine_frame(q_dataset, chosen, BROWSE_ROWS)
    st.dataframe(rows, hide_index=True, key="data_q_table", height=table_height(len(rows)))
    quarantine_download(
        q_dataset, chosen, key="data_q_xlsx",
        label=f"下载隔离数据（Excel{'，最多 ' + fmt_count(EXPORT_ROWS) + ' 行' if total > EXPORT_ROWS else ''}）")
    st.caption(REFIX_HINT)
