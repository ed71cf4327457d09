"""The wall display in chromium: fits 1920×1080 and 3840×2160 without scrollbars or clipping,
draws the map offline, refreshes values in place after an import, survives a server restart."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from command_center.warehouse import now_local
from tests.browser.conftest import (
    FIXTURE_TODAY,
    AppServer,
    county_outline,
    folium_frame,
    goto,
    screenshot,
)

VIEWPORTS = {"1080p": (1920, 1080), "4k": (3840, 2160), "spliced": (5760, 2160)}

LAYOUT_JS = """() => {
  const s = document.scrollingElement;
  const scrollers = [...document.querySelectorAll('*')].filter(e => {
    const cs = getComputedStyle(e);
    return (['auto', 'scroll'].includes(cs.overflowY) && e.scrollHeight > e.clientHeight + 1)
        || (['auto', 'scroll'].includes(cs.overflowX) && e.scrollWidth > e.clientWidth + 1);
  }).map(e => e.dataset.testid || e.className);
  const boxes = [...document.querySelectorAll(
      '.wall-title, .wall-tile, .wall-box, .wall-legend, iframe, .wall-tile .val')]
    .map(e => { const b = e.getBoundingClientRect();
      return {cls: (e.className || e.tagName).toString().slice(0, 40), left: b.left, top: b.top,
              right: b.right, bottom: b.bottom, sw: e.scrollWidth, cw: e.clientWidth}; });
  return {sw: s.scrollWidth, sh: s.scrollHeight, cw: s.clientWidth, ch: s.clientHeight,
          iw: innerWidth, ih: innerHeight, scrollers, boxes};
}"""


def _kpi(page, kpi: str) -> str:
    return page.locator(f'[data-kpi="{kpi}"] .val').first.get_attribute("data-value")


def _check_layout(page):
    r = page.evaluate(LAYOUT_JS)
    assert r["sw"] <= r["cw"] and r["sh"] <= r["ch"], r
    assert r["scrollers"] == [], r["scrollers"]
    assert len(r["boxes"]) >= 8
    for b in r["boxes"]:
        assert b["left"] >= 0 and b["top"] >= 0, b
        assert b["right"] <= r["iw"] + 0.5 and b["bottom"] <= r["ih"] + 0.5, b
    # tiles do not overlap each other (side by side or one above the other)
    tiles = [b for b in r["boxes"] if b["cls"].startswith("wall-tile")]
    for i, a in enumerate(tiles):
        for b in tiles[i + 1:]:
            apart = (a["bottom"] <= b["top"] + 0.5 or b["bottom"] <= a["top"] + 0.5
                     or a["right"] <= b["left"] + 0.5 or b["right"] <= a["left"] + 0.5)
            assert apart, (a, b)
    # the big numerals are not cut
    for b in r["boxes"]:
        if b["cls"] == "val":
            assert b["sw"] <= b["cw"] + 1, b
    return r


MARKER_SIZES_JS = r"""() => {
  const radii = [...document.querySelectorAll('path.leaflet-interactive')]
    .map(p => /a([\d.]+),/.exec(p.getAttribute('d') || '')).filter(Boolean)
    .map(m => parseFloat(m[1]));
  const bar = document.querySelector('.leaflet-control-scale').getBoundingClientRect();
  return {circles: radii.length, radius: Math.min(...radii) / innerHeight,
          bar: bar.height / innerHeight};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_wall_fits_the_screen_and_draws_the_map(page, app_server, size):
    width, height = VIEWPORTS[size]
    page.set_viewport_size({"width": width, "height": height})
    goto(page, app_server, "/wall?embed=true")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stSidebar"]').is_hidden()
    frame = folium_frame(page)
    paths = frame.locator("path.leaflet-interactive").count()
    assert paths >= 102, paths  # the communities (+ points)
    assert county_outline(frame) == "#7fb2ff"  # loaded from its file, light on the dark wall
    # Leaflet fills the frame (sized in viewport units)
    frame_box = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()
    assert frame_box["height"] > 0.75 * height
    _check_layout(page)
    # big numerals: the KPI value is at least 5% of the screen height
    size_px = page.locator('[data-kpi="incidents_today"] .val').evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size_px >= 0.05 * height
    # markers and the scale bar grow with the screen (Leaflet draws them in pixels): the same
    # share of the map's height at 1080p and at 4K
    sizes = frame.evaluate(MARKER_SIZES_JS)
    assert sizes["circles"] > 0, sizes
    assert sizes["radius"] >= 0.003 and sizes["bar"] >= 0.014, sizes
    page.wait_for_timeout(1500)  # let Leaflet finish its fit
    screenshot(page, f"wall_{size}")


@pytest.mark.browser
def test_wall_panels_fit_at_1080p(page, app_server):
    for panel in ("incidents", "disputes", "typhoon"):
        goto(page, app_server, f"/wall?embed=true&panel={panel}")
        assert page.locator(f'[data-panel="{panel}"]').count() == 1
        _check_layout(page)
        screenshot(page, f"wall_panel_{panel}")


@pytest.mark.browser
@pytest.mark.parametrize("size", ["1080p", "4k"])
def test_wall_text_scales_with_the_screen_and_is_not_cut(page, app_server, size):
    """At 1920×1080 and 3840×2160: dispute types written whole (not 道路交…), text sizes a
    share of the screen height (so 4K is not tiny), and the typhoon panel without a warning
    in force shows the season, the last typhoon and the shelters (not an empty box)."""
    width, height = VIEWPORTS[size]
    page.set_viewport_size({"width": width, "height": height})
    goto(page, app_server, "/wall?embed=true&panel=disputes")
    labels = page.locator(".wall-bars .row .k")
    assert labels.count() >= 5
    cut = labels.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1"
        " || e.getBoundingClientRect().width < 1).map(e => e.textContent)")
    assert cut == []
    size_px = labels.first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size_px >= 0.018 * height
    badge_px = page.locator(".wall-badge").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert badge_px >= 0.018 * height
    _check_layout(page)
    screenshot(page, f"wall_disputes_{size}")

    goto(page, app_server, "/wall?embed=true&panel=typhoon")
    box = page.locator('[data-box="typhoon"]')
    assert "当前无生效的台风预警" in box.inner_text()
    assert box.locator(".wall-tile").count() >= 3  # 本年台风, 避灾安置场所, 最近一次
    assert box.locator(".wall-bars .row").count() >= 1  # capacity by shelter level
    assert "最近一次" in box.inner_text()
    _check_layout(page)
    screenshot(page, f"wall_typhoon_standby_{size}")


# ------------------------------------------------------------------ refresh and restart
@pytest.fixture()
def wall_server(fixture_warehouse, tmp_path):
    served = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, served)
    cfg = tmp_path / "wall.toml"
    cfg.write_text("[refresh]\ninterval_seconds = 2\nmap_interval_seconds = 2\n",
                   encoding="utf-8")
    server = AppServer(served, "wall_server.log", CC_WALL_CONFIG=str(cfg)).start()
    yield server, served
    server.stop()


def _import_incidents(served: Path, n: int, today: dt.date) -> None:
    """What an import does: write a new warehouse file and swap it in with os.replace."""
    new = served.with_name(served.name + ".new")
    shutil.copy(served, new)
    con = duckdb.connect(str(new))
    try:
        code = con.execute("select min(community_code) from communities").fetchone()[0]
        lon, lat = con.execute("select centroid_lon, centroid_lat from communities "
                               "where community_code = ?", [code]).fetchone()
        for i in range(n):
            con.execute(
                "insert into incidents (incident_id, reported_at, source, category, status, "
                "community_code, lon, lat, location_is_approx) "
                "values (?, ?, '110', '治安', '待受理', ?, ?, ?, false)",
                [f"WALLTEST{i:04d}", dt.datetime.combine(today, dt.time(0, 5 + i)), code,
                 lon, lat])
        con.execute("insert into import_log values (?, 'incidents', 'walltest.csv', ?, ?, 0, ?, 0, 0, null)",
                    [now_local(), n, n, n])
    finally:
        con.close()
    os.replace(new, served)


@pytest.mark.browser
def test_wall_refreshes_in_place_after_an_import_and_survives_a_restart(page, wall_server):
    server, served = wall_server
    goto(page, server.url, "/wall?embed=true")
    frame = folium_frame(page)
    page.evaluate("window.__wallMarker = 'same page'")
    frame.evaluate("window.__mapMarker = 'same map'")
    before_today = int(_kpi(page, "incidents_today").replace(",", ""))
    before_open = int(_kpi(page, "incidents_open").replace(",", ""))

    _import_incidents(served, 7, dt.date.fromisoformat(FIXTURE_TODAY))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        if int(_kpi(page, "incidents_today").replace(",", "")) != before_today:
            break
    assert int(_kpi(page, "incidents_today").replace(",", "")) == before_today + 7
    assert int(_kpi(page, "incidents_open").replace(",", "")) == before_open + 7
    # no page reload, and the Leaflet map inside the component was not re-mounted
    assert page.evaluate("window.__wallMarker") == "same page"
    frame = folium_frame(page)
    assert frame.evaluate("window.__mapMarker") == "same map"
    # the freshly imported file turns the badge green
    assert page.locator('.wall-badge[data-status="ok"]').count() == 1
    screenshot(page, "wall_after_import")

    # server restart: within one refresh interval (2 s here, plus the browser's own detection)
    # the badge says 连接中断 instead of a green 数据更新于; the browser reconnects by itself,
    # the badge and the wall come back
    server.stop()
    page.wait_for_selector('[data-testid="stApp"]:not([data-test-connection-state="CONNECTED"])',
                           state="attached", timeout=30_000)
    badge_text = ("() => { const b = document.querySelector('.wall-badge');"
                  " return b && getComputedStyle(b, '::after').content; }")
    page.wait_for_function(f"({badge_text})().includes('连接中断')", timeout=2_000 + 3_000)
    screenshot(page, "wall_disconnected")
    server.start()
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]',
                           state="attached", timeout=60_000)
    page.wait_for_function(f"!String(({badge_text})()).includes('连接中断')", timeout=10_000)
    page.wait_for_selector('[data-kpi="incidents_today"]', timeout=30_000)
    assert int(_kpi(page, "incidents_today").replace(",", "")) == before_today + 7
    assert page.evaluate("window.__wallMarker") == "same page"
    folium_frame(page)
    # and it keeps refreshing after the restart
    _import_incidents(served, 3, dt.date.fromisoformat(FIXTURE_TODAY))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        if int(_kpi(page, "incidents_today").replace(",", "")) == before_today + 10:
            break
    assert int(_kpi(page, "incidents_today").replace(",", "")) == before_today + 10
