"""社会组织 page: every figure against an independent SQL count on the fixture warehouse."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from command_center.formatting import fmt_count, fmt_pct
from command_center.periods import Period
from tests.every_page import open_page

NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py FIXTURE_NOW (CC_CLOCK_NOW)
# default preset 本月 at the pinned clock: 11-01 0:00 until now
MONTH = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 20), NOW)
YEAR = Period(dt.date(2026, 1, 1), dt.date(2026, 11, 20), NOW)


def _open(state: dict | None = None) -> AppTest:
    """The page, with widget values (global or page filters, by key) set before it runs."""
    return open_page("views/social_orgs.py", state=state, timeout=90)


@pytest.fixture(scope="module")
def at(fixture_warehouse):
    return _open()


def _one(wh, sql: str, *params):
    return wh.execute(sql, list(params)).fetchone()[0]


def _metric(app, label: str):
    found = [m for m in app.metric if m.label == label]
    assert found, f"no metric {label!r}: {[m.label for m in app.metric]}"
    return found[0]


def _charts(app) -> list[dict]:
    out = []
    for el in app.get("plotly_chart"):
        out.append(json.loads(el.proto.spec))
    return out


def _values(v) -> list:
    """A plotly data array: a list, or a typed array {dtype, bdata} (plotly ≥ 6)."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"]).tolist()
    return list(v)


def _table(app, column: str):
    for df in (d.value for d in app.dataframe):
        if column in df.columns:
            return df
    raise AssertionError(f"no table with column {column!r}")


ACTIVE = "status = '正常'"
# 在册 at the window's end (now): 正常 and registered before it (no date: always)
IN_REGISTER = (f"{ACTIVE} and (registered_on is null or "
               f"cast(registered_on as timestamp) < timestamp '{MONTH.end_before}')")
# on a credit list at the window's end: in the register and listed before it (no date: always)
LISTED = (f"(credit_listed_on is null or "
          f"cast(credit_listed_on as timestamp) < timestamp '{MONTH.end_before}')")


def test_register_kpis(at, wh):
    n = _one(wh, f"select count(*) from social_orgs where {IN_REGISTER}")
    assert n > 100
    assert _metric(at, "在册社会组织").value == fmt_count(n)
    abnormal = _one(wh, f"select count(*) from social_orgs where {IN_REGISTER} "
                        f"and credit_status = '活动异常名录' and {LISTED}")
    dishonest = _one(wh, f"select count(*) from social_orgs where {IN_REGISTER} "
                         f"and credit_status = '严重违法失信' and {LISTED}")
    assert abnormal > 0
    assert _metric(at, "活动异常名录").value == fmt_count(abnormal)
    assert _metric(at, "严重违法失信").value == fmt_count(dishonest)
    rated = _one(wh, f"select count(*) from social_orgs where {IN_REGISTER} "
                     "and rating in ('3A', '4A', '5A')")
    assert _metric(at, "3A及以上").value == fmt_pct(rated / n)
    staff = _one(wh, f"select sum(staff_count) from social_orgs where {IN_REGISTER}")
    volunteers = _one(wh, f"select sum(volunteer_count) from social_orgs where {IN_REGISTER}")
    assert _metric(at, "专职人员").value == fmt_count(staff)
    assert _metric(at, "志愿者").value == fmt_count(volunteers)


def test_new_registrations_follow_the_period(at, wh):
    # registered inside [start, now) and 正常 now
    sql = (f"select count(*) from social_orgs where {ACTIVE} and registered_on >= ? "
           "and cast(registered_on as timestamp) < ?")
    assert _metric(at, "新登记组织").value == fmt_count(
        _one(wh, sql, MONTH.start, MONTH.end_before))
    app = _open({"period": "year"})
    n_year = _one(wh, sql, YEAR.start, YEAR.end_before)
    assert n_year > 0
    assert _metric(app, "新登记组织").value == fmt_count(n_year)
    # the register at now does not depend on the period's start (both end now)
    assert _metric(app, "在册社会组织").value == _metric(at, "在册社会组织").value
    # the registrations chart (by month for a year) adds up to the same number
    reg = [c for c in _charts(app) if c["layout"].get("yaxis", {}).get("title", {}).get(
        "text", "").startswith("新登记组织数")]
    assert reg, "no registrations chart"
    assert sum(sum(_values(t["y"])) for t in reg[0]["data"]) == n_year


def test_form_category_chart_adds_up(at, wh):
    n = _one(wh, f"select count(*) from social_orgs where {ACTIVE}")
    chart = [c for c in _charts(at) if c["layout"].get("yaxis", {}).get("title", {}).get(
        "text") == "业务类别"]
    assert chart
    assert sum(sum(_values(t["x"])) for t in chart[0]["data"]) == n
    assert {t["name"] for t in chart[0]["data"]} <= {"社会团体", "社会服务机构", "基金会", "未填报"}


def test_credit_list_names_and_since_when(at, wh):
    rows = wh.execute(f"select org_name, credit_listed_on from social_orgs where {ACTIVE} and "
                      "credit_status in ('活动异常名录', '严重违法失信')").fetchall()
    table = _table(at, "列入天数")
    assert len(table) == len(rows)
    assert set(table["组织名称"]) == {r[0] for r in rows}
    # severe list first
    statuses = table["信用状态"].tolist()
    assert statuses == sorted(statuses, key=lambda s: s != "严重违法失信")
    first = table.iloc[0]
    listed_on = dict(rows)[first["组织名称"]]
    if listed_on is not None:
        assert first["列入天数"] == (MONTH.end - listed_on).days


def test_mediation_by_organizations(at, wh):
    # received in the window; concluded (调解成功/调解不成功/已转诉讼, 已撤回 excluded) by its end
    concluded_by_end = "coalesce(d.closed_at < ?, true)"
    sql = (f"select count(*), count(*) filter (where d.status = '调解成功' and {concluded_by_end}), "
           "count(*) filter (where d.status in ('调解成功', '调解不成功', '已转诉讼') "
           f"and {concluded_by_end}), "
           "count(distinct d.mediator_org_id), "
           "count(*) filter (where d.mediation_channel = '品牌调解室') "
           "from disputes d join social_orgs o on o.org_id = d.mediator_org_id "
           f"where o.{ACTIVE} and d.received_at >= ? and d.received_at < ?")
    end = MONTH.end_before
    cases, success, concluded, orgs, brand = wh.execute(
        sql, [end, end, MONTH.start_at, end]).fetchone()
    assert cases > 0 and concluded >= 20  # the figure's minimum sample
    assert _metric(at, "组织调解纠纷").value == fmt_count(cases)
    assert _metric(at, "组织调解成功率").value == fmt_pct(success / concluded)
    assert _metric(at, "参与调解组织").value == fmt_count(orgs)
    assert _metric(at, "品牌调解室案件").value == fmt_count(brand)
    # the most active organization tops the chart
    top = wh.execute(
        "select o.org_name from disputes d join social_orgs o on o.org_id = d.mediator_org_id "
        f"where o.{ACTIVE} and d.received_at >= ? and d.received_at < ? "
        "group by o.org_id, o.org_name order by count(*) desc, o.org_id limit 1",
        [MONTH.start_at, MONTH.end_before]).fetchone()[0]
    chart = [c for c in _charts(at) if c["layout"].get("title", {}).get("text") ==
             "调解案件最多的组织"]
    assert chart and _values(chart[0]["data"][0]["y"])[-1] == top


def test_thin_coverage_per_10k(at, wh):
    lowest = wh.execute(
        "select c.community_name, coalesce(n, 0) * 10000.0 / c.population from communities c "
        f"left join (select community_code, count(*) n from social_orgs where {ACTIVE} "
        "group by 1) using (community_code) where c.population > 0 "
        "order by 2, c.community_code limit 1").fetchone()
    chart = [c for c in _charts(at) if c["layout"].get("xaxis", {}).get("title", {}).get(
        "text", "").startswith("每万人组织数")]
    assert chart
    bars = chart[0]["data"][0]
    assert _values(bars["y"])[-1] == lowest[0]  # the thinnest community is drawn on top
    assert _values(bars["x"])[-1] == pytest.approx(lowest[1], abs=0.01)


def test_filters_narrow_everything(wh):
    app = _open({"org_form": ["基金会"]})
    n = _one(wh, f"select count(*) from social_orgs where {IN_REGISTER} and legal_form = '基金会'")
    assert _metric(app, "在册社会组织").value == fmt_count(n)
    records = _table(app, "成立登记日期")
    assert len(records) == n and set(records["组织类型"]) == {"基金会"}
    # a community with both in-register and deregistered (已注销 / 已撤销) organisations
    code = wh.execute(f"select community_code from social_orgs group by 1 "
                      f"having count(*) filter (where not ({ACTIVE})) > 0 "
                      f"order by count(*) filter (where {ACTIVE}) desc, 1 limit 1").fetchone()[0]
    app = _open({"communities": [code], "org_closed": True})
    # 含已注销、已撤销 selects them too (筛选选中 …), but 在册 stays the in-register count
    n = _one(wh, f"select count(*) from social_orgs where community_code = ? and {IN_REGISTER}",
             code)
    listed = _one(wh, "select count(*) from social_orgs where community_code = ?", code)
    assert listed > n
    metric = _metric(app, "在册社会组织")
    assert metric.value == fmt_count(n)
    assert f"筛选选中 {fmt_count(listed)} 家" in (metric.help or ""), metric.help


def test_records_table_is_chinese_and_complete(at, wh):
    records = _table(at, "成立登记日期")
    assert len(records) == _one(wh, f"select count(*) from social_orgs where {ACTIVE}")
    for col in records.columns:
        assert not re.fullmatch(r"[a-z_]+", col), f"raw column name {col!r}"
    assert [b.label for b in at.get("download_button")][-2:] == ["导出 CSV", "导出 Excel"]


def test_warm_rerun_shows_no_error(at):
    # its time is measured by scripts/bench_pages.py, not asserted here
    at.run()
    at.run()
    assert not at.exception
