"""数据探索: five questions of different shapes, each built with the mouse, its link opened in a
fresh browser context, its numbers (plotly's own data, the page's record count) and its export
(CSV or Excel, one audit line each) checked against SQL written here over the fixture warehouse.

The clock is pinned at 2026-11-20 12:30; 本月 is [2026-11-01, now), 本年 [2026-01-01, now) and
its 同比 [2025-01-01, 2025-11-20 12:30).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest

from command_center.access import audit
from command_center.figures import FIGURES
from command_center.formatting import fmt_count
from tests.browser.conftest import goto, guarded_context, mouse_click, screenshot, wait_ready
from tests.signing_in import sign_in

pytestmark = pytest.mark.browser
NOW = dt.datetime(2026, 11, 20, 12, 30)
MONTH = (dt.datetime(2026, 11, 1), NOW)
YEAR = (dt.datetime(2026, 1, 1), NOW)
YEAR_AGO = (dt.datetime(2025, 1, 1), dt.datetime(2025, 11, 20, 12, 30))

# every plotly trace of the page as drawn: name, x as text, y as numbers
PLOT_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
  .map(gd => (gd._fullData || []).map(t => ({
     name: t.name, x: Array.from(t.x || []).map(String), y: Array.from(t.y || []).map(Number)})))"""


# ------------------------------------------------------------------ building with the mouse
def _open(page, app_server, path: str) -> None:
    """Open the page; a session's first run can outlast wait_ready's quiet window on a busy
    machine, so wait for the question's first box too."""
    goto(page, app_server, path)
    page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text("数据集", exact=True)).first.wait_for(timeout=90_000)
    wait_ready(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def _pick(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True))
    box.first.wait_for(timeout=20_000)
    assert box.count() == 1, label
    box.scroll_into_view_if_needed()
    mouse_click(page, box.locator("input"))
    page.keyboard.type(option)  # the list is virtualised: narrow it to the option first
    mouse_click(page, page.locator('[role="option"]').filter(has_text=option).first)
    wait_ready(page)


def _segment(page, option: str) -> None:
    button = page.locator('[data-testid="stButtonGroup"] button').filter(has_text=option).first
    button.scroll_into_view_if_needed()
    mouse_click(page, button)
    wait_ready(page)


def _multi(page, label: str, option: str) -> None:
    """Add ``option`` to the multiselect labelled ``label`` (typed, then the option clicked)."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True))
    box.first.wait_for(timeout=20_000)
    box.scroll_into_view_if_needed()
    mouse_click(page, box.locator("input"))
    page.keyboard.type(option)
    mouse_click(page, page.locator('[role="option"]').filter(has_text=option).first)
    page.keyboard.press("Escape")
    wait_ready(page)


def _number(page, label: str, value: str) -> None:
    box = page.locator('[data-testid="stNumberInput"]').filter(
        has=page.get_by_text(label, exact=True))
    box.first.wait_for(timeout=20_000)
    box.scroll_into_view_if_needed()
    mouse_click(page, box.locator("input"))
    page.keyboard.type(value)
    page.keyboard.press("Enter")
    wait_ready(page)


# ------------------------------------------------------------------ reading the page
def _traces(page) -> list[dict]:
    page.locator('[data-testid="stMain"] .js-plotly-plot').first.wait_for(timeout=30_000)
    charts = page.evaluate(PLOT_JS)
    assert len(charts) == 1, charts
    return charts[0]


def _total(page) -> str:
    """The record count the caption reads (fmt_count: 1,234 / 2.5万)."""
    caption = next(t for t in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts()
                   if "符合条件的记录" in t)
    return caption.split("符合条件的记录")[1].split("条")[0].strip()


def _reopen(browser, external_requests, link: str):
    """The link in a fresh context (another person, no session state): (context, page)."""
    context = guarded_context(browser, external_requests, sign_in("analyst"))
    fresh = context.new_page()
    fresh.goto(link, wait_until="domcontentloaded")
    fresh.locator('[data-testid="stCaptionContainer"]').filter(
        has_text="符合条件的记录").first.wait_for(timeout=60_000)
    wait_ready(fresh)
    assert fresh.locator('[data-testid="stException"]').count() == 0
    return context, fresh


def _export(page, key: str) -> tuple[bytes, list[dict], str]:
    """Click the export button ``key`` (ex_result_csv, ex_rows_xlsx …) with the mouse: the
    file's bytes, the audit lines it wrote, its name."""
    button = page.locator(f'.st-key-{key} button')
    button.scroll_into_view_if_needed()
    mark = len(audit.entries())
    with page.expect_download(timeout=60_000) as info:
        mouse_click(page, button)
    download = info.value
    data = open(download.path(), "rb").read()
    deadline = time.monotonic() + 10
    while len(audit.entries()) == mark and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)  # a second line, were there one, would have been written by now
    return data, audit.entries()[mark:], download.suggested_filename


def _csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO("\n".join(
        line for line in text.splitlines() if not line.startswith("# ")))))


def _xlsx_rows(data: bytes, sheet: str) -> list[dict]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _one_export_line(lines: list[dict], name: str, rows: int) -> None:
    assert [(x["action"], x["target"], x["rows"]) for x in lines] == [("export", name, rows)]


def _no_english(page) -> None:
    main = page.locator('[data-testid="stMain"]').inner_text()
    for word in ("Excel", "CSV", "SQL", "SELECT", "WITH", "keyboard_arrow_right"):
        main = main.replace(word, "")
    assert "None" not in main and "nan" not in main
    import re
    assert not re.search(r"[A-Za-z]{3,}", main), main[:500]


def _num(v) -> float:
    return float(str(v).replace(",", ""))


# ------------------------------------------------------------------ the questions
def test_incidents_by_category_bar(page, app_server, browser, external_requests, wh):
    """警情 本月 by 事件类别 (bar): each bar is the SQL count; the CSV has the same rows."""
    _open(page, app_server, "/explore")
    _pick(page, "数据集", "警情事件")
    _pick(page, "分组维度一", "事件类别")
    _pick(page, "统计", "记录数")
    want = dict(wh.execute(
        "select coalesce(category, '（空）'), count(*) from incidents "
        "where reported_at >= ? and reported_at < ? group by 1", MONTH).fetchall())
    total = sum(want.values())
    (bar,) = _traces(page)
    assert dict(zip(bar["x"], bar["y"], strict=True)) == want
    ranked = [y for x, y in zip(bar["x"], bar["y"], strict=True) if x not in ("其他", "（空）")]
    assert ranked == sorted(ranked, reverse=True)  # largest first, 其他 last
    assert _total(page) == fmt_count(total)
    link = page.url
    assert "by=category" in link or "by=" not in link  # 事件类别 is the default dimension
    context, fresh = _reopen(browser, external_requests, link)
    try:
        assert _traces(fresh) == [bar] and _total(fresh) == fmt_count(total)
        data, lines, name = _export(fresh, "ex_result_csv")
        rows = _csv_rows(data)
        assert {r["事件类别"]: int(r["记录数"]) for r in rows} == want
        _one_export_line(lines, name, len(want))
        assert name.startswith("数据探索_警情事件_") and name.endswith(".csv")
    finally:
        context.close()


def _month(t) -> str:
    return f"{t.year}年{t.month}月"


def test_disputes_by_month_and_channel_stacked_with_filters(page, app_server, browser,
                                                            external_requests, wh):
    """纠纷 本年, 合同 only, 涉及金额 ≥ 10000, by 受理月份 × 调解方式 as stacked bars; the 明细
    export (Excel) holds exactly the filtered records."""
    _open(page, app_server, "/explore?period=year")
    _pick(page, "数据集", "矛盾纠纷")
    _pick(page, "分组维度一", "受理时间（按月）")
    _pick(page, "分组维度二", "调解方式")
    _segment(page, "堆叠柱状图")
    _multi(page, "筛选字段", "纠纷类型")
    _multi(page, "纠纷类型：取值（括号内为记录数）", "合同")
    _multi(page, "筛选字段", "涉及金额(元)")
    _number(page, "涉及金额(元)：最小值", "10000")
    where = ("received_at >= ? and received_at < ? and dispute_type = '合同' "
             "and amount_yuan >= 10000")
    want = {(_month(m), ch): n for m, ch, n in wh.execute(
        f"select date_trunc('month', received_at), coalesce(mediation_channel, '（空）'), "
        f"count(*) from disputes where {where} group by 1, 2", YEAR).fetchall()}
    total = wh.execute(f"select count(*) from disputes where {where}", YEAR).fetchone()[0]
    assert total > 0 and len({k[0] for k in want}) > 1 and len({k[1] for k in want}) > 1
    traces = _traces(page)
    got = {(x, t["name"]): y for t in traces for x, y in zip(t["x"], t["y"], strict=True)}
    assert got == want
    assert _total(page) == fmt_count(total)
    link = page.url
    for part in ("ds=disputes", "by=received_at.month", "by=mediation_channel", "show=stack",
                 "period=year"):
        assert part in link, link
    screenshot(page, "explore_stacked")
    context, fresh = _reopen(browser, external_requests, link)
    try:
        assert _traces(fresh) == traces and _total(fresh) == fmt_count(total)
        main = fresh.locator('[data-testid="stMain"]').inner_text()
        assert "纠纷类型：合同" in main and "涉及金额(元) 不低于 10000" in main
        data, lines, name = _export(fresh, "ex_rows_xlsx")
        rows = _xlsx_rows(data, "矛盾纠纷")
        assert len(rows) == total
        ids = {r["纠纷编号"] for r in rows}
        assert ids == {i for (i,) in wh.execute(
            f"select dispute_id from disputes where {where}", YEAR).fetchall()}
        assert {r["纠纷类型"] for r in rows} == {"合同"}
        _one_export_line(lines, name, total)
        assert name.endswith("_明细.xlsx")
    finally:
        context.close()


def test_median_amount_by_community_top5_with_others(page, app_server, browser,
                                                     external_requests, wh):
    """纠纷 本年: 涉及金额 median by 社区, top 5 and 其他 (the median of all the other records);
    the Excel export of the result reads the same."""
    _open(page, app_server, "/explore?period=year")
    _pick(page, "数据集", "矛盾纠纷")
    _pick(page, "分组维度一", "社区")
    _pick(page, "统计", "涉及金额(元)中位数")
    _pick(page, "前N项（其余合并为“其他”）", "前 5 项")
    names = dict(wh.execute("select community_code, community_name from communities").fetchall())
    per = wh.execute(
        "select coalesce(community_code, '（空）') k, median(amount_yuan) v from disputes "
        "where received_at >= ? and received_at < ? group by 1", YEAR).fetchall()
    top = [k for k, _ in sorted(per, key=lambda kv: (kv[1] is None, -(kv[1] or 0), kv[0]))[:5]]
    want = {names.get(k, k): round(v, 2) for k, v in per if k in top}
    (rest,) = wh.execute(
        "select median(amount_yuan) from disputes where received_at >= ? and received_at < ? "
        "and coalesce(community_code, '（空）') not in (select unnest(?::varchar[]))",
        [*YEAR, top]).fetchone()
    assert rest is not None and len(per) > 5
    want["其他"] = round(rest, 2)
    (bar,) = _traces(page)
    got = dict(zip(bar["x"], bar["y"], strict=True))
    assert got.keys() == want.keys() and bar["x"][-1] == "其他"
    assert all(abs(got[k] - want[k]) < 0.006 for k in want), (got, want)
    link = page.url
    assert "m=median.amount_yuan" in link and "top=5" in link and "by=community_code" in link
    context, fresh = _reopen(browser, external_requests, link)
    try:
        assert _traces(fresh) == [bar]
        data, lines, name = _export(fresh, "ex_result_xlsx")
        rows = _xlsx_rows(data, "分组结果")
        assert {r["社区"]: round(_num(r["涉及金额(元)中位数"]), 2) for r in rows} == got
        _one_export_line(lines, name, len(want))
    finally:
        context.close()


def test_pivot_category_by_severity(page, app_server, browser, external_requests, wh):
    """警情 本月, 事件类别 × 事件等级 as a 透视表: every cell of the exported pivot is the SQL count
    (a cell without records empty), rows and columns in the schema's order."""
    _open(page, app_server, "/explore")
    _pick(page, "数据集", "警情事件")
    _pick(page, "分组维度一", "事件类别")
    _pick(page, "分组维度二", "事件等级")
    _segment(page, "透视表")
    want = {(c, s): n for c, s, n in wh.execute(
        "select coalesce(category, '（空）'), coalesce(severity, '（空）'), count(*) from incidents "
        "where reported_at >= ? and reported_at < ? group by 1, 2", MONTH).fetchall()}
    total = sum(want.values())
    assert _total(page) == fmt_count(total)
    # a table, not a chart (the second table is the SQL console's list of tables)
    assert page.locator('[data-testid="stMain"] .js-plotly-plot').count() == 0
    assert page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').count() == 2
    link = page.url
    assert "show=pivot" in link and "by=severity" in link
    context, fresh = _reopen(browser, external_requests, link)
    try:
        assert _total(fresh) == fmt_count(total)
        fresh.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').first.wait_for()
        data, lines, name = _export(fresh, "ex_result_xlsx")
        rows = _xlsx_rows(data, "透视表")
        severities = [k for k in rows[0] if k != "事件类别"]
        order = ["一般", "较大", "重大", "特别重大"]
        assert severities == [s for s in order if any(k[1] == s for k in want)]
        got = {(r["事件类别"], s): int(r[s]) for r in rows for s in severities
               if r[s] not in (None, "")}
        assert got == want
        _one_export_line(lines, name, len(rows))
        assert name.endswith(".xlsx")
    finally:
        context.close()


def test_monthly_series_with_year_ago(page, app_server, browser, external_requests, wh):
    """警情 本年 by month as a line, with 去年同期 (the same months of 2025 until the same
    moment): both lines are the SQL counts; the CSV carries 去年同期 and 同比."""
    _open(page, app_server, "/explore?period=year")
    _pick(page, "数据集", "警情事件")
    _pick(page, "分组维度一", "上报时间（按月）")
    _segment(page, "折线图")

    def by_month(window, shift):
        return {_month(m.replace(year=m.year + shift)): n for m, n in wh.execute(
            "select date_trunc('month', reported_at), count(*) from incidents "
            "where reported_at >= ? and reported_at < ? group by 1", window).fetchall()}
    months = [_month(dt.date(2026, m, 1)) for m in range(1, 12)]
    now = {m: by_month(YEAR, 0).get(m, 0) for m in months}
    ago = {m: by_month(YEAR_AGO, 1).get(m, 0) for m in months}
    assert sum(ago.values()) > 0
    traces = _traces(page)
    assert [t["name"] for t in traces] == ["本期", "去年同期"]
    assert dict(zip(traces[0]["x"], traces[0]["y"], strict=True)) == now
    assert dict(zip(traces[1]["x"], traces[1]["y"], strict=True)) == ago
    link = page.url
    assert "show=line" in link and "by=reported_at.month" in link
    context, fresh = _reopen(browser, external_requests, link)
    try:
        assert _traces(fresh) == traces
        _no_english(fresh)
        data, lines, name = _export(fresh, "ex_result_csv")
        rows = _csv_rows(data)
        assert [r["上报时间（按月）"] for r in rows] == months
        assert {r["上报时间（按月）"]: int(r["记录数"]) for r in rows} == now
        assert {r["上报时间（按月）"]: int(r["去年同期"]) for r in rows} == ago
        for r in rows:
            a, b = now[r["上报时间（按月）"]], ago[r["上报时间（按月）"]]
            if b:
                change = (a - b) / b * 100
                # a cell starting with + is kept as text in a spreadsheet: a leading '
                assert r["同比"].lstrip("'") == ("持平" if round(change, 1) == 0 else f"{change:+.1f}%")
        _one_export_line(lines, name, len(months))
    finally:
        context.close()


def test_evacuated_people_by_status_all_time(page, app_server, browser, external_requests, wh):
    """防台转移, the sidebar's period switched off (a click on the toggle): 转移人数 summed by
    转移状态; CSV of the result and one audit line."""
    _open(page, app_server, "/explore")
    _pick(page, "数据集", "防台转移")
    _pick(page, "分组维度一", "转移状态")
    _pick(page, "统计", "转移人数合计")
    toggle = page.locator('[data-testid="stCheckbox"]').filter(has_text="按侧栏时间范围筛选")
    toggle.scroll_into_view_if_needed()
    mouse_click(page, toggle.locator("label").first)
    wait_ready(page)
    want = dict(wh.execute(
        "select coalesce(status, '（空）'), sum(person_count) from evacuations group by 1"
    ).fetchall())
    total = wh.execute("select count(*) from evacuations").fetchone()[0]
    assert len(want) > 1
    (bar,) = _traces(page)
    assert dict(zip(bar["x"], bar["y"], strict=True)) == want
    assert _total(page) == fmt_count(total)
    link = page.url
    assert "win=0" in link and "m=sum.person_count" in link and "ds=evacuations" in link
    context, fresh = _reopen(browser, external_requests, link)
    try:
        assert _traces(fresh) == [bar] and _total(fresh) == fmt_count(total)
        assert "不限时间" in fresh.locator('[data-testid="stMain"]').inner_text()
        data, lines, name = _export(fresh, "ex_result_csv")
        rows = _csv_rows(data)
        assert {r["转移状态"]: int(r["转移人数合计"]) for r in rows} == want
        _one_export_line(lines, name, len(want))
    finally:
        context.close()


def test_map_shades_communities_then_grids_the_records(page, app_server, browser,
                                                        external_requests, wh):
    """纠纷 本年 as a map: communities shaded by the measure, then (地图方式 网格密度) one grid
    cell per located 500 m square of the records (over 3,000 records: no single points); the
    link reopens the grid."""
    from tests.browser.conftest import folium_frame

    _open(page, app_server, "/explore?period=year")
    _pick(page, "数据集", "矛盾纠纷")
    _segment(page, "地图")
    frame = folium_frame(page, timeout=60_000)
    communities = wh.execute("select count(*) from communities").fetchone()[0]
    assert frame.locator("path.leaflet-interactive").count() >= communities
    legend = frame.locator("body").inner_text()
    assert "各社区记录数" in legend
    main = page.locator('[data-testid="stMain"]').inner_text()
    assert "社区按“记录数”着色" in main and "不显示单条点位" in main
    _no_english(page)
    screenshot(page, "explore_map_community")
    _segment(page, "网格密度")
    frame = folium_frame(page, timeout=60_000)
    cells = wh.execute(
        "select count(*) from (select floor(lon / 0.005), floor(lat / 0.005) from disputes "
        "where received_at >= ? and received_at < ? and lon is not null and lat is not null "
        "group by 1, 2)", YEAR).fetchone()[0]
    page.wait_for_timeout(500)
    assert frame.locator("path.leaflet-interactive").count() == cells  # the outline is not
    assert "网格记录数（条）" in frame.locator("body").inner_text()
    link = page.url
    assert "show=map" in link and "map=grid" in link
    page.locator('iframe[title="streamlit_folium.st_folium"]').scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    screenshot(page, "explore_map_grid")  # the whole map with its legend
    context, fresh = _reopen(browser, external_requests, link)
    try:
        frame = folium_frame(fresh, timeout=60_000)
        assert frame.locator("path.leaflet-interactive").count() == cells
    finally:
        context.close()


def test_success_rate_measure_is_the_disputes_page_card(page, app_server, browser,
                                                        external_requests, wh):
    """纠纷 本月, 调解成功率 grouped by nothing (a figure of the registry as a measure): the number
    is the 矛盾纠纷 page's card for the same window and the SQL of its 口径; the CSV too."""
    _open(page, app_server, "/explore")
    _pick(page, "数据集", "矛盾纠纷")
    _pick(page, "分组维度一", "不分组")
    _pick(page, "统计", "调解成功率（%）")
    (rate,) = wh.execute(
        "select 100.0 * count(*) filter (where status = '调解成功' and coalesce(closed_at < $end, "
        "true)) / count(*) filter (where status in ('调解成功', '调解不成功', '已转诉讼') and "
        "coalesce(closed_at < $end, true)) from disputes where received_at >= $start "
        "and received_at < $end", {"start": MONTH[0], "end": MONTH[1]}).fetchone()
    card = page.locator('[data-testid="stMetric"]', has_text="调解成功率")
    shown = card.locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert shown == f"{rate:,.2f}"
    link = page.url
    assert "m=fig.dispute_success_rate" in link and "by=-" in link  # 不分组 kept in the link
    context, fresh = _reopen(browser, external_requests, link)
    try:
        card = fresh.locator('[data-testid="stMetric"]', has_text="调解成功率")
        assert card.locator('[data-testid="stMetricValue"]').inner_text().strip() == shown
        data, lines, name = _export(fresh, "ex_result_csv")
        assert [r["调解成功率（%）"] for r in _csv_rows(data)] == [f"{rate:.2f}"]
        _one_export_line(lines, name, 1)
    finally:
        context.close()
    goto(page, app_server, "/disputes")
    page.locator('[data-testid="stMetric"]', has_text="调解成功率").first.wait_for(timeout=60_000)
    topic = page.locator('[data-testid="stMetric"]', has_text="调解成功率").first
    assert topic.locator('[data-testid="stMetricValue"]').inner_text().strip() == f"{rate:.1f}%"


def test_success_rate_by_community_says_short_samples(page, app_server, browser,
                                                      external_requests, wh):
    """纠纷 本年, 调解成功率 by 社区 as bars: a community with fewer concluded cases than the
    figure's minimum has no bar and no number (样本不足, said under the question); the others
    are the SQL rate. The CSV carries each group's 样本数 and leaves the short ones' rate empty."""
    need = FIGURES["dispute_success_rate"].min_sample
    _open(page, app_server, "/explore?period=year")
    _pick(page, "数据集", "矛盾纠纷")
    _pick(page, "分组维度一", "社区")
    _pick(page, "统计", "调解成功率（%）")
    _pick(page, "前N项（其余合并为“其他”）", "全部")
    page.get_by_text(f"少于 {need} 件的分组样本不足").first.wait_for(timeout=30_000)
    names = dict(wh.execute("select community_code, community_name from communities").fetchall())
    cases = {names.get(c, c): (n, rate) for c, n, rate in wh.execute(
        "select community_code, count(*) filter (where concluded), 100.0 * count(*) filter "
        "(where concluded and status = '调解成功') / nullif(count(*) filter (where concluded), 0) "
        "from (select *, status in ('调解成功', '调解不成功', '已转诉讼') "
        "and coalesce(closed_at < $end, true) as concluded from disputes "
        "where received_at >= $start and received_at < $end) group by 1",
        {"start": YEAR[0], "end": YEAR[1]}).fetchall()}
    _traces(page)  # drawn: one chart
    (trace,) = page.evaluate("""() => [...document.querySelectorAll(
        '[data-testid="stMain"] .js-plotly-plot')][0]._fullData.map(t => ({
          x: Array.from(t.x).map(String),
          y: Array.from(t.y).map(v => v === null || Number.isNaN(Number(v)) ? null : Number(v))}))""")
    drawn = dict(zip(trace["x"], trace["y"], strict=True))
    assert {x for x, (n, _) in cases.items() if n < need} and {
        x for x, (n, _) in cases.items() if n >= need}  # both kinds in the fixture
    for x, y in drawn.items():
        n, rate = cases[x]
        if n < need:
            assert y is None, x  # no bar
        else:
            assert y == pytest.approx(round(rate, 2)), x
    _no_english(page)
    screenshot(page, "explore_short_sample")
    data, lines, name = _export(page, "ex_result_csv")
    rows = _csv_rows(data)
    for r in rows:
        n, rate = cases[r["社区"]]
        assert int(r["样本数"]) == n
        if n < need:
            assert r["调解成功率（%）"] == "", r
        else:
            assert float(r["调解成功率（%）"]) == pytest.approx(round(rate, 2)), r
    _one_export_line(lines, name, len(rows))
