"""Reading export files: format, encoding, header row, and loading every cell as text.

* Format from the file's first bytes (``PK`` zip → xlsx, OLE2 → xls), else text (csv/tsv/txt);
  a ``.xls`` that is really CSV text (some systems do that) is read as text.
* Encoding of text files: a BOM (UTF-8, UTF-16) decides; otherwise a strict UTF-8 check over
  the whole file in 1 MiB chunks; otherwise GB18030 (a superset of GBK/GB2312), checked the
  same way; charset-normalizer only when both fail. Non-UTF-8 files are transcoded in chunks
  to a temporary UTF-8 file, which DuckDB's CSV reader then reads at full speed.
* Header row: the first row among the first 30 whose cells include at least two known headers
  (of any dataset, or of the requested one), so title lines above the table are skipped.
  Headers are trimmed; empty header cells become ``列N``.
* Cells arrive in DuckDB as VARCHAR columns ``c0..cN`` plus ``_row``: the row number as a
  person sees it in Excel or a text editor (1-based, title and header rows counted). Rows
  whose cells are all empty are dropped (not counted as read). In CSV files DuckDB also skips
  completely blank lines, so after a blank line inside the data the row numbers count records.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from command_center.ingest import IngestError

HEADER_SEARCH_ROWS = 30
EXTRA_COLUMNS = 16  # CSV columns read right of the last header, to count cells with no header
CHUNK = 1 << 20
# cells of the head lines may be long (a long cell quarantines its row later, in SQL)
csv.field_size_limit(1 << 26)

TEXT_EXTENSIONS = {".csv", ".txt", ".tsv", ".xls"}


@dataclass
class RawFile:
    path: Path
    format: str  # csv | xlsx | xls
    encoding: str | None  # text files only
    header_row: int  # 1-based row number of the header row
    headers: list[str]
    head: list[list[str | None]]  # up to a few rows after the header (for previews)
    delimiter: str = ","
    sheet: str | None = None
    _arrow: pa.Table | None = None  # Excel cells as strings
    _tmpdir: str | None = None
    _utf8_path: Path | None = None
    notes: list[str] = field(default_factory=list)
    # cells under no header: columns whose header cell is empty (named 列N), and cells right
    # of the last header (counted, not loaded; CSV: up to EXTRA_COLUMNS more columns)
    blank_columns: list[int] = field(default_factory=list)
    extra_cells: int = 0
    extra_rows: int = 0

    def cleanup(self) -> None:
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None
            self._utf8_path = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()


# ------------------------------------------------------------------ format and encoding
def detect_format(path: Path) -> str:
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"文件不存在：{path}")
    try:
        with open(path, "rb") as fh:
            magic = fh.read(8)
    except OSError as exc:
        raise IngestError(f"文件无法读取：{path}（{exc.strerror}）") from None
    ext = path.suffix.lower()
    if magic.startswith(b"PK\x03\x04"):
        if ext in (".xlsx", ".xlsm", ".xls", ""):
            return "xlsx"
        raise IngestError(f"不支持的文件格式：{path.name}（压缩包，请上传 csv、xlsx 或 xls）")
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if ext in TEXT_EXTENSIONS or ext == "":
        head = magic.lstrip()
        if head[:5].lower() in (b"<html", b"<!doc", b"<?xml", b"<tabl"):
            raise IngestError(f"不支持的文件格式：{path.name} 是网页/XML 文件，请另存为 xlsx 或 csv")
        return "csv"
    raise IngestError(f"不支持的文件格式：{path.name}（仅支持 csv、xlsx、xls）")


def _decodes(path: Path, encoding: str, skip: int = 0) -> bool:
    dec = codecs.getincrementaldecoder(encoding)("strict")
    try:
        with open(path, "rb") as fh:
            fh.seek(skip)
            while chunk := fh.read(CHUNK):
                dec.decode(chunk)
            dec.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_line(line: bytes) -> bool:
    """A line with non-ASCII bytes that is valid UTF-8 (GBK text almost never is)."""
    if line.isascii():
        return False
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mixed_decodes(path: Path) -> bool:
    """GBK lines and UTF-8 lines in one file (pasted together by hand): every line decodes as
    one or the other."""
    with open(path, "rb") as fh:
        for line in fh:
            if not _is_utf8_line(line):
                try:
                    line.decode("gb18030")
                except UnicodeDecodeError:
                    return False
    return True


def _utf8_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for line in fh if _is_utf8_line(line))


def detect_encoding(path: Path) -> str:
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if _decodes(path, "utf-8"):
        return "utf-8"
    if _decodes(path, "gb18030") or _mixed_decodes(path):
        return "gb18030"
    try:
        from charset_normalizer import from_path

        best = from_path(path).best()
    except Exception:
        best = None
    if best is not None and best.encoding and _decodes(path, best.encoding):
        return best.encoding
    raise IngestError(f"无法识别文件编码：{Path(path).name}（请另存为 UTF-8 或 GBK 编码的 csv）")


def _transcode(path: Path, encoding: str, out: Path) -> None:
    if encoding == "gb18030":  # line by line: a UTF-8 line in a GBK file stays readable
        with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
            for line in src:
                dst.write(line.decode("utf-8") if _is_utf8_line(line)
                          else line.decode("gb18030"))
        return
    dec = codecs.getincrementaldecoder(encoding)("strict")
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))


def _head_lines(path: Path, encoding: str, n: int) -> list[str]:
    lines: list[str] = []
    if encoding == "gb18030":
        with open(path, "rb") as fh:
            for line in fh:
                lines.append(line.decode("utf-8") if _is_utf8_line(line)
                             else line.decode("gb18030"))
                if len(lines) >= n:
                    break
        return [x.replace("\r\n", "\n") for x in lines]
    with open(path, encoding=encoding, newline="") as fh:
        for line in fh:
            lines.append(line)
            if len(lines) >= n:
                break
    return lines


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


# ------------------------------------------------------------------ header row
def _clean_cell(v) -> str | None:
    if v is None:
        return None
    s = str(v).replace("\u3000", " ").replace("\u00a0", " ").strip()
    return s or None


class NoHeaderRow(IngestError):
    """No row of the first HEADER_SEARCH_ROWS has two known headers. Carries the row that
    looked most like a header, so the caller (who knows the dataset) can say what to add."""

    def __init__(self, file: str, row: int | None, cells: list[str], sheet: str | None = None):
        self.file, self.row, self.cells, self.sheet = file, row, cells, sheet
        super().__init__(f"未找到表头行：{file} 前 {HEADER_SEARCH_ROWS} 行中没有可识别的列名"
                         "（至少需要两个）")


def _looks_like_header(row: list, is_header) -> tuple[int, int]:
    """(known headers, short text cells that are not numbers or dates): higher is likelier."""
    cells = [c for c in (_clean_cell(v) for v in row) if c is not None]
    hits = sum(1 for c in cells if is_header(c))
    texty = sum(1 for c in cells if len(c) <= 30 and not re.fullmatch(r"[-+0-9.,:/\s年月日时分秒T]+", c))
    return hits, texty


def header_candidate(rows: list[list], is_header) -> tuple[int | None, list[str]]:
    """Index and non-empty cells of the row most like a header (None when all are empty)."""
    best, best_score = None, (0, 0)
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = _looks_like_header(row, is_header)
        if score > best_score:
            best, best_score = i, score
    if best is None:
        return None, []
    return best, [c for c in (_clean_cell(v) for v in rows[best]) if c is not None]


def find_header_row(rows: list[list], is_header: Callable[[str], bool]) -> int | None:
    """Index of the first row with at least two cells that are known headers."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        hits = sum(1 for v in row if v is not None and is_header(str(v)))
        if hits >= 2:
            return i
    return None


def duplicate_note(row: list) -> str | None:
    """A note naming headers that occur more than once (only the first such column is used)."""
    cells = [_clean_cell(v) for v in row]
    seen: dict[str, list[int]] = {}
    for i, v in enumerate(cells):
        if v is not None:
            seen.setdefault(v, []).append(i + 1)
    dups = {h: cols for h, cols in seen.items() if len(cols) > 1}
    if not dups:
        return None
    return "表头重复：" + "；".join(
        f"「{h}」出现在第 {'、'.join(map(str, cols))} 列，只使用第 {cols[0]} 列"
        for h, cols in dups.items())


def _headers(row: list) -> list[str]:
    cells = [_clean_cell(v) for v in row]
    while cells and cells[-1] is None:
        cells.pop()
    out: list[str] = []
    seen: dict[str, int] = {}
    for i, v in enumerate(cells):
        h = v if v is not None else f"列{i + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h}_{seen[h]}"
        else:
            seen[h] = 1
        out.append(h)
    return out


# ------------------------------------------------------------------ Excel
def _cell_text(v) -> str | None:
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S")
    return _clean_cell(v)


def _excel_sheets(path: Path, fmt: str):
    """Yield (sheet name, rows as lists of python values) for each sheet, first to last."""
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            yield name, sheet.iter_rows()
        return
    except IngestError:
        raise
    except Exception as exc:
        if fmt != "xls":
            raise IngestError(f"Excel 文件无法读取：{path.name}（{exc}）") from None
    try:  # old .xls that calamine can't read
        import xlrd

        book = xlrd.open_workbook(str(path))
    except Exception as exc:
        raise IngestError(f"Excel 文件无法读取：{path.name}（{exc}）") from None
    for sheet in book.sheets():
        rows = []
        for r in range(sheet.nrows):
            row = []
            for c in range(sheet.ncols):
                cell = sheet.cell(r, c)
                if cell.ctype == xlrd.XL_CELL_DATE:
                    row.append(xlrd.xldate_as_datetime(cell.value, book.datemode))
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    row.append(bool(cell.value))
                else:
                    row.append(cell.value)
            rows.append(row)
        yield sheet.name, rows


EXCEL_BATCH = 20_000  # rows turned into Arrow at a time (Python objects never hold a sheet)


def _sheet_table(head: list, rest, n: int, first_row: int
                 ) -> tuple[pa.Table, list, tuple[int, int]]:
    """The data rows (``head`` then the iterator ``rest``) as an Arrow table c0..c{n-1}, _row,
    built EXCEL_BATCH rows at a time; and the first 20 rows for previews."""
    batches: list[pa.RecordBatch] = []
    columns: list[list[str | None]] = [[] for _ in range(n)]
    row_numbers: list[int] = []
    preview_rows: list[list[str | None]] = []
    names = [f"c{j}" for j in range(n)] + ["_row"]

    def flush() -> None:
        if row_numbers:
            arrays = [pa.array(col, pa.string()) for col in columns]
            arrays.append(pa.array(row_numbers, pa.int64()))
            batches.append(pa.RecordBatch.from_arrays(arrays, names=names))
            for col in columns:
                col.clear()
            row_numbers.clear()

    def body():
        yield from head
        yield from rest

    extra_cells = extra_rows = 0
    for i, row in enumerate(body()):
        row = list(row)
        cells = [_cell_text(v) for v in row[:n]]
        if len(row) > n:
            beyond = sum(1 for v in row[n:] if _cell_text(v) is not None)
            if beyond:
                extra_cells += beyond
                extra_rows += 1
        if not any(c is not None for c in cells):
            continue
        cells.extend([None] * (n - len(cells)))
        for j in range(n):
            columns[j].append(cells[j])
        row_numbers.append(first_row + i)
        if len(preview_rows) < 20:
            preview_rows.append(cells)
        if len(row_numbers) >= EXCEL_BATCH:
            flush()
    flush()
    schema = pa.schema([(f"c{j}", pa.string()) for j in range(n)] + [("_row", pa.int64())])
    return pa.Table.from_batches(batches, schema=schema), preview_rows, (extra_cells, extra_rows)


def _blank_columns(row: list, n: int) -> list[int]:
    """Indexes of the columns (within the header width) whose header cell is empty."""
    cells = [_clean_cell(v) for v in list(row)[:n]]
    return [i for i, v in enumerate(cells) if v is None]


def _open_excel(path: Path, fmt: str, is_header) -> RawFile:
    candidate: tuple | None = None
    for sheet, rows in _excel_sheets(path, fmt):
        rows = iter(rows)
        first = []
        for row in rows:
            first.append(list(row))
            if len(first) >= HEADER_SEARCH_ROWS:
                break
        head = [[_cell_text(v) for v in row] for row in first]
        h = find_header_row(head, is_header)
        if h is None:
            i, cells = header_candidate(head, is_header)
            score = _looks_like_header(head[i], is_header) if i is not None else (0, 0)
            if i is not None and (candidate is None or score > candidate[0]):
                candidate = (score, i + 1, cells, sheet)
            continue
        headers = _headers(first[h])
        dup = duplicate_note(first[h])
        n = len(headers)
        table, preview_rows, extra = _sheet_table(first[h + 1:], rows, n, h + 2)
        raw = RawFile(path, fmt, None, h + 1, headers, preview_rows, sheet=sheet, _arrow=table,
                      notes=[dup] if dup else [])
        raw.blank_columns = _blank_columns(first[h], n)
        raw.extra_cells, raw.extra_rows = extra
        return raw
    if candidate is None:
        raise NoHeaderRow(path.name, None, [])
    raise NoHeaderRow(path.name, candidate[1], candidate[2], candidate[3])


# ------------------------------------------------------------------ CSV
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


def _utf8_file(raw: RawFile) -> Path:
    if raw.encoding in ("utf-8", "utf-8-sig"):
        return raw.path
    if raw._utf8_path is None:
        raw._tmpdir = tempfile.mkdtemp(prefix="cc-ingest-")
        out = Path(raw._tmpdir) / "utf8.csv"
        try:
            _transcode(raw.path, raw.encoding, out)
        except UnicodeDecodeError as exc:
            raise IngestError(f"文件无法按 {raw.encoding} 解码：{raw.path.name}（{exc.reason}）") from None
        raw._utf8_path = out
    return raw._utf8_path


def _max_cell() -> int:
    from command_center.ingest.limits import limits

    return limits().max_cell_chars


def _sql_str(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def load_raw(con, raw: RawFile, table: str = "raw") -> int:
    """Create temp table ``table`` (c0..cN VARCHAR, _row BIGINT); returns its row count."""
    n = len(raw.headers)
    cols = [f"c{j}" for j in range(n)]
    not_empty = " or ".join(f"nullif(trim({c}), '') is not null" for c in cols) or "false"
    if raw._arrow is not None:
        con.register("_excel_cells", raw._arrow)
        try:
            con.execute("create or replace temp table _cells as select * from _excel_cells")
        finally:
            con.unregister("_excel_cells")
        row = "_row"
    else:
        src = _utf8_file(raw)
        extra = [f"_x{j}" for j in range(EXTRA_COLUMNS)]
        columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols + extra) + "}"
        base = (
            f"read_csv({_sql_str(os.fspath(src))}, header=false, skip={raw.header_row}, "
            f"delim={_sql_str(raw.delimiter)}, quote='\"', escape='\"', columns={columns}, "
            f"auto_detect=false, strict_mode=false, encoding='utf-8', "
            f"max_line_size={max(4 * _max_cell(), 1 << 21)}"
        )
        attempts = [base + ", null_padding=true)", base + ", null_padding=true, parallel=false)"]
        last: Exception | None = None
        for source in attempts:
            try:
                con.execute(f"create or replace temp table _cells as select * from {source}")
                last = None
                break
            except Exception as exc:
                last = exc
        if last is not None:
            m = re.search(r"[Ll]ine:? (\d+)", str(last))
            where = f"第 {m.group(1)} 行附近" if m else "某一行"
            raise IngestError(f"CSV 文件无法解析：{raw.path.name} {where}的格式有误"
                              "（引号不成对、行过长或列数不符）")
        # rowid follows the file order (insertion order is preserved)
        row = f"rowid + {raw.header_row + 1}"
        filled = " + ".join(f"(nullif(trim({x}), '') is not null)::int" for x in extra)
        raw.extra_cells, raw.extra_rows = con.execute(
            f"select coalesce(sum({filled}), 0), count(*) filter (where {filled} > 0) "
            "from _cells").fetchone()
    from command_center.ingest.limits import limits

    longest = (f"greatest({', '.join(f'coalesce(length({c}), 0)' for c in cols)})"
               if len(cols) > 1 else f"coalesce(length({cols[0]}), 0)")
    con.execute(
        f"create or replace temp view {table} as "
        f"select {', '.join(cols)}, {row} as _row, "
        f"{longest} > {int(limits().max_cell_chars)} as _too_long from _cells where {not_empty}"
    )
    return con.execute(f"select count(*) from {table}").fetchone()[0]
