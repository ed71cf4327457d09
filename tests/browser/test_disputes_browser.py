"""矛盾纠纷 in a real browser: renders offline (funnel, charts, map of open cases), a chart
click narrows the page and lands in the URL, the CSV export opens with the right rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import folium_frame, goto, screenshot, wait_ready
from tests.browser.test_incidents_browser import click_svg, metric_value

pytestmark = pytest.mark.browser
START, END = dt.datetime(2026, 11, 1), dt.datetime(2026, 11, 20, 12, 30)  # 本月 until the pinned clock


def open_disputes(page, app_server, query: str = "") -> None:
    goto(page, app_server, "/")  # see test_incidents_browser.open_incidents
    goto(page, app_server, "/disputes" + query)
    assert page.locator('[data-testid="stException"]').count() == 0


def chart(page, name: str):
    return page.locator(f'[class*="st-key-dsp_chart_{name}_"] [data-testid="stPlotlyChart"]')


def received(wh, where: str = "true", params=()) -> int:
    return wh.execute(f"select count(*) from disputes where received_at >= ? and received_at < ? "
                      f"and {where}", [START, END, *params]).fetchone()[0]


def test_renders_offline_with_funnel_and_map(page, app_server, wh):
    open_disputes(page, app_server)
    assert page.locator("h1", has_text="矛盾纠纷").count() == 1
    assert metric_value(page, "纠纷受理") == f"{received(wh):,}"
    for label in ("纠纷结案", "调解成功率", "在办纠纷", "超期纠纷", "涉及金额"):
        assert page.locator('[data-testid="stMetric"]', has_text=label).count() >= 1
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 5
    screenshot(page, "disputes_top")
    page.get_by_text("调解组织排名").scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "disputes_orgs")
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.scroll_into_view_if_needed()
    frame = folium_frame(page, timeout=60_000)
    # 102 shaded communities + open-dispute points (the county outline is not interactive)
    # open at the pinned clock (records received later, or closed before it, are not)
    open_now = wh.execute("select count(*) from disputes where received_at < ? and not ("
                          "status in ('调解成功', '调解不成功', '已转诉讼', '已撤回') "
                          "and coalesce(closed_at < ?, true))", [END, END]).fetchone()[0]
    assert frame.locator("path.leaflet-interactive").count() >= 102 + open_now
    assert "超期未结" in frame.locator("body").inner_text()
    assert iframe.bounding_box()["height"] > 400
    page.wait_for_timeout(500)
    screenshot(page, "disputes_map")


def test_type_click_narrows_page_and_url(page, app_server, wh):
    open_disputes(page, app_server)
    click_svg(page, chart(page, "type").locator("g.point path").last)  # the longest bar
    page.wait_for_url("**dsp_type=*", timeout=30_000)
    wait_ready(page)
    dispute_type = parse_qs(urlsplit(page.url).query)["dsp_type"][0]
    n = received(wh, "dispute_type = ?", (dispute_type,))
    assert metric_value(page, "纠纷受理") == f"{n:,}"
    screenshot(page, "disputes_narrowed")
    click_svg(page, chart(page, "channel").locator("g.point path").last)
    page.wait_for_url("**dsp_channel=*", timeout=30_000)
    wait_ready(page)
    channel = parse_qs(urlsplit(page.url).query)["dsp_channel"][0]
    n = received(wh, "dispute_type = ? and mediation_channel = ?", (dispute_type, channel))
    assert metric_value(page, "纠纷受理") == f"{n:,}"
    page.get_by_role("button", name="清除图表筛选").click()
    page.wait_for_function("() => !location.search.includes('dsp_')", timeout=30_000)
    wait_ready(page)
    assert metric_value(page, "纠纷受理") == f"{received(wh):,}"


def test_csv_export_opens_with_rows_and_chinese_headers(page, app_server, wh):
    open_disputes(page, app_server, "?dsp_type=损害赔偿&dsp_type=合同")
    n = received(wh, "dispute_type in ('损害赔偿', '合同')")
    assert n > 50  # more than a page of the table
    assert metric_value(page, "纠纷受理") == f"{n:,}"
    button = page.get_by_role("button", name="导出 CSV")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    raw = open(info.value.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines()
    assert "# 纠纷类型：损害赔偿、合同" in lines
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in lines if not line.startswith("# ")))))
    assert len(rows) == n
    assert {"纠纷编号", "受理时间", "纠纷类型", "调解方式", "调解组织", "状态", "化解时限",
            "当事人"} <= set(rows[0])
    assert {r["纠纷类型"] for r in rows} == {"损害赔偿", "合同"}
    assert all("*" in r["当事人"] for r in rows if r["当事人"])
