"""Where alerts are seen (AppTest over the fixture warehouse's alert store): the 预警 page with
acknowledge and history, the sidebar count, the wall banner (highest level first, escaped)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from command_center import pages
from command_center.alerts import store
from command_center.alerts.evaluate import Finding
from command_center.alerts.rules import Rule
from command_center.alerts.ui import banner_html
from tests.alerts_support import NOW

RULES = {
    "t_banner_urgent": Rule("t_banner_urgent", "安置点已满员", "紧急", "shelter_occupancy", {}),
    "t_banner_info": Rule("t_banner_info", "数据长时间未更新", "提示", "data_stale", {}),
}


@pytest.fixture()
def raised(fixture_warehouse):
    """Two alerts in the configured warehouse's store (the one the app reads); removed after."""
    path = store.store_path()
    with store.connect(path) as con:
        store.apply(con, RULES["t_banner_info"],
                    [Finding("t_banner_info:incidents", "警情事件数据长时间未更新",
                             "警情事件已 10 小时未导入", "/data")], NOW)
        store.apply(con, RULES["t_banner_urgent"],
                    [Finding("t_banner_urgent:2699:S1", "<b>测试小学</b>安置点已满员",
                             "已安置 100 人，容量 100 人", "/typhoon?ty_id=2699")], NOW)
    yield path
    with store.connect(path) as con:
        ids = [r[0] for r in con.execute(
            "select alert_id from alerts where rule_key like 't_banner_%'")]
        for table in ("events", "deliveries", "alerts"):
            con.executemany(f"delete from {table} where alert_id = ?", [(i,) for i in ids])


def _app(page: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_banner_html_orders_and_escapes():
    rows = [{"level": "紧急", "rule_name": "安置点已满员", "title": "<b>x</b>"},
            {"level": "关注", "rule_name": "社区转为黄色预警", "title": "建新社区 黄色预警"},
            {"level": "提示", "rule_name": "数据", "title": "t"},
            {"level": "提示", "rule_name": "数据", "title": "u"}]
    html = banner_html(rows, rows=3)
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert html.count('class="row"') == 3
    assert "当前预警 4 条（紧急 1 · 关注 1 · 提示 2）" in html
    assert banner_html([]) == ""


def test_alerts_page_lists_and_acknowledges(raised):
    at = _app("views/alerts.py")
    assert at.title[0].value == "预警"
    metrics = {m.label: m.value for m in at.metric}
    everything = store.active_alerts(raised)  # other tests' imports may have raised more
    assert metrics["当前预警"] == f"{len(everything)} 条"
    assert metrics["紧急"] == f"{sum(a['level'] == '紧急' for a in everything)} 条"
    mine = [r for r in store.active_alerts(raised) if r["rule_key"].startswith("t_banner")]
    table = at.dataframe[0].value
    assert list(table.columns)[:3] == ["级别", "规则", "预警"]
    shown = table[table["规则"].isin(["安置点已满员", "数据长时间未更新"])]
    assert list(shown["级别"]) == ["紧急", "提示"]  # highest level first
    assert "typhoon?ty_id=2699" in set(shown["查看"])
    # the sidebar count on this page (every page has it)
    links = [el for el in at.sidebar if getattr(el, "type", "") == "page_link"]
    labels = [el.proto.label for el in links]
    assert any(label.startswith("当前预警 ") for label in labels), labels
    # acknowledge the urgent one
    urgent = next(r for r in mine if r["level"] == "紧急")
    at.selectbox(key="alerts_pick").set_value(urgent["alert_id"])
    at.run()
    # the acknowledging person is the signed-in one (the administrator AppTest signs in as)
    from command_center.access import audit

    mark = len(audit.entries())
    at.text_area(key="alerts_ack_note").input("已通知转运")
    next(b for b in at.button if b.label == "确认预警").click()
    at.run()
    assert not at.exception
    row = next(r for r in store.active_alerts(raised) if r["alert_id"] == urgent["alert_id"])
    assert (row["acknowledged_by"], row["ack_note"]) == ("测试test-admin", "已通知转运")
    events = next(d.value for d in at.dataframe if "事件" in d.value.columns)
    assert "确认" in set(events["事件"]) and "测试test-admin" in set(events["人员/渠道"])
    lines = audit.entries()[mark:]
    assert [(x["action"], x["user"], x["detail"]["备注"]) for x in lines] == [
        ("alert_ack", "test-admin", "已通知转运")]


def test_wall_shows_the_banner(raised):
    at = _app("views/wall.py")
    page = "\n".join(md.value for md in at.markdown)
    assert 'class="wall-alerts"' in page
    banner = page[page.index('class="wall-alerts"'):]
    # one row (settings.toml [alerts] wall_rows = 1): the highest level, the rest counted
    assert banner.count('class="row"') == 1 and 'data-level="紧急"' in banner
    assert "&lt;b&gt;测试小学&lt;/b&gt;安置点已满员" in banner
    n = len(store.active_alerts(raised))
    assert f"当前预警 {n} 条" in banner


def _open_link(link: str) -> AppTest:
    """Open an alert's link (page path + query) the way a browser would arrive at it."""
    from urllib.parse import parse_qsl, urlsplit

    parts = urlsplit(link)
    at = AppTest.from_file("../app.py", default_timeout=90)
    for k, v in parse_qsl(parts.query):
        at.query_params[k] = v
    at.run()
    at.switch_page(pages.by_url_path(parts.path.strip("/")).file)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_links_open_the_page_that_shows_the_alert(fixture_warehouse):
    from command_center.alerts.evaluate import _typhoon_link, link

    at = _open_link(_typhoon_link("2106", "烟花"))
    assert at.selectbox(key="ty_id").value == "2106"
    at = _open_link(link("risk", period="month", risk_community="建设社区"))
    assert at.selectbox(key="risk_community").value == "330383001016"
    at = _open_link(link("disputes", communities="330383001016", dsp_risk=["红色"]))
    assert at.multiselect(key="dsp_risk").value == ["红"]
    at = _open_link(link("incidents", period="today", inc_category="治安"))
    assert at.multiselect(key="inc_category").value == ["治安"]
