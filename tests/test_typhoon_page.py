"""防台转移 page: figures against independent SQL on the fixture warehouse, and an active
typhoon added to a copy of it (the fixture only holds past typhoons)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from command_center import config
from command_center import typhoon as ty
from command_center.formatting import fmt_count, fmt_pct
from tests.every_page import open_page

MOVED = "status in ('已转移', '已返回')"


def _open(state: dict | None = None) -> AppTest:
    return open_page("views/typhoon.py", state=state, timeout=90)


@pytest.fixture(scope="module")
def at(fixture_warehouse):
    return _open()


def _metric(app, label: str):
    found = [m for m in app.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in app.metric]}"
    return found[0]


def _values(v) -> list:
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def _chart(app, trace_name: str) -> dict:
    for el in app.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        if any(t.get("name") == trace_name for t in spec["data"]):
            return spec
    raise AssertionError(f"no chart with a trace {trace_name!r}")


def _table(app, column: str) -> pd.DataFrame:
    for df in (d.value for d in app.dataframe):
        if column in df.columns:
            return df
    raise AssertionError(f"no table with column {column!r}")


def _progress(wh, tid, communities=()):
    where = "typhoon_id = ?" + (" and community_code in (select unnest(?))" if communities
                                else "")
    params = [tid, list(communities)] if communities else [tid]
    return wh.execute(
        "select sum(person_count), sum(person_count) filter (where status in "
        "('已转移', '已返回')), sum(person_count) filter (where status = '待转移'), "
        "sum(person_count) filter (where status = '拒绝转移'), count(*) filter "
        f"(where status = '待转移') from evacuations where {where}", params).fetchone()


def test_most_recent_typhoon_first_when_none_is_active(at, wh):
    latest = wh.execute("select typhoon_id from typhoons order by warning_start_at desc "
                        "limit 1").fetchone()[0]
    assert at.selectbox(key="ty_id").value == latest
    assert ":gray-badge[已解除]" in [m.value for m in at.markdown]


def test_progress_against_plan(at, wh):
    tid = at.selectbox(key="ty_id").value
    planned, moved, waiting, refused, households = _progress(wh, tid)
    assert planned > 0 and refused  # so 应转未转 (waiting + refused) differs from 待转移 alone
    assert _metric(at, "应转移").value == f"{planned:,}"
    assert _metric(at, "已转移").value == f"{moved:,}"
    # 应转未转 = 应转移 − 已转移 = 待转移 + 拒绝转移; exact person counts
    pending = _metric(at, "应转未转")
    assert pending.value == f"{planned - moved:,}"
    assert planned - moved == (waiting or 0) + refused
    assert f"其中待转移 {waiting or 0:,} 人（{households:,} 户）" in pending.proto.help
    assert _metric(at, "拒绝转移").value == f"{refused:,}"
    assert _metric(at, "转移率").value == fmt_pct(moved / planned)


def test_communities_worst_shortfall_first(at, wh):
    tid = at.selectbox(key="ty_id").value
    table = _table(at, "缺口人数")
    expected = wh.execute(
        "select c.community_name, sum(person_count) - coalesce(sum(person_count) filter "
        f"(where e.{MOVED}), 0) as gap from evacuations e join communities c using "
        "(community_code) where typhoon_id = ? group by 1 order by gap desc", [tid]).fetchall()
    assert len(table) == len(expected)
    assert table["缺口人数"].tolist() == [g for _, g in expected]
    assert table["缺口人数"].is_monotonic_decreasing
    worst = {name for name, gap in expected if gap == expected[0][1]}
    assert table.iloc[0]["社区"] in worst


def test_still_to_move_list_is_masked(wh):
    app = _open({"ty_id": "2106"})
    n = wh.execute("select count(*) from evacuations where typhoon_id = '2106' and "
                   "status = '待转移'").fetchone()[0]
    assert n > 0
    table = _table(app, "计划安置点")
    assert len(table) == n
    assert set(table["类别"]) <= {"危旧房", "低洼易涝", "工棚临房", "渔船渔排",
                                    "地质灾害隐患点", "景区游客", "其他"}
    for phone in table["联系电话"].dropna():
        assert "****" in phone and not re.search(r"\d{11}", phone)
    for name in table["联系人"].dropna():
        assert name[1:] == "*" * (len(name) - 1)
    planned, moved, pending, refused, households = _progress(wh, "2106")
    assert _metric(app, "应转移").value == f"{planned:,}"
    assert households == n


def test_community_filter(wh):
    tid = wh.execute("select typhoon_id from typhoons order by warning_start_at desc "
                     "limit 1").fetchone()[0]
    code = wh.execute("select community_code from evacuations where typhoon_id = ? group by 1 "
                      "order by sum(person_count) desc limit 1", [tid]).fetchone()[0]
    app = _open({"communities": [code]})
    planned, moved, *_ = _progress(wh, tid, [code])
    assert _metric(app, "应转移").value == f"{planned:,}"
    assert _metric(app, "已转移").value == f"{moved:,}"
    shelters = wh.execute("select count(*) from shelters where community_code = ?",
                          [code]).fetchone()[0]
    assert f"共 {shelters} 处场所" in _metric(app, "启用场所").proto.help


def _occupancy_by_hour(wh, tid) -> pd.Series:
    """Persons in shelters on each hour of the timeline, computed in pandas."""
    rec = wh.execute(
        "select person_count, transferred_at, returned_at from evacuations where typhoon_id = ? "
        f"and placement = '集中安置' and planned_shelter_id is not null and {MOVED} "
        "and transferred_at is not null", [tid]).df()
    start, end = wh.execute("select warning_start_at, warning_end_at from typhoons where "
                            "typhoon_id = ?", [tid]).fetchone()
    first = pd.Timestamp(min(start, rec["transferred_at"].min())).floor("h")
    last = max(end, rec["returned_at"].max())
    hours = pd.date_range(first, last, freq="h")
    occ = [int(rec.loc[(rec["transferred_at"] <= h) & (rec["returned_at"].isna() |
                                                       (rec["returned_at"] > h)),
                       "person_count"].sum()) for h in hours]
    return pd.Series(occ, index=hours)


def test_past_typhoon_shows_shelters_at_the_peak(wh):
    app = _open({"ty_id": "2106"})
    occ = _occupancy_by_hour(wh, "2106")
    peak_hour = occ.idxmax()
    assert app.slider(key="ty_at").value == peak_hour.to_pydatetime()
    # the 在场人数 at that moment, shelter by shelter
    per_shelter = wh.execute(
        "select planned_shelter_id, sum(person_count) from evacuations where typhoon_id = "
        f"'2106' and placement = '集中安置' and {MOVED} and transferred_at <= ? and "
        "(returned_at is null or returned_at > ?) group by 1",
        [peak_hour, peak_hour]).fetchall()
    assert _metric(app, "在场人数").value == fmt_count(sum(n for _, n in per_shelter))
    assert _metric(app, "启用场所").value == fmt_count(len(per_shelter))
    caps = dict(wh.execute("select shelter_id, capacity from shelters").fetchall())
    full = sum(1 for s, n in per_shelter if caps.get(s) and n >= caps[s])
    near = sum(1 for s, n in per_shelter if caps.get(s) and 0.9 * caps[s] <= n < caps[s])
    assert _metric(app, "已满场所").value == fmt_count(full)
    assert _metric(app, "将满场所").value == fmt_count(near)
    # moving the slider recomputes
    later = peak_hour + dt.timedelta(hours=12)
    app.slider(key="ty_at").set_value(later).run()
    assert _metric(app, "在场人数").value == fmt_count(occ[later])


def test_timeline(wh):
    app = _open({"ty_id": "2106"})
    spec = _chart(app, "累计转移")
    transferred = next(t for t in spec["data"] if t["name"] == "累计转移")
    returned = next(t for t in spec["data"] if t["name"] == "累计返回")
    in_shelter = next(t for t in spec["data"] if t["name"] == "集中安置在场")
    moved, back = wh.execute(
        "select sum(person_count), sum(person_count) filter (where returned_at is not null) "
        f"from evacuations where typhoon_id = '2106' and {MOVED} and transferred_at is not null"
    ).fetchone()
    assert _values(transferred["y"])[-1] == moved
    assert _values(returned["y"])[-1] == back
    occ = _occupancy_by_hour(wh, "2106")
    assert max(_values(in_shelter["y"])) == occ.max()
    assert spec["layout"]["xaxis"]["title"]["text"] == "时间"
    assert spec["layout"]["yaxis"]["title"]["text"] == "人数"


def test_compare_typhoons(at, wh):
    table = _table(at, "完成九成用时（小时）")
    n = wh.execute("select count(*) from typhoons").fetchone()[0]
    assert len(table) == n
    row = table[table["台风编号"] == "2106"].iloc[0]
    planned, moved, *_ = _progress(wh, "2106")
    assert row["已转移人数"] == moved
    rec = wh.execute(f"select person_count, transferred_at from evacuations where typhoon_id = "
                     f"'2106' and {MOVED} and transferred_at is not null order by "
                     "transferred_at, record_id").df()
    reached = rec.loc[rec["person_count"].cumsum() >= 0.9 * planned, "transferred_at"].iloc[0]
    start = wh.execute("select warning_start_at from typhoons where typhoon_id = '2106'"
                       ).fetchone()[0]
    hours = round((reached - start).total_seconds() // 60 / 60, 1)
    assert row["完成九成用时（小时）"] == f"{hours:g} 小时"
    # peak = most persons in shelters at any instant (just after some transfer)
    stays = wh.execute(
        "select person_count, transferred_at, returned_at from evacuations where typhoon_id = "
        f"'2106' and placement = '集中安置' and planned_shelter_id is not null and {MOVED} "
        "and transferred_at is not null").df()
    peak = max(int(stays.loc[(stays["transferred_at"] <= t) & (stays["returned_at"].isna() |
                                                              (stays["returned_at"] > t)),
                             "person_count"].sum()) for t in stays["transferred_at"].unique())
    assert row["峰值在场人数"] == peak


# ---------------------------------------------------------------- an active typhoon
@pytest.fixture()
def active_warehouse(tmp_path, fixture_warehouse, monkeypatch):
    """A copy of the fixture with typhoon 2699 in its warning window on 2026-11-20: shelter A
    full (100 %), shelter B nearly full (≥ 90 %), one household still to move, one returned."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, path)
    con = duckdb.connect(str(path))
    (a, cap_a, comm_a), (b, cap_b, comm_b) = con.execute(
        "select shelter_id, capacity, community_code from shelters where capacity >= 50 "
        "order by shelter_id limit 2").fetchall()
    con.execute("insert into typhoons values ('2699', '测试', 'Test', timestamp '2026-11-19 "
                "08:00', timestamp '2026-11-22 20:00', 'Ⅱ', null, false, 'Ⅱ')")
    near = int(np.ceil(cap_b * 0.92))
    rows = [
        ("T1", cap_a, comm_a, a, "集中安置", "已转移", "2026-11-19 10:00", None),
        ("T2", near, comm_b, b, "集中安置", "已转移", "2026-11-19 11:30", None),
        ("T3", 3, comm_a, a, "集中安置", "待转移", None, None),
        ("T4", 5, comm_b, b, "集中安置", "已返回", "2026-11-19 12:00", "2026-11-19 18:00"),
        ("T5", 4, comm_a, None, "投亲靠友", "已转移", "2026-11-19 13:00", None),
    ]
    for rid, n, comm, shelter, placement, status, moved_at, back_at in rows:
        con.execute(
            "insert into evacuations values (?, '2699', '危旧房', ?, ?, ?, ?, ?, "
            "timestamp '2026-11-19 08:30', ?, ?, '张三丰', '13912345678', null, null, false, "
            "'危旧房', ?, ?)",  # then the values as imported: category, placement, status
            [rid, n, comm, shelter, placement, status, moved_at, back_at, placement, status])
    con.close()
    monkeypatch.setenv("CC_PATHS_WAREHOUSE", str(path))
    config.settings.cache_clear()
    yield {"a": a, "cap_a": cap_a, "b": b, "cap_b": cap_b, "near": near}
    monkeypatch.undo()
    config.settings.cache_clear()


def test_active_typhoon_comes_first_with_occupancy_now(active_warehouse):
    w = active_warehouse
    app = _open()
    box = app.selectbox(key="ty_id")
    assert box.value == "2699"
    assert box.format_func("2699") == "2699 测试"
    assert ":red-badge[预警中]" in [m.value for m in app.markdown]
    assert _metric(app, "应转移").value == f"{w['cap_a'] + w['near'] + 3 + 5 + 4:,}"
    assert _metric(app, "应转未转").value == "3"  # T3 待转移, nobody refused
    assert _metric(app, "转移率").value == fmt_pct((w["cap_a"] + w["near"] + 5 + 4) /
                                                  (w["cap_a"] + w["near"] + 12))
    # now (2026-11-20, this hour): A and B occupied, the returned household gone
    now = config.now()
    assert app.slider(key="ty_at").value == now.replace(minute=0, second=0, microsecond=0)
    assert _metric(app, "在场人数").value == fmt_count(w["cap_a"] + w["near"])
    assert _metric(app, "已满场所").value == "1"
    assert _metric(app, "将满场所").value == "1"
    shelters = _table(app, "使用状态")
    status = dict(zip(shelters["场所名称"], shelters["使用状态"], strict=True))
    assert sorted(status.values()) == sorted(["已满", "将满"])
    # the timeline stops at now
    spec = _chart(app, "累计转移")
    assert pd.Timestamp(_values(spec["data"][0]["x"])[-1]) <= now


def test_typhoon_logic():
    now = dt.datetime(2026, 11, 20, 15, 0)
    rows = [
        {"typhoon_id": "1", "warning_start_at": dt.datetime(2026, 7, 1),
         "warning_end_at": dt.datetime(2026, 7, 3)},
        {"typhoon_id": "2", "warning_start_at": dt.datetime(2026, 11, 19),
         "warning_end_at": None},
        {"typhoon_id": "3", "warning_start_at": dt.datetime(2026, 12, 1),
         "warning_end_at": dt.datetime(2026, 12, 2)},
    ]
    assert ty.pick_default(rows, now) == "2"
    assert [r["typhoon_id"] for r in ty.ordered(rows, now)] == ["2", "1", "3"]
    assert ty.pick_default(rows[:1] + rows[2:], now) == "1"
    assert ty.fill_status(100, 100) == "已满"
    assert ty.fill_status(90, 100) == "将满"
    assert ty.fill_status(89, 100) == "使用中"
    assert ty.fill_status(0, 100) == "未使用"
    assert ty.fill_status(5, None) == "使用中"


def test_warm_rerun_shows_no_error(at):
    # its time is measured by scripts/bench_pages.py, not asserted here
    at.run()
    at.run()
    assert not at.exception


def test_track_and_hours_to_landfall(at, wh):
    """The chosen typhoon's track (the map layer itself is tested in test_typhoon_tracks.py;
    folium maps are not rendered in AppTest) and its progress read against the track's time."""
    tid = at.selectbox(key="ty_id").value
    n = wh.execute("select count(*) from typhoon_tracks where typhoon_id = ?", [tid]).fetchone()[0]
    assert n > 0
    captions = [c.value for c in at.caption]
    assert any(f"台风路径共 {n} 个定位点" in c for c in captions), captions
    # the marks the timeline covers (72/48/24/12/6 h before landfall, landfall), rising
    read = next(c for c in captions if c.startswith("按台风路径时间（距登陆）："))
    rates = [float(x) for x in re.findall(r"转移率 ([0-9.]+)%", read)]
    assert "登陆时：转移率 " in read and rates == sorted(rates) and len(rates) >= 2
