"""矛盾纠纷 page (AppTest): every figure against an independent SQL count on the fixture.

Default period 本月 cut at now (2026-11-01 0:00 … 2026-11-20 12:30, clock pinned by
tests/conftest.py; the fixture's records run on to 23:59); disputes are counted by received_at,
each in its state at the window's end (closed after it = still open then). 结案 =
调解成功/调解不成功/已转诉讼/已撤回; the success rate's base is 调解成功/调解不成功/已转诉讼
(已撤回 not counted). 在办 / 超期 are the disputes open at now, whenever received.
"""

from __future__ import annotations

import functools

import pytest
import streamlit as st

from command_center.formatting import fmt_count, fmt_pct
from command_center.ui import map_section
from tests.every_page import open_page
from tests.test_incidents_page import (
    END,
    NOW,
    PREV_END,
    PREV_START,
    START,
    YA_END,
    YA_START,
    arr,
    charts,
    fmt_change,
    metric,
    one,
)

TODAY = NOW.date()
CLOSED = "('调解成功', '调解不成功', '已转诉讼', '已撤回')"
CONCLUDED = "('调解成功', '调解不成功', '已转诉讼')"
SUCCESS = "('调解成功')"


def closed_by(statuses: str) -> str:
    """In one of ``statuses`` by the moment bound to ? (written independently of staging)."""
    return f"(status in {statuses} and (closed_at < ? or closed_at is null))"


# open at the moment bound to both ?: received before it and not closed before it
OPEN_AT = (f"received_at < ? and (status in ('已受理', '调处中') "
           f"or (status in {CLOSED} and closed_at >= ?))")


def dispute_page(fixture_warehouse, **global_filters):
    return open_page("views/disputes.py", state=global_filters)


@pytest.fixture(scope="module")
def dsp_page(fixture_warehouse):
    return dispute_page(fixture_warehouse)


def count(wh, start, end, where="true", params=()):
    return one(wh, f"select count(*) from disputes where received_at >= ? and received_at < ? "
                   f"and {where}", [start, end, *params])


def concluded(wh, start, end):
    return count(wh, start, end, closed_by(CONCLUDED), (end,))


def rate(wh, start, end):
    """调解成功 ÷ (调解成功 + 调解不成功 + 已转诉讼), closed before ``end`` (the window's end)."""
    base = concluded(wh, start, end)
    ok = count(wh, start, end, closed_by(SUCCESS), (end,))
    return ok / base if base else None


def test_headline_figures(dsp_page, wh):
    n, ya, prev = (count(wh, s, e) for s, e in ((START, END), (YA_START, YA_END),
                                                (PREV_START, PREV_END)))
    assert n > 0
    assert ya > 0 and prev > 0  # both comparison windows are covered by the fixture
    m = metric(dsp_page, "纠纷受理")
    assert m.value == fmt_count(n)
    assert m.delta in (fmt_change(n, ya), "0")
    assert f"环比 {fmt_change(n, prev)}" in m.proto.delta_description or \
        fmt_change(n, prev) == "持平"
    closed = count(wh, START, END, closed_by(CLOSED), (END,))
    assert closed < n
    assert metric(dsp_page, "纠纷结案").value == fmt_count(closed)
    m = metric(dsp_page, "调解成功率")
    r, n_ok = rate(wh, START, END), concluded(wh, START, END)
    assert n_ok >= 20  # enough to quote
    assert m.value == fmt_pct(r)
    r_ya, n_ya = rate(wh, YA_START, YA_END), concluded(wh, YA_START, YA_END)
    if n_ya >= 20:  # 同比 in 个百分点, the year-ago rate as of its own end
        d = (r - r_ya) * 100
        assert m.delta in (f"{d:+.1f}个百分点", "0")
    else:
        assert m.delta == "同比无可比数据"
    assert "已撤回和在办的不计入" in m.proto.help
    open_now = one(wh, f"select count(*) from disputes where {OPEN_AT}", [NOW, NOW])
    assert open_now > 0
    assert metric(dsp_page, "在办纠纷").value == fmt_count(open_now)
    overdue = one(wh, f"select count(*) from disputes where {OPEN_AT} and deadline_on < ?",
                  [NOW, NOW, TODAY])
    assert overdue > 0
    assert metric(dsp_page, "超期纠纷").value == fmt_count(overdue)
    amount = one(wh, "select sum(amount_yuan) from disputes where received_at >= ? "
                     "and received_at < ?", [START, END])
    assert metric(dsp_page, "涉及金额").value == f"{fmt_count(round(amount))}元"


def test_funnel(dsp_page, wh):
    funnel = charts(dsp_page)["dsp_funnel"]["data"][0]
    assert arr(funnel["y"]) == ["受理", "进入调处", "调解成功", "调解不成功", "已转诉讼"]
    expected = [
        count(wh, START, END),
        # 进入调处: 调处中 now, or a result (成功 / 不成功 / 转诉讼) by the window's end
        count(wh, START, END, f"(status = '调处中' or {closed_by(CONCLUDED)})", (END,)),
        count(wh, START, END, closed_by(SUCCESS), (END,)),
        count(wh, START, END, closed_by("('调解不成功')"), (END,)),
        count(wh, START, END, closed_by("('已转诉讼')"), (END,)),
    ]
    assert arr(funnel["x"]) == expected


def test_by_type_and_channel(dsp_page, wh):
    specs = charts(dsp_page)
    for name, col in (("type", "dispute_type"), ("channel", "mediation_channel")):
        bar = specs[name]["data"][0]
        got = dict(zip(arr(bar["y"]), arr(bar["x"]), strict=True))
        expected = dict(wh.execute(
            f"select {col}, count(*) from disputes where received_at >= ? and received_at < ? "
            "group by 1", [START, END]).fetchall())
        assert got == expected, name
        # the success rate written on each bar
        rates = dict(wh.execute(
            f"select {col}, count(*) filter (where {closed_by(SUCCESS)}) / "
            f"nullif(count(*) filter (where {closed_by(CONCLUDED)}), 0) from disputes "
            "where received_at >= ? and received_at < ? group by 1",
            [END, END, START, END]).fetchall())
        for label, text in zip(arr(bar["y"]), arr(bar["text"]), strict=True):
            assert f"成功率 {fmt_pct(rates[label])}" in text


def test_mediator_org_ranking(dsp_page, wh):
    table = [d for d in dsp_page.dataframe if "调解组织" in d.value.columns
             and "调解成功率" in d.value.columns][0].value
    expected = wh.execute(
        "select o.org_name, count(*) from disputes d join social_orgs o "
        "on o.org_id = d.mediator_org_id where d.received_at >= ? and d.received_at < ? "
        "group by 1 order by 2 desc", [START, END]).fetchall()
    assert len(table) == len(expected)
    assert table["纠纷数"].iloc[0] == expected[0][1]
    assert dict(zip(table["调解组织"], table["纠纷数"], strict=True)) == dict(expected)
    assert table["纠纷数"].is_monotonic_decreasing


def test_overdue_list_oldest_first(dsp_page, wh):
    table = [d for d in dsp_page.dataframe if "超期天数" in d.value.columns][0].value
    rows = wh.execute(
        f"select dispute_id, ? - deadline_on from disputes where {OPEN_AT} "
        "and deadline_on < ? order by deadline_on, received_at, dispute_id",
        [TODAY, NOW, NOW, TODAY]).fetchall()
    assert rows
    assert list(table["纠纷编号"]) == [r[0] for r in rows][:500]
    assert list(table["超期天数"]) == [r[1] for r in rows][:500]
    assert table["当事人"].str.contains(r"\*").all()


def test_repeat_disputes(dsp_page, wh):
    # written differently from the page's query: EXISTS over the whole table
    n = one(wh, """
        select count(*) from disputes s
        where s.received_at >= ? and s.received_at < ?
          and exists (
            select 1 from disputes e
            where e.dispute_id <> s.dispute_id
              and e.received_at < s.received_at
              and s.received_at - e.received_at <= interval 90 day
              and ((e.community_code = s.community_code and e.dispute_type = s.dispute_type)
                   or e.party_names = s.party_names))
        """, [START, END])
    assert n > 0
    heading = [h.value for h in dsp_page.subheader if h.value.startswith("重复纠纷预警")]
    assert heading == [f"重复纠纷预警（{fmt_count(n)} 件）"]
    table = [d for d in dsp_page.dataframe if "90天内同当事人" in d.value.columns][0].value
    assert len(table) == min(n, 500)
    same_party = one(wh, """
        select count(*) from disputes s
        where s.received_at >= ? and s.received_at < ?
          and exists (select 1 from disputes e where e.dispute_id <> s.dispute_id
                      and e.party_names = s.party_names and e.received_at < s.received_at
                      and s.received_at - e.received_at <= interval 90 day)
        """, [START, END])
    assert any(f"其中同一当事人 {fmt_count(same_party)} 件" in c.value for c in dsp_page.caption)
    assert (table["90天内同当事人"] > 0).sum() == min(same_party, 500)


def test_records_masked(dsp_page, wh):
    table = [d for d in dsp_page.dataframe if "纠纷编号" in d.value.columns
             and "调解方式" in d.value.columns and "受理时间" in d.value.columns][-1].value
    assert len(table) == min(50, count(wh, START, END))
    assert table["当事人"].dropna().str.contains(r"\*").all()
    assert all(not c.isascii() for c in table.columns)


def test_filters_narrow(fixture_warehouse, wh):
    at = dispute_page(fixture_warehouse)
    at.multiselect(key="dsp_type").set_value(["邻里", "合同"])
    at.multiselect(key="dsp_risk").set_value(["红", "橙"])
    at.run()
    assert not at.exception
    where = "dispute_type in ('邻里', '合同') and risk_level in ('红', '橙')"
    assert metric(at, "纠纷受理").value == fmt_count(count(wh, START, END, where))
    assert set(arr(charts(at)["type"]["data"][0]["y"])) <= {"邻里", "合同"}


def test_org_filter(fixture_warehouse, wh):
    org = one(wh, "select mediator_org_id from disputes where received_at >= ? "
                  "and received_at < ? and mediator_org_id is not null group by 1 "
                  "order by count(*) desc limit 1", [START, END])
    at = dispute_page(fixture_warehouse)
    at.multiselect(key="dsp_org").set_value([org]).run()
    assert not at.exception
    assert metric(at, "纠纷受理").value == fmt_count(
        count(wh, START, END, "mediator_org_id = ?", (org,)))


def test_page_number_past_the_end_is_clamped_without_a_widget_warning(
        fixture_warehouse, caplog, monkeypatch):
    """A page number beyond the last page (an old link, a narrower filter) shows the last page,
    and Streamlit logs no "created with a default value but also set via Session State"."""
    from streamlit.elements.lib import policies

    monkeypatch.setattr(policies, "_shown_default_value_warning", False)  # warns once a process
    with caplog.at_level("WARNING"):
        at = dispute_page(fixture_warehouse, dsp_page=100_000)
    box = at.number_input(key="dsp_page")
    pages = int(box.max)
    assert 1 < pages < 100_000 and box.value == pages
    assert not [r for r in caplog.records if "default value" in r.getMessage()]


def test_the_map_of_what_is_open_now_is_built_once_across_periods(fixture_warehouse, wh,
                                                                     monkeypatch):
    """The map shows the disputes open now, whatever the period: changing the period draws
    the same map from the cache; narrowing the communities builds a new one."""
    st.cache_data.clear()
    built = []
    original = map_section.open_disputes_map

    @functools.wraps(original)
    def counting(*args, **kwargs):
        built.append(len(args[0]))
        return original(*args, **kwargs)

    monkeypatch.setattr(map_section, "open_disputes_map", counting)
    at = dispute_page(fixture_warehouse)
    assert len(built) == 1 and built[0] > 1  # communities with open disputes
    at.session_state["period"] = "year"
    at.run()
    assert not at.exception
    assert len(built) == 1
    code = one(wh, f"select community_code from disputes where {OPEN_AT} "
                   "group by 1 order by count(*) desc, 1 limit 1", [NOW, NOW])
    at.session_state["communities"] = [code]
    at.run()
    assert not at.exception
    assert len(built) == 2 and built[1] == 1
