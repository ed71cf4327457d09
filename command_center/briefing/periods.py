"""Briefing periods: 周报 / 月报 / 季报 / 自定义, and what each is compared with.

A week runs Monday–Sunday. A period still running on ``today`` ends today (截至). 环比 of a
month is the previous calendar month (the same days of it for a month still running), of a
quarter the previous quarter; of a week or a custom period the equal-length period just before.
同比 is always the same dates a year earlier (``Period.year_ago``).
"""

from __future__ import annotations

import calendar
import datetime as dt

from command_center.periods import Period

KINDS = {"week": "周报", "month": "月报", "quarter": "季报", "custom": "自定义"}
# what the generated sentences call the period: 本周 / 本月 / 本季度 / 本期
THIS = {"week": "本周", "month": "本月", "quarter": "本季度", "custom": "本期"}
QUARTERS = ("一", "二", "三", "四")


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: dt.date, months: int) -> tuple[int, int]:
    n = d.year * 12 + d.month - 1 + months
    return n // 12, n % 12 + 1


def full_period(kind: str, date: dt.date) -> Period:
    """The whole week / month / quarter containing ``date``."""
    if kind == "week":
        start = date - dt.timedelta(days=date.weekday())
        return Period(start, start + dt.timedelta(days=6))
    if kind == "month":
        return Period(date.replace(day=1), _month_end(date.year, date.month))
    if kind == "quarter":
        first = (date.month - 1) // 3 * 3 + 1
        return Period(dt.date(date.year, first, 1), _month_end(date.year, first + 2))
    raise ValueError(f"未知的简报类型：{kind}")


def resolve(kind: str, date: dt.date, today: dt.date) -> Period:
    """The period of a 周报/月报/季报 for ``date``, ending no later than ``today``."""
    if date > today:
        date = today
    p = full_period(kind, date)
    return Period(p.start, min(p.end, today))


def last_complete(kind: str, today: dt.date) -> Period:
    """The last week / month / quarter that has ended by ``today`` (today included)."""
    p = full_period(kind, today)
    if p.end <= today:
        return p
    return full_period(kind, p.start - dt.timedelta(days=1))


def is_partial(kind: str, period: Period) -> bool:
    """True for a 周报/月报/季报 whose period is still running (it ends before its last day)."""
    return kind in ("week", "month", "quarter") and full_period(kind, period.start) != period


def previous(kind: str, period: Period) -> Period:
    """环比: what a period is compared with (see the module docstring)."""
    if kind in ("month", "quarter"):
        step = -1 if kind == "month" else -3
        y, m = _add_months(period.start, step)
        start = dt.date(y, m, 1)
        if not is_partial(kind, period):
            return full_period(kind, start)
        # the same days of the previous month / quarter (clamped to its end)
        full_prev = full_period(kind, start)
        offset = (period.end - period.start).days
        return Period(start, min(start + dt.timedelta(days=offset), full_prev.end))
    return period.previous()


def label(kind: str, period: Period) -> str:
    """2026年10月 / 2026年第三季度 / 2026年第44周 / the dates of a custom period."""
    s = period.start
    if kind == "month":
        text = f"{s.year}年{s.month}月"
    elif kind == "quarter":
        text = f"{s.year}年第{QUARTERS[(s.month - 1) // 3]}季度"
    elif kind == "week":
        iso = s.isocalendar()
        text = f"{iso.year}年第{iso.week}周"
    else:
        return period.label()
    if is_partial(kind, period):
        text += f"（截至{period.end.month}月{period.end.day}日）"
    return text


def date_range_text(period: Period) -> str:
    """2026年10月1日至2026年10月31日"""
    return period.label()
