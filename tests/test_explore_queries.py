"""数据探索's SQL builder (command_center/explore/): question shapes against hand-written SQL on the
fixture warehouse, identifiers only from the schema, values only as parameters, scope below."""

from __future__ import annotations

import datetime as dt

import pytest

from command_center import explore as ex
from command_center.explore import Filter, Question

NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py FIXTURE_NOW
YEAR = (dt.datetime(2026, 1, 1), NOW)
MINE = ("330383001030", "330383001031", "330383001032")


def run(q: Question, wh_path, scope=None, **kw):
    sql, params = ex.build(q, **kw)
    return ex.run_uncached(sql, params, wh_path, scope=scope, unmasked=False)


def as_dict(df, *keys) -> dict:
    cols = [ex.dim_name(k) for k in keys]
    return {tuple(r[c] for c in cols) if len(cols) > 1 else r[cols[0]]: r["value"]
            for _, r in df.iterrows()}


def test_count_by_category_in_a_window(fixture_warehouse, wh):
    df = run(Question("incidents", dims=("category",), window=YEAR), fixture_warehouse)
    want = dict(wh.execute(
        "select coalesce(category, '（空）'), count(*) from incidents where reported_at >= ? "
        "and reported_at < ? group by 1", list(YEAR)).fetchall())
    assert want and as_dict(df, "category") == want
    assert list(df.columns) == ["category", "value"]


def test_month_by_source_with_a_pick_list_filter(fixture_warehouse, wh):
    q = Question("incidents", dims=("reported_at.month", "source"), window=YEAR,
                 filters=(Filter("severity", "in", ("较大", "重大")),))
    df = run(q, fixture_warehouse)
    want = {(m, s): n for m, s, n in wh.execute(
        "select date_trunc('month', reported_at), coalesce(source, '（空）'), count(*) "
        "from incidents where reported_at >= ? and reported_at < ? "
        "and severity in ('较大', '重大') group by 1, 2", list(YEAR)).fetchall()}
    got = {(m.to_pydatetime(), s): n for (m, s), n in as_dict(
        df, "reported_at.month", "source").items()}
    assert want and got == want


def test_median_amount_by_channel_with_a_number_range(fixture_warehouse, wh):
    q = Question("disputes", dims=("mediation_channel",), measure="median.amount_yuan",
                 filters=(Filter("parties_count", "between", (2, None)),))
    df = run(q, fixture_warehouse)
    want = dict(wh.execute(
        "select coalesce(mediation_channel, '（空）'), median(amount_yuan) from disputes "
        "where parties_count >= 2 group by 1").fetchall())
    got = as_dict(df, "mediation_channel")
    assert want.keys() == got.keys()
    for k, v in want.items():
        assert got[k] == pytest.approx(v, nan_ok=True)


def test_top_n_folds_the_rest_into_other(fixture_warehouse, wh):
    q = Question("incidents", dims=("subcategory",), top=5, window=YEAR)
    got = as_dict(run(q, fixture_warehouse), "subcategory")
    rows = wh.execute(
        "select coalesce(subcategory, '（空）') k, count(*) n from incidents where reported_at "
        ">= ? and reported_at < ? group by 1 order by n desc, k", list(YEAR)).fetchall()
    want = dict(rows[:5])
    # the rest joins 其他 (a real value 其他 among the top five included)
    want["其他"] = want.get("其他", 0) + sum(n for _, n in rows[5:])
    assert got == want


def test_weekday_with_text_contains_and_empty(fixture_warehouse, wh):
    q = Question("incidents", dims=("reported_at.weekday",), window=YEAR,
                 filters=(Filter("summary", "contains", "纠纷"), Filter("closed_at", "empty", True)))
    got = as_dict(run(q, fixture_warehouse), "reported_at.weekday")
    want = dict(wh.execute(
        "select isodow(reported_at), count(*) from incidents where reported_at >= ? and "
        "reported_at < ? and summary like '%纠纷%' and closed_at is null group by 1",
        list(YEAR)).fetchall())
    assert got == want


def test_year_ago_buckets_land_on_this_years_axis(fixture_warehouse, wh):
    last = (dt.datetime(2025, 1, 1), dt.datetime(2025, 11, 20, 12, 30))
    q = Question("incidents", dims=("reported_at.month",), window=last, shift_years=1)
    got = {k.to_pydatetime(): v for k, v in as_dict(run(q, fixture_warehouse),
                                                     "reported_at.month").items()}
    want = {m.replace(year=2026): n for m, n in wh.execute(
        "select date_trunc('month', reported_at), count(*) from incidents where reported_at "
        ">= ? and reported_at < ? group by 1", list(last)).fetchall()}
    assert want and got == want


def test_sum_and_distinct_and_time_range_filter(fixture_warehouse, wh):
    q = Question("evacuations", dims=("status",), measure="sum.person_count",
                 filters=(Filter("notified_at", "range", ("2025-01-01", "2025-12-31")),))
    got = as_dict(run(q, fixture_warehouse), "status")
    want = dict(wh.execute(
        "select coalesce(status, '（空）'), sum(person_count) from evacuations where notified_at "
        ">= '2025-01-01' and notified_at < '2026-01-01' group by 1").fetchall())
    assert want and got == want
    q = Question("disputes", measure="distinct.community_code")
    assert run(q, fixture_warehouse)["value"][0] == wh.execute(
        "select count(distinct community_code) from disputes").fetchone()[0]


@pytest.mark.parametrize("q, kw", [
    (Question("no_such_table"), {}),
    (Question("incidents", dims=('category" from communities; --',)), {}),
    (Question("incidents", dims=("reporter_name",)), {}),  # personal: not a dimension
    (Question("incidents", measure="sum.category"), {}),  # not numeric
    (Question("incidents", measure="sum.no_such"), {}),
    (Question("incidents", filters=(Filter("no_such", "contains", "x"),)), {}),
    (Question("incidents", filters=(Filter("reporter_name", "contains", "张"),)), {}),
    (Question("incidents", dims=("category", "source", "status")), {}),
])
def test_identifiers_outside_the_schema_are_refused(q, kw):
    with pytest.raises(ex.ExploreError):
        ex.build(q, **kw)


def test_personal_dimension_only_when_unmasking():
    assert "reporter_name" not in ex.dimensions(ex.dataset("incidents"))
    assert "reporter_name" in ex.dimensions(ex.dataset("incidents"), personal_ok=True)
    ex.build(Question("incidents", dims=("reporter_name",)), personal_ok=True)


def test_typed_values_are_parameters_not_sql(fixture_warehouse):
    hostile = "x') or 1=1 --"
    q = Question("incidents", filters=(Filter("summary", "contains", hostile),
                                       Filter("category", "in", (hostile,))))
    sql, params = ex.build(q)
    assert hostile not in sql and hostile in params.values()
    assert run(q, fixture_warehouse)["value"][0] == 0


def test_scoped_viewer_reads_only_their_communities(fixture_warehouse, wh):
    q = Question("incidents", dims=("community_code",), window=YEAR)
    got = as_dict(run(q, fixture_warehouse, scope=MINE), "community_code")
    want = dict(wh.execute(
        "select community_code, count(*) from incidents where reported_at >= ? and "
        "reported_at < ? and community_code in (?, ?, ?) group by 1",
        [*YEAR, *MINE]).fetchall())
    assert want and got == want
    # asking for another community through the global filter narrows to nothing
    q = Question("incidents", communities=("330383001001",), window=YEAR)
    assert run(q, fixture_warehouse, scope=MINE)["value"][0] == 0
    rows_sql, params = ex.build_rows(Question("incidents", window=YEAR), limit=100_000)
    rows = ex.run_uncached(rows_sql, params, fixture_warehouse, scope=MINE, unmasked=False)
    assert set(rows["community_code"]) <= set(MINE) and len(rows) == sum(want.values())
    assert rows["reporter_phone"].dropna().str.contains(r"\*\*\*\*").all()


def test_row_limit_and_pick_list(fixture_warehouse, wh):
    q = Question("incidents", dims=("reported_at.day",), window=YEAR)
    sql, params = ex.build(q, limit=10)
    assert len(ex.run_uncached(sql, params, fixture_warehouse, scope=None, unmasked=False)) == 11
    sql, params = ex.build_values(q, "source")
    df = ex.run_uncached(sql, params, fixture_warehouse, scope=None, unmasked=False)
    want = dict(wh.execute("select source, count(*) from incidents where reported_at >= ? and "
                           "reported_at < ? and source is not null group by 1", list(YEAR)
                           ).fetchall())
    assert dict(zip(df["source"], df["n"], strict=True)) == want


def test_rows_export_runs_as_the_carried_viewer_masked_and_audited(fixture_warehouse):
    """The 明细 download is made after the run that drew its button: it reads as the viewer of
    that run (scope, masking) through the existing export helper, which audits it once."""
    from command_center.access import audit, current, roles, sessions
    from command_center.ui import export

    viewer = sessions.Viewer("grid-x", "网格员", roles.get("community"), MINE, "password")
    q = Question("incidents", window=YEAR)
    sql, params = ex.build_rows(q, limit=ex.EXPORT_MAX)
    mark = len(audit.entries())
    with current.acting_as((viewer, False)):
        make = export.audited("export", "数据探索_明细.csv", {"数据": "警情事件"},
                              lambda: export.csv_bytes(ex.run_uncached(sql, params,
                                                                       fixture_warehouse),
                                                       {"数据": "警情事件"}))
    data = make().decode("utf-8")
    assert data.startswith("\ufeff# 数据：警情事件\n")
    import io

    import pandas as pd
    rows = pd.read_csv(io.StringIO(data.split("\n", 1)[1]), dtype=str)
    assert "事件编号" in rows.columns and "reporter_phone" not in rows.columns
    assert len(rows) and set(rows["社区编码"]) <= set(MINE)
    assert rows["联系电话"].dropna().str.contains(r"^\d{3}\*{4}\d{4}$").all()
    assert [(x["action"], x["user"], x["target"]) for x in audit.entries()[mark:]] == [
        ("export", "grid-x", "数据探索_明细.csv")]


def test_year_ago_is_folded_like_this_year(fixture_warehouse, wh):
    """同比 with top-N: last year's rows keep this year's top values, the rest is 其他."""
    q = Question("incidents", dims=("reported_at.year", "subcategory"), top=3, window=YEAR)
    now = run(q, fixture_warehouse)
    keep = ex.kept(q, now)
    assert len(keep) == 3 and "其他" in set(now["subcategory"])
    last = (dt.datetime(2025, 1, 1), dt.datetime(2025, 11, 20, 12, 30))
    ya = Question("incidents", dims=q.dims, top=3, window=last, shift_years=1, keep=keep)
    got = {k[1]: v for k, v in as_dict(run(ya, fixture_warehouse), *q.dims).items()}
    rows = dict(wh.execute(
        "select coalesce(subcategory, '（空）'), count(*) from incidents where reported_at >= ? "
        "and reported_at < ? group by 1", list(last)).fetchall())
    want = {k: rows.get(k, 0) for k in keep}
    want["其他"] = sum(n for k, n in rows.items() if k not in keep)
    assert got == {k: v for k, v in want.items() if v}


def test_url_codes_round_trip_and_bad_parts_are_dropped():
    from command_center.ui import explore_url as url

    filters = [Filter("reported_at", "range", (dt.date(2026, 1, 1), dt.date(2026, 3, 31))),
               Filter("amount_yuan", "between", (2, None)), Filter("amount_yuan", "between", (None, 2.5)),
               Filter("status", "in", ("调解成功", "调解不成功")),
               Filter("summary", "contains", "a~b|c"), Filter("closed_at", "empty", False)]
    for f in filters:
        assert url.decode_filter(url.encode_filter(f)) == f
    want = url.want("disputes", ["received_at.month", "status"], "median.amount_yuan", 5, "pivot",
                    False, filters)
    assert want["ds"] == "disputes" and want["win"] == "0" and want["top"] == "5"
    got = url.read(lambda k: (want[k] if isinstance(want.get(k), str) else
                              (want[k][0] if k in want else None)),
                   lambda k: want[k] if isinstance(want.get(k), list) else
                   ([want[k]] if k in want else []))
    assert got == {"ds": "disputes", "by": ["received_at.month", "status"],
                   "m": "median.amount_yuan", "top": 5, "show": "pivot", "win": False,
                   "f": filters}
    assert url.decode_filter("x") is None and url.decode_filter("a~drop~b") is None
    assert url.decode_filter("closed_at~range~2026-99-01..") is None
    assert url.want("incidents", ["category"], "count", 10, "bar", True, []) == {
        "ds": "incidents", "by": ["category"]}


def test_builder_names_stay_importable_from_queries_explore():
    """The builder moved to command_center/explore/; callers of queries.explore keep working."""
    from queries import explore as old_path

    assert set(old_path.__all__) >= {"Question", "Filter", "build", "run", "build_cells"}
    for name in old_path.__all__:
        assert getattr(old_path, name) is getattr(ex, name), name
