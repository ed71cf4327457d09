"""一张图 in a real browser: the map draws offline (county + 102 communities), layers and legend
in Chinese, clicking a community fills the side panel and lands in the URL."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import (
    click_path,
    county_outline,
    folium_frame,
    goto,
    screenshot,
    wait_ready,
)

pytestmark = pytest.mark.browser
CODE = "330383001030"


def _no_exception(page):
    assert page.locator('[data-testid="stException"]').count() == 0


def test_overview_map_draws_offline(page, app_server):
    goto(page, app_server, "/")
    _no_exception(page)
    frame = folium_frame(page)
    # 102 community polygons (+ dispute circles): SVG paths in the iframe; the county outline
    # comes from its published file, under them, not interactive
    assert frame.locator("path.leaflet-interactive").count() >= 102
    assert county_outline(frame) == "#3a4a5c"
    switcher = frame.locator(".leaflet-control-layers").inner_text()
    for name in ("社区警情率（每千人）", "警情密度", "在办矛盾纠纷", "社会组织", "避灾安置场所",
                 "平安乐巡"):
        assert name in switcher
    assert "社区每千人警情" in frame.locator("body").inner_text()
    scale = frame.locator(".leaflet-control-scale-line").inner_text()
    assert "公里" in scale or "米" in scale, scale
    assert "km" not in scale and not scale.rstrip().endswith(" m"), scale
    height = page.locator('iframe[title="streamlit_folium.st_folium"]').bounding_box()["height"]
    assert height > 400  # a failed asset collapses the iframe to 0
    for label in ("今日警情", "本期警情", "未办结警情", "纠纷受理", "调解成功率", "社会组织"):
        assert page.get_by_text(label, exact=True).count() >= 1
    screenshot(page, "overview_default")


def test_clicking_a_community_opens_the_panel(page, app_server):
    goto(page, app_server, "/")
    folium_frame(page)
    assert page.get_by_text("社区警情率排行").count() == 1
    # interactive paths: the communities in file order; a real click, as a person makes
    click_path(page, 30)
    page.wait_for_url("**ov_community=*", timeout=30_000)
    wait_ready(page)
    _no_exception(page)
    assert page.locator("h4", has_text="📍").count() == 1
    assert page.get_by_text("查看专题（已按该社区筛选）").count() == 1
    assert page.get_by_text("社区警情率排行").count() == 0
    folium_frame(page)
    screenshot(page, "overview_community_clicked")
    # the selection survives a reload (it lives in the URL)
    url = page.url
    page.reload()
    wait_ready(page)
    assert page.url == url
    assert page.locator("h4", has_text="📍").count() == 1


def test_shared_link_with_community(page, app_server):
    goto(page, app_server, f"/?ov_community={CODE}")
    _no_exception(page)
    assert page.locator("h4", has_text="📍").count() == 1
    # the panel's links (the sidebar's 预警 count is a page link too)
    links = page.locator('[data-testid="stMain"] [data-testid="stPageLink"] a')
    assert links.count() >= 1
    for href in links.evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert f"communities={CODE}" in href
    # the panel's category bars: axis ticks and title inside the chart (a bottom margin of 0
    # clipped them), whole-number ticks for a count
    chart = page.locator(".st-key-ov_cats .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    labels = chart.locator(".xtick text, .g-xtitle text")
    assert labels.count() >= 3
    for label in labels.all():
        b = label.bounding_box()
        assert box["y"] <= b["y"] and b["y"] + b["height"] <= box["y"] + box["height"] + 0.5, \
            (label.text_content(), b, box)
    ticks = chart.locator(".xtick text").all_text_contents()
    assert all(re.fullmatch(r"[\d,]+", t) for t in ticks), ticks


@pytest.mark.browser
def test_kpi_cards_in_a_row_are_equally_tall(page, app_server):
    """本期警情 carries a sparkline and was taller than its neighbours."""
    goto(page, app_server, "/?period=7d")
    heights = page.locator('[data-testid="stMetric"]').evaluate_all(
        "els => els.slice(0, 6).map(e => Math.round(e.getBoundingClientRect().height))")
    assert len(heights) == 6 and max(heights) - min(heights) <= 1, heights
