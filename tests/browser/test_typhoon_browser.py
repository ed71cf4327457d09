"""防台转移 in a real browser: renders offline, map drawn, timeline plotted; screenshots."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import folium_frame, goto, screenshot


@pytest.mark.browser
def test_typhoon_page_renders_offline(page, app_server):
    goto(page, app_server, "/typhoon")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("heading", name="防台转移").count() >= 1
    metrics = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert any("应转未转" in m for m in metrics)
    frame = folium_frame(page)
    assert frame.locator("path.leaflet-interactive").count() > 102  # communities + shelters
    assert "社区转移率" in frame.locator("body").inner_text()
    assert page.locator(".js-plotly-plot .scatterlayer .trace").count() >= 3
    screenshot(page, "typhoon_top")
    page.mouse.move(1100, 700)
    for name in ("typhoon_middle", "typhoon_lower", "typhoon_bottom"):
        page.mouse.wheel(0, 1000)
        page.wait_for_timeout(800)
        screenshot(page, name)
    # plotly's English toolbar does not appear over a chart under the mouse
    chart = page.locator(".st-key-ty_timeline_chart .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    assert page.locator(".js-plotly-plot .main-svg").count() >= 1  # the chart is drawn ...
    assert not any(m.is_visible() for m in page.locator(".modebar").all())  # ... no toolbar
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert not re.search(r"\b(persons_planned|shelter_name|transfer_rate|fill_status)\b", text)


@pytest.mark.browser
def test_typhoon_chosen_from_the_url(page, app_server):
    # a bound selectbox keeps its option's text in the URL
    goto(page, app_server, "/typhoon?ty_id=2106+烟花")
    assert page.locator('[data-testid="stException"]').count() == 0
    box = page.locator('[data-testid="stSelectbox"] input').first
    assert box.input_value() == "2106 烟花"
    assert "2021年7月22日" in page.locator('[data-testid="stMain"]').inner_text()
    screenshot(page, "typhoon_2106")


@pytest.mark.browser
def test_map_says_where_the_storm_is(page, app_server, wh):
    """Under the shelters map (which stays on the county), where the storm's centre was at the
    moment viewed, seen from the county: direction and distance of its last observation."""
    import datetime as dt
    import json

    import shapely
    from pyproj import Geod
    from shapely.geometry import shape

    from tests.fixtures_ingest.helpers import GEO

    goto(page, app_server, "/typhoon")
    folium_frame(page)
    caption = page.get_by_text("台风中心位于").first
    caption.wait_for(timeout=30_000)
    text = caption.inner_text()
    m = re.search(r"(\d{4})年(\d+)月(\d+)日 (\d{2}):(\d{2})：台风中心位于县域以?(\S+?)约 "
                  r"([\d,]+) 公里（(\d+)月(\d+)日 (\d{2})时观测", text)
    assert m, text
    at = dt.datetime(*map(int, m.groups()[:5]))
    tid = page.locator('[data-testid="stSelectbox"] input').first.input_value().split()[0]
    seen, lon, lat = wh.execute(
        "select observed_at, lon, lat from typhoon_tracks where typhoon_id = ? "
        "and observed_at <= ? and observed_at >= ? order by observed_at desc limit 1",
        [tid, at, at - dt.timedelta(hours=12)]).fetchone()
    assert (seen.month, seen.day, seen.hour) == tuple(map(int, m.groups()[7:10]))
    county = json.loads((GEO / "county.geojson").read_text(encoding="utf-8"))
    inside = shapely.point_on_surface(shapely.union_all(
        [shape(f["geometry"]) for f in county["features"]]))
    azimuth, _, metres = Geod(ellps="WGS84").inv(inside.x, inside.y, lon, lat)
    km = float(m.group(7).replace(",", ""))
    assert abs(km - metres / 1000) <= 0.01 * metres / 1000 + 1
    eight = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")
    assert m.group(6) == eight[round((azimuth % 360) / 45) % 8]
    page.get_by_text("台风中心位于").first.scroll_into_view_if_needed()
    screenshot(page, "typhoon_map_storm")
