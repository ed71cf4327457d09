"""工作简报 page (AppTest): the default 月报, a quarter from the link, 自定义 on the global
period; figures against independent counts; export buttons; a warm rerun."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from command_center.periods import Period
from tests.every_page import open_page

OCT = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))  # last complete month on 11-20
NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py FIXTURE_NOW (CC_CLOCK_NOW)


def _app(query: dict | None = None) -> AppTest:
    return open_page("views/briefing.py", query=query)


def _texts(app) -> list[str]:
    return [m.value for m in app.markdown]


def _count(wh, p: Period) -> int:
    return wh.execute("select count(*) from incidents where reported_at >= ? and "
                      "reported_at < ?", [p.start_at, p.end_before]).fetchone()[0]


@pytest.fixture(scope="module")
def at(fixture_warehouse):
    return _app()


def test_default_is_last_months_briefing(at, wh):
    texts = _texts(at)
    assert "# 龙港市平安治理工作月报" in texts
    assert any("2026年10月" in t and "统计时间：2026年10月1日至2026年10月31日" in t for t in texts)
    n = _count(wh, OCT)
    assert any(f"本月全市共接报警情{n:,}起" in t for t in texts)
    headings = [t for t in texts if t.startswith("### ")]
    assert headings[:3] == ["### 一、总体情况", "### 二、警情", "### 三、矛盾纠纷"]
    assert "### 附表：各社区情况" in headings
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["导出 Word", "导出 PDF", "导出 Excel"]
    assert not at.error


def test_charts_have_chinese_titles(at):
    charts = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(charts) >= 3
    for spec in charts:
        layout = spec["layout"]
        assert layout["title"]["text"]
        for axis in ("xaxis", "yaxis"):
            title = layout.get(axis, {}).get("title", {}).get("text", "")
            assert title and not title.isascii(), title
    days = next(s for s in charts if s["layout"]["title"]["text"] == "每日警情")
    assert days["data"][0]["x"][0] == "10月1日"  # a category label, never an English date axis


def test_community_table_has_every_community(at, wh):
    tables = at.get("table")
    assert tables
    n = wh.execute("select count(*) from communities").fetchone()[0]
    # the last table on the page is the community annex
    assert len(tables[-1].value) == n


def test_quarter_from_the_link(fixture_warehouse, wh):
    app = _app({"brf_kind": "quarter", "brf_date": "2025-07-15"})
    texts = _texts(app)
    assert "# 龙港市平安治理工作季报" in texts
    q3 = Period(dt.date(2025, 7, 1), dt.date(2025, 9, 30))
    n = _count(wh, q3)
    assert any(f"本季度全市共接报警情{n:,}起" in t for t in texts)
    assert "### 五、防台转移" in texts  # typhoon 丹娜丝 (2504) in July 2025


def test_custom_uses_the_global_period(fixture_warehouse, wh):
    app = _app({"brf_kind": "custom", "period": "7d"})
    # 近7天 at the pinned clock (tests/conftest.py): 11-14 0:00 until now, 11-20 12:30
    p = Period(dt.date(2026, 11, 14), dt.date(2026, 11, 20), NOW)
    n = _count(wh, p)
    # the sample runs past now: the records after 12:30 must not be counted
    assert _count(wh, Period(dt.date(2026, 11, 14), dt.date(2026, 11, 20))) > n
    texts = _texts(app)
    assert "# 龙港市平安治理工作简报" in texts
    assert any(f"本期全市共接报警情{n:,}起" in t for t in texts), texts


def test_warm_rerun_shows_no_error(at):
    # its time is measured by scripts/bench_pages.py, not asserted here
    at.run()
    assert not at.exception
