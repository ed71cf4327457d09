"""The record pages' map helper (command_center/ui/map_section.py): what it shades, the legend
it returns, and that the grid cells are asked for only when the grid is shown."""

from __future__ import annotations

import json

import folium
import pandas as pd
import pytest

from command_center.maps import base
from command_center.ui.map_section import count_map, shade_communities
from tests.every_page import open_page


def _codes() -> list[str]:
    return [f["properties"]["community_code"]
            for f in base.display_geojson(base.communities_geojson())["features"]]


def _fills(fmap: folium.Map) -> dict[str, tuple]:
    layer = next(c for c in fmap._children.values() if isinstance(c, folium.FeatureGroup))
    gj = next(c for c in layer._children.values() if isinstance(c, folium.GeoJson))
    return {f["properties"]["community_code"]: (f["properties"]["fill"], f["properties"]["tip"])
            for f in gj.data["features"]}


def test_shaded_communities_and_legend():
    codes = _codes()
    counts = pd.DataFrame({"community_code": codes[:4], "incident_count": [0, 3, 10, 40]})
    fmap = folium.Map()
    title, items, kind = shade_communities(
        fmap, counts, "incident_count", name="社区警情数", unit="起", palette=base.GREENS,
        tooltip=lambda p: f"{p['community_name']}:{p['value']}")
    assert (title, kind) == ("社区警情数（起）", "square")
    # classes over the communities above 0 only; the legend in the same palette
    breaks = base.class_breaks([3.0, 10.0, 40.0], digits=0)
    assert items == base.breaks_legend_items(breaks, base.GREENS)[:-1]
    fills = _fills(fmap)
    assert fills[codes[3]][0] == base.color_for(40.0, breaks, base.GREENS)
    assert fills[codes[3]][0] != fills[codes[1]][0]
    assert fills[codes[2]][1].endswith(":10.0")
    assert fills[codes[5]][1].endswith(":None")  # no row: no value


def test_count_map_asks_for_cells_only_on_the_grid():
    codes = _codes()
    hours = pd.DataFrame({"community_code": codes[:2], "patrol_hours": [2.0, 5.0]})

    def no_cells():
        raise AssertionError("cells asked for while communities are shaded")

    fmap, sections = count_map("community", hours, "patrol_hours", name="社区巡逻时长",
                               unit="小时", hover="巡逻", cells=no_cells, grid_name="签到密度",
                               grid_legend="网格签到次数")
    assert [s[0] for s in sections] == ["社区巡逻时长（小时）"]
    assert "巡逻 5 小时" in _fills(fmap)[codes[1]][1]

    cells = pd.DataFrame({"west": [120.5], "south": [27.5], "east": [120.505],
                          "north": [27.505], "task_count": [7]})
    fmap, sections = count_map("grid", hours, "patrol_hours", name="社区巡逻时长", unit="小时",
                               hover="巡逻", cells=lambda: cells, grid_name="签到密度",
                               grid_legend="网格签到次数", count_col="task_count",
                               tip="该网格本期签到 {n} 次")
    assert [s[0] for s in sections] == ["网格签到次数"]
    groups = [c for c in fmap._children.values() if isinstance(c, folium.FeatureGroup)]
    assert [g.layer_name for g in groups] == ["签到密度"]
    # the cell's tooltip, as folium writes it (JSON, non-ASCII escaped)
    assert json.dumps("该网格本期签到 7 次")[1:-1] in fmap.get_root().render()


@pytest.mark.parametrize("choice", ["community", "grid"])
def test_count_map_legend_is_a_list_the_page_can_extend(choice):
    frame = pd.DataFrame({"community_code": [], "incident_count": []})
    cells = pd.DataFrame({"west": [], "south": [], "east": [], "north": [], "incident_count": []})
    _, sections = count_map(choice, frame, "incident_count", name="社区警情数", unit="起",
                            hover="警情", cells=lambda: cells, grid_name="网格聚合",
                            grid_legend="网格警情数（起）")
    sections.append(("点位", [], "circle"))
    assert len(sections) == 2


@pytest.mark.parametrize(("page", "key"), [("views/incidents.py", "inc_map"),
                                           ("views/patrols.py", "pt_map"),
                                           ("views/disputes.py", None)])
def test_pages_draw_either_layer(fixture_warehouse, page, key):
    # AppTest does not render st_folium: this runs each page's map code on the fixture with
    # the community layer chosen (the default, grid, is run by the pages' own tests)
    # (矛盾纠纷 always shades its communities)
    at = open_page(page, state={key: "community"} if key else {})
    if key:
        assert at.segmented_control(key=key).value == "community"
    # app.py turns a page's exception into an error box with an error number
    assert not at.exception
    assert not [e.value for e in at.error if "页面出现错误" in e.value]
    assert any("地图" in s.value for s in at.subheader)
