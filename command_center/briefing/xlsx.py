"""The briefing as an Excel workbook (openpyxl): one sheet per section (its sentences, then its
tables with numbers kept as numbers), and the community table on its own sheet. Text cells are
masked and neutralised (``command_center.privacy``): no cell is ever a live formula."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from command_center.briefing.document import Briefing, Table
from command_center.formatting import rounded
from command_center.privacy import mask_value, neutral


def _cell(ws, row: int, col: int, value):
    """Every cell of the workbook goes through here: text masked and never a live formula."""
    if isinstance(value, str):
        value = neutral(mask_value(value))
    return ws.cell(row, col, value)

NUMBER_FORMATS = {"count": "#,##0", "rate": "0.00", "pct": "0.0%", "change": "+0.0%;-0.0%;0.0%",
                  "score": "0.0", "date": "yyyy-mm-dd"}
# the decimals each format shows: a number is written already rounded to them as the page and
# the Word/PDF round (四舍五入 on the exact value), so Excel's own rounding has nothing to change
DECIMALS = {"rate": 2, "pct": 3, "change": 3, "score": 1}
COMMUNITY_SHEET = "各社区情况"


def _write_table(ws, row: int, table: Table) -> int:
    _cell(ws, row, 1, table.title).font = Font(bold=True)
    row += 1
    for j, col in enumerate(table.columns, start=1):
        _cell(ws, row, j, col.title).font = Font(bold=True)
    for values in table.rows:
        row += 1
        for j, (v, col) in enumerate(zip(values, table.columns, strict=True), start=1):
            if col.kind == "date" and v is not None and not isinstance(v, dt.date):
                v = getattr(v, "date", lambda v=v: v)()
            if col.kind in DECIMALS and isinstance(v, float) and v == v:
                v = float(rounded(v, DECIMALS[col.kind]))
            cell = _cell(ws, row, j, v)
            if col.kind in NUMBER_FORMATS and v is not None:
                cell.number_format = NUMBER_FORMATS[col.kind]
    if table.note:
        row += 1
        _cell(ws, row, 1, table.note).font = Font(italic=True, size=9)
    return row + 2


def xlsx_bytes(b: Briefing) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for heading, section in zip(b.section_titles, b.sections, strict=True):
        ws = wb.create_sheet(section.title[:31])
        _cell(ws, 1, 1, b.title).font = Font(bold=True, size=14)
        _cell(ws, 2, 1, f"{b.period_label}　{b.date_range}　{b.scope}")
        _cell(ws, 3, 1, heading).font = Font(bold=True, size=12)
        row = 4
        for text in section.paragraphs:
            _cell(ws, row, 1, text).alignment = Alignment(wrap_text=False)
            row += 1
        row += 1
        for table in section.tables:
            row = _write_table(ws, row, table)
        ws.column_dimensions["A"].width = 22
        for j in range(2, 12):
            ws.column_dimensions[get_column_letter(j)].width = 13
    ws = wb.create_sheet(COMMUNITY_SHEET)
    _cell(ws, 1, 1, f"{b.title}　附表").font = Font(bold=True, size=14)
    _cell(ws, 2, 1, f"{b.period_label}　{b.date_range}　{b.scope}")
    _write_table(ws, 4, b.community_table)
    ws.freeze_panes = "B6"
    for j in range(1, len(b.community_table.columns) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 13
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
