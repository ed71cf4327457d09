"""The briefing as a PDF (fpdf2), with a Chinese font installed on this machine.

The font is never fetched: it is the file in ``CC_BRIEFING_FONT`` if set, else the first of
``FONT_CANDIDATES`` that exists (Debian's fonts-noto-cjk first: fpdf2 embeds its OpenType/CFF
collection, subset). No usable font → ``BriefingFontError`` with a Chinese message.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from command_center.briefing.document import Briefing, Table

# (regular, bold or None); a .ttc collection is searched for its Simplified Chinese face
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
     "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", None),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", None),
)
FAMILY = "cjk"
NUMERIC_KINDS = ("count", "rate", "pct", "change", "score")


class BriefingFontError(RuntimeError):
    """No Chinese font is installed that the PDF can embed."""


@dataclass(frozen=True)
class FontChoice:
    path: str
    index: int  # face number inside a .ttc collection
    bold_path: str | None
    bold_index: int


def _sc_face(path: str) -> int:
    """The face of a font collection that is for Simplified Chinese (else the first)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    coll = TTCollection(path, lazy=True)
    try:
        for i, font in enumerate(coll.fonts):
            name = font["name"].getBestFamilyName() or ""
            if name.endswith(" SC") or "SC " in name:
                return i
    finally:
        coll.close()
    return 0


@functools.cache
def find_font() -> FontChoice:
    wanted = os.environ.get("CC_BRIEFING_FONT")
    candidates = [(wanted, None)] if wanted else list(FONT_CANDIDATES)
    for regular, bold in candidates:
        if regular and Path(regular).is_file():
            bold = bold if bold and Path(bold).is_file() else None
            return FontChoice(regular, _sc_face(regular), bold, _sc_face(bold) if bold else 0)
    where = wanted or "、".join(Path(r).name for r, _ in FONT_CANDIDATES)
    raise BriefingFontError(
        f"未找到可用于PDF的中文字体（查找了：{where}）。请安装 fonts-noto-cjk（Debian："
        "apt-get install fonts-noto-cjk），或用环境变量 CC_BRIEFING_FONT 指定一个中文字体文件。")


class _Doc(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font(FAMILY, size=8)
        self.set_text_color(120)
        self.cell(0, 6, f"{self.footer_text}　第 {self.page_no()} 页", align="C")
        self.set_text_color(0)


# 禁则 (Chinese line-breaking rules): no line starts with closing punctuation, none ends with
# an opening one, and a number or ASCII word (12.5%, n=30, 2026-10) is not split
NO_LINE_START = frozenset("）)］]】」』”’〉》、，,。.：:；;！!？?…%‰·")
NO_LINE_END = frozenset("（(［[【「『“‘〈《")


def _ascii_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in ".%,-+:/=")


def _breakable(text: str, i: int) -> bool:
    """May a line end before ``text[i]``?"""
    a, b = text[i - 1], text[i]
    return not (b in NO_LINE_START or a in NO_LINE_END or (_ascii_word(a) and _ascii_word(b)))


def break_lines(text: str, width: float, measure) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (``measure(s)`` gives a string's
    width), each break moved back to the nearest place the rules allow; a line that has no
    such place is cut where it is full."""
    lines: list[str] = []
    for para in text.split("\n"):
        start, n = 0, len(para)
        while True:
            end, used = start, 0.0
            while end < n:
                w = measure(para[end])
                if used + w > width and end > start:
                    break
                used += w
                end += 1
            if end >= n:
                lines.append(para[start:])
                break
            cut = end
            while cut > start + 1 and not _breakable(para, cut):
                cut -= 1
            if not _breakable(para, cut):
                cut = end
            lines.append(para[start:cut])
            start = cut
    return lines


def _text(pdf: FPDF, h: float, text: str) -> None:
    """A paragraph broken by 禁则 (fpdf's own CHAR wrap breaks anywhere)."""
    width = pdf.epw - 2 * pdf.c_margin - 0.05
    lines = break_lines(text, width, pdf.get_string_width)
    # CHAR: Chinese has no spaces to break at (WORD would break after the indent)
    pdf.multi_cell(0, h, "\n".join(lines), new_x="LMARGIN", new_y="NEXT",
                   wrapmode=WrapMode.CHAR)


def _width(text: str) -> float:
    """Printed width in em: a Chinese character is 1, an ASCII one about half."""
    return sum(0.55 if ord(ch) < 128 else 1.0 for ch in text)


def _col_widths(table: Table, total: float) -> list[float]:
    rows = table.text_rows()
    weights = []
    for j, col in enumerate(table.columns):
        longest = max([_width(col.title)] + [_width(r[j]) for r in rows[:200]])
        weights.append(min(max(longest, 2.5), 14) + 0.8)
    s = sum(weights)
    return [total * w / s for w in weights]


def _table(pdf: _Doc, table: Table, bold: bool, *, title: bool = True) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", 11)
    pdf.ln(2)
    if title:
        _text(pdf, 7, table.title)
    size = 9 if len(table.columns) <= 7 else 8
    pdf.set_font(FAMILY, size=size)
    head = FontFace(emphasis="BOLD" if bold else None, fill_color=(232, 236, 242))
    align = ["RIGHT" if c.kind in NUMERIC_KINDS else "LEFT" for c in table.columns]
    with pdf.table(col_widths=_col_widths(table, pdf.epw), text_align=align,
                   headings_style=head, line_height=size * 0.55, width=pdf.epw,
                   first_row_as_headings=True, repeat_headings=1) as t:
        row = t.row()
        for col in table.columns:
            row.cell(col.title, align="CENTER")
        for values in table.text_rows():
            row = t.row()
            for v in values:
                row.cell(v)
    if table.note:
        pdf.set_font(FAMILY, size=8)
        _text(pdf, 5, table.note)
    pdf.ln(2)


def pdf_bytes(b: Briefing) -> bytes:
    font = find_font()
    pdf = _Doc(format="A4")
    pdf.footer_text = f"{b.title}（{b.period_label}）"
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FAMILY, "", font.path, collection_font_number=font.index)
    bold = font.bold_path is not None
    if bold:
        pdf.add_font(FAMILY, "B", font.bold_path, collection_font_number=font.bold_index)
    pdf.set_title(b.title)
    pdf.set_creator("平安治理一张图")
    pdf.add_page()
    pdf.set_font(FAMILY, "B" if bold else "", 20)
    pdf.set_text_color(176, 0, 0)
    pdf.cell(0, 12, b.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0)
    pdf.set_font(FAMILY, size=13)
    pdf.cell(0, 8, b.period_label, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, size=9)
    pdf.cell(0, 6, f"{b.date_range}　{b.scope}　{b.generated}", align="C",
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(176, 0, 0)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.2)
    pdf.ln(6)
    for heading, section in zip(b.section_titles, b.sections, strict=True):
        pdf.set_font(FAMILY, "B" if bold else "", 14)
        pdf.cell(0, 9, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, size=11)
        for text in section.paragraphs:
            _text(pdf, 7, "　　" + text)
            pdf.ln(1)
        for table in section.tables:
            _table(pdf, table, bold)
        pdf.ln(2)
    pdf.add_page()
    pdf.set_font(FAMILY, "B" if bold else "", 14)
    pdf.cell(0, 9, f"附表：{b.community_table.title}", new_x="LMARGIN", new_y="NEXT")
    _table(pdf, b.community_table, bold, title=False)
    return bytes(pdf.output())
