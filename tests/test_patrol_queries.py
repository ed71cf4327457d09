"""queries/patrols (平安乐巡) against independent SQL on the fixture warehouse: figures as of a
window's end (the clock is 12:30 on the fixture's last day and the data runs on to 23:59),
people on patrol now, the trend's year-ago line, coverage against incidents, team ranking."""

from __future__ import annotations

import datetime as dt

from queries import run_query_uncached

NOW = dt.datetime(2026, 11, 20, 12, 30)  # the fixture clock (conftest.FIXTURE_NOW)
START = dt.datetime(2026, 11, 1)


def run(name, fixture_warehouse, **params):
    return run_query_uncached(name, fixture_warehouse, **{"communities": [], **params})


def totals(fixture_warehouse, windows, **params):
    """patrols/totals for several windows at once: its rows, one per window in order."""
    df = run("patrols/totals", fixture_warehouse, period_starts=[s for s, _ in windows],
             period_ends=[e for _, e in windows], **params)
    assert list(df["period_no"]) == list(range(1, len(windows) + 1))
    return df


def test_totals_count_only_what_was_done_by_the_end(fixture_warehouse, wh):
    got = totals(fixture_warehouse, [(START, NOW)], patrol_types=[]).iloc[0]
    done, people, hours, comms, points = wh.execute(
        "select count(*), sum(participant_count), "
        "sum(date_diff('second', started_at, ended_at) / 3600.0), "
        "count(distinct community_code), sum(points_awarded) from patrols "
        "where planned_start_at >= ? and planned_start_at < ? "
        "and status = '已完成' and ended_at < ?", [START, NOW, NOW]).fetchone()
    assert got["done_count"] == done > 0
    assert got["participant_count"] == people
    assert abs(got["patrol_hours"] - hours) < 1e-6
    assert got["community_count"] == comms
    assert got["points_total"] == points
    planned = wh.execute("select count(*) from patrols where planned_start_at >= ? "
                         "and (planned_start_at < ? or started_at < ?)",
                         [START, NOW, NOW]).fetchone()[0]
    assert got["task_count"] == planned
    # tasks planned later the same day exist in the warehouse but are not counted
    later = wh.execute("select count(*) from patrols where planned_start_at >= ?",
                       [NOW]).fetchone()[0]
    assert later > 0


def test_totals_by_type_and_community(fixture_warehouse, wh):
    code = wh.execute("select community_code from patrols group by 1 order by count(*) desc "
                      "limit 1").fetchone()[0]
    got = totals(fixture_warehouse, [(START, NOW)], patrol_types=["护校"],
                 communities=[code]).iloc[0]
    want = wh.execute("select count(*) from patrols where planned_start_at >= ? "
                      "and planned_start_at < ? and status = '已完成' and ended_at < ? "
                      "and patrol_type = '护校' and community_code = ?",
                      [START, NOW, NOW, code]).fetchone()[0]
    assert got["done_count"] == want


def test_people_on_patrol_at_a_moment(fixture_warehouse, wh):
    at = dt.datetime(2026, 11, 19, 20, 0)  # a Thursday evening: patrols are out
    got = run("patrols/active_now", fixture_warehouse, end=at).iloc[0]
    n, people = wh.execute(
        "select count(*), coalesce(sum(participant_count), 0) from patrols "
        "where status in ('进行中', '已完成') and started_at < ? "
        "and (ended_at is null or ended_at >= ?)", [at, at]).fetchone()
    assert got["active_count"] == n > 0
    assert got["people_on_patrol"] == people


def test_trend_year_ago_line_as_of_its_own_end(fixture_warehouse, wh):
    df = run("patrols/patrols_by_period", fixture_warehouse, start=START, end=NOW,
             grain="day", patrol_types=[])
    now_done = wh.execute("select count(*) from patrols where planned_start_at >= ? "
                          "and planned_start_at < ? and status = '已完成' and ended_at < ?",
                          [START, NOW, NOW]).fetchone()[0]
    ya_start, ya_end = dt.datetime(2025, 11, 1), dt.datetime(2025, 11, 20, 12, 30)
    ya_done, ya_people = wh.execute(
        "select count(*), sum(participant_count) from patrols where planned_start_at >= ? "
        "and planned_start_at < ? and status = '已完成' and ended_at < ?",
        [ya_start, ya_end, ya_end]).fetchone()
    assert df["done_count"].sum() == now_done
    assert df["year_ago_done_count"].sum() == ya_done
    assert df["year_ago_participant_count"].sum() == ya_people


def test_weekday_hour_grid_sums_to_the_total(fixture_warehouse):
    df = run("patrols/patrols_by_weekday_hour", fixture_warehouse, start=START, end=NOW,
             patrol_types=[])
    total = totals(fixture_warehouse, [(START, NOW)], patrol_types=[]).iloc[0]
    assert df["done_count"].sum() == total["done_count"]
    assert set(df["weekday"]) <= set(range(1, 8)) and set(df["hour"]) <= set(range(24))
    evening = df[df["hour"].between(18, 21)]["done_count"].sum()
    assert evening > df[df["hour"].between(0, 5)]["done_count"].sum()


def test_coverage_against_incidents(fixture_warehouse, wh):
    df = run("patrols/coverage_by_community", fixture_warehouse, start=START, end=NOW,
             patrol_types=[])
    assert len(df) == wh.execute("select count(*) from communities").fetchone()[0]
    incidents = dict(wh.execute(
        "select community_code, count(*) from incidents where reported_at >= ? "
        "and reported_at < ? group by 1", [START, NOW]).fetchall())
    hours = dict(wh.execute(
        "select community_code, sum(date_diff('second', started_at, ended_at) / 3600.0) "
        "from patrols where planned_start_at >= ? and planned_start_at < ? "
        "and status = '已完成' and ended_at < ? group by 1", [START, NOW, NOW]).fetchall())
    for r in df.itertuples():
        assert r.incident_count == incidents.get(r.community_code, 0)
        assert abs(r.patrol_hours - hours.get(r.community_code, 0)) < 1e-6
        if r.incident_count:
            assert abs(r.hours_per_incident - r.patrol_hours / r.incident_count) < 1e-9


def test_team_ranking(fixture_warehouse, wh):
    df = run("patrols/teams_by_activity", fixture_warehouse, start=START, end=NOW,
             patrol_types=[], limit=10)
    want = wh.execute(
        "select team_id, count(*) n from patrols where planned_start_at >= ? "
        "and planned_start_at < ? and status = '已完成' and ended_at < ? "
        "group by 1 order by n desc, team_id limit 10", [START, NOW, NOW]).fetchall()
    assert list(zip(df["team_id"], df["done_count"], strict=True)) == want
    assert df["team_name"].str.endswith("队").all()


def test_records_show_the_state_at_the_end(fixture_warehouse, wh):
    df = run("patrols/patrol_records", fixture_warehouse, start=START, end=NOW,
             patrol_types=[], limit=5000, offset=0)
    assert ((df["planned_start_at"] < NOW) | (df["started_at"] < NOW)).all()
    assert not (df["started_at"] >= NOW).any() and not (df["ended_at"] >= NOW).any()
    assert set(df["status"]) <= {"已完成", "进行中", "已取消", "待开始"}
    # a task done later today reads 进行中 at 12:30
    done_later = wh.execute("select task_id from patrols where started_at < ? and ended_at >= ? "
                            "and status = '已完成' and planned_start_at >= ?",
                            [NOW, NOW, START]).fetchall()
    shown = dict(zip(df["task_id"], df["status"], strict=True))
    for (task_id,) in done_later:
        assert shown[task_id] == "进行中"


def test_map_cells_count_checked_in_tasks(fixture_warehouse, wh):
    df = run("patrols/patrols_by_cell", fixture_warehouse, start=START, end=NOW,
             patrol_types=[], cell_deg=0.005)
    want = wh.execute("select count(*) from patrols where planned_start_at >= ? "
                      "and planned_start_at < ? and started_at < ? and lon is not null "
                      "and not coalesce(location_is_approx, false)",
                      [START, NOW, NOW]).fetchone()[0]
    assert df["task_count"].sum() == want > 0
