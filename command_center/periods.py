"""Reporting periods as of now, and their comparison periods (同比 / 环比).

A period is a run of whole days, ``start`` … ``end``; one that includes today ends *now*
(``until``), not at midnight: nothing stamped after now is counted. Its comparisons cover the
same elapsed span:

- 同比 (``year_ago``): the same dates a year earlier, up to the same time of day;
- 环比 (``previous``): for a calendar month or quarter, the same days of the previous one (the
  whole previous one for a whole period); otherwise the equal span just before.

So 今日 at 12:30 is compared with yesterday and last year's same date, each until 12:30;
本月 on the 2nd at 12:30 with 1–2 of last month until 12:30.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace

PRESETS = {
    "today": "今日",
    "7d": "近7天",
    "month": "本月",
    "year": "本年",
    "custom": "自定义",
}
STEPS = ("days", "month", "quarter", "year")  # how a period's 环比 is found


def _midnight(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time())


def _year_ago(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return d.replace(year=d.year - 1, day=28)


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier when negative), clamped to the month's end."""
    n = d.year * 12 + d.month - 1 + months
    y, m = n // 12, n % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day, inclusive
    end: dt.date  # last day, inclusive
    until: dt.datetime | None = None  # the period stops here inside its last day (now)
    step: str = "days"  # what 环比 means: see the module docstring

    def __post_init__(self):
        if self.until is not None:
            if not _midnight(self.end) <= self.until <= _midnight(self.end + dt.timedelta(1)):
                raise ValueError(f"until {self.until} is not within the last day {self.end}")
            if self.until == _midnight(self.end + dt.timedelta(1)):
                object.__setattr__(self, "until", None)

    @classmethod
    def between(cls, start_at: dt.datetime, end_before: dt.datetime, step: str = "days"):
        """The period [start_at, end_before) (start_at at midnight)."""
        last = (end_before - dt.timedelta(microseconds=1)).date()
        last = max(last, start_at.date())
        return cls(start_at.date(), last, end_before if end_before != _midnight(last) else None,
                   step)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> dt.datetime:
        return _midnight(self.start)

    @property
    def end_before(self) -> dt.datetime:
        """Exclusive upper bound for timestamps: ``until``, or midnight after the last day."""
        return self.until or _midnight(self.end + dt.timedelta(days=1))

    @property
    def is_partial(self) -> bool:
        """True while the period is still running (it ends now, inside its last day)."""
        return self.until is not None

    def params(self, prefix: str = "") -> dict:
        return {f"{prefix}start": self.start_at, f"{prefix}end": self.end_before}

    def cut(self, now: dt.datetime) -> Period:
        """This period as of ``now``: ending at ``now`` if that falls inside it."""
        if now >= self.end_before:
            return self
        if now <= self.start_at:
            return Period(self.start, self.start, self.start_at, self.step)
        return Period.between(self.start_at, now, self.step)

    def _shifted(self, start: dt.date, full_end_before: dt.datetime) -> Period:
        """The span of equal elapsed length from ``start``, never past ``full_end_before``."""
        start_at = _midnight(start)
        end_before = min(start_at + (self.end_before - self.start_at), full_end_before)
        return Period.between(start_at, end_before, self.step)

    def previous(self) -> Period:
        """环比 (see the module docstring)."""
        if self.step in ("month", "quarter"):
            months = 1 if self.step == "month" else 3
            start = add_months(self.start, -months)
            if self.until is None and self.end_before == _midnight(add_months(self.start, months)):
                return Period.between(_midnight(start), self.start_at, self.step)  # a whole one
            return self._shifted(start, self.start_at)
        if self.step == "year":
            return self.year_ago()
        start = self.start - dt.timedelta(days=self.days)
        return self._shifted(start, self.start_at)

    def year_ago(self) -> Period:
        """同比: the same dates one year earlier (29 Feb → 28 Feb), until the same time."""
        start = _year_ago(self.start)
        end_before = (dt.datetime.combine(_year_ago(self.until.date()), self.until.time())
                      if self.until else _midnight(_year_ago(self.end) + dt.timedelta(days=1)))
        return Period.between(_midnight(start), end_before, self.step)

    def label(self) -> str:
        if self.start == self.end:
            text = f"{self.start.year}年{self.start.month}月{self.start.day}日"
        else:
            text = (f"{self.start.year}年{self.start.month}月{self.start.day}日至"
                    f"{self.end.year}年{self.end.month}月{self.end.day}日")
        if self.until is not None:
            text += f" {self.until:%H:%M}"
        return text

    def with_step(self, step: str) -> Period:
        return replace(self, step=step)


def resolve(preset: str, now: dt.datetime | dt.date,
            custom: tuple[dt.date, dt.date] | None = None) -> Period:
    """The period a preset means at ``now`` (a date means the whole of that day), cut at
    ``now``; ``custom`` is used for 'custom'."""
    if not isinstance(now, dt.datetime):
        now = _midnight(now + dt.timedelta(days=1))
        today = now.date() - dt.timedelta(days=1)
    else:
        today = now.date()
    if preset == "today":
        p = Period(today, today)
    elif preset == "7d":
        p = Period(today - dt.timedelta(days=6), today)
    elif preset == "month":
        p = Period(today.replace(day=1), today, step="month")
    elif preset == "year":
        p = Period(today.replace(month=1, day=1), today, step="year")
    elif preset == "custom" and custom and len(custom) == 2 and custom[0] and custom[1]:
        start, end = sorted(custom)
        p = Period(start, end)
    else:
        raise ValueError(f"未知的时间范围：{preset}")
    return p.cut(now)
