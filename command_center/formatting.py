"""How numbers, changes and personal data are written for people (Simplified Chinese)."""

from __future__ import annotations

import math

PLACEHOLDER = "—"  # how a missing value reads, in text and in every table cell


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_count(n) -> str:
    """1,234 below ten thousand; 1.2万 / 123万 above; 1.2亿 above a hundred million."""
    if _missing(n):
        return PLACEHOLDER
    n = float(n)
    if abs(n) >= 1e8:
        return f"{n / 1e8:.1f}亿".replace(".0亿", "亿")
    if abs(n) >= 1e4:
        v = n / 1e4
        return (f"{v:.1f}万" if abs(v) < 100 else f"{v:.0f}万").replace(".0万", "万")
    if n == int(n):
        return f"{int(n):,}"
    return f"{n:,.1f}"


def fmt_pct(x, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage: 0.9523 → 95.2%."""
    if _missing(x):
        return PLACEHOLDER
    return f"{x * 100:.{digits}f}%"


def mask_name(name) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧***; several names separated by 、 are masked each."""
    if _missing(name) or name == "":
        return ""
    parts = str(name).replace(",", "、").replace("，", "、").split("、")
    return "、".join(p[:1] + "*" * max(len(p) - 1, 1) if p else p for p in parts)


def mask_phone(phone) -> str:
    """13812341234 → 138****1234; other lengths keep the last 4 only."""
    if _missing(phone) or phone == "":
        return ""
    digits = str(phone).strip()
    if len(digits) == 11:
        return digits[:3] + "****" + digits[7:]
    return "*" * max(len(digits) - 4, 0) + digits[-4:]
