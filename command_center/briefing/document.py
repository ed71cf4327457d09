"""The briefing as a document: sections, tables and figures every renderer shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from command_center.briefing.wording import cell_text

CELL_KINDS = ("text", "count", "rate", "pct", "change", "score", "date")


@dataclass(frozen=True)
class Column:
    title: str  # Chinese header
    kind: str = "text"  # one of CELL_KINDS: how a raw value is written


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]  # raw values (numbers stay numbers: Excel keeps them)
    note: str = ""

    def text_rows(self) -> list[list[str]]:
        return [[cell_text(v, c.kind) for v, c in zip(row, self.columns, strict=True)]
                for row in self.rows]

    @property
    def headers(self) -> list[str]:
        return [c.title for c in self.columns]


@dataclass
class Figure:
    key: str
    title: str
    kind: str  # "bar" (grouped when several series), "barh", "line"
    x: list
    series: dict[str, list]  # legend name → values
    x_title: str
    y_title: str


@dataclass
class Section:
    key: str
    title: str  # 总体情况 … (numbered when rendered: 一、二、…)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Briefing:
    kind: str
    title: str  # 龙港市平安治理工作月报
    period_label: str  # 2026年10月
    date_range: str  # 统计时间：2026年10月1日至2026年10月31日
    scope: str  # 全市 / 所选 3 个社区
    generated: str  # 生成时间：…
    sections: list[Section]
    community_table: Table

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def section_titles(self) -> list[str]:
        return [f"{NUMERALS[i]}、{s.title}" for i, s in enumerate(self.sections)]


MIN_RISE = 2  # a community's category is named in 需关注事项 from this many more incidents on
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
