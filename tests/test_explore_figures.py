"""数据探索 measures from the registry of figures (command_center/figures.py): computed per group
over the staging macros with the figure's own 口径, so a question grouped by nothing gives the
number the topic page shows for the same window."""

from __future__ import annotations

import datetime as dt

import pytest

from command_center import explore as ex
from command_center import headline
from command_center.explore import Question
from command_center.figures import FIGURES
from command_center.periods import resolve
from queries import run_query_uncached
from tests.test_explore_page import open_page, table

NOW = dt.datetime(2026, 11, 20, 12, 30)
MINE = ("330383001030", "330383001031", "330383001032")


def run(q: Question, wh_path, scope=None):
    return ex.run_uncached(*ex.build(q), wh_path, scope=scope, unmasked=False)


def runner(wh_path, scope=None):
    return lambda name, **p: run_query_uncached(name, wh_path, scope=scope, **p)


@pytest.mark.parametrize("preset", ["month", "year", "7d"])
def test_success_rate_grouped_by_nothing_is_the_disputes_page_figure(fixture_warehouse, preset):
    period = resolve(preset, NOW)
    q = Question("disputes", measure="fig.dispute_success_rate",
                 window=(period.start_at, period.end_before))
    got = run(q, fixture_warehouse)["value"].iloc[0]
    page = headline.disputes(runner(fixture_warehouse), period)
    assert page["success_rate"] is not None
    assert got == pytest.approx(100 * page["success_rate"], abs=1e-9)
    closed = run(Question("disputes", measure="fig.disputes_closed",
                          window=(period.start_at, period.end_before)), fixture_warehouse)
    assert closed["value"].iloc[0] == page["closed_count"]


def test_closed_and_unclosed_incidents_are_the_incidents_page_figures(fixture_warehouse):
    period = resolve("month", NOW)
    window = (period.start_at, period.end_before)
    page = headline.incidents(runner(fixture_warehouse, MINE), period)
    for code, column in (("incidents_closed", "closed_count"),
                         ("incidents_unclosed", "unclosed_count"),
                         ("close_hours_median", "median_close_hours")):
        got = run(Question("incidents", measure=f"fig.{code}", window=window),
                  fixture_warehouse, scope=MINE)["value"].iloc[0]
        assert got == pytest.approx(page[column]), code


def test_success_rate_by_channel_over_the_staging_macro(fixture_warehouse, wh):
    """Per group, as of the window's end: a case closed after the end is not yet concluded."""
    period = resolve("month", NOW)
    df = run(Question("disputes", dims=("mediation_channel",),
                      measure="fig.dispute_success_rate",
                      window=(period.start_at, period.end_before)), fixture_warehouse)
    want = dict(wh.execute(
        "select coalesce(mediation_channel, '（空）'), 100.0 * count(*) filter (where "
        "status = '调解成功' and coalesce(closed_at < $end, true)) / nullif(count(*) filter "
        "(where status in ('调解成功', '调解不成功', '已转诉讼') and coalesce(closed_at < $end, "
        "true)), 0) from disputes where received_at >= $start and received_at < $end group by 1",
        {"start": period.start_at, "end": period.end_before}).fetchall())
    got = dict(zip(df["mediation_channel"], df["value"], strict=True))
    assert got.keys() == want.keys()
    assert all(got[k] == pytest.approx(want[k]) for k in want if want[k] is not None)


def test_figures_offered_only_for_their_dataset():
    offered = ex.measures(ex.dataset("disputes"))
    assert offered["fig.dispute_success_rate"] == "调解成功率（%）"
    assert "fig.incidents_closed" not in offered
    assert ex.measures(ex.dataset("incidents"))["fig.incidents_unclosed"] == (
        FIGURES["incidents_unclosed"].label)
    assert not [m for m in ex.measures(ex.dataset("shelters")) if m.startswith("fig.")]


def test_page_shows_a_figure_measure_with_year_ago(fixture_warehouse):
    at = open_page({"ds": "disputes", "by": "received_at.month", "m": "fig.dispute_success_rate",
                    "show": "table", "period": "year"})
    df = table(at)
    assert list(df.columns)[:2] == ["受理时间（按月）", "调解成功率（%）"]
    assert "去年同期" in df.columns and df["调解成功率（%）"].notna().all()
