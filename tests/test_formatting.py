import datetime as dt

import pytest

from command_center import figures
from command_center.formatting import fmt_count, fmt_pct, mask_name, mask_phone
from command_center.periods import Period, resolve


@pytest.mark.parametrize(
    ("n", "text"),
    [(0, "0"), (1234, "1,234"), (9999, "9,999"), (12000, "1.2万"), (10000, "1万"),
     (1_234_567, "123万"), (250_000_000, "2.5亿"), (None, "—"), (float("nan"), "—")],
)
def test_fmt_count(n, text):
    assert fmt_count(n) == text


def test_changes_and_percentages():
    # counts change in %, rates in 个百分点 (registry kinds); no base or no data: None
    assert figures.change("incidents", 105, 100) == "+5.0%"
    assert figures.change("incidents", 95, 100) == "-5.0%"
    assert figures.change("incidents", 100, 100) == "持平"
    assert figures.change("incidents", 5, 0) is None
    assert figures.change("incidents", None, 3) is None
    assert figures.change("incidents", 5, float("nan")) is None
    assert figures.change("dispute_success_rate", 0.95, 0.941, n_before=500) == "+0.9个百分点"
    # a comparison sample below the figure's minimum is not compared
    assert figures.change("dispute_success_rate", 0.95, 1.0, n_before=1) is None
    assert figures.value_text("dispute_success_rate", 0.9831) == "98.3%"
    assert figures.value_text("close_hours_median", 10) == "10.0小时"
    assert figures.value_text("close_hours_median", 50) == "2.1天"
    assert figures.value_text("evac_planned", 14203) == "14,203"
    assert figures.value_text("patrol_hours", 558.06) == "558.1小时"  # a total of hours says so
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
    now = dt.datetime(2026, 11, 20, 12, 30)  # the app's clock in the tests (conftest)
    # a date means the whole of that day
    assert resolve("today", today) == Period(today, today)
    assert resolve("7d", today) == Period(dt.date(2026, 11, 14), today)
    assert resolve("month", today) == Period(dt.date(2026, 11, 1), today, step="month")
    assert resolve("year", today) == Period(dt.date(2026, 1, 1), today, step="year")
    custom = resolve("custom", today, (dt.date(2026, 3, 5), dt.date(2026, 3, 1)))
    assert custom == Period(dt.date(2026, 3, 1), dt.date(2026, 3, 5))
    month = resolve("month", today)
    assert month.end_before == dt.datetime(2026, 11, 21) and not month.is_partial
    # 环比 of 1–20 Nov: the same days of October; 同比: the same dates a year earlier
    assert month.previous() == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 20), step="month")
    assert month.year_ago() == Period(dt.date(2025, 11, 1), dt.date(2025, 11, 20), step="month")
    # a whole month's 环比 is the whole previous month
    october = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31), step="month")
    assert october.previous() == Period(dt.date(2026, 9, 1), dt.date(2026, 9, 30), step="month")
    leap = Period(dt.date(2028, 2, 29), dt.date(2028, 2, 29))
    assert leap.year_ago() == Period(dt.date(2027, 2, 28), dt.date(2027, 2, 28))

    # a moment: a period including today ends now, its comparisons at the same time of day
    cut = resolve("month", now)
    assert cut == Period(dt.date(2026, 11, 1), today, until=now, step="month")
    assert cut.is_partial and cut.end_before == now
    assert cut.params() == {"start": dt.datetime(2026, 11, 1), "end": now}
    assert cut == Period(dt.date(2026, 11, 1), today, step="month").cut(now)
    assert cut.previous().params() == {"start": dt.datetime(2026, 10, 1),
                                       "end": dt.datetime(2026, 10, 20, 12, 30)}
    assert cut.year_ago().params() == {"start": dt.datetime(2025, 11, 1),
                                       "end": dt.datetime(2025, 11, 20, 12, 30)}
    day = resolve("today", now)
    assert day.params() == {"start": dt.datetime(2026, 11, 20), "end": now}
    assert day.previous().params() == {"start": dt.datetime(2026, 11, 19),
                                       "end": dt.datetime(2026, 11, 19, 12, 30)}
    assert day.year_ago().params() == {"start": dt.datetime(2025, 11, 20),
                                       "end": dt.datetime(2025, 11, 20, 12, 30)}
    week = resolve("7d", now)
    assert week.params() == {"start": dt.datetime(2026, 11, 14), "end": now}
    assert week.previous().params() == {"start": dt.datetime(2026, 11, 7),
                                        "end": dt.datetime(2026, 11, 13, 12, 30)}
    # a past period is not cut by now
    assert october.cut(now) == october
    with pytest.raises(ValueError):
        resolve("custom", today, None)
