"""Reporting periods and their comparison periods (同比 / 环比)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

PRESETS = {
    "today": "今日",
    "7d": "近7天",
    "month": "本月",
    "year": "本年",
    "custom": "自定义",
}


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time())

    @property
    def end_before(self) -> dt.datetime:
        """Exclusive upper bound for timestamps: midnight after the last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time())

    def params(self, prefix: str = "") -> dict:
        return {f"{prefix}start": self.start_at, f"{prefix}end": self.end_before}

    def previous(self) -> Period:
        """环比: the period of equal length just before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def year_ago(self) -> Period:
        """同比: the same calendar dates one year earlier (29 Feb → 28 Feb)."""
        return Period(_year_ago(self.start), _year_ago(self.end))

    def label(self) -> str:
        if self.start == self.end:
            return f"{self.start.year}年{self.start.month}月{self.start.day}日"
        return (f"{self.start.year}年{self.start.month}月{self.start.day}日至"
                f"{self.end.year}年{self.end.month}月{self.end.day}日")


def _year_ago(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def resolve(preset: str, today: dt.date, custom: tuple[dt.date, dt.date] | None = None) -> Period:
    """The period a preset means on ``today``; ``custom`` is used for 'custom'."""
    if preset == "today":
        return Period(today, today)
    if preset == "7d":
        return Period(today - dt.timedelta(days=6), today)
    if preset == "month":
        return Period(today.replace(day=1), today)
    if preset == "year":
        return Period(today.replace(month=1, day=1), today)
    if preset == "custom" and custom and len(custom) == 2 and custom[0] and custom[1]:
        start, end = sorted(custom)
        return Period(start, end)
    raise ValueError(f"未知的时间范围：{preset}")
