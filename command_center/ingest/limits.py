"""Limits checked before a file is parsed (``[limits]`` in settings.toml).

A hostile or broken file must not exhaust the server: the file size, an xlsx's uncompressed
size (read from the zip directory, never by inflating it), a sheet's declared dimension and
its row count (one streaming pass over the sheet XML, bounded by the uncompressed limit), a
CSV's column count (header line read with a bounded length) and line count are checked
first; a file over a limit raises :class:`IngestError` with a Chinese message.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from command_center import config
from command_center.ingest import IngestError


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_xlsx_uncompressed_bytes: int
    max_excel_rows: int
    max_rows: int
    max_columns: int
    max_cell_chars: int


def limits() -> Limits:
    g = lambda key, default: int(config.get("limits", key, default))  # noqa: E731
    mb = 1 << 20
    return Limits(
        max_file_bytes=g("max_file_mb", 1024) * mb,
        max_xlsx_uncompressed_bytes=g("max_xlsx_uncompressed_mb", 300) * mb,
        max_excel_rows=g("max_excel_rows", 300_000),
        max_rows=g("max_rows", 10_000_000),
        max_columns=g("max_columns", 500),
        max_cell_chars=g("max_cell_kb", 64) * 1024,
    )


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.0f} MB"


def check_size(path: Path, lim: Limits) -> None:
    size = Path(path).stat().st_size
    if size > lim.max_file_bytes:
        raise IngestError(f"文件过大：{Path(path).name} 为 {_mb(size)}，超过上限 "
                          f"{_mb(lim.max_file_bytes)}（[limits] max_file_mb）")


_DIM = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


@dataclass
class XlsxFacts:
    empty_formulas: int = 0  # formula cells saved without a computed value
    first_empty_formula: str | None = None


# a cell holding a formula and no (or an empty) cached <v> value: calamine reads it as empty
_EMPTY_FORMULA = re.compile(
    rb"<(?:\w+:)?c\b[^>]*\br=\"([A-Z]+[0-9]+)\"[^>/]*>\s*<(?:\w+:)?f\b[^>]*(?:/>|>[^<]*</(?:\w+:)?f>)"
    rb"(?:\s*<(?:\w+:)?v\s*/>|\s*<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")


def check_xlsx(path: Path, lim: Limits) -> XlsxFacts:
    """Refuse a zip bomb or an oversized sheet before calamine allocates anything."""
    name = Path(path).name
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise IngestError(f"Excel 文件无法读取：{name}（不是有效的 xlsx 文件）") from None
    facts = XlsxFacts()
    with zf:
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        if total > lim.max_xlsx_uncompressed_bytes:
            raise IngestError(
                f"Excel 文件解压后过大：{name} 解压后为 {_mb(total)}，超过上限 "
                f"{_mb(lim.max_xlsx_uncompressed_bytes)}（[limits] max_xlsx_uncompressed_mb）；"
                "请导出为 CSV 或分成几个文件")
        for info in infos:
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", info.filename):
                continue
            rows = 0
            tail = b""
            head = b""
            read = 0
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    read += len(chunk)
                    if read > info.file_size + 1024:  # the directory lied about the size
                        raise IngestError(f"Excel 文件无法读取：{name}（压缩包内容与目录不符）")
                    if len(head) < 8192:
                        head += chunk[: 8192 - len(head)]
                        m = _DIM.search(head)
                        if m and m.group(3):
                            cols = _col_number(m.group(3)) - _col_number(m.group(1)) + 1
                            declared = int(m.group(4)) - int(m.group(2)) + 1
                            _check_rows_cols(name, declared, cols, lim)
                    data = tail + chunk
                    rows += len(_ROW.findall(data)) - len(_ROW.findall(tail))
                    if _FORMULA.search(data):
                        found = [m for m in _EMPTY_FORMULA.finditer(data)
                                 if m.end() > len(tail)]
                        if found and facts.first_empty_formula is None:
                            facts.first_empty_formula = found[0].group(1).decode()
                        facts.empty_formulas += len(found)
                    tail = data[-4096:]
                    if rows > lim.max_excel_rows + 1:
                        _check_rows_cols(name, rows, 0, lim)
            _check_rows_cols(name, rows, 0, lim)
    return facts


def _check_rows_cols(name: str, rows: int, cols: int, lim: Limits) -> None:
    if rows > lim.max_excel_rows + 1:  # the header row is not a data row
        raise IngestError(f"Excel 工作表行数过多：{name} 超过 {lim.max_excel_rows:,} 行"
                          "（[limits] max_excel_rows）；请导出为 CSV 或分成几个文件")
    if cols > lim.max_columns:
        raise IngestError(f"列数过多：{name} 有 {cols:,} 列，超过上限 {lim.max_columns:,} 列"
                          "（[limits] max_columns）")


def check_csv(path: Path, lim: Limits) -> None:
    """Column count of the first lines (read with a bounded length) and the line count."""
    name = Path(path).name
    bound = max(lim.max_cell_chars * 4, 1 << 20)
    with open(path, "rb") as fh:
        for _ in range(40):
            line = fh.readline(bound)
            if not line:
                break
            fields = max(line.count(d) for d in (b",", b"\t", b";", b"|")) + 1
            if fields > lim.max_columns:
                raise IngestError(f"列数过多：{name} 有约 {fields:,} 列，超过上限 "
                                  f"{lim.max_columns:,} 列（[limits] max_columns）")
        fh.seek(0)
        lines = 0
        while chunk := fh.read(1 << 22):
            lines += chunk.count(b"\n")
            if lines > lim.max_rows + 50:
                raise IngestError(f"文件行数过多：{name} 超过 {lim.max_rows:,} 行"
                                  "（[limits] max_rows）；请分成几个文件")
