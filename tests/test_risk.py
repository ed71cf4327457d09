"""四色预警: scores of a hand-made warehouse computed by hand; the file drives colours; errors.

The warehouse here is tiny and written by hand (tables from command_center.warehouse), so every
expected number below is worked out in the comments, independent of the SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from command_center import risk
from command_center.periods import Period
from command_center.warehouse import create_tables

ROOT = Path(__file__).resolve().parent.parent
PERIOD = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 20))  # 20 days

# A model written for this test (all numbers known): weights add up to 110 on purpose, the
# floating share is switched off (weight 0) and the evacuation gap is ranked. Its minimum
# window is exactly PERIOD's 20 days: PERIOD is scored as it is (the widening is tested below).
MODEL = """
[model]
name = "测试模型"
min_window_days = 20

[indicators.incident_rate]
name = "警情率"
weight = 40
normalize = "minmax"
direction = "higher_is_worse"
category_weights = { "刑事" = 3.0, "治安" = 2.0 }
other_weight = 1.0

[indicators.incident_yoy]
name = "警情同比"
weight = 20
normalize = "cap"
low = 0
high = 2
direction = "higher_is_worse"
smoothing = 1.0

[indicators.open_disputes]
name = "在办纠纷"
weight = 20
normalize = "minmax"
direction = "higher_is_worse"
per_1000 = false

[indicators.overdue_disputes]
name = "超期纠纷"
weight = 10
normalize = "cap"
low = 0
high = 4
direction = "higher_is_worse"

[indicators.repeat_disputes]
name = "重复纠纷"
weight = 10
normalize = "minmax"
direction = "higher_is_worse"
window_days = 60

[indicators.floating_share]
name = "流动人口占比"
weight = 0
normalize = "minmax"
direction = "higher_is_worse"

[indicators.evacuation_shortfall]
name = "转移缺口"
weight = 10
normalize = "rank"
direction = "higher_is_worse"

[levels.green]
name = "绿"
color = "#00aa00"
min_score = 0

[levels.blue]
name = "蓝"
color = "#0000aa"
min_score = 20

[levels.yellow]
name = "黄"
color = "#aaaa00"
min_score = 40

[levels.red]
name = "红"
color = "#aa0000"
min_score = 60
"""


def _insert(con, table: str, rows: list[dict]) -> None:
    for row in rows:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into {table} ({cols}) values ({marks})", list(row.values()))


@pytest.fixture()
def tiny(tmp_path) -> Path:
    path = tmp_path / "tiny.duckdb"
    con = duckdb.connect(str(path))
    create_tables(con)
    _insert(con, "communities", [
        dict(community_code="A", community_name="甲社区", area_name="片区", population=1000,
             floating_population=300),
        dict(community_code="B", community_name="乙社区", area_name="片区", population=2000,
             floating_population=200),
        dict(community_code="C", community_name="丙社区", area_name="片区", population=500,
             floating_population=0),
        dict(community_code="D", community_name="丁社区", area_name="片区", population=None,
             floating_population=None),
    ])
    n = iter(range(1, 1000))

    def inc(at, category, code):
        return dict(incident_id=str(next(n)), reported_at=dt.datetime.fromisoformat(at),
                    category=category, community_code=code)

    _insert(con, "incidents", [
        # A this period: 2 刑事 (3 each) + 1 交通 (1) = 7; a year ago: 1 治安 = 2
        inc("2026-11-01 00:00", "刑事", "A"), inc("2026-11-20 23:59", "刑事", "A"),
        inc("2026-11-10 12:00", "交通", "A"), inc("2025-11-05 09:00", "治安", "A"),
        # outside both windows: the day before and the day after, and 2025-11-21
        inc("2026-10-31 23:59", "刑事", "A"), inc("2026-11-21 00:00", "刑事", "A"),
        inc("2025-11-21 00:00", "刑事", "A"),
        # B: 4 交通 now, 4 交通 a year ago
        *[inc(f"2026-11-0{d} 08:00", "交通", "B") for d in (2, 3, 4, 5)],
        *[inc(f"2025-11-0{d} 08:00", "交通", "B") for d in (2, 3, 4, 5)],
        # C: 1 治安 now (2), none a year ago
        inc("2026-11-15 20:00", "治安", "C"),
        # no community: ignored
        inc("2026-11-15 20:00", "刑事", None),
        # the first incident: D (no population) on 2025-01-01, so a year before PERIOD has data
        inc("2025-01-01 08:00", "交通", "D"),
    ])

    def dsp(id_, received, code, status, deadline=None, closed=None, parties=None):
        return dict(dispute_id=id_, received_at=dt.datetime.fromisoformat(received),
                    community_code=code, status=status,
                    deadline_on=dt.date.fromisoformat(deadline) if deadline else None,
                    closed_at=dt.datetime.fromisoformat(closed) if closed else None,
                    party_names=parties)

    _insert(con, "disputes", [
        # A: d1 open, overdue (deadline 11-10); d2 open, not yet due, same parties as d1
        # 35 days later (a repeat within 60 days); d3 closed only after the period → open at
        # its end, overdue; d4 closed within → not open
        dsp("d1", "2026-10-01 09:00", "A", "调处中", "2026-11-10", parties="王五、李四"),
        dsp("d2", "2026-11-05 09:00", "A", "已受理", "2026-12-01", parties="王五、李四"),
        dsp("d3", "2026-09-01 09:00", "A", "调解成功", "2026-10-01", "2026-11-25 10:00",
            parties="钱七"),
        dsp("d4", "2026-09-01 09:00", "A", "调解成功", "2026-10-01", "2026-10-15 10:00"),
        # B: withdrawn without a date → closed; received after the period → not counted
        dsp("d5", "2026-11-15 09:00", "B", "已撤回"),
        dsp("d6", "2026-11-21 09:00", "B", "调处中", "2026-11-22"),
        # C: open, no deadline; its parties had a dispute in May (> 60 days: no repeat)
        dsp("d7", "2026-11-01 09:00", "C", "调处中", parties="赵六"),
        dsp("d8", "2026-05-01 09:00", "C", "调解成功", "2026-05-10", "2026-05-09 10:00",
            parties="赵六"),
    ])
    _insert(con, "typhoons", [
        dict(typhoon_id="2505", name_cn="旧台风",
             warning_start_at=dt.datetime(2025, 8, 1)),
        dict(typhoon_id="2612", name_cn="新台风",
             warning_start_at=dt.datetime(2026, 9, 1)),
        dict(typhoon_id="2699", name_cn="未来台风",
             warning_start_at=dt.datetime(2026, 12, 1)),
    ])

    def evac(id_, typhoon, code, count, status):
        return dict(record_id=id_, typhoon_id=typhoon, community_code=code,
                    person_count=count, status=status)

    _insert(con, "evacuations", [
        # last typhoon before the end of the period: 2612
        evac("e1", "2612", "A", 90, "已转移"), evac("e2", "2612", "A", 10, "待转移"),  # 0.10
        evac("e3", "2612", "B", 150, "已返回"), evac("e4", "2612", "B", 50, "拒绝转移"),  # 0.25
        evac("e5", "2505", "C", 100, "待转移"),  # older typhoon: ignored → C 0
        evac("e6", "2699", "D", 100, "待转移"),  # later typhoon: ignored → D 0
    ])
    con.close()
    return path


@pytest.fixture()
def model(tmp_path) -> risk.Model:
    p = tmp_path / "model.toml"
    p.write_text(MODEL, encoding="utf-8")
    return risk.load_model(p)


def _by_code(df):
    return df.set_index("community_code")


def test_scores_match_a_hand_computation(tiny, model):
    df = _by_code(risk.scores(PERIOD, warehouse=tiny, model=model))
    assert sorted(df.index) == ["A", "B", "C", "D"]

    # raw incident rates: weighted per 1,000 residents, annualized (× 365 / 20 days)
    assert df.loc["A", "incident_rate"] == pytest.approx(7 * 1000 / 1000 * 365 / 20)  # 127.75
    assert df.loc["B", "incident_rate"] == pytest.approx(4 * 1000 / 2000 * 365 / 20)  # 36.5
    assert df.loc["C", "incident_rate"] == pytest.approx(2 * 1000 / 500 * 365 / 20)  # 73.0
    assert pd.isna(df.loc["D", "incident_rate"])  # no population: no rate, 0 points
    # 同比 with smoothing 1: (now − last year) / (last year + 1)
    assert df.loc["A", "incident_yoy"] == pytest.approx((7 - 2) / (2 + 1))
    assert df.loc["B", "incident_yoy"] == pytest.approx(0.0)
    assert df.loc["C", "incident_yoy"] == pytest.approx(2.0)
    assert df.loc["A", "weighted_incidents"] == 7 and df.loc["A", "weighted_incidents_yoy"] == 2
    # disputes at the end of the period
    assert df["open_disputes"].to_dict() == {"A": 3, "B": 0, "C": 1, "D": 0}
    assert df["overdue_disputes"].to_dict() == {"A": 2, "B": 0, "C": 0, "D": 0}
    assert df["repeat_disputes"].to_dict() == {"A": 1, "B": 0, "C": 0, "D": 0}
    assert df.loc["A", "evacuation_shortfall"] == pytest.approx(0.10)
    assert df.loc["B", "evacuation_shortfall"] == pytest.approx(0.25)
    assert df.loc["C", "evacuation_shortfall"] == 0 and df.loc["D", "evacuation_shortfall"] == 0
    assert set(df["typhoon_name"]) == {"新台风"}

    # normalized (0–1) per indicator, by hand
    rate = {"A": 1.0, "B": 0.0, "C": (73 - 36.5) / (127.75 - 36.5), "D": 0.0}  # min-max
    yoy = {"A": (5 / 3) / 2, "B": 0.0, "C": 1.0, "D": 0.0}  # cap 0..2
    open_ = {"A": 1.0, "B": 0.0, "C": 1 / 3, "D": 0.0}  # min-max 0..3
    overdue = {"A": 2 / 4, "B": 0.0, "C": 0.0, "D": 0.0}  # cap 0..4
    repeat = {"A": 1.0, "B": 0.0, "C": 0.0, "D": 0.0}  # min-max 0..1
    evac = {"A": 2 / 3, "B": 1.0, "C": 0.0, "D": 0.0}  # rank: C=D lowest, A 3rd, B 4th of 4
    total = 40 + 20 + 20 + 10 + 10 + 0 + 10  # 110
    for code in "ABCD":
        expected = {
            "incident_rate_points": 100 * 40 / total * rate[code],
            "incident_yoy_points": 100 * 20 / total * yoy[code],
            "open_disputes_points": 100 * 20 / total * open_[code],
            "overdue_disputes_points": 100 * 10 / total * overdue[code],
            "repeat_disputes_points": 100 * 10 / total * repeat[code],
            "floating_share_points": 0.0,
            "evacuation_shortfall_points": 100 * 10 / total * evac[code],
        }
        for col, value in expected.items():
            assert df.loc[code, col] == pytest.approx(value, abs=1e-9), (code, col)
        assert df.loc[code, "score"] == pytest.approx(sum(expected.values()), abs=0.005), code
    # A: (40 + 16.67 + 20 + 5 + 10 + 6.67) / 110 × 100 = 89.39 ; C: (16 + 20 + 6.67) / 1.1
    assert df.loc["A", "score"] == pytest.approx(89.39, abs=0.01)
    assert df.loc["B", "score"] == pytest.approx(9.09, abs=0.01)
    assert df.loc["C", "score"] == pytest.approx(38.79, abs=0.01)
    assert df.loc["D", "score"] == 0
    # thresholds 20 / 40 / 60
    assert df["level"].to_dict() == {"A": "红", "B": "绿", "C": "蓝", "D": "绿"}
    assert df["color"].to_dict() == {"A": "#aa0000", "B": "#00aa00", "C": "#0000aa",
                                     "D": "#00aa00"}
    assert df["level_rank"].to_dict() == {"A": 3, "B": 0, "C": 1, "D": 0}
    # sorted by score, highest first
    assert list(risk.scores(PERIOD, warehouse=tiny, model=model)["community_code"]) == \
        ["A", "C", "B", "D"]


def test_community_filter_does_not_change_scores(tiny, model):
    everyone = _by_code(risk.scores(PERIOD, warehouse=tiny, model=model))
    some = _by_code(risk.scores(PERIOD, ["B", "C"], warehouse=tiny, model=model))
    assert sorted(some.index) == ["B", "C"]
    assert some["score"].to_dict() == everyone.loc[["B", "C"], "score"].to_dict()


def test_lower_is_worse_flips_an_indicator(tiny, tmp_path):
    text = MODEL.replace('name = "流动人口占比"\nweight = 0', 'name = "流动人口占比"\nweight = 10')
    text = re.sub(r'(\[indicators\.floating_share\][^\[]*?)direction = "higher_is_worse"',
                  r'\1direction = "lower_is_worse"', text)
    p = tmp_path / "flip.toml"
    p.write_text(text, encoding="utf-8")
    m = risk.load_model(p)
    assert m.indicator("floating_share").direction == "lower_is_worse"
    df = _by_code(risk.scores(PERIOD, warehouse=tiny, model=m))
    # shares A 300/1000 = .3, B .1, C 0 → min-max A 1, B 1/3, C 0; flipped:
    # A 0, B 2/3, C 1; D has no population → no data → 0 points
    unit = 100 * 10 / 120
    assert df["floating_share_points"].to_dict() == pytest.approx(
        {"A": 0.0, "B": unit * 2 / 3, "C": unit, "D": 0.0})


def test_history_is_monthly_and_matches_scores(tiny, model):
    h = risk.history(months=12, now=dt.date(2026, 11, 20), warehouse=tiny, model=model)
    months = sorted(set(h["month"]))
    assert len(months) == 12 and months[0] == dt.date(2025, 12, 1)
    assert months[-1] == dt.date(2026, 11, 1)
    assert len(h) == 12 * 4
    last = _by_code(h[h["month"] == dt.date(2026, 11, 1)])
    now = _by_code(risk.scores(PERIOD, warehouse=tiny, model=model))
    assert last["score"].to_dict() == now["score"].to_dict()
    # September: only the disputes d3/d4 are open (received 09-01), d1 not yet received
    sep = _by_code(h[h["month"] == dt.date(2026, 9, 1)])
    assert sep.loc["A", "open_disputes"] == 2
    assert risk.monthly_periods(2, dt.date(2026, 3, 15)) == [
        Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28), step="month"),
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 15), step="month"),
    ]
    # at a moment: closed months whole, the running month ends at that moment
    at = dt.datetime(2026, 3, 15, 12, 30)
    assert risk.monthly_periods(3, at) == [
        Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31), step="month"),
        Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28), step="month"),
        Period(dt.date(2026, 3, 1), dt.date(2026, 3, 15), at, step="month"),
    ]
    assert risk.monthly_periods(1, at)[0].end_before == at


def test_history_scores_a_short_running_month_like_scores(tiny, tmp_path):
    # min window 28: on 3 December the running month has 3 days → scored over 6 Nov – 3 Dec
    m = _model_with(tmp_path, min_window_days=28)
    at = dt.datetime(2026, 12, 3, 12, 0)
    h = risk.history(months=2, now=at, warehouse=tiny, model=m)
    dec = _by_code(h[h["month"] == dt.date(2026, 12, 1)])
    assert set(dec["window_start"]) == {dt.date(2026, 11, 6)}
    nov = _by_code(h[h["month"] == dt.date(2026, 11, 1)])
    assert set(nov["window_start"]) == {dt.date(2026, 11, 1)}  # a closed month: whole
    running = Period(dt.date(2026, 12, 1), dt.date(2026, 12, 3), at, step="month")
    now = _by_code(risk.scores(running, warehouse=tiny, model=m))
    assert dec["score"].to_dict() == now["score"].to_dict()
    # A in 6 Nov – 3 Dec 12:00: 刑事 11-20 23:59 (3), 交通 11-10 (1), 刑事 11-21 00:00 (3) = 7
    assert dec.loc["A", "weighted_incidents"] == 7


# ------------------------------------------------------------------ the window scored
def _model_with(tmp_path, **model_keys) -> risk.Model:
    text = MODEL
    for key, value in model_keys.items():
        text = re.sub(rf"\n{key} = [^\n]+", f"\n{key} = {value}", text, count=1)
    p = tmp_path / "model_with.toml"
    p.write_text(text, encoding="utf-8")
    return risk.load_model(p)


def test_a_short_view_is_scored_over_the_trailing_window(tiny, tmp_path):
    m = _model_with(tmp_path, min_window_days=28)
    assert m.min_window_days == 28
    view = Period(dt.date(2026, 11, 19), dt.date(2026, 11, 20))  # two days
    window = risk.scored_window(view, warehouse=tiny, model=m)
    assert window == Period(dt.date(2026, 10, 24), dt.date(2026, 11, 20))
    assert risk.window_note(view, window, model=m) == (
        "按近28天（2026年10月24日至2026年11月20日）评分（所选时段不足28天）")
    df = _by_code(risk.scores(view, warehouse=tiny, model=m))
    # A, 24 Oct – 20 Nov: PERIOD's 7 plus the 刑事 of 10-31 23:59 (3) = 10; B 4; C 2
    assert df["weighted_incidents"].to_dict() == {"A": 10, "B": 4, "C": 2, "D": 0}
    assert df.loc["A", "incident_rate"] == pytest.approx(10 * 1000 / 1000 * 365 / 28)
    # the two days alone hold only A's 刑事 of 11-20 23:59 (3): the 28 days were scored
    assert df.loc["A", "weighted_incidents"] != 3
    # a view of at least 28 days is scored as it is
    month = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert risk.scored_window(month, warehouse=tiny, model=m) == month
    assert risk.window_note(month, month, model=m) is None


def test_a_view_that_ends_now_is_scored_to_the_moment(tiny, tmp_path):
    m = _model_with(tmp_path, min_window_days=28)
    now = dt.datetime(2026, 11, 20, 12, 30)
    view = Period(dt.date(2026, 11, 20), dt.date(2026, 11, 20), now)  # 今日 until 12:30
    window = risk.scored_window(view, warehouse=tiny, model=m)
    assert window.start == dt.date(2026, 10, 24) and window.end_before == now
    df = _by_code(risk.scores(view, warehouse=tiny, model=m))
    # A: the 刑事 of 11-20 23:59 is after now: 10 − 3 = 7; the rate over 27.5 elapsed days
    assert df.loc["A", "weighted_incidents"] == 7
    assert df.loc["A", "incident_rate"] == pytest.approx(7 * 365 / (27 + 12.5 / 24))


def test_the_trailing_window_does_not_reach_before_the_data(tiny, tmp_path):
    # the tiny warehouse's data starts 2026-05-01 (its first dispute; incidents start earlier)
    m = _model_with(tmp_path, min_window_days=28)
    assert risk.data_start(tiny) == dt.date(2026, 5, 1)
    view = Period(dt.date(2026, 5, 10), dt.date(2026, 5, 12))
    window = risk.scored_window(view, warehouse=tiny, model=m)
    assert window == Period(dt.date(2026, 5, 1), dt.date(2026, 5, 12))
    assert risk.window_note(view, window, model=m) == (
        "按2026年5月1日至2026年5月12日评分（所选时段不足28天，数据自2026年5月1日起）")


def test_no_level_change_against_a_previous_window_without_data(tiny, tmp_path):
    m = _model_with(tmp_path, min_window_days=28)
    first = Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31), step="month")  # the first month
    assert risk.previous_window(first, warehouse=tiny, model=m) is None
    a = risk.assess(first, warehouse=tiny, model=m)
    assert a.previous is None and a.previous_scores is None and not a.compared
    assert a.comparison_text() == risk.NO_PREVIOUS == "上期无数据，不比较等级变化"
    assert a.scores["change"].isna().all() and a.scores["previous_level"].isna().all()
    assert not risk.compared(a.scores)
    assert risk.turned_top(a.scores, m).empty
    # the month after has data before it: levels are compared
    june = risk.assess(Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30), step="month"),
                       warehouse=tiny, model=m)
    assert june.previous == Period(dt.date(2026, 5, 1), dt.date(2026, 5, 31), step="month")
    assert june.compared and risk.compared(june.scores)
    assert set(june.scores["change"]) <= {"same", "worse", "better"}
    assert june.comparison_text() == "与上期（2026年5月1日至2026年5月31日）比较"
    assert june.previous_name("上月") == "上月"
    # a widened view is compared with the 28 days before its window, and is called so
    week = risk.assess(Period(dt.date(2026, 11, 14), dt.date(2026, 11, 20)), warehouse=tiny,
                       model=m)
    assert week.window == Period(dt.date(2026, 10, 24), dt.date(2026, 11, 20))
    assert week.previous == Period(dt.date(2026, 9, 26), dt.date(2026, 10, 23))
    assert week.previous_name("上周") == "此前28天"
    assert week.comparison_text("上周") == "与此前28天（2026年9月26日至2026年10月23日）比较"


def test_turned_top_is_against_the_previous_level(model):
    def frame(rows):
        return pd.DataFrame(rows, columns=["community_code", "level", "level_rank", "score"])

    now = frame([("A", "红", 3, 70.0), ("B", "红", 3, 65.0), ("C", "黄", 2, 45.0),
                 ("D", "红", 3, 61.0)])
    before = frame([("A", "黄", 2, 50.0), ("B", "红", 3, 80.0), ("C", "红", 3, 62.0)])
    changes = risk.compare(now, before).set_index("community_code")
    assert changes["change"].to_dict() == {"A": "worse", "B": "same", "C": "better",
                                           "D": "same"}  # D: not scored before, no change
    assert risk.compared(changes.reset_index())
    assert list(risk.turned_top(changes.reset_index(), model)["community_code"]) == ["A"]
    # the same current levels with no previous window: nothing turned, nothing changed
    none = risk.compare(now, None)
    assert not risk.compared(none) and risk.turned_top(none, model).empty
    assert none["previous_level"].isna().all() and len(none) == 4


def test_yoy_has_no_data_before_the_first_incident(tiny, model):
    # a year before Jan 2025 precedes the first incident (2025-01-01 08:00): 同比 is null, 0 points
    jan = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    df = _by_code(risk.scores(jan, warehouse=tiny, model=model))
    assert df["incident_yoy"].isna().all() and df["weighted_incidents_yoy"].isna().all()
    assert (df["incident_yoy_points"] == 0).all()
    # PERIOD's year-ago window (Nov 2025) has data: a number
    assert not _by_code(risk.scores(PERIOD, warehouse=tiny, model=model))["incident_yoy"].isna().any()


def test_the_shortfall_is_the_staging_layers_pending(tiny, model, tmp_path):
    # a status outside 已转移/已返回 (here none) is pending, as everywhere else
    con = duckdb.connect(str(tiny))
    con.execute("insert into evacuations (record_id, typhoon_id, community_code, person_count, "
                "status) values ('e7', '2612', 'C', 10, null), ('e8', '2612', 'C', 30, '已转移')")
    con.close()
    df = _by_code(risk.scores(PERIOD, warehouse=tiny, model=model))
    assert df.loc["C", "evacuation_shortfall"] == pytest.approx(10 / 40)


# ------------------------------------------------------------------ the file drives the colours
def _repo_copy(tmp_path, edit) -> risk.Model:
    text = (ROOT / "risk.toml").read_text(encoding="utf-8")
    new = edit(text)
    assert new != text, "the edit did not apply"
    p = tmp_path / "risk.toml"
    p.write_text(new, encoding="utf-8")
    return risk.load_model(p)


def _set(text: str, section: str, key: str, value: str) -> str:
    pattern = rf"(\[{re.escape(section)}\][^\[]*?\n{key} = )[^\n#]+"
    return re.sub(pattern, lambda m: m.group(1) + value + " ", text, count=1)


def test_repository_model_is_valid():
    m = risk.load_model(ROOT / "risk.toml")
    assert [lv.name for lv in m.levels] == ["绿", "蓝", "黄", "红"]
    assert [i.key for i in m.indicators] == list(risk.INDICATORS)
    assert all(re.fullmatch(r"#[0-9a-f]{6}", lv.color) for lv in m.levels)


def test_lowering_the_red_threshold_turns_a_community_red(tiny, tmp_path):
    base = _repo_copy(tmp_path, lambda t: t + "\n")
    before = _by_code(risk.scores(PERIOD, warehouse=tiny, model=base))
    c_score = before.loc["C", "score"]
    assert before.loc["C", "level"] != "红"
    lowered = _repo_copy(tmp_path, lambda t: _set(_set(_set(
        t, "levels.red", "min_score", f"{c_score - 0.01}"),
        "levels.yellow", "min_score", "2"), "levels.blue", "min_score", "1"))
    assert lowered.level("红").min_score == pytest.approx(c_score - 0.01)
    after = _by_code(risk.scores(PERIOD, warehouse=tiny, model=lowered))
    assert after["score"].to_dict() == before["score"].to_dict()  # scores unchanged
    assert after.loc["C", "level"] == "红"
    assert after.loc["C", "color"] == lowered.level("红").color


def test_changing_weights_changes_colours(tiny, tmp_path):
    def only_floating(text: str) -> str:
        for key in risk.INDICATORS:
            text = _set(text, f"indicators.{key}", "weight",
                        "100" if key == "floating_share" else "0")
        return _set(text, "indicators.floating_share", "normalize", '"minmax"')

    m = _repo_copy(tmp_path, only_floating)
    df = _by_code(risk.scores(PERIOD, warehouse=tiny, model=m))
    # floating share A .3, B .1, C 0 → min-max × 100: A 100, B 33.33, C 0; D no data
    assert df["score"].to_dict() == pytest.approx({"A": 100.0, "B": 33.33, "C": 0.0, "D": 0.0})
    assert df.loc["A", "level"] == "红"
    assert df.loc["C", "level"] == "绿"

    def expected(score):
        return max((lv for lv in m.levels if score >= lv.min_score),
                   key=lambda lv: lv.min_score).name

    assert df.loc["B", "level"] == expected(33.33)


def test_env_var_names_the_model_file(tmp_path, monkeypatch):
    p = tmp_path / "other.toml"
    p.write_text(MODEL.replace('color = "#aa0000"', 'color = "#123456"'), encoding="utf-8")
    monkeypatch.setenv("CC_RISK_CONFIG", str(p))
    assert risk.level_color("红") == "#123456"
    assert risk.level_color("red") == "#123456" == risk.level_color(3)
    assert [lv.name for lv in risk.LEVELS] == ["绿", "蓝", "黄", "红"]
    assert risk.legend_items()[0] == ("#123456", "红色 ≥60分")
    assert risk.level_of(59.99).name == "黄" and risk.level_of(60).name == "红"


# ------------------------------------------------------------------ invalid files
@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: _set(t, "indicators.incident_rate", "weight", "150"),
     "indicators.incident_rate.weight 必须是 0–100 之间的数字"),
    (lambda t: _set(t, "indicators.incident_rate", "weight", '"三十"'),
     "indicators.incident_rate.weight 必须是 0–100 之间的数字"),
    (lambda t: _set(t, "indicators.open_disputes", "normalize", '"zscore"'),
     "indicators.open_disputes.normalize 必须是 minmax / cap / rank 之一"),
    (lambda t: _set(t, "indicators.incident_yoy", "high", "-0.5"),
     "indicators.incident_yoy.high 必须大于 low"),
    (lambda t: _set(t, "levels.red", "min_score", "30"),
     "levels.red.min_score 必须大于 levels.yellow.min_score"),
    (lambda t: _set(t, "levels.blue", "color", '"blue"'),
     "levels.blue.color 必须是 #rrggbb 形式的颜色"),
    (lambda t: _set(t, "levels.green", "min_score", "5"),
     "levels.green.min_score 必须是 0"),
    (lambda t: t.replace("[levels.red]", "[levels.purple]"),
     "levels.purple 不是已知等级"),
    (lambda t: t.replace("[indicators.floating_share]", "[indicators.crowding]"),
     "indicators.crowding 不是已知指标"),
    (lambda t: _set(t, "indicators.evacuation_shortfall", "direction", '"up"'),
     "indicators.evacuation_shortfall.direction 必须是 higher_is_worse / lower_is_worse 之一"),
    (lambda t: t.replace("[model]", "[model"),
     "不是合法的 TOML 文件"),
    (lambda t: _set(t, "model", "min_window_days", "0"),
     "model.min_window_days 必须是 1–366 之间的数字"),
    (lambda t: _set(t, "model", "min_window_days", "7.5"),
     "model.min_window_days 必须是整数天数"),
    (lambda t: t.replace('direction = "higher_is_worse"\n# 应转未转',
                         'direction = "higher_is_worse"\nshortfall_statuses = ["待转移"]\n# 应转未转'),
     "indicators.evacuation_shortfall.shortfall_statuses 已不再使用"),
])
def test_invalid_model_gets_a_chinese_error_naming_the_key(tmp_path, edit, message):
    text = (ROOT / "risk.toml").read_text(encoding="utf-8")
    p = tmp_path / "risk.toml"
    new = edit(text)
    assert new != text
    p.write_text(new, encoding="utf-8")
    with pytest.raises(risk.RiskConfigError) as exc:
        risk.load_model(p)
    assert str(exc.value).startswith("risk.toml：")
    assert message in str(exc.value)


def test_all_weights_zero_is_refused(tmp_path):
    text = (ROOT / "risk.toml").read_text(encoding="utf-8")
    for key in risk.INDICATORS:
        text = _set(text, f"indicators.{key}", "weight", "0")
    p = tmp_path / "risk.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(risk.RiskConfigError, match="weight 之和必须大于 0"):
        risk.load_model(p)


def test_missing_file_is_a_chinese_error(tmp_path):
    with pytest.raises(risk.RiskConfigError, match="找不到四色预警配置文件"):
        risk.load_model(tmp_path / "nope.toml")
