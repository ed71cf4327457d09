"""工作简报 in a real browser: renders with no external request (the page fixture fails on
any), the PDF export downloads, and print media hides the sidebar and the controls."""

from __future__ import annotations

import pytest

from tests.browser.conftest import goto, screenshot, wait_ready


@pytest.mark.browser
def test_briefing_renders_offline_and_exports(page, app_server):
    goto(page, app_server, "/")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("工作简报").click()
    page.wait_for_url("**/briefing")
    wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    doc = page.locator(".st-key-brf_doc")
    assert doc.get_by_role("heading", name="龙港市平安治理工作月报").count() == 1
    assert doc.get_by_text("本月全市共接报警情").count() == 1
    page.locator(".stPlotlyChart").first.wait_for(timeout=30_000)
    screenshot(page, "briefing")

    button = page.locator('[data-testid="stDownloadButton"]').filter(has_text="导出 PDF")
    with page.expect_download(timeout=60_000) as info:
        button.click()
    assert info.value.suggested_filename == "龙港市平安治理工作月报_2026-10-01至2026-10-31.pdf"
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"%PDF") and len(raw) > 20_000

    # print: no sidebar, no controls, no buttons; the document itself stays
    page.emulate_media(media="print")
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator(".st-key-brf_controls").is_visible()
    assert not button.is_visible()
    assert doc.is_visible()
    screenshot(page, "briefing_print")
    page.emulate_media(media="screen")


@pytest.mark.browser
def test_briefing_typhoon_quarter_lower_half(page, app_server):
    goto(page, app_server, "/")
    page.locator('[data-testid="stSidebarNav"]').get_by_text("工作简报").click()
    page.wait_for_url("**/briefing")
    wait_ready(page)
    page.locator('[data-testid="stButtonGroup"]').get_by_text("季报").click()
    wait_ready(page)
    field = page.locator('.st-key-brf_controls [data-testid="stDateInput"]')
    # a new type starts at its last complete period
    assert field.locator('input[type="date"]').input_value() == "2026-09-30"
    field.locator('[role="spinbutton"][data-type="year"]').click()
    page.keyboard.type("20250715")  # year, month, day segments: focus moves on by itself
    page.locator(".st-key-brf_controls").get_by_text("简报类型").click()  # commits on blur
    page.wait_for_function("() => location.search.includes('brf_date=2025-07-15')",
                           timeout=30_000)
    wait_ready(page)
    assert "brf_kind=quarter" in page.url and "brf_date=2025-07-15" in page.url
    doc = page.locator(".st-key-brf_doc")
    assert doc.get_by_role("heading", name="龙港市平安治理工作季报").count() == 1
    section = doc.get_by_role("heading", name="五、防台转移")
    assert section.count() == 1
    section.scroll_into_view_if_needed()
    page.wait_for_timeout(800)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, "briefing_typhoon")
