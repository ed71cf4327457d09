"""数据探索's read-only SQL console (queries/console.py): one SELECT only, scoped connection with
no external access, a time limit by interrupt, a row limit, Chinese errors, masked results."""

from __future__ import annotations

import time

import pytest

from queries import console

MINE = ("330383001030", "330383001031", "330383001032")


def run(sql, wh_path, **kw):
    return console.run(sql, wh_path, scope=kw.pop("scope", None), unmasked=False, **kw)


def test_a_select_returns_the_same_count_as_independent_sql(fixture_warehouse, wh):
    df, truncated = run("with x as (select category, count(*) n from incidents group by 1) "
                        "select * from x order by n desc", fixture_warehouse)
    want = dict(wh.execute("select category, count(*) from incidents group by 1").fetchall())
    assert dict(zip(df["category"], df["n"], strict=True)) == want and not truncated


def test_row_limit_and_masking(fixture_warehouse):
    df, truncated = run("select reporter_phone, summary from incidents", fixture_warehouse,
                        limit=50)
    assert len(df) == 50 and truncated
    assert df["reporter_phone"].dropna().str.contains(r"\*{4}").all()


@pytest.mark.parametrize("sql, message", [
    ("", "请输入"),
    ("select 1; select 2", "一次只能执行一条语句"),
    ("delete from incidents", "只能执行查询语句"),
    ("set enable_external_access = true", "只能执行查询语句"),
    ("attach 'x.duckdb' as y", "只能执行查询语句"),
    ("copy incidents to 'out.csv'", "只能执行查询语句"),
    ("select * from wh.main.incidents", "不能引用数据仓库目录"),
    ("select * from query('select 1')", "以文本方式执行"),
    ("select * from read_csv('/etc/passwd')", "不允许读取文件"),
    ("selec * from incidents", "SQL 语法错误"),
    ("select * from no_such_table", "没有名为“no_such_table”的表"),
    ("select no_such_column from incidents", "没有名为“no_such_column”的字段"),
])
def test_refused_and_failed_statements_say_why_in_chinese(fixture_warehouse, sql, message):
    with pytest.raises(console.ConsoleError) as err:
        run(sql, fixture_warehouse)
    assert message in str(err.value)


def test_a_long_statement_is_interrupted(fixture_warehouse):
    started = time.monotonic()
    with pytest.raises(console.ConsoleError, match="未完成，已中止"):
        run("select count(*) from range(1000000000) a, range(1000) b where a.range % 7 = b.range",
            fixture_warehouse, seconds=0.5)
    assert time.monotonic() - started < 5
    # the connection is usable afterwards
    assert run("select 1 as x", fixture_warehouse)[0]["x"][0] == 1


def test_a_scoped_viewer_has_no_console(fixture_warehouse):
    with pytest.raises(console.ConsoleError, match="社区"):
        run("select 1", fixture_warehouse, scope=MINE)
