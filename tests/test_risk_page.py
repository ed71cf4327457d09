"""The 四色预警 page on the fixture warehouse (AppTest): counts, changes, table, history, and
the window scored (a short view over the trailing minimum window; no level change against a
window without data).

Figures are checked against an independent computation: the level counts against the level
rule applied in Python to the scores, the scores themselves against a direct SQL count of
incidents on the fixture (``wh``) for the incident-rate inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from command_center import risk
from command_center.periods import Period, resolve
from tests.every_page import open_page

# CC_CLOCK_NOW of tests/conftest.py (not imported from there: a second import would run it again)
FIXTURE_NOW = dt.datetime(2026, 11, 20, 12, 30)

# the default period: 本月, 1–20 Nov until now (12:30): 20 days, under the 28 of risk.toml
MONTH = resolve("month", FIXTURE_NOW)
WINDOW_START = dt.date(2026, 10, 24)  # … so it is scored over 24 Oct – 20 Nov 12:30
ELAPSED_DAYS = 27 + 12.5 / 24
FIRST_MONTH = Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), step="month")  # the sample's


def _weighted(wh, start, end_before) -> dict[str, float]:
    """Weighted incidents per community in [start, end_before), straight from the table."""
    model = risk.load_model()
    rows = wh.execute(
        """
        select community_code, category, count(*) from incidents
        where reported_at >= $start and reported_at < $end and community_code is not null
        group by all
        """, {"start": start, "end": end_before}).fetchall()
    out: dict[str, float] = {}
    for code, category, n in rows:
        out[code] = out.get(code, 0) + n * model.category_weights.get(
            category, model.other_category_weight)
    return out


@pytest.fixture()
def wh(fixture_warehouse, tmp_path):
    """An independent read-only connection, to a copy: conftest's ``wh`` cannot open the file
    once the query runner (other config) has it open in this process."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, copy)
    con = duckdb.connect(str(copy), read_only=True)
    yield con
    con.close()


def _page(**query) -> AppTest:
    return open_page("views/risk.py", query=query, timeout=90)


@pytest.fixture()
def at(fixture_warehouse):
    return _page()


def test_page_shows_counts_per_colour_with_change(at, fixture_warehouse):
    assert at.title[0].value == "四色预警"
    model = risk.load_model()
    now = risk.scores(MONTH, warehouse=fixture_warehouse)
    previous = risk.previous_window(MONTH, warehouse=fixture_warehouse)
    # 24 Oct – 20 Nov 12:30 is compared with the 28 days before, to the same elapsed span
    assert previous == Period(dt.date(2026, 9, 26), dt.date(2026, 10, 23),
                              dt.datetime(2026, 10, 23, 12, 30))
    before = risk.scores(previous, warehouse=fixture_warehouse)
    metrics = {m.label: m for m in at.metric}
    assert len(metrics) == 4
    for lv in model.levels:
        # the level rule applied independently of the SQL: highest min_score ≤ score
        n = sum(1 for s in now["score"] if max(
            (x for x in model.levels if s >= x.min_score), key=lambda x: x.min_score) == lv)
        p = sum(1 for s in before["score"] if max(
            (x for x in model.levels if s >= x.min_score), key=lambda x: x.min_score) == lv)
        m = metrics[f"{lv.label}社区"]
        assert m.value == str(n)
        assert m.delta == ("" if n == p else f"{n - p:+d}")
    assert sum(int(m.value) for m in metrics.values()) == 102


def test_scores_rest_on_the_warehouse_counts(fixture_warehouse, wh):
    df = risk.scores(MONTH, warehouse=fixture_warehouse).set_index("community_code")
    assert risk.scored_window(MONTH, warehouse=fixture_warehouse).start == WINDOW_START
    expected = _weighted(wh, dt.datetime(2026, 10, 24), FIXTURE_NOW)
    assert len(expected) > 90
    for code, weighted in expected.items():
        assert df.loc[code, "weighted_incidents"] == pytest.approx(weighted)
    pop = dict(wh.execute("select community_code, population from communities").fetchall())
    code = max(expected, key=expected.get)
    assert df.loc[code, "incident_rate"] == pytest.approx(
        expected[code] * 1000 / pop[code] * 365 / ELAPSED_DAYS)
    points = [c for c in df.columns if c.endswith("_points")]
    assert (df[points].sum(axis=1) - df["score"]).abs().max() < 0.006


def test_table_history_and_contribution_chart(at, fixture_warehouse):
    now = risk.scores(MONTH, warehouse=fixture_warehouse)
    tables = [d for d in at.dataframe if len(d.value) == 102]
    assert tables, "the ranking table is missing"
    table = tables[0].value
    assert "社区" in table.columns and "预警等级" in table.columns and "风险分" in table.columns
    assert list(table["社区"]) == list(now["community_name"])  # sorted by score
    assert not [c for c in table.columns if c.isascii()], "raw column names shown"
    charts = [json.loads(el.proto.spec) for el in at.get("plotly_chart")]
    assert len(charts) == 2
    bars = charts[0]
    names = {t.get("name") for t in bars["data"]}
    assert {"警情率", "在办纠纷"} <= names
    assert bars["layout"]["xaxis"]["title"]["text"] == "得分（满分 100）"
    history = charts[1]
    line = history["data"][0]
    assert len(line["x"]) == 12 and line["x"][-1] == "2026-11"
    top = now.iloc[0]
    assert at.selectbox(key="risk_community").value == top["community_code"]
    assert line["y"][-1] == pytest.approx(top["score"])


def test_choosing_another_community_shows_its_history(at, fixture_warehouse):
    now = risk.scores(MONTH, warehouse=fixture_warehouse)
    last = now.iloc[-1]
    at.selectbox(key="risk_community").set_value(last["community_code"]).run()
    assert not at.exception
    history = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert history["data"][0]["y"][-1] == pytest.approx(last["score"])


def test_a_two_day_view_is_scored_over_the_trailing_28_days(fixture_warehouse, wh):
    two_days = Period(dt.date(2026, 11, 19), dt.date(2026, 11, 20), FIXTURE_NOW)
    window = risk.scored_window(two_days, warehouse=fixture_warehouse)
    assert window == Period(WINDOW_START, dt.date(2026, 11, 20), FIXTURE_NOW)
    df = risk.scores(two_days, warehouse=fixture_warehouse).set_index("community_code")
    expected = _weighted(wh, dt.datetime(2026, 10, 24), FIXTURE_NOW)
    assert df["weighted_incidents"].sum() == pytest.approx(sum(expected.values()))
    for code, weighted in expected.items():
        assert df.loc[code, "weighted_incidents"] == pytest.approx(weighted)
    # more than the two days hold: the window really is wider
    assert sum(expected.values()) > sum(
        _weighted(wh, dt.datetime(2026, 11, 19), FIXTURE_NOW).values())
    # nothing stamped after now (12:30) is counted
    after = _weighted(wh, FIXTURE_NOW, dt.datetime(2026, 11, 21))
    assert after, "the fixture has incidents after now"
    # the same scores as the page's 本月 view: both are the same 28 days
    month = risk.scores(MONTH, warehouse=fixture_warehouse).set_index("community_code")
    assert df["score"].to_dict() == month["score"].to_dict()


def test_the_page_says_a_short_view_is_scored_over_28_days(at):
    notes = [i.value for i in at.info]
    assert "按近28天（2026年10月24日至2026年11月20日 12:30）评分（所选时段不足28天）" in notes
    caption = at.caption[0].value
    assert "与此前28天（2026年9月26日至2026年10月23日 12:30）比较" in caption
    assert "等级变化（较此前28天）" in [h.value for h in at.subheader]
    history = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert history["data"][0]["x"][-1] == "2026-11"
    assert any("本月（按近28天评分）风险分" in c.value for c in at.caption)


def test_first_month_of_data_reports_no_level_change(fixture_warehouse):
    assert risk.data_start(fixture_warehouse) == dt.date(2024, 1, 1)
    a = risk.assess(FIRST_MONTH, warehouse=fixture_warehouse)
    assert a.window == FIRST_MONTH and a.note is None  # 31 days: scored as it is
    assert a.previous is None and not a.compared and not risk.compared(a.scores)
    assert a.scores["change"].isna().all()
    assert risk.turned_top(a.scores).empty
    # there is no 2023: 同比 has no data, every community gets 0 points for it
    assert a.scores["incident_yoy"].isna().all()
    assert (a.scores["incident_yoy_points"] == 0).all()
    # what the check prevents: the empty December 2023 scored and compared would be counted as
    # level changes (the "等级上升77个")
    empty = risk.scores(Period(dt.date(2023, 12, 1), dt.date(2023, 12, 31)),
                        warehouse=fixture_warehouse)
    assert empty["weighted_incidents"].sum() == 0
    naive = risk.compare(a.scores[["community_code", "level", "level_rank", "score"]], empty)
    assert (naive["change"] == "worse").sum() > 10
    # the month after is compared with January
    feb = risk.assess(Period(dt.date(2024, 2, 1), dt.date(2024, 2, 29), step="month"),
                      warehouse=fixture_warehouse)
    assert feb.previous == Period(dt.date(2024, 1, 1), dt.date(2024, 1, 31), step="month")
    assert feb.compared and set(feb.scores["change"]) <= {"same", "worse", "better"}


def test_page_on_the_first_days_of_data_says_there_is_nothing_to_compare(fixture_warehouse):
    at = _page(period="custom", range="2024-01-01..2024-01-20")
    assert not at.exception
    infos = [i.value for i in at.info]
    assert any(risk.NO_PREVIOUS in v for v in infos), infos
    # 20 days, nothing before them: scored as chosen, and it says why
    assert "所选时段不足28天，此前无数据，按所选时段评分" in infos
    assert risk.NO_PREVIOUS in at.caption[0].value
    assert not [e for e in at.error if "新转红色" in e.value]
    assert not [x for x in at.expander if "等级上升" in x.label]
    metrics = list(at.metric)
    assert len(metrics) == 4 and all(m.delta in ("", None) for m in metrics)
    now = risk.scores(Period(dt.date(2024, 1, 1), dt.date(2024, 1, 20)),
                      warehouse=fixture_warehouse)
    for lv in risk.load_model().levels:
        m = next(m for m in metrics if m.label == f"{lv.label}社区")
        assert m.value == str(int((now["level"] == lv.name).sum()))
    table = next(d for d in at.dataframe if len(d.value) == 102).value
    assert "上期等级" not in table.columns
