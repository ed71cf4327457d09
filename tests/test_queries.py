"""Every named query runs on the fixture warehouse; the runner refuses what it must."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from queries import QueryError, list_queries, query_params, run_query, run_query_uncached

START = dt.datetime(2026, 10, 1)
END = dt.datetime(2026, 11, 21)

# Example values by parameter-name convention. A query using a new parameter name must add
# it here (or follow a convention), so that this test runs it.
EXAMPLES = {
    "communities": [],
    "dataset": "incidents",  # queries/data: one dataset (table name)
    "community_code": "330383001001",
    "limit": 50,
    "offset": 0,
    "q": "%路%",
    "typhoon_id": "2106",
    "today": dt.date(2026, 11, 20),
    "now": dt.datetime(2026, 11, 20, 18, 0),
    "grain": "day",
    "cell_deg": 0.005,
    "ref_at": dt.datetime(2021, 7, 25, 12, 0),  # a moment inside typhoon 2106's window
    # queries/risk (the model of risk.toml, as command_center.risk.Model.params() passes it)
    "period_starts": [dt.datetime(2026, 11, 1), dt.datetime(2026, 10, 1)],
    "period_ends": [dt.datetime(2026, 11, 21), dt.datetime(2026, 11, 1)],
    "risk_indicators": ["incident_rate", "incident_yoy", "open_disputes", "overdue_disputes",
                        "repeat_disputes", "floating_share", "evacuation_shortfall"],
    "risk_weights": [30.0, 15.0, 15.0, 15.0, 10.0, 5.0, 10.0],
    "risk_methods": ["minmax", "cap", "minmax", "cap", "minmax", "minmax", "cap"],
    "risk_lows": [0.0, -0.3, 0.0, 0.0, 0.0, 0.0, 0.0],
    "risk_highs": [0.0, 0.5, 0.0, 5.0, 0.0, 0.0, 0.2],
    "risk_higher_is_worse": [True] * 7,
    "risk_per_1000": [False, False, True, False, False, False, False],
    "risk_categories": ["刑事", "治安"],
    "risk_category_weights": [3.0, 2.0],
    "risk_other_weight": 1.0,
    "risk_yoy_smoothing": 5.0,
    "risk_repeat_window_days": 180,
    "risk_shortfall_statuses": ["待转移", "拒绝转移"],
    "risk_closed_statuses": ["调解成功", "调解不成功", "已转诉讼", "已撤回"],
    "risk_level_names": ["绿", "蓝", "黄", "红"],
    "risk_level_colors": ["#2e9d5b", "#2f7bd4", "#f0b400", "#d7301f"],
    "risk_level_mins": [0.0, 25.0, 45.0, 65.0],
    # queries/alerts (the conditions of alerts.toml, as command_center.alerts.evaluate passes them)
    "group_by": "community",
    "window_minutes": 60,
    "weeks": 8,
    "k": 3.0,
    "after_hours": 6.0,
    "datasets": ["incidents", "disputes"],
    "max_hours": [6.0, 48.0],
    # queries/data/unmapped_values (vocab.mapped_values()) and the 原始类别/原始来源 toggle
    "mapped": ["incidents.category.市容环卫"],
    "raw": True,
    # queries reading the roll-ups (command_center/rollups.py): their build day, the model's key
    "rollup_before": dt.datetime(2026, 11, 1),
    "model_key": "no-such-model",
}


def example(name: str):
    if name in EXAMPLES:
        return EXAMPLES[name]
    if name == "start" or name.endswith("_start"):
        return START
    if name == "end" or name.endswith("_end"):
        return END
    if name.endswith("_on") or name.endswith("_date"):
        return dt.date(2026, 11, 20)
    if name.endswith("s"):  # plural names are lists; empty means "all"
        return []
    if name.startswith("min_") or name.startswith("max_") or name.endswith("_days"):
        return 0 if name.startswith("min_") else 10_000
    raise AssertionError(f"no example value for ${name}: add it to EXAMPLES in {__file__}")


@pytest.mark.parametrize("name", list_queries())
def test_every_query_runs(name, fixture_warehouse):
    params = {p: example(p) for p in query_params(name)}
    df = run_query_uncached(name, fixture_warehouse, **params)
    assert list(df.columns), name
    for col in df.columns:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", col), f"{name}: column {col!r} is not snake_case"


def test_communities_query_matches_table(fixture_warehouse, wh):
    df = run_query_uncached("shared/communities", fixture_warehouse)
    assert len(df) == wh.execute("select count(*) from communities").fetchone()[0] == 102


def test_refuses_names_outside_queries(fixture_warehouse):
    for bad in ("../app", "shared/../../app", "/etc/passwd", "Shared/Communities", "nope/none"):
        with pytest.raises(QueryError):
            run_query_uncached(bad, fixture_warehouse)


def test_refuses_missing_and_extra_parameters(fixture_warehouse):
    with pytest.raises(QueryError, match="多余参数 start"):
        run_query_uncached("shared/communities", fixture_warehouse, start=START)
    with pytest.raises(QueryError, match="多余参数"):
        run_query("shared/communities", limit=3)


def test_param_scan_ignores_strings_and_comments():
    from queries import _PARAM_RE

    text = "select '$notme', $yes -- $comment\n from t where a = $other"
    assert {m.group(1) for m in _PARAM_RE.finditer(text) if m.group(1)} == {"yes", "other"}


def test_cache_sees_a_rebuilt_warehouse(tmp_path, fixture_warehouse):
    import shutil

    import duckdb

    from command_center.warehouse import warehouse_version

    copy = tmp_path / "w.duckdb"
    shutil.copy(fixture_warehouse, copy)
    v1 = warehouse_version(copy)
    n1 = len(run_query_uncached("shared/communities", copy))
    # rebuild = a new file swapped in with one community less
    new = tmp_path / "w.new.duckdb"
    shutil.copy(fixture_warehouse, new)
    con = duckdb.connect(str(new))
    con.execute("delete from communities where community_code = (select max(community_code) "
                "from communities)")
    con.close()
    new.replace(copy)
    assert warehouse_version(copy) != v1
    assert len(run_query_uncached("shared/communities", copy)) == n1 - 1


def test_runner_sees_a_swapped_file_while_an_old_connection_is_open(tmp_path, fixture_warehouse):
    """DuckDB caches database instances by path: a plain connect would return the old file."""
    import shutil

    import duckdb

    from queries import cursor

    copy = tmp_path / "w.duckdb"
    shutil.copy(fixture_warehouse, copy)
    old = cursor(copy)  # keeps the old version's connection alive
    n = old.execute("select count(*) from communities").fetchone()[0]
    new = tmp_path / "w.new.duckdb"
    shutil.copy(fixture_warehouse, new)
    con = duckdb.connect(str(new))
    con.execute("delete from communities where community_code like '%1'")
    con.close()
    new.replace(copy)
    fresh = cursor(copy).execute("select count(*) from communities").fetchone()[0]
    assert fresh < n
    assert old.execute("select count(*) from communities").fetchone()[0] == n


def test_fragments_are_included_and_not_runnable(fixture_warehouse):
    from queries import _INCLUDE_RE, _sql_text

    assert "disputes/_selection" not in list_queries()
    assert not _INCLUDE_RE.search(_sql_text("disputes/dispute_records"))
    assert "selection as (" in _sql_text("disputes/dispute_records")
    # the fragment's parameters are the query's parameters
    assert {"dispute_types", "org_ids", "start", "end"} <= query_params("disputes/dispute_records")
    with pytest.raises(QueryError, match="查询片段"):
        run_query_uncached("disputes/_selection", fixture_warehouse)
    # fragments include fragments: no query is left with an include line
    assert not [n for n in list_queries() if _INCLUDE_RE.search(_sql_text(n))]
    assert "list_contains($sources, source)" in _sql_text("incidents/totals")


def test_freshness_lists_every_dataset_of_the_registry(fixture_warehouse, wh):
    from command_center.schema import DATASETS

    for ds in DATASETS.values():  # the column that dates a dataset is one of its own
        assert ds.newest_record is None or ds.newest_record in ds.column_names, ds.name
    df = run_query_uncached("data/freshness_by_dataset", fixture_warehouse)
    assert sorted(df["dataset"]) == sorted(DATASETS)
    for name, rows, newest in zip(df["dataset"], df["row_count"], df["newest_record_at"],
                                  strict=True):
        assert rows == wh.execute(f"select count(*) from {name}").fetchone()[0], name
        column = DATASETS[name].newest_record
        if column is None:
            assert newest is None or newest != newest, name  # None / NaT
        else:
            want = wh.execute(f"select cast(max({column}) as timestamp) from {name}").fetchone()[0]
            assert newest == want, name


def test_every_query_is_named_literally_where_it_runs():
    """A query's full name ("incidents/totals") stands in the code that runs it, so a grep
    for it finds every caller, and a query nobody runs is noticed."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    files = [root / "app.py", *(root / "views").rglob("*.py"),
             *(root / "command_center").rglob("*.py"), *(root / "queries").rglob("*.py"),
             *root.glob("*.toml")]
    code = "\n".join(f.read_text(encoding="utf-8") for f in files)
    unnamed = [n for n in list_queries() if f'"{n}"' not in code and f"'{n}'" not in code]
    assert not unnamed, f"queries never named literally in the code: {unnamed}"
