"""警情事件 page (AppTest): every figure against an independent SQL count on the fixture.

The app's clock is pinned to 2026-11-20 12:30 (tests/conftest.py, CC_CLOCK_NOW) while the
fixture's records run on to 23:59 of that day; the default period is 本月 cut at now,
2026-11-01 0:00 … 2026-11-20 12:30, so 同比 is 2025-11-01 … 2025-11-20 12:30 and 环比 the same
days of October, 2026-10-01 … 2026-10-20 12:30. A case closed after the window's end was still
open at its end.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from command_center.formatting import fmt_count, fmt_pct
from command_center.periods import resolve
from tests.every_page import open_page


def fmt_change(current, previous) -> str:
    """The expected change as a card writes it, computed here: '+5.2%' / '-3.0%' / '持平'."""
    c = (current - previous) / previous * 100
    return "持平" if round(c, 1) == 0 else f"{c:+.1f}%"

NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py FIXTURE_NOW (CC_CLOCK_NOW)
MONTH = resolve("month", NOW)
START, END = MONTH.start_at, MONTH.end_before
YA_START, YA_END = MONTH.year_ago().start_at, MONTH.year_ago().end_before
PREV_START, PREV_END = MONTH.previous().start_at, MONTH.previous().end_before
assert (START, END) == (dt.datetime(2026, 11, 1), NOW)
assert (YA_START, YA_END) == (dt.datetime(2025, 11, 1), dt.datetime(2025, 11, 20, 12, 30))
assert (PREV_START, PREV_END) == (dt.datetime(2026, 10, 1), dt.datetime(2026, 10, 20, 12, 30))
# written independently of queries/_staging.sql: the state of an incident at moment ? (bound
# to the window's end): open = not yet 已办结/已退回 then (closed later counts as open)
OPEN_AT = ("(status in ('待受理', '处置中') or (status in ('已办结', '已退回') "
           "and closed_at >= ?))")
CLOSED_AT = "(status = '已办结' and (closed_at < ? or closed_at is null))"


def incidents_page(fixture_warehouse, **global_filters) -> AppTest:
    """The page with the global (sidebar) filters set before app.py's first run."""
    return open_page("views/incidents.py", state=global_filters)


@pytest.fixture(scope="module")
def inc_page(fixture_warehouse):
    return incidents_page(fixture_warehouse)


def arr(v) -> list:
    """A plotly array as a list: plotly 6 writes numpy arrays as base64 typed arrays."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            a = a.reshape([int(x) for x in str(v["shape"]).split(",")])
        return a.tolist()
    return list(v)


def one(wh, sql, params=None):
    return wh.execute(sql, params or []).fetchone()[0]


def metric(at, label):
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric {label}: {[m.label for m in at.metric]}"
    return found[0]


def charts(at) -> dict[str, dict]:
    """plotly specs by widget key stem (inc_chart_category_0 → category) or title."""
    out = {}
    for el in at.get("plotly_chart"):
        spec = json.loads(el.proto.spec)
        key = el.proto.id.rsplit("-", 1)[-1]
        if key.startswith(("inc_chart_", "dsp_chart_")):  # <page>_chart_<name>_<generation>
            key = key.split("_chart_", 1)[1].rsplit("_", 1)[0]
        out[key] = spec
    return out


def count(wh, start, end, where="true", params=()):
    return one(wh, f"select count(*) from incidents where reported_at >= ? and reported_at < ? "
                   f"and {where}", [start, end, *params])


def test_headline_figures(inc_page, wh):
    total = count(wh, START, END)
    ya = count(wh, YA_START, YA_END)
    prev = count(wh, PREV_START, PREV_END)
    assert total > 0
    assert ya > 0 and prev > 0  # both comparison windows are covered by the fixture
    m = metric(inc_page, "本期警情")
    assert m.value == fmt_count(total)
    assert m.delta in (fmt_change(total, ya), "0")
    assert f"环比 {fmt_change(total, prev)}" in (m.proto.delta_description or "") or \
        fmt_change(total, prev) == "持平"
    assert "所选时段内上报的警情、事件数" in m.proto.help
    opened = count(wh, START, END, OPEN_AT, (END,))
    assert metric(inc_page, "未办结警情").value == fmt_count(opened)
    closed = count(wh, START, END, CLOSED_AT, (END,))
    assert metric(inc_page, "已办结警情").value == fmt_count(closed)
    assert opened + closed <= total

    hours = [r[0] for r in wh.execute(
        "select (epoch(closed_at) - epoch(reported_at)) / 3600.0 from incidents "
        "where reported_at >= ? and reported_at < ? and status = '已办结' "
        "and closed_at < ? order by 1", [START, END, END]).fetchall()]
    assert len(hours) >= 50  # above the registry's min_sample: the values are quoted
    import numpy as np

    def hours_text(h):
        return f"{h:.1f}小时" if h < 48 else f"{h / 24:.1f}天"

    assert metric(inc_page, "办结时长中位数").value == hours_text(float(np.median(hours)))
    assert metric(inc_page, "办结时长90分位").value == hours_text(float(np.quantile(hours, 0.9)))
    within = sum(1 for h in hours if h <= 24)
    assert metric(inc_page, "24小时办结率").value == fmt_pct(within / total)


def test_trend_has_day_grain_and_last_year(inc_page, wh):
    spec = charts(inc_page)["inc_trend"]
    by_name = {t["name"]: t for t in spec["data"]}
    current, last = by_name["本期"], by_name["去年同期"]
    # 20 days ≤ 62 → one point per day; shifted last-year dates share the x axis
    assert len(arr(current["x"])) == 20
    assert str(arr(current["x"])[0]).startswith("2026-11-01")
    assert sum(arr(current["y"])) == count(wh, START, END)
    assert sum(arr(last["y"])) == count(wh, YA_START, YA_END)
    day = one(wh, "select count(*) from incidents where reported_at >= '2025-11-05' "
                  "and reported_at < '2025-11-06'")
    i = [str(x)[:10] for x in arr(last["x"])].index("2026-11-05")
    assert arr(last["y"])[i] == day
    assert spec["layout"]["yaxis"]["title"]["text"] == "警情数"


def test_breakdowns(inc_page, wh):
    specs = charts(inc_page)
    for name, col in (("category", "category"), ("source", "source"), ("status", "status")):
        bar = specs[name]["data"][0]
        expected = dict(wh.execute(
            f"select {col}, count(*) from incidents where reported_at >= ? and reported_at < ? "
            f"group by 1", [START, END]).fetchall())
        assert dict(zip(arr(bar["y"]), arr(bar["x"]), strict=True)) == expected, name
        assert arr(bar["customdata"]) == arr(bar["y"])  # what a click hands to the filter


def test_weekday_hour_heatmap(inc_page, wh):
    trace = charts(inc_page)["heat"]["data"][0]
    cells = {tuple(c): n for c, n in zip(arr(trace["customdata"]), arr(trace["marker"]["color"]),
                                         strict=True)}
    assert len(cells) == 7 * 24  # every cell drawn (and clickable), zeros included
    rows = wh.execute(
        "select isodow(reported_at), hour(reported_at), count(*) from incidents "
        "where reported_at >= ? and reported_at < ? group by 1, 2", [START, END]).fetchall()
    assert rows
    for d, h, n in rows:
        assert cells[(d, h)] == n
    assert sum(cells.values()) == count(wh, START, END)


def test_open_by_age(inc_page, wh):
    bar = charts(inc_page)["inc_age"]["data"][0]
    # open at now (the period's end): includes those closed after 12:30
    assert sum(arr(bar["y"])) == count(wh, START, END, OPEN_AT, (END,))


def test_top_communities(inc_page, wh):
    specs = charts(inc_page)
    bar = specs["com_count"]["data"][0]
    rows = wh.execute(
        "select community_code, count(*) from incidents where reported_at >= ? "
        "and reported_at < ? group by 1", [START, END]).fetchall()
    counts = dict(rows)
    assert dict(zip(arr(bar["customdata"]), arr(bar["x"]), strict=True)).items() <= counts.items()
    assert max(arr(bar["x"])) == max(counts.values())
    rate = specs["com_rate"]["data"][0]
    pops = dict(wh.execute("select community_code, population from communities").fetchall())
    best = max((n * 1000 / pops[c], c) for c, n in counts.items() if pops.get(c))
    top = dict(zip(arr(rate["customdata"]), arr(rate["x"]), strict=True))
    assert top[best[1]] == pytest.approx(best[0])


def test_records_masked_with_chinese_headers(inc_page, wh):
    df = inc_page.dataframe[0].value
    assert len(df) == min(50, count(wh, START, END))
    assert {"事件编号", "上报时间", "类别", "上报人",
            "联系电话"} <= set(df.columns)
    assert df["联系电话"].str.contains(r"^\d{3}\*{4}\d{4}$").all()
    assert df["上报人"].str.contains(r"\*").all()
    assert all(not c.isascii() for c in df.columns)
    newest = one(wh, "select max(reported_at) from incidents where reported_at < ?", [END])
    assert df["上报时间"].iloc[0] == f"{newest:%Y-%m-%d %H:%M}"
    text = df.select_dtypes(exclude="number")
    assert not text.isna().any().any()  # blanks, not "None" in the browser


def test_page_filters_narrow_every_figure(fixture_warehouse, wh):
    at = incidents_page(fixture_warehouse)
    at.multiselect(key="inc_category").set_value(["交通"])
    at.slider(key="inc_hours").set_value((8, 20))
    at.run()
    assert not at.exception
    n = count(wh, START, END, "category = '交通' and hour(reported_at) between 8 and 20")
    assert metric(at, "本期警情").value == fmt_count(n)
    specs = charts(at)
    assert sum(arr(specs["inc_trend"]["data"][1]["y"])) == n
    assert arr(specs["category"]["data"][0]["y"]) == ["交通"]
    assert "事件类别：交通" in at.caption[0].value and "时段：8时至20时" in at.caption[0].value
    # subcategories cascade from the chosen category
    assert set(at.multiselect(key="inc_subcategory").options) <= {"交通事故", "交通违法", "肇事逃逸"}


def test_text_search_is_literal(fixture_warehouse, wh):
    at = incidents_page(fixture_warehouse)
    word = one(wh, "select split_part(address, '社区', 2) from incidents "
                   "where reported_at >= ? and reported_at < ? limit 1", [START, END])[:3]
    at.text_input(key="inc_q").input(word).run()
    n = count(wh, START, END, "(address like ? or summary like ?)", (f"%{word}%", f"%{word}%"))
    assert 0 < n
    assert metric(at, "本期警情").value == fmt_count(n)
    at.text_input(key="inc_q").input("100%").run()  # % is a literal, not a wildcard
    assert metric(at, "本期警情").value == "0"
    assert not at.exception


def test_year_period_uses_week_grain(fixture_warehouse, wh):
    at = incidents_page(fixture_warehouse, period="year")
    assert not at.exception
    spec = charts(at)["inc_trend"]
    current = spec["data"][1]
    assert 45 <= len(arr(current["x"])) <= 48  # weeks of 2026-01-01 … 2026-11-20 12:30
    assert sum(arr(current["y"])) == count(wh, dt.datetime(2026, 1, 1), NOW)
    assert sum(arr(spec["data"][0]["y"])) == count(wh, dt.datetime(2025, 1, 1),
                                                    dt.datetime(2025, 11, 20, 12, 30))
    at.segmented_control(key="inc_grain").set_value("month").run()
    assert len(arr(charts(at)["inc_trend"]["data"][1]["x"])) == 11


def test_community_filter(fixture_warehouse, wh):
    code = one(wh, "select community_code from incidents where reported_at >= ? "
                   "and reported_at < ? group by 1 order by count(*) desc limit 1", [START, END])
    at = incidents_page(fixture_warehouse, communities=[code])
    assert not at.exception
    n = count(wh, START, END, "community_code = ?", (code,))
    assert metric(at, "本期警情").value == fmt_count(n)
    assert arr(charts(at)["com_count"]["data"][0]["customdata"]) == [code]


def test_time_columns_are_wide_enough(inc_page):
    """办结时间 is empty on the first rows (open cases), so the grid sized it by its header and
    cut "2026-11-20 12:30" off further down: time columns get a width for their values."""
    import json

    el = inc_page.dataframe[0]
    config = json.loads(el.proto.columns or "{}")
    for col in ("上报时间", "办结时间"):
        assert col in el.value.columns
        width = (config.get(col) or {}).get("width")
        assert isinstance(width, int) and width >= 140, (col, config.get(col))
