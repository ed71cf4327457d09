"""数据探索 page (AppTest): the default question, a question from a link, a scoped viewer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from streamlit.testing.v1 import AppTest

from command_center import explore as ex
from command_center.access import current
from command_center.schema import DATASETS
from command_center.ui.filters import URL_KEYS
from tests.signing_in import sign_in

NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py FIXTURE_NOW
MONTH = (dt.datetime(2026, 11, 1), NOW)  # the default period 本月, cut at now
MINE = ("330383001030", "330383001031", "330383001032")


def open_page(query: dict | None = None, token: str | None = None) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    if token:
        at.session_state[current.TOKEN_KEY] = token
    query = query or {}
    # the global filters take the link's period once, at the session's first run (as a
    # browser opening the link); the explorer reads its own keys when it opens
    for k in URL_KEYS:
        if k in query:
            at.query_params[k] = query[k]
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page("views/explore.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    if "period" in query:
        assert at.session_state["period"] == query["period"]
    return at


def qp(at: AppTest, key: str) -> list[str]:
    v = at.query_params[key]
    return v if isinstance(v, list) else [v]


def table(at: AppTest, key: str = "ex_table"):
    # the result is the page's first table (AppTest has no keys for it); the SQL console's
    # list of tables follows for roles that have it
    assert at.dataframe and "表名" not in at.dataframe[0].value.columns, key
    return at.dataframe[0].value


def test_default_question_counts_incidents_by_category(fixture_warehouse, wh):
    at = open_page({"show": "table"})
    df = table(at)
    assert list(df.columns) == ["事件类别", "记录数"]
    want = dict(wh.execute(
        "select category, count(*) from incidents where reported_at >= ? and reported_at < ? "
        "group by 1", list(MONTH)).fetchall())
    assert dict(zip(df["事件类别"], df["记录数"], strict=True)) == want
    assert qp(at, "ds") == ["incidents"] and qp(at, "by") == ["category"]


def test_a_link_reproduces_a_two_dimension_question(fixture_warehouse, wh):
    at = open_page({"ds": "disputes", "by": ["mediation_channel", "risk_level"],
                    "m": "sum.parties_count", "show": "pivot", "win": "0", "top": "0",
                    "f": ["status~in~调解成功|调解不成功"]})
    df = table(at, "ex_pivot")
    want = wh.execute(
        "select mediation_channel, risk_level, sum(parties_count) from disputes "
        "where status in ('调解成功', '调解不成功') group by 1, 2").fetchall()
    assert df.columns[0] == "调解方式" and want
    for channel, level, n in want:
        row = df[df["调解方式"] == channel].iloc[0]
        assert row[level] == n, (channel, level)
    # the question stays in the URL with the same codes
    assert qp(at, "f") == ["status~in~调解成功|调解不成功"]
    assert qp(at, "m") == ["sum.parties_count"]
    assert not any(s.value == "None" for s in at.markdown)


def test_time_series_has_year_ago_beside_it(fixture_warehouse, wh):
    at = open_page({"by": "reported_at.day", "show": "table"})
    df = table(at)
    assert list(df.columns) == ["上报时间（按日）", "记录数", "去年同期", "同比"]
    first = df.iloc[0]
    assert first["上报时间（按日）"] == "2026-11-01"
    assert first["记录数"] == wh.execute(
        "select count(*) from incidents where reported_at >= '2026-11-01' and reported_at < "
        "'2026-11-02'").fetchone()[0]
    assert first["去年同期"] == wh.execute(
        "select count(*) from incidents where reported_at >= '2025-11-01' and reported_at < "
        "'2025-11-02'").fetchone()[0]


def test_a_community_viewer_sees_only_their_communities(fixture_warehouse, wh):
    at = open_page({"by": "community_code", "show": "table"},
                   token=sign_in("community", MINE, "grid-3"))
    df = table(at)
    names = dict(wh.execute("select community_name, community_code from communities").fetchall())
    assert set(df["社区"]) <= {n for n, c in names.items() if c in MINE}
    want = wh.execute("select count(*) from incidents where reported_at >= ? and reported_at < ?"
                      " and community_code in (?, ?, ?)", [*MONTH, *MINE]).fetchone()[0]
    assert df["记录数"].sum() == want


BAD = {"none", "nan", "nat", "null", "<na>", "undefined"}
ASCII_WORD = re.compile(r"\b[A-Za-z_]{3,}\b")


@pytest.mark.parametrize("ds", list(DATASETS))
@pytest.mark.parametrize("show", ["table", "pivot", "stack"])
def test_every_dataset_in_every_shape_reads_chinese(fixture_warehouse, ds, show):
    """Each dataset grouped by its main time (or first category) and a category, every
    filter kind of its columns on: no error, no English, no None/nan in any table or text."""
    dims = list(ex.dimensions(ex.dataset(ds)))
    cats = [d for d in dims if "." not in d]
    times = [d for d in dims if d.endswith(".month")]
    by = (times[:1] + cats[:1]) if times else cats[:2]
    fl = []
    for c in ex.dataset(ds).columns:
        op = ex.filter_ops(c)[0]
        fl.append({"range": f"{c.name}~range~2020-01-01..", "between": f"{c.name}~between~0..",
                   "in": f"{c.name}~in~", "contains": f"{c.name}~contains~",
                   "empty": f"{c.name}~empty~0"}[op])
    at = open_page({"ds": ds, "by": by, "show": show, "win": "0", "f": fl[:6]})
    assert not at.error and not at.warning, ([e.value for e in at.error],
                                             [w.value for w in at.warning])
    for el in at.dataframe:
        df = el.value
        for col in df.columns:
            assert not ASCII_WORD.search(str(col)), col
            texts = [v for v in df[col] if isinstance(v, str)]
            assert not [v for v in texts if v.strip().lower() in BAD], col
        if df.isna().any().any():
            assert el.proto.placeholder == "—"
    shown = " ".join([*(c.value for c in at.main.caption), *(s.label for s in at.selectbox),
                      *(m.label for m in at.multiselect)])
    for word in ("Excel", "CSV", "SQL", "SELECT", "WITH"):  # button names and SQL keywords
        shown = shown.replace(word, "")
    assert not ASCII_WORD.search(shown), shown


def test_sql_console_runs_one_select_and_audits_it(fixture_warehouse, wh):
    from command_center.access import audit

    at = open_page({"show": "table"})
    mark = len(audit.entries())
    at.text_area(key="ex_sql").input(
        "select status, count(*) as n from incidents group by 1").run()
    at.button(key="ex_sql_run").click().run()
    assert not at.exception and not at.error
    df = at.dataframe[-1].value
    want = dict(wh.execute("select status, count(*) from incidents group by 1").fetchall())
    assert dict(zip(df["状态"], df["数量"], strict=True)) == want
    at.text_area(key="ex_sql").input("drop table incidents").run()
    at.button(key="ex_sql_run").click().run()
    assert [e.value for e in at.error] == [
        "只能执行查询语句（SELECT 或 WITH … SELECT），不能修改数据或设置。"]
    lines = audit.entries()[mark:]
    assert [(x["action"], x["detail"]["语句"]) for x in lines] == [
        ("sql_query", "select status, count(*) as n from incidents group by 1"),
        ("sql_query", "drop table incidents")]
    assert lines[0]["rows"] == len(want) and lines[1]["detail"]["结果"].startswith("失败")


@pytest.mark.parametrize("role, has_console", [("analyst", True), ("leader", False),
                                               ("community", False)])
def test_sql_console_only_for_roles_that_may(fixture_warehouse, role, has_console):
    at = open_page(token=sign_in(role, MINE if role == "community" else ()))
    assert bool([t for t in at.text_area if t.key == "ex_sql"]) == has_console


def test_saved_question_is_stored_shared_and_reopened_by_another_user(fixture_warehouse, wh):
    from command_center import explore_store
    from command_center.access import audit

    mark = len(audit.entries())
    at = open_page({"ds": "disputes", "by": "risk_level", "show": "table", "win": "0"})
    first = table(at)
    at.text_input(key="ex_saved_name").input("纠纷按风险等级").run()
    at.checkbox(key="ex_saved_shared").check().run()
    at.button(key="ex_saved_save").click().run()
    assert [s.value for s in at.success] == ["已保存“纠纷按风险等级”。"]
    mine = [x for x in explore_store.visible("test-admin") if x.name == "纠纷按风险等级"]
    assert len(mine) == 1 and mine[0].shared and "ds=disputes" in mine[0].query
    saved = [x for x in audit.entries()[mark:] if x["action"] == "query_save"]
    assert [(x["user"], x["detail"]["名称"], x["detail"]["共享"], x["detail"]["查询"])
            for x in saved] == [("test-admin", "纠纷按风险等级", True, mine[0].query)]

    other = open_page({"show": "table"}, token=sign_in("analyst"))  # incidents by category
    assert list(table(other).columns) == ["事件类别", "记录数"]
    pick = other.selectbox(key="ex_saved_pick")
    assert "纠纷按风险等级（test-admin 共享）" in pick.options
    pick.select(mine[0].id).run()
    other.button(key="ex_saved_open").click().run()
    assert not other.exception
    reopened = table(other)
    assert reopened.equals(first)
    want = dict(wh.execute("select risk_level, count(*) from disputes group by 1").fetchall())
    assert dict(zip(reopened["风险等级"], reopened["记录数"], strict=True)) == want
    # only the owner may delete it: the button is off for another user, and the store refuses
    assert other.button(key="ex_saved_delete").disabled
    assert not explore_store.delete(mine[0].id, "test-analyst")
    at.run()  # the list as the owner sees it now (it was drawn above the save button)
    at.selectbox(key="ex_saved_pick").select(mine[0].id).run()
    at.button(key="ex_saved_delete").click().run()
    assert all(x.id != mine[0].id for x in explore_store.visible("test-analyst"))
    deleted = [x for x in audit.entries()[mark:] if x["action"] == "query_delete"]
    assert [(x["user"], x["detail"]["名称"]) for x in deleted] == [("test-admin", "纠纷按风险等级")]


def test_a_hostile_link_falls_back_without_error(fixture_warehouse):
    at = open_page({"ds": "nope", "by": ["category\" from x; --", "reported_at.century"],
                    "m": "sum.category", "top": "abc", "show": "<b>", "win": "x",
                    "f": ["no_such~in~a", "reported_at~range~0001-01-01..3000-01-01",
                          "severity~in~'); drop table incidents; --",
                          "reporter_name~contains~张", "closed_at~between~a..b", "~~", "x"]})
    assert not at.error, [e.value for e in at.error]
    assert qp(at, "ds") == ["incidents"] and qp(at, "by") == ["category"]
    assert "m" not in at.query_params and "show" not in at.query_params
    # the personal column's 包含 is not offered: only 为空/不为空
    op = at.selectbox(key="ex_fo_reporter_name")
    assert op.options == ["是否为空"]


def test_result_export_is_what_the_page_shows(fixture_warehouse):
    """With a pivot shown, the result download is the pivot (its rows counted in the caption),
    offered by the pages' own helper (download_buttons: 导出 CSV / 导出 Excel for the result
    and for the rows); the files' content is tested in test_explore_queries."""
    at = open_page({"ds": "disputes", "by": ["mediation_channel", "risk_level"],
                    "show": "pivot", "win": "0", "f": ["status~in~调解成功"]})
    shown = table(at, "ex_pivot")
    assert [c.value for c in at.main.caption if c.value.startswith("透视表")] == [
        f"透视表（{len(shown):,} 行，即上方图表或表格的数据）"]
    buttons = [b for b in at.get("download_button") if b.proto.label == "导出 CSV"]
    assert len(buttons) == 2 and not buttons[0].proto.disabled
