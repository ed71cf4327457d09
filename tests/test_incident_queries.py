"""queries/incidents and queries/disputes with non-default parameters, against independent SQL
on the fixture: long periods (overlapping 同比 windows), literal text search, weekday/hour."""

from __future__ import annotations

import datetime as dt

import pytest

from command_center.ui.incident_filters import auto_grain, like_pattern
from queries import run_query_uncached

NONE = {"sources": [], "categories": [], "subcategories": [], "severities": [], "statuses": [],
        "weekdays": [], "min_hour": 0, "max_hour": 23, "q": None, "communities": []}


def run(name, fixture_warehouse, **params):
    return run_query_uncached(name, fixture_warehouse, **{**NONE, **params})


def test_auto_grain():
    assert [auto_grain(d) for d in (1, 62, 63, 366, 367)] == ["day", "day", "week", "week",
                                                               "month"]


def test_like_pattern_is_literal():
    assert like_pattern("  ") is None
    assert like_pattern("人民路") == "%人民路%"
    assert like_pattern("100%_a\\") == "%100\\%\\_a\\\\%"


def test_trend_over_two_years_overlapping_windows(fixture_warehouse, wh):
    start, end = dt.datetime(2025, 1, 1), dt.datetime(2026, 11, 21)
    df = run("incidents/incidents_by_period", fixture_warehouse, start=start, end=end,
             grain="month")
    assert len(df) == 23
    current = wh.execute("select count(*) from incidents where reported_at >= ? "
                         "and reported_at < ?", [start, end]).fetchone()[0]
    last = wh.execute("select count(*) from incidents where reported_at >= ? "
                      "and reported_at < ?", [dt.datetime(2024, 1, 1),
                                              dt.datetime(2025, 11, 21)]).fetchone()[0]
    assert df["incident_count"].sum() == current
    assert df["year_ago_count"].sum() == last
    # March 2026 of last year's line = March 2025
    march = df[df["bucket_on"] == pd_date(2026, 3, 1)].iloc[0]
    assert march["year_ago_count"] == wh.execute(
        "select count(*) from incidents where reported_at >= '2025-03-01' "
        "and reported_at < '2025-04-01'").fetchone()[0]


def pd_date(y, m, d):
    import pandas as pd

    return pd.Timestamp(y, m, d)


@pytest.mark.parametrize("text", ["社区", "路1", "%", "_"])
def test_text_search(fixture_warehouse, wh, text):
    start, end = dt.datetime(2026, 1, 1), dt.datetime(2026, 11, 21)
    got = run("incidents/totals", fixture_warehouse, start=start, end=end,
              q=like_pattern(text))["incident_count"].iloc[0]
    expected = wh.execute(
        "select count(*) from incidents where reported_at >= ? and reported_at < ? "
        "and (strpos(address, ?) > 0 or strpos(summary, ?) > 0)",
        [start, end, text, text]).fetchone()[0]
    assert got == expected


def test_weekday_hour_and_lists(fixture_warehouse, wh):
    start, end = dt.datetime(2026, 1, 1), dt.datetime(2026, 11, 21)
    got = run("incidents/totals", fixture_warehouse, start=start, end=end, weekdays=[6, 7],
              min_hour=20, max_hour=23, sources=["110", "12345"],
              statuses=["已办结"])["incident_count"].iloc[0]
    expected = wh.execute(
        "select count(*) from incidents where reported_at >= ? and reported_at < ? "
        "and dayofweek(reported_at) in (0, 6) and extract('hour' from reported_at) >= 20 "
        "and source in ('110', '12345') and status = '已办结'", [start, end]).fetchone()[0]
    assert got == expected > 0


def test_records_pages_cover_the_selection(fixture_warehouse, wh):
    start, end = dt.datetime(2026, 11, 1), dt.datetime(2026, 11, 21)
    pages = [run("incidents/incident_records", fixture_warehouse, start=start, end=end,
                 limit=100, offset=o) for o in range(0, 1000, 100)]
    ids = [i for p in pages for i in p["incident_id"]]
    expected = [r[0] for r in wh.execute(
        "select incident_id from incidents where reported_at >= ? and reported_at < ? "
        "order by reported_at desc, incident_id", [start, end]).fetchall()]
    assert ids == expected


def test_disputes_by_org_matches(fixture_warehouse, wh):
    start, end = dt.datetime(2026, 1, 1), dt.datetime(2026, 11, 21)
    df = run_query_uncached(
        "disputes/disputes_by_org", fixture_warehouse, start=start, end=end, communities=[],
        dispute_types=[], sources=[], channels=[], statuses=[], risk_levels=[], org_ids=[])
    rows = wh.execute(
        "select o.org_name, count(*), count(*) filter (where d.status = '调解成功'), "
        "count(*) filter (where d.status in ('调解成功', '调解不成功', '已转诉讼', '已撤回')) "
        "from disputes d join social_orgs o on o.org_id = d.mediator_org_id "
        "where d.received_at >= ? and d.received_at < ? group by 1", [start, end]).fetchall()
    got = {r.org_name: (r.dispute_count, r.success_count, r.closed_count)
           for r in df.itertuples()}
    assert got == {name: (n, s, c) for name, n, s, c in rows}
