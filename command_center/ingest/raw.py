"""An opened export file (:class:`RawFile`) and loading its cells as text into DuckDB.

Cells arrive in DuckDB as VARCHAR columns ``c0..cN`` plus ``_row``: the row number as a
person sees it in Excel or a text editor (1-based, title and header rows counted). Rows
whose cells are all empty are dropped (not counted as read). In CSV files DuckDB also skips
completely blank lines, so after a blank line inside the data the row numbers count records.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from command_center.ingest import IngestError
from command_center.ingest.detect import _transcode

EXTRA_COLUMNS = 16  # CSV columns read right of the last header, to count cells with no header


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
