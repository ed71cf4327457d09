import datetime as dt

import pytest

from command_center import figures
from command_center.formatting import fixed, fmt_count, fmt_pct, is_zero, mask_name, mask_phone
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


def test_a_half_is_rounded_up_on_every_surface():
    """四舍五入 on the exact value, as the browser (plotly, the tables) and a reader round: a
    share of 1/16 is 6.3% on a card, in the briefing's sentences and tables, and in its Excel
    file (written already rounded, so Excel's own rounding has nothing to change). Python's own
    formatting would say 6.2% (ties to even)."""
    import io

    from openpyxl import load_workbook
    from openpyxl.workbook import Workbook

    from command_center.briefing import wording, xlsx
    from command_center.briefing.document import Column, Table

    assert f"{1 / 16 * 100:.1f}" == "6.2"  # what this replaces
    assert fixed(6.25) == "6.3" and fixed(-2.25) == "-2.3" and fixed(2.5, 0) == "3"
    assert fixed(1234.55, 1, ",") == "1,234.5"  # 1234.55 is a little below in binary
    assert fixed(0.25, 1, "+") == "+0.3"
    assert is_zero(0.04) and not is_zero(0.05) and not is_zero(-0.05)
    share, per_1000, score = 1 / 16, 9 * 1000 / 8000, 12.25  # 6.25%, 1.125, 12.25
    assert figures.value_text("dispute_success_rate", share) == "6.3%"
    assert fmt_pct(share) == wording.pct(share) == wording.cell_text(share, "pct") == "6.3%"
    assert figures.value_text("incident_rate_per_1000", per_1000) == "1.13"
    assert wording.cell_text(per_1000, "rate") == "1.13"
    assert wording.cell_text(score, "score") == "12.3"
    assert figures.change("incidents", 100.125, 100) == "+0.1%"  # +0.125%: 0.1, not a tie
    assert figures.change("dispute_success_rate", 0.5, 0.4975, n_before=500) == "+0.3个百分点"
    assert wording.change_text(1.0625, 1, "同比") == "同比上升6.3%"
    table = Table("t", [Column("率", "pct"), Column("每千人", "rate"), Column("分", "score")],
                  [[share, per_1000, score]])
    wb = Workbook()
    xlsx._write_table(wb.active, 1, table)
    buf = io.BytesIO()
    wb.save(buf)
    ws = load_workbook(buf).active
    assert [ws.cell(3, j).value for j in (1, 2, 3)] == [0.063, 1.13, 12.3]
    assert ws.cell(3, 1).number_format == "0.0%"


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
