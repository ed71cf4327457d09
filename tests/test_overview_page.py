"""一张图 (overview): page figures against independent SQL on the fixture warehouse, the
overview queries, the map's layers and payload bound."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from command_center import headline
from command_center.formatting import fmt_count
from command_center.periods import Period, resolve
from queries import run_query_uncached
from tests.every_page import open_page

FIXTURE_NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py (CC_CLOCK_NOW)
MONTH = resolve("month", FIXTURE_NOW)  # default preset 本月: 11-01 0:00 … 11-20 12:30
assert MONTH.params() == {"start": dt.datetime(2026, 11, 1), "end": FIXTURE_NOW}
CODE = "330383001030"
# written independently of queries/_staging.sql: open at the moment bound to ? (a case closed
# after it was still open then)
INCIDENT_OPEN_AT = ("(status in ('待受理', '处置中') or (status in ('已办结', '已退回') "
                    "and closed_at >= ?))")
DISPUTE_OPEN_AT = ("(status in ('已受理', '调处中') or (status in "
                   "('调解成功', '调解不成功', '已转诉讼', '已撤回') and closed_at >= ?))")


def _run(warehouse):
    return lambda name, **kw: run_query_uncached(name, warehouse, **kw)


def _count(wh, sql: str, *params) -> int:
    return wh.execute(sql, list(params)).fetchone()[0]


@pytest.fixture(scope="module")
def at(fixture_warehouse):
    return open_page("views/overview.py", timeout=90)


def _metric(app, label: str, nth: int = 0):
    found = [m for m in app.metric if m.label == label or m.label.startswith(label)]
    assert len(found) > nth, f"no metric {label!r}: {[m.label for m in app.metric]}"
    return found[nth]


def test_kpis_match_independent_counts(at, wh):
    start, end = MONTH.start_at, MONTH.end_before
    n = _count(wh, "select count(*) from incidents where reported_at >= ? and reported_at < ?",
               start, end)
    assert n > 0
    assert _metric(at, "本期警情").value == fmt_count(n)
    open_n = _count(wh, "select count(*) from incidents where reported_at >= ? and "
                        f"reported_at < ? and {INCIDENT_OPEN_AT}", start, end, end)
    assert _metric(at, "未办结警情").value == fmt_count(open_n)
    d = _count(wh, "select count(*) from disputes where received_at >= ? and received_at < ?",
               start, end)
    assert _metric(at, "纠纷受理").value == fmt_count(d)
    orgs = _count(wh, "select count(*) from social_orgs where status = '正常' and "
                      "(registered_on is null or cast(registered_on as timestamp) < ?)", end)
    assert _metric(at, "在册社会组织").value == fmt_count(orgs)
    # 同比 delta: against the same dates of 2025 until the same time (12:30)
    ya = MONTH.year_ago()
    assert ya.params() == {"start": dt.datetime(2025, 11, 1),
                           "end": dt.datetime(2025, 11, 20, 12, 30)}
    first = _count(wh, "select cast(min(reported_at) as date) from incidents")
    n_ya = _count(wh, "select count(*) from incidents where reported_at >= ? and "
                      "reported_at < ?", ya.start_at, ya.end_before)
    m = _metric(at, "本期警情")
    if first > ya.start:
        assert m.delta == "同比无可比数据"
    elif n_ya and round((n - n_ya) / n_ya * 100, 1) != 0:
        assert m.delta == f"{(n - n_ya) / n_ya * 100:+.1f}%"
    else:
        assert m.delta in ("0", "同比无可比数据")


def test_success_rate_and_today(at, wh):
    start, end = MONTH.start_at, MONTH.end_before
    # 调解成功 ÷ (调解成功 + 调解不成功 + 已转诉讼), closed before the window's end (已撤回 not
    # in the base)
    ok, concluded = wh.execute(
        "select count(*) filter (where status = '调解成功'), count(*) filter (where status in "
        "('调解成功', '调解不成功', '已转诉讼')) from disputes where received_at >= ? and "
        "received_at < ? and (closed_at < ? or closed_at is null)", [start, end, end]).fetchone()
    assert concluded >= 20  # above the registry's min_sample: the rate is quoted
    assert _metric(at, "调解成功率").value == f"{ok / concluded * 100:.1f}%"
    # 今日警情: today 0:00 until now (12:30), not the records stamped later that day
    day = dt.datetime(2026, 11, 20)
    today_n = _count(wh, "select count(*) from incidents where reported_at >= ? and "
                         "reported_at < ?", day, FIXTURE_NOW)
    full_day = _count(wh, "select count(*) from incidents where reported_at >= ? and "
                          "reported_at < ?", day, day + dt.timedelta(days=1))
    assert today_n < full_day  # the fixture has records after now
    m = _metric(at, "今日警情")
    assert m.value == fmt_count(today_n)
    # against the mean of the previous 4 same weekdays, 0:00 until 12:30
    base = sum(_count(wh, "select count(*) from incidents where reported_at >= ? and "
                          "reported_at < ?", day - dt.timedelta(weeks=k),
                      FIXTURE_NOW - dt.timedelta(weeks=k)) for k in range(1, 5)) / 4
    if base and round((today_n - base) / base * 100, 1) != 0:
        assert m.delta == f"{(today_n - base) / base * 100:+.1f}%"
    elif base:
        assert m.delta == "0"


def test_no_typhoon_card_in_november(at):
    assert not [m for m in at.metric if "转移进度" in m.label]


def test_selected_community_panel(fixture_warehouse, wh):
    app = AppTest.from_file("../app.py", default_timeout=90)
    app.query_params["ov_community"] = CODE
    app.run()
    assert not app.exception, app.exception
    name = wh.execute("select community_name from communities where community_code = ?",
                      [CODE]).fetchone()[0]
    assert any(name in md.value for md in app.markdown)
    n = _count(wh, "select count(*) from incidents where community_code = ? and reported_at >= ? "
                   "and reported_at < ?", CODE, MONTH.start_at, MONTH.end_before)
    assert _metric(app, "本期警情", nth=1).value == fmt_count(n)
    orgs = _count(wh, "select count(*) from social_orgs where community_code = ? and status = "
                      "'正常' and (registered_on is null or cast(registered_on as timestamp) < ?)",
                  CODE, MONTH.end_before)
    assert _metric(app, "在册社会组织", nth=1).value == fmt_count(orgs)
    # 期末在办纠纷 of the community: open at the period's end, whenever received
    open_d = _count(wh, "select count(*) from disputes where community_code = ? and "
                        f"received_at < ? and {DISPUTE_OPEN_AT}", CODE, MONTH.end_before,
                    MONTH.end_before)
    assert _metric(app, "期末在办纠纷").value == fmt_count(open_d)
    # the panel's links (the sidebar's alert count links to 预警, without a community)
    links = app.main.get("page_link")
    assert links, "no links to topic pages"
    for link in links:
        assert f"communities={CODE}" in link.proto.query_string
    # clearing the selection drops it from the URL
    app.button(key="ov_clear").click().run()
    assert "ov_community" not in app.query_params
    assert not [m for m in app.metric if m.label == "每千人警情"]


def test_unknown_community_in_url_is_ignored(fixture_warehouse):
    app = AppTest.from_file("../app.py", default_timeout=90)
    app.query_params["ov_community"] = "nope"
    app.run()
    assert not app.exception
    assert not [m for m in app.metric if m.label == "每千人警情"]


# ------------------------------------------------------------------ queries


def test_evacuation_progress_for_a_typhoon_period(fixture_warehouse, wh):
    july = Period(dt.date(2025, 7, 1), dt.date(2025, 7, 31))
    df = run_query_uncached("overview/evacuation_by_typhoon", fixture_warehouse,
                            start=july.start_at, end=july.end_before, communities=[])
    expected_ids = [r[0] for r in wh.execute(
        "select typhoon_id from typhoons where warning_start_at < ? and "
        "coalesce(warning_end_at, warning_start_at + interval 3 day) >= ? "
        "order by warning_start_at desc", [july.end_before, july.start_at]).fetchall()]
    assert expected_ids, "the fixture has a typhoon in July 2025"
    assert df["typhoon_id"].tolist() == expected_ids
    tid = expected_ids[0]
    planned, moved = wh.execute(
        "select coalesce(sum(person_count), 0), coalesce(sum(person_count) filter (where status "
        "in ('已转移', '已返回')), 0) from evacuations where typhoon_id = ?", [tid]).fetchone()
    row = df.iloc[0]
    assert (int(row["persons_planned"]), int(row["persons_moved"])) == (planned, moved)
    nov = run_query_uncached("overview/evacuation_by_typhoon", fixture_warehouse,
                             start=MONTH.start_at, end=MONTH.end_before, communities=[])
    assert nov.empty


def test_figures_by_community(fixture_warehouse, wh):
    df = run_query_uncached("overview/figures_by_community", fixture_warehouse,
                            start=MONTH.start_at, end=MONTH.end_before, communities=[CODE])
    assert len(df) == 102
    assert df["is_selected"].sum() == 1 and df.loc[df["is_selected"], "community_code"].item() == CODE
    total = _count(wh, "select count(*) from incidents where reported_at >= ? and reported_at < ? "
                       "and community_code is not null", MONTH.start_at, MONTH.end_before)
    assert df["incident_count"].sum() == total
    row = df.set_index("community_code").loc[CODE]
    pop = _count(wh, "select population from communities where community_code = ?", CODE)
    assert row["rate_per_1000"] == pytest.approx(row["incident_count"] * 1000 / pop, abs=0.01)
    shelters = _count(wh, "select count(*) from shelters where community_code = ?", CODE)
    assert row["shelter_count"] == shelters


def test_density_cells_sum_to_located_incidents(fixture_warehouse, wh):
    year = resolve("year", FIXTURE_NOW)
    cells = run_query_uncached("overview/incident_density_by_cell", fixture_warehouse,
                               start=year.start_at, end=year.end_before, communities=[],
                               cell_deg=0.005)
    located = _count(wh, "select count(*) from incidents where reported_at >= ? and "
                         "reported_at < ? and lon is not null and lat is not null and "
                         "not coalesce(location_is_approx, false)", year.start_at, year.end_before)
    assert cells["incident_count"].sum() == located
    assert len(cells) < 3000  # bounded by the county's area, not the data
    assert ((cells["east"] - cells["west"]).round(6) == 0.005).all()


def test_kpi_queries_respect_community_filter(fixture_warehouse, wh):
    # the headline figures of 一张图 (incidents/totals, disputes/totals via command_center.headline)
    run = _run(fixture_warehouse)
    inc = headline.incidents(run, MONTH, [CODE])
    n = _count(wh, "select count(*) from incidents where community_code = ? and reported_at >= ? "
                   "and reported_at < ?", CODE, MONTH.start_at, MONTH.end_before)
    assert n > 0 and inc["incident_count"] == n
    prev = MONTH.previous()
    assert prev.params() == {"start": dt.datetime(2026, 10, 1),
                             "end": dt.datetime(2026, 10, 20, 12, 30)}
    n_prev = _count(wh, "select count(*) from incidents where community_code = ? and "
                        "reported_at >= ? and reported_at < ?", CODE, prev.start_at, prev.end_before)
    assert headline.incidents(run, prev, [CODE])["incident_count"] == n_prev
    # the 环比 window's open cases as of its own end
    open_prev = _count(wh, "select count(*) from incidents where community_code = ? and "
                           f"reported_at >= ? and reported_at < ? and {INCIDENT_OPEN_AT}",
                       CODE, prev.start_at, prev.end_before, prev.end_before)
    assert headline.incidents(run, prev, [CODE])["unclosed_count"] == open_prev
    dis = headline.disputes(run, MONTH, [CODE])
    d = _count(wh, "select count(*) from disputes where community_code = ? and received_at >= ? "
                   "and received_at < ?", CODE, MONTH.start_at, MONTH.end_before)
    assert dis["dispute_count"] == d


def test_open_disputes_are_bounded(fixture_warehouse, wh):
    df = run_query_uncached("overview/open_disputes_by_point", fixture_warehouse,
                            end=MONTH.end_before, communities=[], limit=5)
    total = _count(wh, f"select count(*) from disputes where {DISPUTE_OPEN_AT} and "
                       "received_at < ? and lon is not null and lat is not null",
                   MONTH.end_before, MONTH.end_before)
    assert total > 5
    assert len(df) == min(5, total)
    if total:
        assert int(df["total_open"].iloc[0]) == total
        assert "party_names" not in df.columns


# ------------------------------------------------------------------ map


def _overview_map(warehouse, period: Period, selected=None):
    from command_center.maps import layers

    p = {"start": period.start_at, "end": period.end_before, "communities": []}
    q = lambda name, **kw: run_query_uncached(name, warehouse, **kw)  # noqa: E731
    return layers.overview_map(
        q("overview/figures_by_community", **p),
        q("overview/incident_density_by_cell", **p, cell_deg=0.005),
        q("overview/open_disputes_by_point", end=period.end_before, communities=[], limit=1000),
        q("overview/social_orgs_by_point", end=period.end_before, communities=[], limit=2000),
        q("overview/shelters_by_point", communities=[]),
        selected=selected,
        patrols=q("patrols/patrols_by_cell", **p, patrol_types=[], cell_deg=0.005),
    )


def test_map_layers_payload_and_offline(fixture_warehouse):
    from command_center.maps import layers
    from command_center.maps.offline import make_offline

    year = resolve("year", FIXTURE_NOW)
    m = make_offline(_overview_map(fixture_warehouse, year, selected=CODE))
    html = m.get_root().render()
    assert layers.payload_bytes(m) < 2_000_000
    for name in layers.LAYER_NAMES.values():  # the layer switcher holds them JSON-escaped
        assert name in html or json.dumps(name)[1:-1] in html, name
    assert "社区每千人警情" in html and "红色风险" in html
    tip = "该网格本期巡逻签到"  # the 平安乐巡 layer has cells (hidden until switched on)
    assert tip in html or json.dumps(tip)[1:-1] in html
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "code.jquery" not in html
    assert html.count('"community_code"') >= 102


def test_community_from_tooltip():
    from command_center.maps.layers import community_from_tooltip

    names = pd.DataFrame({"community_code": ["a", "b"], "community_name": ["龙港社区", "港社区"],
                          "area_name": ["龙港片区", "芦浦片区"]})
    assert community_from_tooltip("龙港社区龙港片区 · 人口 4,121", names) == "a"
    assert community_from_tooltip("龙港社区\n龙港片区 · 人口", names) == "a"
    assert community_from_tooltip("港社区芦浦片区", names) == "b"
    assert community_from_tooltip("龙港社区志愿者协会社会团体", names) is None
    assert community_from_tooltip("该网格本期警情 3 件", names) is None
    assert community_from_tooltip(None, names) is None


def test_risk_tooltip_read_back_without_its_line_break():
    """The 四色预警 tooltip as the browser returns it (name run into the level line) names the
    community; the old reading (first line == name) missed every click."""
    from command_center.maps.layers import community_from_tooltip

    names = pd.DataFrame({"community_code": ["a", "b"], "community_name": ["龙港社区", "港社区"]})
    tip = "龙港社区预警等级 红 · 风险分 61.7主要得分项：警情率 27.6"
    assert community_from_tooltip(tip, names, with_area=False) == "a"
    assert community_from_tooltip("港社区\n预警等级 蓝", names, with_area=False) == "b"
    assert community_from_tooltip("海港社区预警等级 红", names, with_area=False) is None


def test_legend_breaks_are_written_sensibly():
    """Many communities at 0 (今日): the legend read "≤ 0.00, 0.00–0.29". Now a class of zeros
    reads 0, a class starts one unit above the last bound, one precision throughout, and
    every value lies in its class as written."""
    import re

    from command_center.maps.base import breaks_legend_items, class_breaks

    rates = [0.0] * 60 + [0.213, 0.29, 0.31, 0.52, 0.8, 1.004]
    breaks = class_breaks(rates, digits=2)
    labels = [t for _, t in breaks_legend_items(breaks, digits=2)][:-1]
    assert labels[0] == "0.00" and len(labels) >= 4
    assert "≤ 0.00" not in labels and not any(t.startswith("0.00 –") for t in labels)
    for t in labels:
        nums = re.findall(r"[\d.,]+", t)
        assert all(re.fullmatch(r"\d[\d,]*\.\d\d", n) for n in nums), labels  # 2 decimals
        if len(nums) == 2:
            assert float(nums[0]) < float(nums[1]), labels
    for v in rates:  # a value is in the class whose label covers it
        i = next(k for k, b in enumerate(breaks) if v <= b)
        nums = [float(n) for n in re.findall(r"[\d.]+", labels[i])]
        assert nums[0] - 1e-9 <= round(v, 2) <= nums[-1] + 1e-9 or labels[i].startswith("≤")
    counts = [0, 1, 1, 2, 3, 4, 7, 9, 12]
    labels = [t for _, t in breaks_legend_items(class_breaks(counts, digits=0))][:-1]
    assert all("." not in t for t in labels) and "0 – 1" not in labels
