"""An opened export file (:class:`RawFile`) and loading its cells as text into DuckDB.

Cells are read as VARCHAR columns ``c0..cN`` through the temp view ``raw``: a CSV straight
from the file (never copied into a table), Excel cells from the table its reader built. A
row's number is the row as a person sees it in Excel or a text editor (1-based, title and
header rows counted). Rows whose cells are all empty are not loaded nor counted as read. In
CSV files DuckDB also skips completely blank lines, so after a blank line inside the data the
row numbers count records.
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


def _csv_source(raw: RawFile, *, parallel: bool = True) -> str:
    """read_csv(...) of the file's cells as text: c0..cN (and _x0.. right of the headers)."""
    cols = [f"c{j}" for j in range(len(raw.headers))]
    cols += [f"_x{j}" for j in range(EXTRA_COLUMNS)]
    columns = "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in cols) + "}"
    return (
        f"read_csv({_sql_str(os.fspath(_utf8_file(raw)))}, header=false, skip={raw.header_row}, "
        f"delim={_sql_str(raw.delimiter)}, quote='\"', escape='\"', columns={columns}, "
        f"auto_detect=false, strict_mode=false, encoding='utf-8', null_padding=true, "
        f"max_line_size={max(4 * _max_cell(), 1 << 21)}{'' if parallel else ', parallel=false'})"
    )


def _filled(cols: list[str]) -> str:
    """SQL: how many of ``cols`` hold something other than blanks."""
    if not cols:
        return "0"
    return " + ".join(f"(nullif(trim({c}), '') is not null)::int" for c in cols)


def raw_view(con, raw: RawFile, *, parallel: bool = True) -> None:
    """Temp view ``raw`` over the file's cells, one row per data line, nothing materialised.

    Columns: c0..cN (VARCHAR); ``_src_row`` (an Excel row's number; NULL for CSV, whose row
    number is its position: see :func:`row_number_sql`); ``_empty`` (no cell under a header:
    kept so positions hold, never loaded or counted); ``_too_long``; ``_xf`` (CSV cells right
    of the last header) and ``_bf`` (cells under a header cell that is empty).
    """
    from command_center.ingest.limits import limits

    cols = [f"c{j}" for j in range(len(raw.headers))]
    # a row is empty when no cell holds more than spaces; the first cell, filled in nearly
    # every row, settles most rows before the others are looked at
    blanks = " and ".join(f"nullif(trim({c}), '') is null" for c in cols)
    empty = f"case when nullif(trim(c0), '') is not null then false else {blanks} end"
    # a cell over the limit in characters: only a cell over it in bytes can be
    limit = int(limits().max_cell_chars)
    too_long = (f"case when greatest({', '.join(f'coalesce(strlen({c}), 0)' for c in cols)}, 0)"
                f" <= {limit} then false else greatest("
                f"{', '.join(f'coalesce(length({c}), 0)' for c in cols)}, 0) > {limit} end")
    blank = _filled([f"c{i}" for i in raw.blank_columns])
    if raw._arrow is not None:
        con.register("_excel_cells", raw._arrow)
        try:
            con.execute("create or replace temp table _cells as select * from _excel_cells")
        finally:
            con.unregister("_excel_cells")
        source, row, extra = "_cells", "_row", "0"
    else:
        source, row = _csv_source(raw, parallel=parallel), "cast(null as bigint)"
        extra = _filled([f"_x{j}" for j in range(EXTRA_COLUMNS)])
    con.execute(
        f"create or replace temp view raw as "
        f"select {', '.join(cols)}, {row} as _src_row, ({empty}) as _empty, "
        f"{too_long} as _too_long, {extra} as _xf, "
        f"{blank} as _bf from {source}"
    )


def row_number_sql(raw: RawFile) -> str:
    """SQL of a row's number over the table the pass writes (columns ``_src_row``, rowid).

    A CSV row's number is its position: the pass writes the file's lines in order (a scan,
    projections and scalar functions keep DuckDB's insertion order; a join would not), empty
    lines included, so ``rowid`` + the header row + 1 is the line as a person sees it."""
    return "_src_row" if raw._arrow is not None else f"rowid + {raw.header_row + 1}"


def numbered_rows(raw: RawFile, last_row: int) -> str:
    """SQL of the file's rows up to ``last_row`` with their numbers (``_row``, c0..cN): the
    cells of quarantined rows. A CSV is read again, in order, and no further than needed."""
    cols = ", ".join(f"c{j}" for j in range(len(raw.headers)))
    if raw._arrow is not None:
        return f"select _row, {cols} from _cells"
    return (f"select * from (select row_number() over () + {raw.header_row} as _row, {cols} "
            f"from {_csv_source(raw, parallel=False)}) "
            f"limit {max(last_row - raw.header_row, 0)}")


def csv_error(exc: Exception, raw: RawFile) -> IngestError | None:
    """The IngestError of a CSV DuckDB can't read (None for any other error)."""
    text = str(exc)
    if raw._arrow is not None or "CSV" not in text:
        return None
    m = re.search(r"[Ll]ine:? (\d+)", text)
    where = f"第 {m.group(1)} 行附近" if m else "某一行"
    return IngestError(f"CSV 文件无法解析：{raw.path.name} {where}的格式有误"
                       "（引号不成对、行过长或列数不符）")
