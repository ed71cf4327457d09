"""Briefing periods: 周报 / 月报 / 季报 / 自定义, and what each is compared with.

A week runs Monday–Sunday. A period still running ends now (截至): ``resolve`` cuts it at the
moment given. 环比 and 同比 are the period's own (``Period.previous`` / ``Period.year_ago``):
a month is compared with the previous calendar month (the same days of it, to the same time,
for a month still running), a quarter with the previous quarter, a week or a custom period
with the equal span just before; 同比 with the same dates a year earlier.
"""

from __future__ import annotations

import calendar
import datetime as dt

from command_center.periods import Period

KINDS = {"week": "周报", "month": "月报", "quarter": "季报", "custom": "自定义"}
# what the generated sentences call the period: 本周 / 本月 / 本季度 / 本期
THIS = {"week": "本周", "month": "本月", "quarter": "本季度", "custom": "本期"}
QUARTERS = ("一", "二", "三", "四")
STEP = {"week": "days", "month": "month", "quarter": "quarter", "custom": "days"}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def full_period(kind: str, date: dt.date) -> Period:
    """The whole week / month / quarter containing ``date``."""
    if kind == "week":
        start = date - dt.timedelta(days=date.weekday())
        return Period(start, start + dt.timedelta(days=6), step=STEP[kind])
    if kind == "month":
        return Period(date.replace(day=1), _month_end(date.year, date.month), step=STEP[kind])
    if kind == "quarter":
        first = (date.month - 1) // 3 * 3 + 1
        return Period(dt.date(date.year, first, 1), _month_end(date.year, first + 2),
                      step=STEP[kind])
    raise ValueError(f"未知的简报类型：{kind}")


def resolve(kind: str, date: dt.date, now: dt.datetime) -> Period:
    """The period of a 周报/月报/季报 for ``date``, cut at ``now`` (a later date means now)."""
    if date > now.date():
        date = now.date()
    return full_period(kind, date).cut(now)


def last_complete(kind: str, today: dt.date) -> Period:
    """The last week / month / quarter that has ended before ``today``."""
    p = full_period(kind, today)
    if p.end < today:
        return p
    return full_period(kind, p.start - dt.timedelta(days=1))


def is_partial(kind: str, period: Period) -> bool:
    """True for a 周报/月报/季报 whose period is still running (cut before its end)."""
    return kind in ("week", "month", "quarter") and (
        period.is_partial or full_period(kind, period.start).end != period.end)


def previous(kind: str, period: Period) -> Period:
    """环比: what a period is compared with (see the module docstring)."""
    return period.with_step(STEP[kind]).previous()


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
        until = f" {period.until:%H:%M}" if period.until else ""
        text += f"（截至{period.end.month}月{period.end.day}日{until}）"
    return text


def date_range_text(period: Period) -> str:
    """2026年10月1日至2026年10月31日"""
    return period.label()
