"""Roll-ups (command_center/rollups.py, risk_store.py): a figure reads the same number from the
roll-up as from the records, over many windows, with the clock at midday and data past it."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from command_center import risk, risk_store, rollups
from command_center.figures import value_text
from command_center.periods import Period, resolve
from queries import run_query_uncached

NONE = {"sources": [], "categories": [], "subcategories": [], "severities": [], "statuses": [],
        "weekdays": [], "min_hour": 0, "max_hour": 23, "q": None, "communities": []}
DAY = dt.timedelta(days=1)

# CC_CLOCK_NOW of tests/conftest.py (not imported from there: a second import would run it
# again, with a second fixture folder and warehouse path)
FIXTURE_NOW = dt.datetime(2026, 11, 20, 12, 30)


def run(wh_path, name, **params):
    return run_query_uncached(name, wh_path, **params)


def windows() -> dict[str, Period]:
    """The windows a page asks: presets at the pinned clock (midday, data past it), their
    comparisons, all data, a custom range, the first days of a month."""
    now = FIXTURE_NOW
    out = {p: resolve(p, now) for p in ("today", "7d", "month", "year")}
    out["all"] = resolve("custom", now, (dt.date(2024, 1, 1), now.date()))
    out["custom"] = resolve("custom", now, (dt.date(2025, 3, 10), dt.date(2025, 9, 3)))
    out["month_day2"] = Period(dt.date(2026, 10, 1), dt.date(2026, 10, 2),
                               dt.datetime(2026, 10, 2, 12, 30), step="month")
    out["month_day1"] = Period(dt.date(2026, 9, 1), dt.date(2026, 9, 1),
                               dt.datetime(2026, 9, 1, 8, 0), step="month")
    for key in list(out):
        out[key + "_ya"] = out[key].year_ago()
        out[key + "_prev"] = out[key].previous()
    return out


WINDOWS = windows()
FILTERS = [
    {},
    {"sources": ["110", "12345"]},
    {"categories": ["治安"], "statuses": ["已办结", "未知"]},
    {"communities": ["330383001001", "330383001002"]},
]


def test_the_build_records_its_roll_ups(wh):
    tables = {r[0] for r in wh.execute("show tables").fetchall()}
    assert set(rollups.ROLLUPS) | {risk_store.TABLE} <= tables
    at = wh.execute("select value from meta where key = ?", [rollups.BUILT_AT_KEY]).fetchone()
    assert at is not None and dt.datetime.fromisoformat(at[0])
    n = wh.execute("select sum(incident_count) from incidents_daily").fetchone()[0]
    assert n == wh.execute("select count(*) from incidents").fetchone()[0]


@pytest.mark.parametrize("key", sorted(WINDOWS))
@pytest.mark.parametrize("flt", range(len(FILTERS)))
def test_trend_reads_the_same_from_the_roll_up(fixture_warehouse, key, flt):
    period = WINDOWS[key]
    params = {**NONE, **FILTERS[flt], **period.params()}
    # the roll-up's build day as built, and cut inside or at the start of the window: the
    # days after it come from the records
    cuts = [rollups.built_before(lambda n, **p: run(fixture_warehouse, n, **p)),
            period.start_at + dt.timedelta(days=period.days // 2), period.start_at,
            dt.datetime.combine(FIXTURE_NOW.date(), dt.time())]
    for grain in ("day", "week", "month"):
        raw = run(fixture_warehouse, "incidents/incidents_by_period", **params, grain=grain)
        for cut in cuts:
            rolled = run(fixture_warehouse, "incidents/incidents_by_period_rollup", **params,
                         grain=grain, rollup_before=cut)
            pd.testing.assert_frame_equal(rolled, raw, check_dtype=False)
        # not an empty comparison: the windows with data have incidents
        assert flt or raw["incident_count"].sum() or key.startswith(("all_", "custom_ya"))


def test_the_page_uses_the_roll_up_only_for_the_filters_it_answers(fixture_warehouse):
    asked = []

    def spy(name, **params):
        asked.append(name)
        return run(fixture_warehouse, name, **params)

    p = {**NONE, **WINDOWS["year"].params(), "grain": "month"}
    rollups.incident_trend(spy, **p)
    rollups.incident_trend(spy, **{**p, "weekdays": [6, 7]})
    rollups.incident_trend(spy, **{**p, "q": "%路%"})
    assert [n for n in asked if "by_period" in n] == [
        "incidents/incidents_by_period_rollup", "incidents/incidents_by_period",
        "incidents/incidents_by_period"]


def test_subcategories_from_the_roll_up(fixture_warehouse):
    raw = run(fixture_warehouse, "incidents/subcategories_by_category")
    rolled = run(fixture_warehouse, "incidents/subcategories_by_category_rollup")
    key = ["category", "subcategory"]
    pd.testing.assert_frame_equal(rolled.sort_values(key).reset_index(drop=True),
                                  raw.sort_values(key).reset_index(drop=True), check_dtype=False)
    mine = ("330383001001",)
    raw = run_query_uncached("incidents/subcategories_by_category", fixture_warehouse, scope=mine)
    rolled = run_query_uncached("incidents/subcategories_by_category_rollup", fixture_warehouse,
                                scope=mine)
    assert rolled["incident_count"].sum() == raw["incident_count"].sum() > 0


@pytest.mark.parametrize("flt", range(len(FILTERS)))
def test_totals_of_three_windows_in_one_query_equal_each_alone(fixture_warehouse, flt):
    """incidents/totals_by_period (every surface) against incidents/totals window by window:
    the same counts, and the exact median / 90th percentile to the last bit."""
    keys = sorted(WINDOWS)
    periods = [WINDOWS[k] for k in keys]
    params = {**NONE, **FILTERS[flt]}
    many = run(fixture_warehouse, "incidents/totals_by_period", **params,
               period_starts=[p.start_at for p in periods],
               period_ends=[p.end_before for p in periods])
    assert list(many["period_no"]) == list(range(1, len(periods) + 1))
    for i, p in enumerate(periods):
        one = run(fixture_warehouse, "incidents/totals", **params, **p.params()).iloc[0]
        got = many.iloc[i]
        for col in one.index:
            a, b = got[col], one[col]
            assert (pd.isna(a) and pd.isna(b)) or _same(col, a, b), (keys[i], col, a, b)


def _same(col: str, a, b) -> bool:
    """Counts equal; a quantile the same order statistics, interpolated by our SQL rather than
    DuckDB's own (the last bit may differ): equal to 1e-12 and the same text on the page."""
    if col.endswith("close_hours"):
        key = "close_hours_median" if "median" in col else "close_hours_p90"
        return abs(a - b) <= 1e-12 * max(1.0, abs(b)) and value_text(key, a) == value_text(key, b)
    return a == b


def test_exact_quantiles_where_ranks_fall_in_different_buckets(tmp_path):
    """Two cases (median between them), ties, a zero and a negative handling time."""
    from command_center.warehouse import create_tables

    path = tmp_path / "q.duckdb"
    con = duckdb.connect(str(path))
    create_tables(con)
    hours = [0.0, -1.0, 0.5, 0.5, 2.0, 7.25, 30.0, 30.0, 400.0, 1.0 / 3600]
    t0 = dt.datetime(2026, 3, 1, 8)
    for n, h in enumerate(hours):
        con.execute("insert into incidents (incident_id, reported_at, status, closed_at, "
                    "community_code) values (?, ?, '已办结', ?, 'A')",
                    [str(n), t0 + dt.timedelta(minutes=n), t0 + dt.timedelta(minutes=n, hours=h)])
    con.close()
    end = dt.datetime(2026, 6, 1)
    for k in range(1, len(hours) + 1):
        starts = [t0 + dt.timedelta(minutes=len(hours) - k)]
        one = run(path, "incidents/totals", **NONE, start=starts[0], end=end).iloc[0]
        many = run(path, "incidents/totals_by_period", **NONE, period_starts=starts,
                   period_ends=[end]).iloc[0]
        for col in ("median_close_hours", "p90_close_hours"):
            assert _same(col, many[col], one[col]), (k, col)


def test_closed_months_scores_stored_equal_live(fixture_warehouse, wh):
    stored = wh.execute(f"select count(distinct period_start) from {risk_store.TABLE}").fetchone()
    assert stored[0] >= 12
    model = risk.load_model()
    periods = risk.monthly_periods(12, FIXTURE_NOW)
    first = risk.data_start(fixture_warehouse)
    ws = [risk.scored_window(p, model=model, first_day=first) for p in periods]
    params = {**model.params(), "period_starts": [w.start_at for w in ws],
              "period_ends": [w.end_before for w in ws], "communities": []}
    live = run(fixture_warehouse, risk.QUERY, **params, rollup_before=None)
    got = risk._run(ws, [], fixture_warehouse, model)
    pd.testing.assert_frame_equal(got, live, check_dtype=False)
    # 11 closed months were read from the table, the running month computed
    read = run(fixture_warehouse, risk.STORED_QUERY, **{k: params[k] for k in (
        "period_starts", "period_ends", "communities")}, model_key=risk_store.model_key(model))
    assert sorted(set(read["period_no"])) == list(range(1, 12))


def test_another_model_scores_live(fixture_warehouse, tmp_path, monkeypatch):
    text = risk.config_path().read_text(encoding="utf-8").replace("weight = 30", "weight = 5", 1)
    (tmp_path / "risk.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CC_RISK_CONFIG", str(tmp_path / "risk.toml"))
    model = risk.load_model()
    ws = [p for p in risk.monthly_periods(3, FIXTURE_NOW)]
    read = run(fixture_warehouse, risk.STORED_QUERY, period_starts=[w.start_at for w in ws],
               period_ends=[w.end_before for w in ws], communities=[],
               model_key=risk_store.model_key(model))
    assert read.empty
    live = run(fixture_warehouse, risk.QUERY, **model.params(), communities=[],
               period_starts=[w.start_at for w in ws], period_ends=[w.end_before for w in ws],
               rollup_before=None)
    pd.testing.assert_frame_equal(risk._run(ws, [], fixture_warehouse, model), live,
                                  check_dtype=False)


def test_rollup_select_recomputes_chosen_partitions(wh):
    for name, r in rollups.ROLLUPS.items():
        some = (f"select distinct {r.partition} from {name} order by 1 desc limit 3")
        part = wh.execute(rollups.rollup_select(name, r.dataset, some)).df()
        full = wh.execute(f"select * from {name} where {r.partition} in ({some})").df()
        key = [c for c in full.columns if c != "incident_count"]
        assert len(part) == len(full) > 0
        pd.testing.assert_frame_equal(
            part.sort_values(key, na_position="first").reset_index(drop=True),
            full.sort_values(key, na_position="first").reset_index(drop=True),
            check_dtype=False)


@pytest.mark.parametrize("cutoff", [None, dt.datetime(2026, 4, 10), dt.datetime(2026, 11, 20),
                                    dt.datetime(2026, 12, 31)])
def test_risk_scores_from_the_roll_up_equal_the_records(fixture_warehouse, cutoff):
    """The four-color incident indicators read whole days from incidents_daily: the same scores
    as from the records, for windows cut inside days (edge days from the records), a cut-off
    inside the windows, and windows of a year and more (同比 windows overlapping)."""
    model = risk.load_model()
    windows = [
        (dt.datetime(2026, 3, 15, 10, 30), dt.datetime(2026, 5, 2, 14, 0)),
        (dt.datetime(2026, 11, 1), FIXTURE_NOW),
        (dt.datetime(2026, 10, 1), dt.datetime(2026, 11, 1)),
        (dt.datetime(2025, 1, 1), dt.datetime(2026, 4, 20, 9, 15)),
    ]
    params = {**model.params(), "communities": [],
              "period_starts": [a for a, _ in windows], "period_ends": [b for _, b in windows]}
    records = run(fixture_warehouse, risk.QUERY, **params, rollup_before=None)
    rolled = run(fixture_warehouse, risk.QUERY, **params, rollup_before=cutoff)
    assert len(records) == 4 * 102
    pd.testing.assert_frame_equal(rolled, records, check_exact=False, rtol=1e-9)
