"""The briefing as a Word document (python-docx): title, period, numbered sections with their
sentences and tables, and the community table as 附表. Charts are given as their tables."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from command_center.briefing.document import Briefing, Table

BODY_FONT = "宋体"  # what a Chinese Word installation has; the reader's Word draws it
HEADING_FONT = "黑体"
NUMERIC_KINDS = ("count", "rate", "pct", "change", "score")


def _east_asian(style_or_run, name: str) -> None:
    """Set the East Asian font (python-docx's font.name sets only the Latin one)."""
    el = style_or_run.element
    rpr = el.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _styles(doc: Document) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(12)
    _east_asian(normal, BODY_FONT)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 12)):
        st = doc.styles[name]
        st.font.name = HEADING_FONT
        st.font.size = Pt(size)
        st.font.bold = True
        _east_asian(st, HEADING_FONT)


def _table(doc: Document, table: Table) -> None:
    doc.add_heading(table.title, level=2)
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, col in zip(t.rows[0].cells, table.columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(col.title)
        run.bold = True
        run.font.size = Pt(10)
    for row in table.text_rows():
        cells = t.add_row().cells
        for cell, text, col in zip(cells, row, table.columns, strict=True):
            cell.text = ""
            p = cell.paragraphs[0]
            run = p.add_run(text)
            run.font.size = Pt(10)
            if col.kind in NUMERIC_KINDS:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.note:
        note = doc.add_paragraph(table.note)
        note.runs[0].font.size = Pt(9)


def _a4(doc: Document) -> None:
    """A4 portrait with the PDF's margins (python-docx's template is US Letter)."""
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(18)
        section.top_margin = section.bottom_margin = Mm(16)


def docx_bytes(b: Briefing) -> bytes:
    doc = Document()
    _a4(doc)
    _styles(doc)
    title = doc.add_heading(b.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(b.period_label)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    meta = doc.add_paragraph(f"{b.date_range}　{b.scope}\n{b.generated}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in meta.runs:
        run.font.size = Pt(10)
    for heading, section in zip(b.section_titles, b.sections, strict=True):
        doc.add_heading(heading, level=1)
        for text in section.paragraphs:
            p = doc.add_paragraph(text)
            p.paragraph_format.first_line_indent = Pt(24)
        for table in section.tables:
            _table(doc, table)
    doc.add_heading(f"附表：{b.community_table.title}", level=1)
    _table(doc, b.community_table)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
