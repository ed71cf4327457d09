"""How numbers, changes and personal data are written for people (Simplified Chinese)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

PLACEHOLDER = "—"  # how a missing value reads, in text and in every table cell


def rounded(x, digits: int) -> Decimal:
    """``x`` to ``digits`` decimals, half away from zero (四舍五入) on its exact value: 6.25 →
    6.3, where Python's own rounding gives 6.2. The browser rounds so (plotly's and the tables'
    number formats), so do readers, and the Excel files are written with these values."""
    return Decimal(float(x)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fixed(x, digits: int = 1, spec: str = "") -> str:
    """``x`` written with ``digits`` decimals, rounded by ``rounded``; ``spec`` adds format
    flags before the precision ("," thousands, "+" a sign). Every number the app writes as
    text with decimals goes through here, so a figure reads the same on every surface."""
    return format(rounded(x, digits), f"{spec}.{digits}f")


def is_zero(x, digits: int = 1) -> bool:
    """Whether ``x`` reads as zero with ``digits`` decimals (持平)."""
    return rounded(x, digits) == 0


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_count(n) -> str:
    """1,234 below ten thousand; 1.2万 / 123万 above; 1.2亿 above a hundred million."""
    if _missing(n):
        return PLACEHOLDER
    n = float(n)
    if abs(n) >= 1e8:
        return f"{fixed(n / 1e8)}亿".replace(".0亿", "亿")
    if abs(n) >= 1e4:
        v = n / 1e4
        return f"{fixed(v, 1 if abs(v) < 100 else 0)}万".replace(".0万", "万")
    if n == int(n):
        return f"{int(n):,}"
    return fixed(n, 1, ",")


def fmt_pct(x, digits: int = 1) -> str:
    """A share in [0, 1] as a percentage: 0.9523 → 95.2%."""
    if _missing(x):
        return PLACEHOLDER
    return f"{fixed(x * 100, digits)}%"


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
