"""社会组织 in a real browser: renders offline, map drawn, Chinese only; 1920×1080 screenshots."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import folium_frame, goto, mouse_click, screenshot, wait_ready


@pytest.mark.browser
def test_social_orgs_page_renders_offline(page, app_server):
    goto(page, app_server, "/social-orgs")
    # a session's first page run can outlast wait_ready's quiet window on a busy machine
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
    wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_role("heading", name="社会组织").count() >= 1
    metrics = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert any("在册社会组织" in m for m in metrics)
    frame = folium_frame(page)
    # community polygons and organization circles are both drawn
    assert frame.locator("path.leaflet-interactive").count() > 102
    assert "信用状态" in frame.locator("body").inner_text()
    # plotly charts drew their bars
    assert page.locator(".js-plotly-plot .bars path").count() > 0
    screenshot(page, "social_orgs_top")
    page.mouse.move(1100, 700)
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(800)
    screenshot(page, "social_orgs_middle")
    page.mouse.wheel(0, 1400)
    page.wait_for_timeout(800)
    screenshot(page, "social_orgs_bottom")
    # no raw column names in the visible text
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert not re.search(r"\b(org_count|org_name|credit_status|legal_form)\b", text)


@pytest.mark.browser
def test_social_orgs_filters_live_in_the_url(page, app_server):
    goto(page, app_server, "/social-orgs?org_form=基金会")
    assert page.locator('[data-testid="stException"]').count() == 0
    caption = page.get_by_text(re.compile("基金会 \\d+ 家")).first.inner_text()
    assert "社会团体" not in caption


@pytest.mark.browser
def test_registration_bars_hover_in_chinese(page, app_server):
    # this year's registrations, by month: the hover names the month in Chinese, not "Nov 2026"
    goto(page, app_server, "/social-orgs?period=year")
    chart = page.locator(".st-key-org_reg_chart .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    bars = chart.locator(".barlayer .point path")
    assert bars.count() >= 6
    box = bars.nth(bars.count() - 1).bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 2)
    hover = page.locator(".hoverlayer .hovertext").first
    hover.wait_for(timeout=5_000)
    text = hover.text_content()
    assert re.search(r"\d{4}年\d{2}月", text) and "家" in text, text
    assert not re.search(r"[A-Za-z]", text), text
    screenshot(page, "social_orgs_year_registrations")
    # the other tab of the structure chart: staff and volunteers by category
    mouse_click(page, page.get_by_role("tab", name="人员与志愿者"))
    people = page.locator(".st-key-org_people_chart .js-plotly-plot .barlayer .trace")
    people.first.wait_for(timeout=10_000)
    assert people.count() == 2
    screenshot(page, "social_orgs_year_people")
