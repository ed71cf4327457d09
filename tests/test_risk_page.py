"""The 四色预警 page on the fixture warehouse (AppTest): counts, changes, table, history.

Figures are checked against an independent computation: the level counts against the level
rule applied in Python to the scores, the scores themselves against a direct SQL count of
incidents on the fixture (``wh``) for the incident-rate inputs.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from command_center import risk
from command_center.periods import Period

MONTH = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 20))  # the default period: 本月


@pytest.fixture()
def wh(fixture_warehouse, tmp_path):
    """An independent read-only connection, to a copy: conftest's ``wh`` cannot open the file
    once the query runner (other config) has it open in this process."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(fixture_warehouse, copy)
    con = duckdb.connect(str(copy), read_only=True)
    yield con
    con.close()


@pytest.fixture()
def at(fixture_warehouse):
    app = AppTest.from_file("../app.py", default_timeout=90)
    app.run()
    app.switch_page("views/risk.py")
    app.run()
    assert not app.exception, app.exception
    return app


def test_page_shows_counts_per_colour_with_change(at, fixture_warehouse):
    assert at.title[0].value == "四色预警"
    model = risk.load_model()
    now = risk.scores(MONTH, warehouse=fixture_warehouse)
    before = risk.scores(MONTH.previous(), warehouse=fixture_warehouse)
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
    model = risk.load_model()
    weights = model.category_weights
    rows = wh.execute(
        """
        select community_code, category, count(*) from incidents
        where reported_at >= '2026-11-01' and reported_at < '2026-11-21'
        group by all
        """).fetchall()
    expected: dict[str, float] = {}
    for code, category, n in rows:
        expected[code] = expected.get(code, 0) + n * weights.get(category, model.other_category_weight)
    for code, weighted in expected.items():
        assert df.loc[code, "weighted_incidents"] == pytest.approx(weighted)
    pop = dict(wh.execute("select community_code, population from communities").fetchall())
    code = max(expected, key=expected.get)
    assert df.loc[code, "incident_rate"] == pytest.approx(
        expected[code] * 1000 / pop[code] * 365 / 20)
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


def test_warm_rerun_is_fast(at):
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    print(f"risk page warm rerun: {elapsed * 1000:.0f} ms")
    assert not at.exception
    assert elapsed < 5
