"""Reading Excel files (xlsx via calamine, old xls via xlrd as a fallback): every sheet is
searched for a header row, then the data rows are turned into an Arrow table of text cells,
EXCEL_BATCH rows at a time."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa

from command_center.ingest import IngestError
from command_center.ingest.header_row import (
    HEADER_SEARCH_ROWS,
    NoHeaderRow,
    _blank_columns,
    _clean_cell,
    _headers,
    _looks_like_header,
    duplicate_note,
    find_header_row,
    header_candidate,
)
from command_center.ingest.raw import RawFile


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
