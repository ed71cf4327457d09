"""平安乐巡 in a real browser: renders offline, the check-in map drawn, Chinese only; and the
大屏's 平安乐巡 panel fits 1080p. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import folium_frame, goto, screenshot, wait_ready
from tests.browser.test_wall_browser import _check_layout, _kpi

RAW = re.compile(r"\b(done_count|participant_count|patrol_hours|team_name|task_id|"
                 r"community_name|hours_per_incident|None|nan|NaN)\b")


@pytest.mark.browser
def test_patrols_page_renders_offline(page, app_server):
    goto(page, app_server, "/patrols")
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
    wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_role("heading", name="平安乐巡").count() >= 1
    metrics = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    for label in ("已完成巡逻任务", "参与人次", "巡逻时长", "覆盖社区数", "在岗巡逻人数"):
        assert any(label in m for m in metrics), (label, metrics)
    frame = folium_frame(page)
    assert frame.locator("path.leaflet-interactive").count() > 10  # check-in cells
    assert "签到" in frame.locator("body").inner_text()
    assert page.locator(".js-plotly-plot .scatterlayer path").count() > 0
    screenshot(page, "patrols_top")
    page.mouse.move(360, 700)  # the main area's margin: the wheel scrolls, never zooms the map
    for name in ("patrols_middle", "patrols_lower", "patrols_bottom"):
        page.mouse.wheel(0, 900)
        page.wait_for_timeout(800)
        screenshot(page, name)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert not RAW.search(text), RAW.search(text)


@pytest.mark.browser
def test_wall_patrols_panel_fits_at_1080p(page, app_server):
    goto(page, app_server, "/wall?embed=true&panel=patrols")
    assert page.locator('[data-panel="patrols"]').count() == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    _check_layout(page)
    assert int(_kpi(page, "patrols_done_today").replace(",", "")) > 0
    assert _kpi(page, "patrol_people_now")
    screenshot(page, "wall_panel_patrols")
