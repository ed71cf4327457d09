"""Out-of-range URL values fall back to the nearest valid value with a Chinese notice
(``?range=0001-01-01..0001-01-02`` used to raise on five pages, ``?brf_date=0001-01-01`` too)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from command_center.pages import PAGES as REGISTRY

# every page that reads the global period (the briefing has its own date: tested below)
PAGES = [p.file for p in REGISTRY if p.uses_filters and p.url_path != "briefing"]


@pytest.mark.parametrize("page", PAGES)
def test_range_before_any_valid_date_falls_back(fixture_warehouse, page):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params["range"] = "0001-01-01..0001-01-02"
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["range"][0].isoformat() == "2000-01-01"
    notices = [w.value for w in at.sidebar.warning]
    assert any("超出可选范围" in n and "已调整为 2000-01-01" in n for n in notices), notices


def test_unreadable_range_uses_default_with_notice(fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params["range"] = "9999-99-99..x"
    at.run()
    assert not at.exception
    assert any("无法识别" in w.value for w in at.sidebar.warning)


def test_briefing_date_out_of_range_falls_back(fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.query_params["brf_date"] = "0001-01-01"
    at.run()
    at.switch_page("views/briefing.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.session_state["brf_date"].isoformat() == "2000-01-01"
    assert any("已调整为 2000-01-01" in w.value for w in at.warning)
