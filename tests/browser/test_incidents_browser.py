"""警情事件 in a real browser: renders offline (charts, map), a chart click narrows the page and
lands in the URL (and is cleared in one click), the CSV export opens with the right rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import folium_frame, goto, screenshot, wait_ready

pytestmark = pytest.mark.browser
START, END = dt.datetime(2026, 11, 1), dt.datetime(2026, 11, 20, 12, 30)  # 本月 until the pinned clock


def open_incidents(page, app_server, query: str = "") -> None:
    goto(page, app_server, "/incidents" + query)
    # a session's first page run can outlast wait_ready's quiet window on a busy machine
    page.locator('[data-testid="stMetric"]').first.wait_for(timeout=60_000)
    wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def metric_value(page, label: str) -> str:
    card = page.locator('[data-testid="stMetric"]', has_text=label).first
    return card.locator('[data-testid="stMetricValue"]').inner_text().strip()


def chart(page, name: str):
    return page.locator(f'[class*="st-key-inc_chart_{name}_"] [data-testid="stPlotlyChart"]')


def click_svg(page, locator) -> None:
    """Click a plotly mark the way a person does (plotly's drag layer takes the events)."""
    locator.scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    box = locator.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_renders_offline_with_charts_and_map(page, app_server):
    open_incidents(page, app_server)
    assert page.locator("h1", has_text="警情事件").count() == 1
    for label in ("本期警情", "未办结警情", "办结时长中位数", "24小时办结率"):
        assert page.locator('[data-testid="stMetric"]', has_text=label).count() == 1
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 8
    screenshot(page, "incidents_top")
    iframe = page.locator('iframe[title="streamlit_folium.st_folium"]')
    iframe.scroll_into_view_if_needed()  # below the fold: drawn once scrolled to
    frame = folium_frame(page, timeout=60_000)
    assert frame.locator("path.leaflet-interactive").count() > 20  # grid cells + points
    assert "网格警情数" in frame.locator("body").inner_text()
    assert iframe.bounding_box()["height"] > 400
    page.locator('[class*="st-key-inc_chart_heat_"]').scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "incidents_charts")
    iframe.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    screenshot(page, "incidents_map")


def test_chart_clicks_narrow_the_page_and_the_url(page, app_server, wh):
    open_incidents(page, app_server)
    # the longest category bar (drawn last: bars are listed bottom-up)
    click_svg(page, chart(page, "category").locator("g.point path").last)
    page.wait_for_url("**inc_category=*", timeout=30_000)
    wait_ready(page)
    category = params(page)["inc_category"][0]
    n = wh.execute("select count(*) from incidents where reported_at >= ? and reported_at < ? "
                   "and category = ?", [START, END, category]).fetchone()[0]
    assert metric_value(page, "本期警情") == f"{n:,}"
    assert page.get_by_text(f"事件类别：{category}").count() >= 1
    # a weekday × hour cell: Wednesday (3rd row) at 18:00
    click_svg(page, chart(page, "heat").locator("path.point").nth(2 * 24 + 18))
    page.wait_for_url("**inc_hours=*", timeout=30_000)
    wait_ready(page)
    q = params(page)
    assert q["inc_weekday"] == ["周三"] and q["inc_hours"] == ["18", "18"]
    assert q["inc_category"] == [category]
    n = wh.execute("select count(*) from incidents where reported_at >= ? and reported_at < ? "
                   "and category = ? and isodow(reported_at) = 3 and hour(reported_at) = 18",
                   [START, END, category]).fetchone()[0]
    assert metric_value(page, "本期警情") == f"{n:,}"
    screenshot(page, "incidents_narrowed")
    # the narrowed view is a link: reload keeps it
    url = page.url
    page.reload()
    wait_ready(page)
    assert page.url == url and metric_value(page, "本期警情") == f"{n:,}"
    page.get_by_role("button", name="清除图表筛选").click()
    page.wait_for_function("() => !location.search.includes('inc_')", timeout=30_000)
    wait_ready(page)
    total = wh.execute("select count(*) from incidents where reported_at >= ? "
                       "and reported_at < ?", [START, END]).fetchone()[0]
    assert metric_value(page, "本期警情") == f"{total:,}"


def test_csv_export_opens_with_rows_and_chinese_headers(page, app_server, wh):
    open_incidents(page, app_server, "?inc_category=交通")
    n = wh.execute("select count(*) from incidents where reported_at >= ? and reported_at < ? "
                   "and category = '交通'", [START, END]).fetchone()[0]
    assert n > 50  # more than one page of the table: the export is the full selection
    assert metric_value(page, "本期警情") == f"{n:,}"
    button = page.get_by_role("button", name="导出 CSV")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "警情事件_20261101-20261120.csv"
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    text = raw.decode("utf-8-sig")
    head = [line for line in text.splitlines() if line.startswith("# ")]
    assert "# 事件类别：交通" in head and any(h.startswith("# 时间范围：2026年11月1日") for h in head)
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("# ")))))
    assert len(rows) == n
    assert {"事件编号", "上报时间", "类别", "事发地址", "上报人", "联系电话"} <= set(rows[0])
    assert {r["类别"] for r in rows} == {"交通"}
    assert all("****" in r["联系电话"] for r in rows if r["联系电话"])
    assert all("*" in r["上报人"] for r in rows if r["上报人"])


def test_community_bar_click_sets_the_community_filter(page, app_server, wh):
    open_incidents(page, app_server)
    click_svg(page, chart(page, "com_count").locator("g.point path").last)  # the top one
    page.wait_for_url("**communities=*", timeout=30_000)
    wait_ready(page)
    code = params(page)["communities"][0]
    n = wh.execute("select count(*) from incidents where reported_at >= ? and reported_at < ? "
                   "and community_code = ?", [START, END, code]).fetchone()[0]
    top = wh.execute("select max(n) from (select count(*) n from incidents where reported_at >= ? "
                     "and reported_at < ? group by community_code)", [START, END]).fetchone()[0]
    assert n == top
    assert metric_value(page, "本期警情") == f"{n:,}"
    page.get_by_role("button", name="清除图表筛选").click()
    page.wait_for_function("() => !location.search.includes('communities')", timeout=30_000)


def test_xlsx_export_has_rows_and_filter_sheet(page, app_server, wh):
    from openpyxl import load_workbook

    open_incidents(page, app_server, "?inc_severity=较大")
    n = wh.execute("select count(*) from incidents where reported_at >= ? and reported_at < ? "
                   "and severity = '较大'", [START, END]).fetchone()[0]
    button = page.get_by_role("button", name="导出 Excel")
    button.scroll_into_view_if_needed()
    with page.expect_download(timeout=60_000) as info:
        button.click()
    book = load_workbook(io.BytesIO(open(info.value.path(), "rb").read()), read_only=True)
    assert book.sheetnames == ["警情事件", "筛选条件"]
    data = list(book["警情事件"].iter_rows(values_only=True))
    assert data[0][:3] == ("事件编号", "上报时间", "来源")
    assert len(data) - 1 == n
    filters = dict(list(book["筛选条件"].iter_rows(values_only=True))[1:])
    assert filters["事件等级"] == "较大" and filters["数据"] == "警情事件"
