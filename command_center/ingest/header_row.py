"""Finding the header row of an export file and cleaning its headers.

The header row is the first row among the first 30 whose cells include at least two known
headers (of any dataset, or of the requested one), so title lines above the table are skipped.
Headers are trimmed; empty header cells become ``列N``; a repeated header gets a note.
:class:`NoHeaderRow` carries the row most like a header when none is found.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from command_center.ingest import IngestError

HEADER_SEARCH_ROWS = 30


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


def _blank_columns(row: list, n: int) -> list[int]:
    """Indexes of the columns (within the header width) whose header cell is empty."""
    cells = [_clean_cell(v) for v in list(row)[:n]]
    return [i for i, v in enumerate(cells) if v is None]
