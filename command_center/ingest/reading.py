"""Opening an export file: the limits, its format, then its header row and first rows.

:func:`open_file` checks the size limits, detects the format (``detect.py``) and opens the
file: CSV/TSV/TXT text here (encoding from ``detect.py``, header row from ``header_row.py``),
CMA best-track text converted to CSV first (``cma.py``), Excel in ``excel.py``. Excel cells
are read when opened; CSV cells later, in SQL (``raw.raw_view``).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from command_center.ingest import IngestError
from command_center.ingest.detect import (
    _head_lines,
    _sniff_delimiter,
    _utf8_lines,
    detect_encoding,
    detect_format,
)
from command_center.ingest.excel import _open_excel
from command_center.ingest.header_row import (
    HEADER_SEARCH_ROWS,
    NoHeaderRow,
    _blank_columns,
    _clean_cell,
    _headers,
    duplicate_note,
    find_header_row,
    header_candidate,
)
from command_center.ingest.raw import RawFile

# cells of the head lines may be long (a long cell quarantines its row later, in SQL)
csv.field_size_limit(1 << 26)


def _open_csv(path: Path, is_header) -> RawFile:
    encoding = detect_encoding(path)
    try:
        lines = _head_lines(path, encoding, HEADER_SEARCH_ROWS + 20)
    except UnicodeDecodeError:
        raise IngestError(f"文件无法按 {encoding} 解码：{path.name}") from None
    if not lines:
        raise IngestError(f"文件是空的：{path.name}")
    # a header candidate line decides the delimiter; parse each head line on its own
    delimiter = ","
    for line in lines[:HEADER_SEARCH_ROWS]:
        d = _sniff_delimiter(line)
        try:
            cells = next(csv.reader(io.StringIO(line), delimiter=d), [])
        except csv.Error:
            continue
        if sum(1 for v in cells if is_header(v)) >= 2:
            delimiter = d
            break
    try:
        rows = [next(csv.reader(io.StringIO(line), delimiter=delimiter), []) for line in lines]
    except csv.Error:
        raise IngestError(f"CSV 文件无法解析：{path.name} 的表头附近有无法解析的行") from None
    h = find_header_row(rows, is_header)
    if h is None:
        i, cells = header_candidate(rows, is_header)
        raise NoHeaderRow(path.name, None if i is None else i + 1, cells)
    headers = _headers(rows[h])
    head = [[_clean_cell(v) for v in r[: len(headers)]] for r in rows[h + 1:] if any(r)]
    raw = RawFile(path, "csv", encoding, h + 1, headers, head[:20], delimiter=delimiter)
    raw.blank_columns = _blank_columns(rows[h], len(headers))
    if dup := duplicate_note(rows[h]):
        raw.notes.append(dup)
    if encoding == "gb18030" and (n := _utf8_lines(path)):
        raw.notes.append(f"文件为 GBK 编码，其中 {n:,} 行为 UTF-8 编码，已按 UTF-8 读取这些行"
                         "（请核对）")
    return raw


def _open_cma(path: Path, is_header) -> RawFile:
    from command_center import config
    from command_center.ingest import cma
    from command_center.ingest.values import LOCAL_TZ

    tz = str(config.get("county", "timezone", LOCAL_TZ) or LOCAL_TZ)
    tmp = tempfile.mkdtemp(prefix="cc-cma-")
    out = Path(tmp) / "cma.csv"
    cma.to_csv(path, out, tz)
    raw = _open_csv(out, is_header)
    raw.path, raw._utf8_path, raw._tmpdir, raw.format = path, out, tmp, "cma"
    raw.encoding = "utf-8（CMA 转换）"  # read from the converted file, not the original
    raw.notes.append(f"中国气象局最佳路径格式（CMA BST），时间由世界时换算为本地时间（{tz}）")
    return raw


def open_file(path: Path, is_header: Callable[[str], bool]) -> RawFile:
    """Check the limits, detect format, encoding and header row; Excel cells are read here
    (row by row), CSV later in SQL."""
    from command_center.ingest import limits as L

    path = Path(path)
    fmt = detect_format(path)
    lim = L.limits()
    L.check_size(path, lim)
    if fmt == "csv":
        L.check_csv(path, lim)
        from command_center.ingest import cma

        if cma.is_cma(path):  # CMA best-track text: converted to a track table first
            return _open_cma(path, is_header)
        return _open_csv(path, is_header)
    facts = L.check_xlsx(path, lim) if fmt == "xlsx" else None
    raw = _open_excel(path, fmt, is_header)
    if len(raw.headers) > lim.max_columns:
        raise IngestError(f"列数过多：{path.name} 有 {len(raw.headers):,} 列，超过上限 "
                          f"{lim.max_columns:,} 列（[limits] max_columns）")
    if facts is not None and facts.empty_formulas:
        raw.notes.append(
            f"工作表中有 {facts.empty_formulas} 个公式单元格没有保存计算结果（如 "
            f"{facts.first_empty_formula}），已按空值读取；请在 Excel 中打开、保存后重新导入")
    return raw
