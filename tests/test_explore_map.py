"""数据探索 as a map: the builder's per-community measure, density grid and points against SQL
written here; bounded payloads; the page draws every dataset's map in Chinese (AppTest)."""

from __future__ import annotations

import datetime as dt

import pytest

from command_center import explore as ex
from command_center.explore import Filter, Question
from command_center.ui import explore_url as url
from tests.test_explore_page import ASCII_WORD, open_page, qp

NOW = dt.datetime(2026, 11, 20, 12, 30)
YEAR = (dt.datetime(2026, 1, 1), NOW)
MINE = ("330383001030", "330383001031", "330383001032")


def run(sql_params, wh_path, scope=None):
    return ex.run_uncached(*sql_params, wh_path, scope=scope, unmasked=False)


def test_measure_by_community_ignores_the_question_dims(fixture_warehouse, wh):
    q = Question("disputes", dims=("received_at.month", "risk_level"), top=3,
                 measure="median.amount_yuan", window=YEAR,
                 filters=(Filter("dispute_type", "in", ("合同", "婚姻家庭")),))
    df = run(ex.build_by_community(q), fixture_warehouse)
    want = dict(wh.execute(
        "select coalesce(community_code, '（空）'), median(amount_yuan) from disputes "
        "where received_at >= ? and received_at < ? and dispute_type in ('合同', '婚姻家庭') "
        "group by 1", list(YEAR)).fetchall())
    assert len(want) > 5
    got = dict(zip(df["community_code"], df["value"], strict=True))
    assert got.keys() == want.keys()
    assert all(abs(got[k] - want[k]) < 1e-6 for k in want if want[k] is not None)


def test_grid_counts_every_located_record_once(fixture_warehouse, wh):
    q = Question("incidents", window=YEAR, filters=(Filter("category", "in", ("交通",)),))
    cells = run(ex.build_cells(q), fixture_warehouse)
    located = wh.execute(
        "select count(*) from incidents where reported_at >= ? and reported_at < ? "
        "and category = '交通' and lon is not null and lat is not null", list(YEAR)).fetchone()[0]
    assert located > 100 and int(cells["n"].sum()) == located
    assert len(cells) <= ex.CELLS_MAX
    assert ((cells["east"] - cells["west"]).round(9) == ex.CELL_DEG).all()
    assert list(cells["n"]) == sorted(cells["n"], reverse=True)
    few = run(ex.build_cells(q, limit=7), fixture_warehouse)
    assert len(few) == 7 and list(few["n"]) == list(cells["n"][:7])


def test_points_are_capped_and_scoped(fixture_warehouse, wh):
    q = Question("disputes", window=YEAR)
    pts = run(ex.build_points(q, limit=50), fixture_warehouse)
    assert len(pts) == 50 and {"dispute_id", "lon", "lat", "received_at", "dispute_type"} <= set(
        pts.columns)
    mine = run(ex.build_points(q), fixture_warehouse, scope=MINE)
    codes = {c for (c,) in wh.execute(
        "select community_code from disputes where list_contains(?, dispute_id)",
        [list(mine["dispute_id"])]).fetchall()}
    assert len(mine) <= ex.POINTS_MAX and codes <= set(MINE)


def test_a_dataset_without_place_is_refused():
    with pytest.raises(ex.ExploreError):
        ex.build_by_community(Question("typhoons"))
    with pytest.raises(ex.ExploreError):
        ex.build_cells(Question("typhoons"))


def test_map_mode_in_the_link():
    assert url.want("incidents", [], "count", 10, "map", True, [], "grid")["map"] == "grid"
    assert "map" not in url.want("incidents", [], "count", 10, "map", True, [], "community")
    assert "map" not in url.want("incidents", [], "count", 10, "bar", True, [], "grid")
    assert url.read({"show": "map", "map": "grid"}.get, lambda k: [])["map"] == "grid"
    assert "map" not in url.read({"map": "<b>"}.get, lambda k: [])


@pytest.mark.parametrize("ds", ["incidents", "disputes", "social_orgs", "shelters",
                                "evacuations", "communities", "typhoons"])
@pytest.mark.parametrize("mode", ["community", "grid"])
def test_every_dataset_as_a_map_reads_chinese(fixture_warehouse, ds, mode):
    at = open_page({"ds": ds, "show": "map", "map": mode, "win": "0"})
    shown = " ".join([*(c.value for c in at.main.caption), *(i.value for i in at.info)])
    assert "None" not in shown and "nan" not in shown
    for word in ("Excel", "CSV", "SQL", "SELECT", "WITH"):  # button names and SQL keywords
        shown = shown.replace(word, "")
    assert not ASCII_WORD.search(shown), shown
    if ds == "typhoons":
        assert "不能以地图显示" in shown
    else:
        assert "单条点位" in shown or "社区按" in shown
    if mode == "grid" and ds not in ("typhoons",):
        assert qp(at, "map") == ["grid"]


def test_grouped_by_nothing_survives_the_link():
    """No ``by`` in a link is the dataset's default grouping; 不分组 is written by=-."""
    link = url.want("disputes", [], "fig.dispute_success_rate", 10, "bar", True, [])
    assert link["by"] == "-"
    assert url.read(link.get, lambda k: [link[k]] if k in link else [])["by"] == []
    assert "by" not in url.read({}.get, lambda k: [])


def test_a_figure_by_community_leaves_short_samples_uncoloured(fixture_warehouse, wh):
    """调解成功率 per community this month: the communities with fewer concluded cases than the
    figure's minimum are not shaded (样本不足), and the map says how many."""
    from command_center.figures import FIGURES

    need = FIGURES["dispute_success_rate"].min_sample
    at = open_page({"ds": "disputes", "show": "map", "map": "community",
                    "m": "fig.dispute_success_rate"})
    month = (dt.datetime(2026, 11, 1), NOW)
    short = wh.execute(
        "select count(*) from (select community_code from disputes where received_at >= ? "
        "and received_at < ? group by 1 having count(*) filter (where status in "
        "('调解成功', '调解不成功', '已转诉讼') and coalesce(closed_at < ?, true)) < ?)",
        [*month, NOW, need]).fetchone()[0]
    assert short > 0
    captions = " ".join(c.value for c in at.main.caption)
    assert f"{short} 个社区少于 {need} 件，样本不足，不着色" in captions
