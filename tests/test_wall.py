"""The wall display (大屏): settings and rotation logic, and the page on the fixture warehouse."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from command_center import config, figures
from command_center import wall as w
from command_center.formatting import fmt_count

# ------------------------------------------------------------------ settings


def test_repository_wall_toml_is_valid():
    cfg = w.load_config(config.ROOT / "wall.toml")
    assert cfg.refresh_seconds == 60
    assert cfg.amber_minutes < cfg.red_minutes
    assert [s.panel for s in cfg.playlist] == ["map", "incidents", "disputes", "typhoon",
                                                "patrols"]
    assert cfg.rotate is False and cfg.panels == ["map"]


def test_env_names_another_config_file(tmp_path, monkeypatch):
    path = tmp_path / "wall.toml"
    path.write_text("[refresh]\ninterval_seconds = 3\n[rotation]\nenabled = true\n"
                    "panels = [{panel = 'typhoon', seconds = 10}]\n", encoding="utf-8")
    monkeypatch.setenv("CC_WALL_CONFIG", str(path))
    cfg = w.load_config()
    assert cfg.refresh_seconds == 3
    assert cfg.rotate and cfg.panels == ["typhoon"]


@pytest.mark.parametrize("text, message", [
    ("[refresh]\ninterval_seconds = 0\n", "interval_seconds"),
    ("[freshness]\namber_minutes = 60\nred_minutes = 30\n", "red_minutes"),
    ("[rotation]\npanels = [{panel = 'weather', seconds = 30}]\n", "rotation.panels 第1项"),
    ("[rotation]\npanels = [{panel = 'map', seconds = 1}]\n", "seconds"),
])
def test_wrong_settings_are_refused_in_chinese(tmp_path, text, message):
    path = tmp_path / "wall.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(w.WallConfigError, match=message):
        w.load_config(path)


def test_parse_playlist():
    assert w.parse_playlist("map:60, incidents:30,一张图:20") == (
        w.Slot("map", 60), w.Slot("incidents", 30), w.Slot("map", 20))
    assert w.parse_playlist("typhoon") == (w.Slot("typhoon", 60),)
    for bad in ("", "weather:30", "map:x", "map:2"):
        with pytest.raises(w.WallConfigError):
            w.parse_playlist(bad)


def test_url_overrides_and_their_errors():
    cfg = w.WallConfig()
    c, problems = w.apply_query(cfg, {"rotate": "map:40,typhoon:20", "refresh": "10"})
    assert problems == [] and c.rotate and c.refresh_seconds == 10
    assert c.panels == ["map", "typhoon"]
    c, problems = w.apply_query(cfg, {"panel": "防台转移"})
    assert c.panels == ["typhoon"] and problems == []
    c, problems = w.apply_query(cfg, {"rotate": "nope:3", "refresh": "1", "panel": "x"})
    assert c == cfg and len(problems) == 3
    assert all(re.search(r"[\u4e00-\u9fff]", p) for p in problems)


def test_tick_is_the_refresh_or_the_gcd_of_the_playlist():
    assert w.tick_seconds(w.WallConfig(refresh_seconds=60)) == 60
    cfg = w.WallConfig(refresh_seconds=60, rotate=True,
                       playlist=(w.Slot("map", 120), w.Slot("incidents", 45)))
    assert w.tick_seconds(cfg) == 15
    cfg = w.WallConfig(refresh_seconds=60, rotate=True,
                       playlist=(w.Slot("map", 61), w.Slot("incidents", 60)))
    assert w.tick_seconds(cfg) == 5  # never every second


def test_rotation_advances_and_pauses_on_an_active_typhoon():
    cfg = w.WallConfig(rotate=True, playlist=(w.Slot("map", 30), w.Slot("typhoon", 10),
                                              w.Slot("incidents", 10)))
    s = w.advance(cfg, None, 1000.0)
    assert w.current_panel(cfg, s) == "map"
    assert w.current_panel(cfg, w.advance(cfg, s, 1029.9)) == "map"
    s = w.advance(cfg, s, 1030.0)
    assert w.current_panel(cfg, s) == "typhoon"
    assert w.current_panel(cfg, w.advance(cfg, s, 1041.0)) == "incidents"
    # 35 s later, still on the typhoon panel while a typhoon is active
    held = w.advance(cfg, s, 1065.0, typhoon_active=True)
    assert w.current_panel(cfg, held) == "typhoon"
    # no pause when not configured
    nopause = w.WallConfig(rotate=True, pause_on_typhoon=False, playlist=cfg.playlist)
    assert w.current_panel(nopause, w.advance(nopause, s, 1041.0, typhoon_active=True)) == \
        "incidents"
    # a long sleep wraps around without looping forever
    assert w.current_panel(cfg, w.advance(cfg, s, 1e9)) in w.PANELS


def test_freshness_turns_amber_then_red():
    now = dt.datetime(2026, 11, 20, 12, 0)
    ok = w.freshness(now - dt.timedelta(minutes=30), now, 60, 240)
    amber = w.freshness(now - dt.timedelta(minutes=61), now, 60, 240)
    red = w.freshness(now - dt.timedelta(hours=5), now, 60, 240)
    assert (ok.status, amber.status, red.status) == ("ok", "amber", "red")
    assert ok.text == "数据更新于 11月20日 11:30"
    assert amber.text.endswith("（1小时前）") and red.text.endswith("（5小时前）")
    assert w.freshness(None, now, 60, 240).status == "unknown"


def test_latest_list_pages_through_the_rows():
    assert [w.page_of(20, 8, 2, t) for t in range(4)] == [(0, 1), (8, 2), (0, 1), (8, 2)]
    assert w.page_of(5, 8, 2, 1) == (0, 1)  # one page only
    assert w.page_of(0, 8, 2, 3) == (0, 1)


def test_minute_floor():
    t = dt.datetime(2026, 11, 20, 13, 47, 31)
    assert w.minute_floor(t) == dt.datetime(2026, 11, 20, 13, 47)
    assert w.minute_floor(t, 300) == dt.datetime(2026, 11, 20, 13, 45)


# ------------------------------------------------------------------ the page (AppTest)
def _con(path):
    # the same connection settings as the query runner: DuckDB refuses a second connection to
    # one file with different settings in one process. The SQL below is independent.
    return duckdb.connect(str(path), read_only=True,
                          config={"enable_external_access": False, "threads": 2})


def _tiles(at) -> dict[str, str]:
    out = {}
    for md in at.markdown:
        for kpi, value in re.findall(r'data-kpi="([a-z_]+)".*?data-value="([^"]*)"', md.value,
                                     re.S):
            out[kpi] = value
    return out


def _run_wall(query: str = ""):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=60)
    at.run()
    at.switch_page("views/wall.py")
    if query:
        for part in query.split("&"):
            k, _, v = part.partition("=")
            at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_wall_page_figures_match_the_warehouse(fixture_warehouse):
    now = config.now()  # pinned by tests/conftest.py (CC_CLOCK_NOW): 2026-11-20 12:30
    assert now == dt.datetime(2026, 11, 20, 12, 30)
    at = _run_wall()
    tiles = _tiles(at)
    assert set(tiles) >= {"incidents_today", "incidents_open", "dispute_success",
                          "risk_red_yellow"}
    page = "\n".join(md.value for md in at.markdown)
    con = _con(fixture_warehouse)
    try:
        midnight = dt.datetime.combine(now.date(), dt.time())
        count = ("select count(*) from incidents where reported_at >= ? and reported_at < ?")
        # 今日警情: 0:00 until now; the sample's records after 12:30 are not counted
        today_n = con.execute(count, [midnight, now]).fetchone()[0]
        whole_day = con.execute(count, [midnight, midnight + dt.timedelta(days=1)]).fetchone()[0]
        assert whole_day > today_n
        assert int(tiles["incidents_today"].replace(",", "")) == today_n
        # its baseline: the previous 4 same weekdays, 0:00 until the same time of day
        weeks = [con.execute(count, [midnight - dt.timedelta(weeks=k),
                                     now - dt.timedelta(weeks=k)]).fetchone()[0]
                 for k in range(1, 5)]
        base = sum(weeks) / 4
        c = (today_n - base) / base * 100
        change = "持平" if round(c, 1) == 0 else f"{c:+.1f}%"
        cls = "up" if change.startswith("+") else "down" if change.startswith("-") else ""
        assert (f"近4周同日均值 {figures.value_text('incidents_today_baseline', base)} · "
                f'<span class="{cls}">{change}</span>') in page
        # 在办警情: open at now whatever the report date, including cases closed after now
        open_n = con.execute(
            "select count(*) from incidents where reported_at < ? and not (status in "
            "('已办结', '已退回') and (closed_at is null or closed_at < ?))", [now, now]
        ).fetchone()[0]
        by_status = con.execute("select count(*) from incidents where status in "
                                "('待受理', '处置中') and reported_at < ?", [now]).fetchone()[0]
        assert open_n > by_status  # some were closed after now: still open at now
        assert int(tiles["incidents_open"].replace(",", "")) == open_n
        # 调解成功率（本年）: disputes received this year until now, concluded (调解成功 / 调解不成功
        # / 已转诉讼, not 已撤回) by now
        year = dt.datetime(now.year, 1, 1)
        ok, concluded = con.execute(
            "select count(*) filter (where status = '调解成功'), count(*) from disputes "
            "where status in ('调解成功','调解不成功','已转诉讼') and received_at >= ? "
            "and received_at < ? and (closed_at is null or closed_at < ?)",
            [year, now, now]).fetchone()
        assert concluded >= 20
        assert tiles["dispute_success"] == f"{ok / concluded * 100:.1f}%"
        # 在办纠纷: every dispute open at now, whenever received
        open_disputes = con.execute(
            "select count(*) from disputes where received_at < ? and not (status in "
            "('调解成功','调解不成功','已转诉讼','已撤回') and (closed_at is null or closed_at < ?))",
            [now, now]).fetchone()[0]
        assert (f"本年受理已办结 {fmt_count(concluded)} 件 · 在办纠纷 {fmt_count(open_disputes)} 件"
                in page)
        assert "矛盾纠纷调解成功率（本年）" in page
        # latest incidents: time, category, community — and no personal data anywhere
        latest = con.execute(
            "select i.reported_at, c.community_name, i.reporter_name, i.reporter_phone "
            "from incidents i join communities c using (community_code) "
            "where reported_at < ? order by reported_at desc, incident_id desc limit 5",
            [now]).fetchall()
    finally:
        con.close()
    assert "龙港市" in page and "最新警情" in page
    # the page note reads apart from the title (it ran together: 最新警情第1/2页)
    assert re.search(r"最新警情 <small>第\d+/\d+页</small>", page)
    assert all(" <small>" in h3 for h3 in re.findall(r"<h3>(.*?)</h3>", page) if "<small>" in h3)
    for reported_at, community, name, phone in latest:
        assert f"{reported_at:%H:%M}</td>" in page and community in page
        if name:
            assert name not in page
        if phone:
            assert phone not in page and phone[-4:] + "<" not in page
    assert re.search(r'data-status="(ok|amber|red)"', page)
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]+>", "", page)), "English on the wall"


def test_wall_red_yellow_count_matches_the_risk_model(fixture_warehouse):
    from command_center import risk
    from command_center.periods import Period

    at = _run_wall()
    now = config.now()
    today = now.date()
    # 本月 until now, as the 预警页 and the briefing assess it
    df = risk.assess(Period(today.replace(day=1), today, step="month").cut(now),
                     warehouse=fixture_warehouse).scores
    red, yellow = (int((df["level"] == lv).sum()) for lv in ("红", "黄"))
    assert _tiles(at)["risk_red_yellow"] == f"{red} / {yellow}"


@pytest.fixture()
def typhoon_clock(monkeypatch):
    """The dashboard's clock during 烟花 (2106): its warning is in force on 2021-07-25."""
    monkeypatch.setenv("CC_CLOCK_NOW", "2021-07-25")
    config.settings.cache_clear()
    yield
    monkeypatch.undo()
    config.settings.cache_clear()


def test_wall_shows_evacuation_progress_during_a_typhoon(fixture_warehouse, typhoon_clock):
    at = _run_wall()
    tiles = _tiles(at)
    con = _con(fixture_warehouse)
    try:
        planned, moved = con.execute(
            "select sum(person_count), sum(person_count) filter (where status in "
            "('已转移','已返回')) from evacuations where typhoon_id = '2106'").fetchone()
    finally:
        con.close()
    assert tiles["evacuation"] == f"{moved / planned * 100:.1f}%"
    at2 = _run_wall("panel=typhoon")
    t2 = _tiles(at2)
    assert t2["typhoon_planned"] == f"{planned:,}" if planned < 10_000 else t2["typhoon_planned"]
    assert "应转未转最多的社区" in "\n".join(md.value for md in at2.markdown)


@pytest.mark.parametrize("panel", ["incidents", "disputes", "typhoon", "patrols"])
def test_every_panel_renders(fixture_warehouse, panel):
    at = _run_wall(f"panel={panel}")
    page = "\n".join(md.value for md in at.markdown)
    assert f'data-panel="{panel}"' in page


def test_patrols_panel_tiles_match_independent_counts(fixture_warehouse):
    """平安乐巡 panel: today's tasks done by now (0:00 to the clock's 12:30, while the
    fixture's tasks run on to 23:59) and the people checked in and not yet out at now."""
    at = _run_wall("panel=平安乐巡")  # a panel is found by its Chinese title too
    tiles = _tiles(at)
    now = config.now()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    con = _con(fixture_warehouse)
    try:
        done = con.execute("select count(*) from patrols where planned_start_at >= ? "
                           "and planned_start_at < ? and status = '已完成' and ended_at < ?",
                           [start, now, now]).fetchone()[0]
        people = con.execute("select coalesce(sum(participant_count), 0) from patrols "
                             "where status in ('进行中', '已完成') and started_at < ? "
                             "and (ended_at is null or ended_at >= ?)", [now, now]).fetchone()[0]
    finally:
        con.close()
    assert done > 0
    assert tiles["patrols_done_today"] == f"{done:,}"
    assert tiles["patrol_people_now"] == f"{people:,}"
    page = "\n".join(md.value for md in at.markdown)
    assert 'data-box="patrols_by_hour"' in page and 'data-box="patrols_active"' in page
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"<[^>]+>", "", page)), "English on the wall"


def test_rotation_from_the_url_and_bad_values_are_reported(fixture_warehouse):
    at = _run_wall("rotate=incidents:30,map:30")
    assert 'data-panel="incidents"' in "\n".join(md.value for md in at.markdown)
    at = _run_wall("rotate=weather:30")
    page = "\n".join(md.value for md in at.markdown)
    assert "设置有误已忽略" in page and 'data-panel="map"' in page


def test_wall_warm_rerun_shows_no_error(fixture_warehouse):
    # its time is measured by scripts/bench_pages.py, not asserted here
    at = _run_wall()
    at.run()
    assert not at.exception
