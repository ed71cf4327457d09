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
    assert len(df) > 1  # 本年: a row per month so far
    assert "去年同期" in df.columns and df["调解成功率（%）"].notna().all()


def test_a_figure_s_cases_per_group_are_the_page_s_sample(fixture_warehouse):
    """The ``n`` beside a figure with a minimum sample counts the cases the page counts for
    样本不足: 办结时长 the closed incidents, 24小时办结率 all of them, 调解成功率 the concluded
    disputes."""
    period = resolve("month", NOW)
    window = (period.start_at, period.end_before)
    page = headline.incidents(runner(fixture_warehouse), period)
    for code, column in (("close_hours_median", "closed_count"),
                         ("close_hours_p90", "closed_count"),
                         ("closed_24h_rate", "incident_count")):
        got = run(Question("incidents", measure=f"fig.{code}", window=window), fixture_warehouse)
        assert got["n"].iloc[0] == page[column], code
    got = run(Question("disputes", measure="fig.dispute_success_rate", window=window),
              fixture_warehouse)
    assert got["n"].iloc[0] == headline.disputes(runner(fixture_warehouse), period)[
        "concluded_count"]
    # a measure without a minimum sample has no n
    assert "n" not in run(Question("disputes", measure="count", window=window),
                          fixture_warehouse).columns


def test_page_says_short_sample_per_group_and_year_on_year_in_points(fixture_warehouse, wh):
    """This month's 调解成功率 by 调解方式: a way with fewer concluded cases than the
    figure's minimum has no value (as the disputes page would say 样本不足); the others are
    the rate, and 同比 of a rate reads in 个百分点 like everywhere else."""
    need = FIGURES["dispute_success_rate"].min_sample
    at = open_page({"ds": "disputes", "by": "mediation_channel",
                    "m": "fig.dispute_success_rate", "show": "table", "top": "0"})
    df = table(at)
    assert list(df.columns) == ["调解方式", "调解成功率（%）", "样本数"]
    short = df["样本数"] < need
    assert short.any() and (~short).any()  # the fixture has both kinds of community
    assert df.loc[short, "调解成功率（%）"].isna().all()
    assert df.loc[~short, "调解成功率（%）"].notna().all()
    assert any(f"少于 {need} 件的分组样本不足" in c.value for c in at.caption)
    # 前N项 ranks the channels whose rate can be quoted; the short ones go to 其他
    quotable = int((~short).sum())
    top = table(open_page({"ds": "disputes", "by": "mediation_channel",
                           "m": "fig.dispute_success_rate", "show": "table",
                           "top": str(5 if quotable >= 5 else quotable)}))
    named = top[top["调解方式"] != "其他"]
    assert len(named) and (named["样本数"] >= need).all()
    assert named["调解成功率（%）"].tolist() == sorted(named["调解成功率（%）"], reverse=True)

    by_month = table(open_page({"ds": "disputes", "by": "received_at.month",
                                "m": "fig.dispute_success_rate", "show": "table",
                                "period": "year"}))
    assert len(by_month) > 1
    said = [t for t in by_month["同比"] if t != "—"]
    assert said and all(t == "持平" or t.endswith("个百分点") for t in said)

    # grouped by nothing, this month in a community with few cases: it reads 样本不足（n=…）
    period = resolve("month", NOW)
    few = wh.execute(
        "select community_code, count(*) from disputes where received_at >= $s "
        "and received_at < $e and status in ('调解成功', '调解不成功', '已转诉讼') "
        "and coalesce(closed_at < $e, true) group by 1 having count(*) between 1 and $most "
        "order by 1 limit 1",
        {"s": period.start_at, "e": period.end_before, "most": need - 1}).fetchone()
    assert few is not None
    one = open_page({"ds": "disputes", "by": "-", "m": "fig.dispute_success_rate",
                     "period": "month"})
    one.multiselect(key="communities").set_value([few[0]]).run()
    assert [m.value for m in one.metric] == [f"样本不足（n={few[1]}）"]
