"""The headline queries that figure several windows at once (this period, 环比, 同比 in one
query: queries/shared/_periods): each window's rows are exactly what the query gives for that
window alone, each as of its own end, and a window before the data has zeros, not gaps. The
single-window figures are checked against independent SQL in each topic's own tests."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from command_center import headline
from command_center.periods import Period
from queries import run_query_uncached

NOW = dt.datetime(2026, 11, 20, 12, 30)  # the fixture clock (conftest.FIXTURE_NOW)
THIS = Period(dt.date(2026, 11, 1), NOW.date()).cut(NOW)
WINDOWS = [THIS, THIS.year_ago(), THIS.previous(),
           Period(dt.date(2010, 1, 1), dt.date(2010, 1, 31))]  # the last: before any data
QUERIES = {
    **{name: everything for name, everything in headline.TOPICS.values()},
    "social_orgs/mediation_by_org": headline.ALL_ORGS,
}


def run(fixture_warehouse, name, windows, **params):
    return run_query_uncached(name, fixture_warehouse, communities=[],
                              period_starts=[w.start_at for w in windows],
                              period_ends=[w.end_before for w in windows], **params)


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_windows_together_are_the_windows_alone(fixture_warehouse, name):
    together = run(fixture_warehouse, name, WINDOWS, **QUERIES[name])
    assert set(together["period_no"]) <= set(range(1, len(WINDOWS) + 1))
    for no, window in enumerate(WINDOWS, start=1):
        alone = run(fixture_warehouse, name, [window], **QUERIES[name])
        assert set(alone["period_no"]) <= {1}
        mine = together[together["period_no"] == no].drop(columns="period_no")
        pd.testing.assert_frame_equal(mine.reset_index(drop=True),
                                      alone.drop(columns="period_no").reset_index(drop=True),
                                      check_dtype=not alone.empty)  # no row: no dtype to say
    # the first three windows hold data, and they differ (each as of its own end)
    counted = together.groupby("period_no").size()
    assert {1, 2, 3} <= set(counted.index)


@pytest.mark.parametrize("topic", ["incidents", "disputes", "patrols"])
def test_a_window_before_the_data_is_a_row_of_zeros(fixture_warehouse, topic):
    name, everything = headline.TOPICS[topic]
    got = run(fixture_warehouse, name, WINDOWS, **everything)
    assert list(got["period_no"]) == [1, 2, 3, 4]  # one row per window, in order
    counts = [c for c in got.columns if c.endswith("_count")]
    assert counts and all(got.iloc[3][c] == 0 for c in counts), got.iloc[3]
    assert got.iloc[0][counts].sum() > 0


def test_the_register_as_it_stood_at_each_window(fixture_warehouse, wh):
    """The register is state, not events: a window before the data still has the
    organizations registered by its end, and those registered inside it are new."""
    name, everything = headline.TOPICS["orgs"]
    got = run(fixture_warehouse, name, WINDOWS, **everything)
    assert list(got["period_no"]) == [1, 2, 3, 4]
    for row, window in zip(got.itertuples(), WINDOWS, strict=True):
        registered, new = wh.execute(
            "select count(*), count(*) filter (where registered_on >= ?) from social_orgs "
            "where status = '正常' and (registered_on is null or registered_on < ?)",
            [window.start, window.end_before]).fetchone()
        assert (row.registered_count, row.new_count) == (registered, new)
    assert got["registered_count"].iloc[0] > got["registered_count"].iloc[3] > 0


def test_figures_of_the_headline_are_the_rows_of_one_query(fixture_warehouse):
    calls = []

    def runner(name, **params):
        calls.append(name)
        return run_query_uncached(name, fixture_warehouse, **params)

    compared = headline.compared("disputes", runner, THIS, [], lambda _p: True)
    assert calls == ["disputes/totals"]  # this period, 环比 and 同比: one query
    for row, window in ((compared.now, THIS), (compared.previous, THIS.previous()),
                        (compared.year_ago, THIS.year_ago())):
        assert row == headline.disputes(runner, window)
    assert compared.now["dispute_count"] > 0
    # a window the data does not cover is no row at all (无可比数据), not zeros
    uncovered = headline.compared("disputes", runner, THIS, [], lambda p: p == THIS)
    assert uncovered.previous is None and uncovered.year_ago is None
