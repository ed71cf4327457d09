"""The briefing's wording, in one place: counts as ``1,234起``, shares as ``5.2%``, changes as
同比上升/下降 …%、持平, and a comparison window without data as 上年同期无数据 (never a fall to zero).
"""

from __future__ import annotations

import math

import pandas as pd

from command_center.formatting import fixed, fmt_pct, is_zero


def missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def num(n, unit: str = "") -> str:
    """1234 → '1,234起' (exact: a briefing is quoted)."""
    if missing(n):
        return "—"
    n = float(n)
    text = f"{int(n):,}" if n == int(n) else fixed(n, 1, ",")
    return text + unit


def pct(x, digits: int = 1) -> str:
    """A share 0.052 → '5.2%'."""
    return "—" if missing(x) else fmt_pct(x, digits)


def rel_change(now, before) -> float | None:
    if missing(now) or missing(before) or before == 0:
        return None
    return (now - before) / before


def change_text(now, before, name: str, *, available: bool = True, base: str = "上年同期",
                unit: str = "起", up: str = "上升", down: str = "下降") -> str:
    """One comparison: '同比上升5.2%' / '同比下降5.2%' / '同比持平' / '上年同期无数据' /
    '上年同期为0' (a rise from nothing has no percentage)."""
    if not available or missing(before) or missing(now):
        return f"{base}无数据"
    if before == 0:
        return f"{name}持平" if now == 0 else f"{base}为0"
    c = (now - before) / before
    if is_zero(c * 100):
        return f"{name}持平"
    return f"{name}{up if c > 0 else down}{fixed(abs(c) * 100)}%"


def points_text(now, before, name: str, *, base: str = "上年同期") -> str:
    """A change of a rate: '同比提高1.2个百分点' / '同比降低…' / '同比持平' / '上年同期无数据'."""
    if missing(now) or missing(before):
        return f"{base}无数据"
    d = (now - before) * 100
    if is_zero(d):
        return f"{name}持平"
    return f"{name}{'提高' if d > 0 else '降低'}{fixed(abs(d))}个百分点"


def cell_text(v, kind: str) -> str:
    """How a table cell is written in the page, Word and PDF."""
    if missing(v):
        return "—" if kind in ("change", "pct", "rate", "score", "count") else ""
    if kind == "count":
        return num(v)
    if kind == "rate":
        return fixed(v, 2)
    if kind == "pct":
        return pct(v)
    if kind == "change":
        return "持平" if is_zero(v * 100) else f"{fixed(v * 100, 1, '+')}%"
    if kind == "score":
        return fixed(v)
    if kind == "date":
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v)


def month_day(d) -> str:
    return f"{d.month}月{d.day}日"


def join_names(items: list[str]) -> str:
    return "、".join(items)



def as_int(v) -> int | None:
    return None if missing(v) else int(v)
