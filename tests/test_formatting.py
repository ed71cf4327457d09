import datetime as dt

import pytest

from command_center.formatting import fmt_change, fmt_count, fmt_pct, mask_name, mask_phone
from command_center.periods import Period, resolve


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (1234, "1,234"), (9999, "9,999"), (12000, "1.2万"), (10000, "1万"),
     (1_234_567, "123万"), (250_000_000, "2.5亿"), (None, "—"), (float("nan"), "—")],
)
def test_fmt_count(n, text):
    assert fmt_count(n) == text


def test_changes_and_percentages():
    assert fmt_change(105, 100) == "+5.0%"
    assert fmt_change(95, 100) == "-5.0%"
    assert fmt_change(100, 100) == "持平"
    assert fmt_change(5, 0) == "—"
    assert fmt_change(None, 3) == "—"
    assert fmt_pct(0.95234) == "95.2%"


def test_masking():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张三、李四") == "张*、李*"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("057763331234") == "********1234"
    assert mask_name(None) == "" and mask_phone("") == ""


def test_periods():
    today = dt.date(2026, 11, 20)
    assert resolve("today", today) == Period(today, today)
    assert resolve("7d", today) == Period(dt.date(2026, 11, 14), today)
    assert resolve("month", today) == Period(dt.date(2026, 11, 1), today)
    assert resolve("year", today).start == dt.date(2026, 1, 1)
    custom = resolve("custom", today, (dt.date(2026, 3, 5), dt.date(2026, 3, 1)))
    assert custom == Period(dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    month = resolve("month", today)
    assert month.previous() == Period(dt.date(2026, 10, 12), dt.date(2026, 10, 31))
    assert month.year_ago() == Period(dt.date(2025, 11, 1), dt.date(2025, 11, 20))
    leap = Period(dt.date(2028, 2, 29), dt.date(2028, 2, 29))
    assert leap.year_ago() == Period(dt.date(2027, 2, 28), dt.date(2027, 2, 28))
    assert month.end_before == dt.datetime(2026, 11, 21)
    with pytest.raises(ValueError):
        resolve("custom", today, None)
