"""数据探索 in a real browser: a question built with the mouse is in the URL, and the URL opened
in a fresh browser context (no session state) shows the same numbers."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import goto, guarded_context, mouse_click, screenshot, wait_ready
from tests.signing_in import sign_in

pytestmark = pytest.mark.browser


def _pick(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True))
    box.first.wait_for(timeout=20_000)  # drawn again after the link's first run
    assert box.count() == 1, label
    mouse_click(page, box.locator("input"))
    page.keyboard.type(option)  # the list is virtualised: narrow it to the option first
    mouse_click(page, page.locator('[role="option"]').filter(has_text=option).first)
    wait_ready(page)


def _numbers(page) -> tuple[list[str], str]:
    """The bar labels (plotly's SVG text) and the caption with the record count."""
    page.locator(".js-plotly-plot text.bartext").first.wait_for(timeout=20_000)
    bars = page.locator(".js-plotly-plot text.bartext").all_inner_texts()
    caption = next(t for t in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
                   if "符合条件的记录" in t)
    return bars, caption


def test_question_built_with_the_mouse_reopens_from_its_link(page, app_server, browser,
                                                             external_requests):
    goto(page, app_server, "/explore?ds=disputes")
    _pick(page, "分组维度一", "调解方式")
    _pick(page, "统计", "当事人数合计")
    bars, caption = _numbers(page)
    assert len(bars) >= 3 and "矛盾纠纷" in caption
    link = page.url
    assert "by=mediation_channel" in link and "m=sum.parties_count" in link
    screenshot(page, "explore")

    context = guarded_context(browser, external_requests, sign_in("analyst"))
    try:
        fresh = context.new_page()
        fresh.goto(link, wait_until="domcontentloaded")
        wait_ready(fresh)
        assert fresh.locator('[data-testid="stException"]').count() == 0
        assert _numbers(fresh) == (bars, caption)
    finally:
        context.close()


def test_time_series_link_draws_year_ago_and_reads_chinese(page, app_server):
    goto(page, app_server, "/explore?by=reported_at.day&show=line"
         "&f=severity~in~一般|较大&f=summary~contains~纠纷")
    assert page.locator('[data-testid="stException"]').count() == 0
    page.locator(".js-plotly-plot text.legendtext").first.wait_for(timeout=20_000)
    legend = " ".join(page.locator(".js-plotly-plot g.legend text.legendtext").all_text_contents())
    assert "本期" in legend and "去年同期" in legend
    main = page.locator('[data-testid="stMain"]').inner_text()
    # button names, SQL keywords and the expanders' icon (a ligature drawn as an arrow)
    for word in ("Excel", "CSV", "SQL", "SELECT", "WITH", "keyboard_arrow_right"):
        main = main.replace(word, "")
    assert not re.search(r"[A-Za-z]{3,}|\bNone\b|\bnan\b", main), main[:500]
    assert "事件等级：一般、较大" in main and "事件描述包含“纠纷”" in main
    assert "2026-11-06" in main  # a day without records is drawn as 0, not skipped
    screenshot(page, "explore_yoy")
