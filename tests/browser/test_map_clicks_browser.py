"""Clicking a community with a real mouse, as a person does, on every clickable map.

A synthetic ``click`` event (``dispatch_event``) cannot see what went wrong here: Leaflet
focuses the map on mousedown, the focus scrolled the page a little to bring the map's iframe
into view, the polygon under the pointer moved before mouseup, and the browser sent the click
to the SVG ``<g>`` instead of the polygon (so 9 of 16 communities never opened their panel).
These tests press and release the mouse straight away at a point the browser hit-tests to each
community's polygon, for all 102 communities, without reloading between clicks.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from command_center.maps.base import communities_geojson
from tests.browser.conftest import folium_frame, goto, wait_ready

pytestmark = pytest.mark.browser

# a point inside the index-th interactive path that the browser hit-tests to that path
# (the most central of a grid of candidates); null when none of the grid's points hit it
HIT_POINT = """(i) => {
  const p = [...document.querySelectorAll('path.leaflet-interactive')][i];
  const b = p.getBoundingClientRect();
  const cx = b.left + b.width / 2, cy = b.top + b.height / 2;
  for (const n of [8, 16, 32]) {
    const hits = [];
    for (let gx = 1; gx < n; gx++) for (let gy = 1; gy < n; gy++) {
      const x = b.left + b.width * gx / n, y = b.top + b.height * gy / n;
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      if (document.elementFromPoint(x, y) === p) hits.push([x, y]);
    }
    if (hits.length) {
      hits.sort((a, c) => Math.hypot(a[0] - cx, a[1] - cy) - Math.hypot(c[0] - cx, c[1] - cy));
      return hits[0];
    }
  }
  return null;
}"""


def _communities() -> list[tuple[str, str]]:
    return [(f["properties"]["community_code"], f["properties"]["community_name"])
            for f in communities_geojson()["features"]]


def _quick_click(page, path_index: int) -> None:
    """Press and release at once over the path, at a point hit-tested to it (the map's frame
    is looked up afresh: a rerun may have mounted a new one)."""
    wait_ready(page)
    frame = folium_frame(page)
    page.mouse.move(2, 2)  # off the map: the last community's tooltip closes
    frame.locator(".leaflet-tooltip").first.wait_for(state="hidden", timeout=5_000)
    point = frame.evaluate(HIT_POINT, path_index)
    assert point is not None, f"path {path_index}: no point of it is visible"
    box = page.locator('iframe[title="streamlit_folium.st_folium"]').first.bounding_box()
    x, y = box["x"] + point[0], box["y"] + point[1]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()


def _community_paths(frame) -> int:
    # paths: [0] the county boundary, then the communities in file order, then points
    n = frame.locator("path.leaflet-interactive").count()
    assert n >= 1 + len(_communities())
    return n


def test_every_community_opens_its_panel_on_the_first_real_click(page, app_server):
    goto(page, app_server, "/")
    frame = folium_frame(page)
    _community_paths(frame)
    missed = []
    for i, (code, name) in enumerate(_communities(), start=1):
        _quick_click(page, i)
        try:
            page.wait_for_url(f"**ov_community={code}*", timeout=10_000)
            page.locator("h4", has_text=f"📍 {name}").wait_for(timeout=10_000)
        except Exception:  # collected and reported below
            missed.append(name)
    assert missed == [], f"a first click did not open the panel of: {missed}"


def _spread_sample(n: int) -> list[tuple[int, str]]:
    """(path index, name) of ``n`` communities spread over the map: ordered west to east by
    their polygon's mean vertex, then taken at even steps."""
    feats = communities_geojson()["features"]

    def mean_lon(f) -> float:
        ring = f["geometry"]["coordinates"]
        while isinstance(ring[0][0], list):  # (multi)polygon: the first outer ring
            ring = ring[0]
        return sum(p[0] for p in ring) / len(ring)

    order = sorted(range(len(feats)), key=lambda i: mean_lon(feats[i]))
    step = len(order) / n
    picked = [order[int(k * step)] for k in range(n)]
    return [(i + 1, feats[i]["properties"]["community_name"]) for i in picked]


def test_risk_map_click_selects_the_community(page, app_server):
    """A real click on a community of the 四色预警 map shows it in the 12-month history's 社区
    box (12 communities spread over the map, one after another without reloading)."""
    goto(page, app_server, "/risk")
    frame = folium_frame(page)
    _community_paths(frame)
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text("社区", exact=True))
    assert box.count() == 1
    shown = box.locator("input")  # the selected community is the combobox input's value
    sample = _spread_sample(12)
    missed = []
    for i, name in sample:
        _quick_click(page, i)
        try:
            expect(shown).to_have_value(name, timeout=10_000)
        except AssertionError:  # collected and reported below
            missed.append(name)
    assert missed == [], f"a first click did not select: {missed}"
