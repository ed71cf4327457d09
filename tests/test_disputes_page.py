"""矛盾纠纷 page (AppTest): every figure against an independent SQL count on the fixture.

Default period 本月 (2026-11-01 … 2026-11-20, clock pinned by tests/conftest.py); disputes
are counted by received_at. Closed = 调解成功/调解不成功/已转诉讼/已撤回.
"""

from __future__ import annotations

import datetime as dt

import pytest

from command_center.formatting import fmt_change, fmt_count, fmt_pct
from tests.test_incidents_page import arr, charts, metric, one, open_page

START, END = dt.datetime(2026, 11, 1), dt.datetime(2026, 11, 21)
YA_START, YA_END = dt.datetime(2025, 11, 1), dt.datetime(2025, 11, 21)
PREV_START, PREV_END = dt.datetime(2026, 10, 12), dt.datetime(2026, 11, 1)
TODAY = dt.date(2026, 11, 20)
CLOSED = "('调解成功', '调解不成功', '已转诉讼', '已撤回')"


def dispute_page(fixture_warehouse, **global_filters):
    at = open_page(fixture_warehouse, **global_filters)
    at.switch_page("views/disputes.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture(scope="module")
def dsp_page(fixture_warehouse):
    return dispute_page(fixture_warehouse)


def count(wh, start, end, where="true", params=()):
    return one(wh, f"select count(*) from disputes where received_at >= ? and received_at < ? "
                   f"and {where}", [start, end, *params])


def rate(wh, start, end):
    closed = count(wh, start, end, f"status in {CLOSED}")
    return count(wh, start, end, "status = '调解成功'") / closed if closed else None


def test_headline_figures(dsp_page, wh):
    n, ya, prev = (count(wh, s, e) for s, e in ((START, END), (YA_START, YA_END),
                                                (PREV_START, PREV_END)))
    assert n > 0
    m = metric(dsp_page, "受理")
    assert m.value == fmt_count(n)
    assert m.delta in (fmt_change(n, ya), "0")
    assert f"环比 {fmt_change(n, prev)}" in m.proto.delta_description
    closed = count(wh, START, END, f"status in {CLOSED}")
    assert metric(dsp_page, "办结").value == fmt_count(closed)
    m = metric(dsp_page, "调解成功率")
    assert m.value == fmt_pct(rate(wh, START, END))
    assert m.delta in (fmt_change(rate(wh, START, END), rate(wh, YA_START, YA_END)), "0")
    assert "调解成功件数 ÷ 办结件数" in m.proto.help
    open_now = one(wh, "select count(*) from disputes where status in ('已受理', '调处中')")
    assert metric(dsp_page, "在办").value == fmt_count(open_now)
    overdue = one(wh, "select count(*) from disputes where status in ('已受理', '调处中') "
                      "and deadline_on < ?", [TODAY])
    assert overdue > 0
    assert metric(dsp_page, "当前超期").value == fmt_count(overdue)
    amount = one(wh, "select sum(amount_yuan) from disputes where received_at >= ? "
                     "and received_at < ?", [START, END])
    assert metric(dsp_page, "涉及金额").value == f"{fmt_count(round(amount))}元"


def test_funnel(dsp_page, wh):
    funnel = charts(dsp_page)["dsp_funnel"]["data"][0]
    assert arr(funnel["y"]) == ["受理", "进入调处", "调解成功", "调解不成功", "已转诉讼"]
    expected = [
        count(wh, START, END),
        count(wh, START, END, "status not in ('已受理', '已撤回')"),
        count(wh, START, END, "status = '调解成功'"),
        count(wh, START, END, "status = '调解不成功'"),
        count(wh, START, END, "status = '已转诉讼'"),
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
            f"select {col}, count(*) filter (where status = '调解成功') / "
            f"nullif(count(*) filter (where status in {CLOSED}), 0) from disputes "
            "where received_at >= ? and received_at < ? group by 1", [START, END]).fetchall())
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
        "select dispute_id, ? - deadline_on from disputes where status in ('已受理', '调处中') "
        "and deadline_on < ? order by deadline_on, received_at, dispute_id",
        [TODAY, TODAY]).fetchall()
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
    assert metric(at, "受理").value == fmt_count(count(wh, START, END, where))
    assert set(arr(charts(at)["type"]["data"][0]["y"])) <= {"邻里", "合同"}


def test_org_filter(fixture_warehouse, wh):
    org = one(wh, "select mediator_org_id from disputes where received_at >= ? "
                  "and received_at < ? and mediator_org_id is not null group by 1 "
                  "order by count(*) desc limit 1", [START, END])
    at = dispute_page(fixture_warehouse)
    at.multiselect(key="dsp_org").set_value([org]).run()
    assert not at.exception
    assert metric(at, "受理").value == fmt_count(
        count(wh, START, END, "mediator_org_id = ?", (org,)))
