"""数据管理 widgets: upload → preview (dataset, header mapping, rows) → import → report;
and the quarantine as masked tables and XLSX downloads.

Uploaded files are written to a temporary folder (under their own name, which the quarantine
and the import history record), read or imported, and deleted at once. Imports go through
``command_center.ingest.upsert.import_file`` — the same code path as the ``import`` command.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import streamlit as st

from command_center import config, privacy
from command_center.formatting import PLACEHOLDER, fmt_count
from command_center.ingest import IngestError
from command_center.ingest.mapping import header_lookup, norm_header
from command_center.ingest.preview import preview_file
from command_center.labels import chinese_columns
from command_center.schema import BUILD_ORDER, DATASETS
from command_center.ui.export import audited, xlsx_bytes
from queries import run_query

CRS_LABELS = {"wgs84": "WGS-84（GPS、天地图）", "gcj02": "GCJ-02（高德、腾讯）",
              "bd09": "BD-09（百度）"}
# the times a file may be written in (None: local, as most exports are); converted to local
TIMEZONE_LABELS = {None: "北京时间（本地）", "UTC": "UTC（世界时，比北京时间晚 8 小时）"}
ENCODING_LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8（带 BOM）", "gb18030": "GBK / GB18030",
                   "gbk": "GBK", "utf-16": "UTF-16"}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "Excel（xlsx）", "xls": "Excel（xls）",
                 "cma": "中国气象局最佳路径（CMA BST）"}
PREVIEW_ROWS = 5
SAMPLE_ROWS = 10  # quarantined rows shown under a report
BROWSE_ROWS = 200  # quarantined rows shown in the browser
EXPORT_ROWS = 100_000  # quarantined rows in one XLSX download at most
REFIX_HINT = ("修正后可重新导入：按「文件」「行号」在原文件中找到这些行，改正后把文件重新上传导入"
              "（同一编号的记录会被更新，不会重复）。个人信息在此已脱敏，请在原文件中修改。")


def table_height(rows: int, most: int = 400) -> int:
    """Pixel height of a table showing ``rows`` rows (no empty grid below them)."""
    return min(38 + 35 * max(rows, 1), most)


def dataset_title(name) -> str:
    return DATASETS[name].title if name in DATASETS else str(name)


# ------------------------------------------------------------------ files
def _safe_name(name: str) -> str:
    """The uploaded file's base name, without path separators or control characters."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[\x00-\x1f]", "", base).strip() or "upload"
    return base[:200]


UPLOAD_PREFIX = "cc-upload-"


def clean_stale_uploads() -> int:
    """Remove upload copies left by a server process that died (its pid is in the folder
    name); a live process's copies are left alone. Returns how many were removed."""
    import os
    import shutil

    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(UPLOAD_PREFIX + "*"):
        m = re.match(re.escape(UPLOAD_PREFIX) + r"(\d+)-", folder.name)
        if not m or not folder.is_dir():
            continue
        try:
            os.kill(int(m.group(1)), 0)  # signal 0: only asks whether the process exists
            continue
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


@contextmanager
def temp_copy(uploaded) -> Iterator[Path]:
    """The upload streamed to a fresh temporary folder under its own name; deleted afterwards,
    also when reading fails (and at the next start when the process was killed)."""
    import os
    import shutil

    clean_stale_uploads()
    with tempfile.TemporaryDirectory(prefix=f"{UPLOAD_PREFIX}{os.getpid()}-") as folder:
        path = Path(folder) / _safe_name(uploaded.name)
        uploaded.seek(0)
        with open(path, "wb") as fh:
            shutil.copyfileobj(uploaded, fh, 1 << 20)
        yield path


def _preview(uploaded, dataset: str | None):
    """Preview of an upload, kept per session (file id, dataset): reruns don't reread it."""
    cache = st.session_state.setdefault("data_previews", {})
    key = (uploaded.file_id, dataset)
    if key not in cache:
        try:
            with temp_copy(uploaded) as path:
                cache[key] = preview_file(path, dataset)
        except IngestError as e:
            cache[key] = e
        except MemoryError:
            cache[key] = IngestError("文件过大，内存不足；请分成几个文件")
    return cache[key]


# ------------------------------------------------------------------ masking
def source_kind(dataset: str, header: str, column: str | None = None) -> str | None:
    """What a file's column holds ('name', 'phone', 'id', 'address' or None): by the warehouse
    column it maps to when it maps to one, else by the words of its own header."""
    if column is None:
        column = header_lookup(DATASETS[dataset]).get(norm_header(header))
    return privacy.header_kind(column) if column else privacy.header_kind(header)


def mask_source_frame(df: pd.DataFrame, dataset: str,
                      columns: dict[str, str | None] | None = None) -> pd.DataFrame:
    """Mask a frame whose columns are a file's own headers: personal columns by their kind and
    every other cell by content (identity numbers, phone numbers, cued names in free text).
    ``columns``: source header → warehouse column, when the mapping is known."""
    if privacy.may_unmask():
        return df
    out = df.copy()
    for j, header in enumerate(df.columns):
        column = (columns or {}).get(header)
        kind = source_kind(dataset, str(header), column)
        out.iloc[:, j] = df.iloc[:, j].astype(object).map(
            lambda v, k=kind: privacy.mask_value(v, kind=k) if isinstance(v, str) else v)
    return out


# ------------------------------------------------------------------ quarantine
def quarantine_frame(dataset: str, files: list[str], limit: int) -> pd.DataFrame:
    """Current quarantine of ``dataset`` (latest import of each file; ``files`` empty = all):
    文件, 行号, 原因, then the row's cells under the file's own headers — personal data masked."""
    q = run_query("data/quarantine_rows", dataset=dataset, files=list(files), limit=limit)
    cells = [json.loads(s) if isinstance(s, str) else {} for s in q["raw_json"]]
    raw = pd.DataFrame(cells, index=q.index, dtype=object).fillna("")
    raw = mask_source_frame(raw, dataset)
    head = chinese_columns(q[["source_file", "row_number", "reason"]])
    # a file header equal to one of the three leading labels gets a marker, never a clash
    raw.columns = [f"{c}（原表）" if c in head.columns else c for c in raw.columns]
    return pd.concat([head, raw], axis=1)


def quarantine_download(dataset: str, files: list[str], *, key: str, label: str) -> None:
    """Download button: the current quarantine of ``files`` (all when empty) as XLSX."""
    def build() -> bytes:
        df = quarantine_frame(dataset, files, EXPORT_ROWS)
        notes = {"数据集": dataset_title(dataset),
                 "文件": "、".join(files) if files else "全部文件",
                 "说明": REFIX_HINT}
        return xlsx_bytes(df, notes, sheet="隔离数据")

    stem = f"隔离数据_{dataset_title(dataset)}"
    if len(files) == 1:
        stem += "_" + Path(files[0]).stem
    st.download_button(
        label, data=audited("download", f"{stem}.xlsx", {"数据集": dataset_title(dataset)}, build),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=key, on_click="ignore", icon="📥")


# ------------------------------------------------------------------ upload panel
def _mapping_frame(p) -> pd.DataFrame:
    rows = []
    for h in p.headers:
        col = p.mapping.get(h)
        rows.append({"源表头": h,
                     "对应字段": p.labels.get(col, col) if col else "—（未使用）",
                     "必需": "是" if col and DATASETS[p.dataset].column(col).required else ""})
    return pd.DataFrame(rows)


def _preview_frame(p) -> pd.DataFrame:
    """First rows with the warehouse's Chinese headers for mapped columns (masked)."""
    n = len(p.headers)
    rows = [list(r[:n]) + [None] * (n - len(r)) for r in p.rows[:PREVIEW_ROWS]]
    df = pd.DataFrame(rows, columns=range(n), dtype=object)
    names: list[str] = []
    for h in p.headers:
        col = p.mapping.get(h)
        label = p.labels.get(col, h) if col else f"{h}（未使用）"
        names.append(label if label not in names else f"{label}（{h}）")
    df.columns = names
    df = df.fillna("")  # an empty cell is empty, not "None"
    # mask by the mapped column or the source header, and every cell by content
    out = df.copy()
    for j, h in enumerate(p.headers):
        kind = source_kind(p.dataset, h, p.mapping.get(h))
        out.iloc[:, j] = df.iloc[:, j].map(
            lambda v, k=kind: privacy.mask_value(v, kind=k) if isinstance(v, str) else v)
    df = out
    return df


def _file_facts(p) -> str:
    facts = [f"格式 {FORMAT_LABELS.get(p.format, p.format)}"]
    if p.encoding:
        facts.append(f"编码 {ENCODING_LABELS.get(p.encoding, p.encoding.upper())}")
    if p.sheet:
        facts.append(f"工作表「{privacy.md(p.sheet)}」")
    facts.append(f"表头在第 {p.header_row} 行")
    facts.append(f"{len(p.headers)} 列")
    return " · ".join(facts)


def _run_import(uploaded, dataset: str, crs: str | None, timezone: str | None) -> dict:
    from command_center.access import audit, current
    from command_center.ingest.upsert import import_file

    with temp_copy(uploaded) as path:
        try:
            report = import_file(dataset, path, crs=crs, warehouse=config.warehouse_path(),
                                 timezone=timezone)
        except Exception as exc:
            current.record("import", target=uploaded.name,
                           detail={"数据集": dataset, "结果": f"失败：{exc}"[:300]})
            raise
    current.record("import", target=uploaded.name, detail=audit.import_detail(report),
                   rows=report.loaded)
    return {"json": report.to_json(), "reasons": dict(report.reasons),
            "warnings": dict(report.warnings), "notes": list(report.notes),
            "placement": dict(report.placement), "crs": report.crs or crs}


def show_ingest_error(prefix: str, exc) -> None:
    """A refusal: its first line as the error; further lines (the row most like a header, the
    ``[headers]`` lines to add to _source.toml) verbatim in a code block, masked by content."""
    first, *rest = str(exc).split("\n")
    st.error(prefix + privacy.md(privacy.mask_text(first)))
    if rest:
        st.code(privacy.mask_text("\n".join(rest)), language=None)


def show_report(stored: dict, key: str) -> None:
    """The report of one import, in Chinese, with sample quarantined rows and the download."""
    r = stored["json"]
    dataset, file = r["dataset"], r["file"]
    head = f"「{privacy.md(file)}」已导入{dataset_title(dataset)}："
    text = (f"读取 {fmt_count(r['read'])} 行，入库 {fmt_count(r['loaded'])} 行"
            f"（新增 {fmt_count(r['inserted'])}，更新 {fmt_count(r['updated'])}，"
            f"未变 {fmt_count(r['unchanged'])}），隔离 {fmt_count(r['quarantined'])} 行")
    if r["quarantined"]:
        st.warning(head + text, icon="⚠️")
    else:
        st.success(head + text, icon="✅")
    cols = st.columns(6)
    for c, (label, field) in zip(cols, [("读取", "read"), ("入库", "loaded"),
                                        ("隔离", "quarantined"), ("新增", "inserted"),
                                        ("更新", "updated"), ("未变", "unchanged")], strict=True):
        c.metric(label, fmt_count(r[field]), border=True)
    rows = [{"原因": k, "行数": v, "处理": "隔离（未入库）"} for k, v in
            sorted(stored["reasons"].items(), key=lambda kv: -kv[1])]
    rows += [{"原因": k, "行数": v, "处理": "已自动处理并入库"} for k, v in
             sorted(stored["warnings"].items(), key=lambda kv: -kv[1])]
    if rows:
        st.markdown("**原因统计**")
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="content", key=f"{key}_reasons",
                     placeholder=PLACEHOLDER)
    if pl := stored.get("placement"):
        st.caption(f"定位：按坐标 {fmt_count(pl['point'])} 行，仅按社区（无坐标）"
                   f"{fmt_count(pl['community'])} 行，无社区无坐标 {fmt_count(pl['none'])} 行")
    for note in stored.get("notes", []):
        st.caption(f"说明：{privacy.md(note)}")
    if r["quarantined"]:
        st.markdown(f"**隔离数据示例**（前 {SAMPLE_ROWS} 行，个人信息已脱敏）")
        sample = quarantine_frame(dataset, [file], SAMPLE_ROWS)
        st.dataframe(sample, hide_index=True, key=f"{key}_sample", placeholder=PLACEHOLDER,
                     height=table_height(len(sample)))
        quarantine_download(dataset, [file], key=f"{key}_xlsx",
                            label=f"下载本文件的隔离数据（{fmt_count(r['quarantined'])} 行，Excel）")
        st.caption(REFIX_HINT)


def file_panel(uploaded) -> None:
    """Everything about one uploaded file: detection, mapping, preview rows, CRS, 导入, report."""
    fid = uploaded.file_id
    st.subheader(f"📄 {privacy.md(uploaded.name)}")
    detected = _preview(uploaded, None)
    if isinstance(detected, IngestError):
        show_ingest_error("无法读取该文件：", detected)
        return
    options = list(BUILD_ORDER)
    chosen = st.selectbox(
        "数据类型" + ("（已自动识别，可更改）" if detected.dataset else "（未能自动识别，请选择）"),
        options, index=options.index(detected.dataset) if detected.dataset else None,
        format_func=dataset_title, placeholder="请选择数据类型", key=f"data_ds_{fid}")
    if chosen is None:
        st.error(privacy.md(detected.problem or "无法判断数据类型，请选择"))
        return
    p = detected if chosen == detected.dataset else _preview(uploaded, chosen)
    if isinstance(p, IngestError):
        show_ingest_error("", p)
        return
    st.caption(_file_facts(p))
    for note in p.notes:
        st.warning(privacy.md(note))
    if p.missing_required:
        st.markdown(f":red[**缺少必需的列：{privacy.md('、'.join(p.missing_required))}**]")
        if p.problem:
            st.markdown(f":red[{privacy.md(p.problem)}]")
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**表头对应**")
        st.dataframe(_mapping_frame(p), hide_index=True, key=f"data_map_{fid}", placeholder=PLACEHOLDER,
                     height=table_height(len(p.headers)))
        if p.unmapped:
            st.caption("未使用的列：" + privacy.md("、".join(p.unmapped)))
    with right:
        st.markdown(f"**前 {min(PREVIEW_ROWS, len(p.rows))} 行预览**（个人信息已脱敏）")
        st.dataframe(_preview_frame(p), hide_index=True, key=f"data_rows_{fid}",
                     placeholder=PLACEHOLDER)
    crs = None
    if "lon" in DATASETS[p.dataset].column_names:
        default = p.crs or "wgs84"
        options = list(CRS_LABELS) + ([default] if default not in CRS_LABELS else [])
        crs = st.radio("坐标系", options, index=options.index(default),
                       format_func=lambda c: CRS_LABELS.get(c, c), horizontal=True,
                       key=f"data_crs_{fid}",
                       help="文件中经纬度所用的坐标系；入库时统一换算为 WGS-84")
    timezone = None
    if p.format != "cma" and any(c.kind == "timestamp" for c in DATASETS[p.dataset].columns):
        # a CMA best-track file is in UTC by its definition: converted whatever is chosen here
        timezone = st.radio("文件中的时间", list(TIMEZONE_LABELS), format_func=TIMEZONE_LABELS.get,
                            horizontal=True, key=f"data_tz_{fid}",
                            help="文件中的时间按哪个时区记录；入库时统一换算为北京时间")
    report_key = f"data_report_{fid}"
    if st.button(f"导入{dataset_title(p.dataset)}", key=f"data_import_{fid}", type="primary",
                 disabled=not p.usable, icon="📥"):
        try:
            with st.spinner("正在导入…"):
                st.session_state[report_key] = _run_import(uploaded, p.dataset, crs, timezone)
        except IngestError as e:
            st.session_state.pop(report_key, None)
            show_ingest_error("导入失败，数据未作任何改动：", e)
        except Exception as e:  # never a traceback with server paths
            st.session_state.pop(report_key, None)
            st.error(f"导入失败，数据未作任何改动：文件无法处理（{type(e).__name__}）")
        else:
            st.rerun()  # every figure on the page (and the freshness line) from the new data
    if report_key in st.session_state:
        show_report(st.session_state[report_key], key=report_key)


# Streamlit writes the uploader's button and hint in English: overwrite them in Chinese
_UPLOADER_CSS = """<style>
.st-key-data_upload [data-testid="stFileUploaderDropzone"] button > *,
.st-key-data_upload [data-testid="stFileUploaderDropzoneInstructions"] > * {display: none;}
.st-key-data_upload [data-testid="stFileUploaderDropzone"] button::after {
  content: "📂 选择文件"; font-size: 0.875rem;}
.st-key-data_upload [data-testid="stFileUploaderDropzoneInstructions"]::after {
  content: "或把文件拖到这里 · CSV、XLSX、XLS · 单个文件不超过 %dMB";
  font-size: 0.875rem; opacity: 0.6;}
</style>"""


def upload_section() -> None:
    st.html(_UPLOADER_CSS % st.get_option("server.maxUploadSize"))
    files = st.file_uploader(
        "上传导出文件（可多选）", type=["csv", "xlsx", "xls", "txt"], accept_multiple_files=True,
        key="data_upload",
        help="支持 CSV（UTF-8、GBK 等编码自动识别）和 Excel；导入时按编号更新，重复导入不会产生重复记录")
    for uploaded in files or []:
        with st.container(border=True, key=f"data_file_{uploaded.file_id}"):
            file_panel(uploaded)
