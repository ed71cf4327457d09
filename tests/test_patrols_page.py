"""平安乐巡 page (AppTest): the figures against independent SQL on the fixture (clock pinned to
2026-11-20 12:30, records running on to 23:59; default period 本月 cut at now), the charts,
the hot-spot list, the team ranking and the records."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from command_center.formatting import fmt_count
from command_center.periods import resolve
from tests.every_page import open_page
from tests.test_incidents_page import arr, fmt_change, metric

NOW = dt.datetime(2026, 11, 20, 12, 30)
MONTH = resolve("month", NOW)
START, END = MONTH.start_at, MONTH.end_before
YA_START, YA_END = MONTH.year_ago().start_at, MONTH.year_ago().end_before
PREV_START, PREV_END = MONTH.previous().start_at, MONTH.previous().end_before
# written independently of queries/_staging.sql: done by the window's end
DONE_BY = "status = '已完成' and ended_at < ?"


def patrols_page(**state) -> AppTest:
    return open_page("views/patrols.py", state=state)


@pytest.fixture(scope="module")
def page(fixture_warehouse):
    return patrols_page()


def done(wh, start, end, what="count(*)"):
    return wh.execute(f"select coalesce({what}, 0) from patrols where planned_start_at >= ? "
                      f"and planned_start_at < ? and {DONE_BY}", [start, end, end]).fetchone()[0]


def test_headline_figures(page, wh):
    n, ya, prev = done(wh, START, END), done(wh, YA_START, YA_END), done(wh, PREV_START, PREV_END)
    assert n > 0 and ya > 0 and prev > 0
    m = metric(page, "已完成巡逻任务")
    assert m.value == fmt_count(n)
    assert m.delta in (fmt_change(n, ya), "0")
    assert "环比" in (m.proto.delta_description or "")
    people = done(wh, START, END, "sum(participant_count)")
    people_ya = done(wh, YA_START, YA_END, "sum(participant_count)")
    p = metric(page, "参与人次")
    assert p.value == fmt_count(people)
    assert p.delta in (fmt_change(people, people_ya), "0")
    hours = done(wh, START, END, "sum(date_diff('second', started_at, ended_at) / 3600.0)")
    assert metric(page, "巡逻时长").value == f"{fmt_count(hours)}小时"
    comms = done(wh, START, END, "count(distinct community_code)")
    assert metric(page, "覆盖社区数").value == fmt_count(comms)
    on_patrol = wh.execute("select coalesce(sum(participant_count), 0) from patrols "
                           "where status in ('进行中', '已完成') and started_at < ? "
                           "and (ended_at is null or ended_at >= ?)", [NOW, NOW]).fetchone()[0]
    assert metric(page, "在岗巡逻人数").value == fmt_count(on_patrol)
    assert "patrols/totals" in metric(page, "已完成巡逻任务").proto.help


def test_charts(page, wh):
    specs = {el.proto.id.rsplit("-", 1)[-1]: json.loads(el.proto.spec)
             for el in page.get("plotly_chart")}
    trend = {t["name"]: t for t in specs["pt_trend_done_count"]["data"]}
    assert sum(arr(trend["本期"]["y"])) == done(wh, START, END)
    assert sum(arr(trend["去年同期"]["y"])) == done(wh, YA_START, YA_END)
    heat = specs["pt_heat"]["data"][0]
    assert len(arr(heat["x"])) == 7 * 24  # every weekday × hour cell, zeros included
    assert "pt_com_hours" in specs


def test_tables(page, wh):
    frames = {i: f.value for i, f in enumerate(page.dataframe)}
    assert frames, "no tables"
    gaps = next((v for v in frames.values() if "每起警情巡逻时长（小时）" in v.columns), None)
    assert gaps is not None, [list(v.columns) for v in frames.values()]
    assert 0 < len(gaps) <= 10
    ratio = gaps["每起警情巡逻时长（小时）"].tolist()
    assert ratio == sorted(ratio)
    teams = next(v for v in frames.values() if "队伍名称" in v.columns)
    top = wh.execute(f"select count(*) from patrols where planned_start_at >= ? "
                     f"and planned_start_at < ? and {DONE_BY} group by team_id "
                     f"order by 1 desc limit 1", [START, END, END]).fetchone()[0]
    assert teams["已完成任务"].iloc[0] == top and "参与人次" in teams.columns
    records = next(v for v in frames.values() if "任务编号" in v.columns)
    assert len(records) == 50 and set(records["状态"]) <= {"已完成", "进行中", "已取消", "待开始"}


def test_type_filter(fixture_warehouse, wh):
    at = patrols_page(pt_types=["护校"])
    n = wh.execute(f"select count(*) from patrols where planned_start_at >= ? "
                   f"and planned_start_at < ? and {DONE_BY} and patrol_type = '护校'",
                   [START, END, END]).fetchone()[0]
    assert metric(at, "已完成巡逻任务").value == fmt_count(n)
