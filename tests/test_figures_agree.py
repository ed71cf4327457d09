"""Same label, same number: for several windows and clock settings, a figure reads the same on
一张图, 警情事件, 矛盾纠纷, 社会组织, the 大屏 and in the Word / PDF / Excel briefing, and equals an
independent count over the raw tables (written here without the staging layer).

Clocks: midday of the fixture's last day with records running on to 23:59 (nothing after 12:30
may count), the second day of a month, and the first month of the data (no 同比 possible).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess

import duckdb
import pytest
from docx import Document
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from command_center import briefing, config, figures
from command_center.briefing import periods as bp
from command_center.periods import resolve

APP = "../app.py"


@pytest.fixture()
def raw(fixture_warehouse):
    con = duckdb.connect(str(fixture_warehouse), read_only=True,
                         config={"enable_external_access": False, "threads": 2})
    yield con
    con.close()


@pytest.fixture()
def clock(monkeypatch):
    """Set the app's clock (CC_CLOCK_NOW) for this test."""
    def set_clock(moment: str) -> dt.datetime:
        monkeypatch.setenv("CC_CLOCK_NOW", moment)
        config.settings.cache_clear()
        return config.now()

    yield set_clock
    config.settings.cache_clear()


def page_metrics(path: str | None, query: dict) -> dict[str, str]:
    at = AppTest.from_file(APP, default_timeout=90)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    if path:
        at.switch_page(path)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return {m.label: m.value for m in at.metric}


def wall_tiles() -> dict[str, tuple[str, str]]:
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    at.switch_page("views/wall.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    html = " ".join(m.value for m in at.markdown)
    return {k: (v, sub) for k, v, sub in re.findall(
        r'data-kpi="(\w+)">.*?data-value="(.*?)".*?<div class="sub">(.*?)</div>', html)}


# ------------------------------------------------------------------ independent counts
def independent(raw, start: dt.datetime, end: dt.datetime) -> dict:
    """The registry's figures for [start, end), from the raw tables (no staging macro)."""
    q = lambda sql, *p: raw.execute(sql, list(p)).fetchone()[0]  # noqa: E731
    incidents = q("select count(*) from incidents where reported_at >= ? and reported_at < ?",
                  start, end)
    unclosed = q("""select count(*) from incidents where reported_at >= ? and reported_at < ?
                    and not (status in ('已办结', '已退回') and coalesce(closed_at < ?, true))""",
                 start, end, end)
    disputes = q("select count(*) from disputes where received_at >= ? and received_at < ?",
                 start, end)
    success, concluded = raw.execute(
        """select count(*) filter (where status = '调解成功'), count(*)
           from disputes where received_at >= ? and received_at < ?
           and status in ('调解成功', '调解不成功', '已转诉讼')
           and coalesce(closed_at < ?, true)""", [start, end, end]).fetchone()
    open_end = q("""select count(*) from disputes where received_at < ?
                    and not (status in ('调解成功', '调解不成功', '已转诉讼', '已撤回')
                             and coalesce(closed_at < ?, true))""", end, end)
    registered = q("""select count(*) from social_orgs where status = '正常'
                      and (registered_on is null or registered_on < cast(? as timestamp))""",
                   end)
    dishonest = q("""select count(*) from social_orgs where status = '正常'
                     and credit_status = '严重违法失信'
                     and (registered_on is null or registered_on < cast(? as timestamp))
                     and (credit_listed_on is null or credit_listed_on < cast(? as timestamp))""",
                  end, end)
    return {"incidents": incidents, "incidents_unclosed": unclosed, "disputes": disputes,
            "dispute_success_rate": success / concluded if concluded else None,
            "concluded": concluded, "disputes_open_at_end": open_end,
            "orgs_registered": registered, "orgs_dishonest": dishonest}


def shown(key: str, value) -> str:
    return figures.value_text(key, value)


def label(key: str) -> str:
    return figures.fig(key).label


# ------------------------------------------------------------------ the windows
WINDOWS = [
    # (clock, global filter URL, briefing kind)
    ("2026-11-20 12:30:00", {}, "month"),  # 本月 at midday, data running on to 23:59
    ("2026-11-20 12:30:00", {"period": "today"}, "custom"),  # 今日 until now
    ("2026-11-20 12:30:00", {"period": "year"}, "custom"),  # this year so far
    ("2026-11-20 12:30:00", {"period": "custom", "range": "2026-10-01..2026-10-31"}, "month"),
    ("2026-11-02 12:30:00", {}, "month"),  # the second day of a month
    ("2024-01-10 12:30:00", {}, "month"),  # the first month of data: nothing to compare with
]


@pytest.mark.parametrize(("moment", "query", "kind"), WINDOWS,
                         ids=["month-midday", "today", "year", "past-month", "month-day2",
                              "first-month"])
def test_same_label_same_number_on_every_surface(fixture_warehouse, raw, clock, tmp_path, moment,
                                                 query, kind):
    now = clock(moment)
    preset = query.get("period", "month")
    custom = None
    if "range" in query:
        custom = tuple(dt.date.fromisoformat(x) for x in query["range"].split(".."))
    period = resolve(preset, now, custom)
    assert period.end_before <= now  # no window reaches past the clock
    truth = independent(raw, period.start_at, period.end_before)

    overview = page_metrics(None, query)
    incidents = page_metrics("views/incidents.py", query)
    disputes = page_metrics("views/disputes.py", query)
    orgs = page_metrics("views/social_orgs.py", query)

    for key in ("incidents", "incidents_unclosed"):
        expected = shown(key, truth[key])
        assert overview[label(key)] == expected, key
        assert incidents[label(key)] == expected, key
    assert overview[label("disputes")] == disputes[label("disputes")] == shown(
        "disputes", truth["disputes"])
    rate = (shown("dispute_success_rate", truth["dispute_success_rate"])
            if truth["concluded"] >= figures.fig("dispute_success_rate").min_sample
            else figures.short_sample_text(truth["concluded"]))
    assert overview[label("dispute_success_rate")] == disputes[label("dispute_success_rate")] \
        == rate
    assert overview[label("orgs_registered")] == orgs[label("orgs_registered")] == shown(
        "orgs_registered", truth["orgs_registered"])
    assert orgs[label("orgs_dishonest")] == shown("orgs_dishonest", truth["orgs_dishonest"])

    # the 工作简报 of the same window: its data, Word and Excel say the same numbers
    if kind == "custom":
        b_period = period
    else:
        b_period = bp.resolve(kind, period.start, now)
        assert b_period.params() == period.params()
    b = briefing.make(kind, b_period, (), warehouse=fixture_warehouse)
    text = "\n".join(p for s in b.sections for p in s.paragraphs)
    assert f"共接报警情{truth['incidents']:,}起" in text
    assert f"受理矛盾纠纷{truth['disputes']:,}件" in text
    assert f"期末在办{truth['disputes_open_at_end']:,}件" in text
    assert f"社会组织{truth['orgs_registered']:,}家" in text
    if truth["concluded"] and truth["dispute_success_rate"] is not None:
        assert f"调解成功率{truth['dispute_success_rate'] * 100:.1f}%" in text
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(briefing.render(b, "docx")))
                          .paragraphs)
    assert f"共接报警情{truth['incidents']:,}起" in docx_text
    wb = load_workbook(io.BytesIO(briefing.render(b, "xlsx")), read_only=True)
    cells = {str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
             for c in row if c is not None}
    assert any(f"共接报警情{truth['incidents']:,}起" in c for c in cells)
    assert "统计口径说明" in {s.title for s in b.sections}
    pdf = tmp_path / "b.pdf"
    pdf.write_bytes(briefing.render(b, "pdf"))
    pdf_text = re.sub(r"\s+", "", subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                                 capture_output=True, text=True,
                                                 check=True).stdout)
    assert f"共接报警情{truth['incidents']:,}起" in pdf_text
    assert f"受理矛盾纠纷{truth['disputes']:,}件" in pdf_text


def test_first_month_has_no_arrows(fixture_warehouse, clock):
    """On the first month of data no 同比 exists: cards say 无可比数据, never a fall to zero."""
    clock("2024-01-10 12:30:00")
    at = AppTest.from_file(APP, default_timeout=90)
    at.run()
    cards = {m.label: m for m in at.metric}
    for key in ("incidents", "disputes"):
        delta = cards[label(key)].proto.delta
        assert "无可比数据" in delta, (key, delta)
    # 社会组织's mediation cards: the disputes do not reach back to either comparison window
    at.switch_page("views/social_orgs.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    cards = {m.label: m for m in at.metric}
    mediated = cards[label("org_mediated_disputes")]
    assert int(mediated.value.replace(",", "")) > 0  # cases this month, none to compare with
    assert mediated.proto.delta == "同比无可比数据", mediated.proto.delta
    assert "环比 无可比数据" in mediated.proto.delta_description


def test_a_comparison_window_the_data_only_partly_covers_has_no_arrow(fixture_warehouse, raw,
                                                                      clock):
    """The data begins inside the 环比 window: its few days would read as a rise. 矛盾纠纷 and
    社会组织's cases mediated by organizations follow one rule and say 无可比数据."""
    clock("2024-03-01 12:30:00")
    first = raw.execute("select min(received_at) from disputes").fetchone()[0].date()
    start = first + dt.timedelta(days=19)  # the 30 days before start begin before the data
    partial = raw.execute(
        "select count(*) from disputes where received_at < ? and mediator_org_id is not null",
        [start]).fetchone()[0]
    assert partial > 0  # counting them would show a change against a part of a window
    query = {"period": "custom", "range": f"{start}..{start + dt.timedelta(days=29)}"}
    for path, key in (("views/disputes.py", "disputes"),
                      ("views/social_orgs.py", "org_mediated_disputes")):
        at = AppTest.from_file(APP, default_timeout=90)
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        at.switch_page(path)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        card = next(m for m in at.metric if m.label == label(key))
        assert int(card.value.replace(",", "")) > 0, key
        assert card.proto.delta == "同比无可比数据", (key, card.proto.delta)
        assert "环比 无可比数据" in card.proto.delta_description, (key, card.proto)


def test_wall_agrees_with_the_pages_now(fixture_warehouse, raw, clock):
    now = clock("2026-11-20 12:30:00")
    tiles = wall_tiles()
    overview = page_metrics(None, {"period": "today"})
    year = page_metrics(None, {"period": "year"})
    disputes = page_metrics("views/disputes.py", {})
    assert tiles["incidents_today"][0] == overview[label("incidents_today")] == overview[
        label("incidents")]  # 今日 and 本期(今日) agree
    midnight = dt.datetime.combine(now.date(), dt.time())
    n_today = raw.execute("select count(*) from incidents where reported_at >= ? and "
                          "reported_at < ?", [midnight, now]).fetchone()[0]
    assert tiles["incidents_today"][0] == shown("incidents_today", n_today)
    # data runs on past the clock: the rest of the day is not counted
    assert raw.execute("select count(*) from incidents where reported_at >= ?",
                       [now]).fetchone()[0] > 0
    # one baseline for 今日: the wall's sub-line and the card's help say the same mean
    base = tiles["incidents_today"][1]
    assert label("incidents_today_baseline") in base
    assert tiles["dispute_success"][0] == year[label("dispute_success_rate")]
    open_now = disputes[label("disputes_open")]
    assert f"{label('disputes_open')} {open_now} 件" in tiles["dispute_success"][1]
    truth = independent(raw, midnight, now)
    assert open_now == shown("disputes_open", truth["disputes_open_at_end"])
