"""Alerts in chromium: an alert raised while the wall is open appears as its banner at the next
refresh, at 1920×1080 and 3840×2160, readable (large type, inside the screen); the 预警 page."""

from __future__ import annotations

import pytest

from command_center.alerts import store
from command_center.alerts.evaluate import Finding
from command_center.alerts.rules import Rule
from tests.alerts_support import NOW
from tests.browser.conftest import goto, screenshot

REFRESH = 5  # ?refresh= of the wall URL (seconds)
VIEWPORTS = {"1080p": (1920, 1080), "4k": (3840, 2160)}
RULE = Rule("t_browser_shelter", "安置点已满员", "紧急", "shelter_occupancy", {})
INFO = Rule("t_browser_stale", "数据长时间未更新", "提示", "data_stale", {})

BANNER_JS = """() => {
  const b = document.querySelector('.wall-alerts');
  if (!b) return null;
  const r = b.getBoundingClientRect();
  const rows = [...b.querySelectorAll('.row')].map(e => ({
    level: e.dataset.level, text: e.innerText,
    size: parseFloat(getComputedStyle(e).fontSize)}));
  return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, rows,
          iw: innerWidth, ih: innerHeight, text: b.innerText};
}"""


def _raise(rule: Rule, key: str, title: str, message: str, link: str) -> None:
    with store.connect(store.store_path()) as con:
        store.apply(con, rule, [Finding(key, title, message, link)], NOW)


@pytest.fixture()
def cleanup(fixture_warehouse):
    yield
    with store.connect(store.store_path()) as con:
        ids = [r[0] for r in con.execute(
            "select alert_id from alerts where rule_key like 't_browser_%'")]
        for table in ("events", "deliveries", "alerts"):
            con.executemany(f"delete from {table} where alert_id = ?", [(i,) for i in ids])


@pytest.mark.browser
@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_wall_banner_appears_within_one_refresh(page, app_server, cleanup, size):
    width, height = VIEWPORTS[size]
    page.set_viewport_size({"width": width, "height": height})
    goto(page, app_server, f"/wall?embed=true&refresh={REFRESH}")
    assert page.locator('[data-testid="stException"]').count() == 0
    title = f"测试小学安置点已满员（{height}）"
    _raise(INFO, f"t_browser_stale:{size}", "警情事件数据长时间未更新", "已 10 小时未导入", "/data")
    _raise(RULE, f"t_browser_shelter:{size}", title, "已安置 100 人，容量 100 人",
           "/typhoon?ty_id=2699")
    # the next refresh (every REFRESH s) shows it; the wait allows one interval plus the run
    page.locator(".wall-alerts .row", has_text=title).wait_for(
        state="visible", timeout=(REFRESH + 20) * 1000)
    b = page.evaluate(BANNER_JS)
    assert b["left"] >= 0 and b["top"] >= 0 and b["right"] <= b["iw"] + 0.5
    assert b["bottom"] <= b["ih"] + 0.5
    # highest level first
    assert b["rows"][0]["level"] == "紧急" and title in b["rows"][0]["text"]
    levels = [r["level"] for r in b["rows"]]
    assert levels == sorted(levels, key=["提示", "关注", "紧急"].index, reverse=True)
    # large enough to read across the room: at least 3% of the screen height
    assert min(r["size"] for r in b["rows"]) >= 0.03 * height
    assert "None" not in b["text"] and "nan" not in b["text"]
    screenshot(page, f"wall_alerts_{size}")


@pytest.mark.browser
def test_alerts_page(page, app_server, cleanup):
    _raise(RULE, "t_browser_shelter:page", "测试小学安置点已满员", "已安置 100 人，容量 100 人",
           "/typhoon?ty_id=2699")
    goto(page, app_server, "/alerts")
    assert page.locator('[data-testid="stException"]').count() == 0
    page.locator('[data-testid="stMetric"]').first.wait_for(state="visible")
    page.locator('[data-testid="stDataFrame"]').first.wait_for(state="visible")
    assert page.get_by_role("heading", name="预警").first.is_visible()
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text("当前预警", exact=False).first.wait_for(state="visible")
    screenshot(page, "alerts_page")
