"""平安治理一张图 — entry point: page config, first-start data, navigation, global filters."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

import streamlit as st

from command_center.alerts.ui import sidebar_count
from command_center.bootstrap import ensure_warehouse
from command_center.ui import filters
from command_center.ui.assets import ensure_static_assets
from command_center.ui.freshness import freshness_caption

ROOT = Path(__file__).resolve().parent
# Page files live in views/, not pages/: Streamlit 1.67 treats a pages/ folder beside the
# entry point as an old-style multipage app until st.navigation has run once in the process,
# so the first request after a restart (the wall reconnecting to /wall) would run the page file
# alone, without this script.

# (file, title, url path, group, icon). A page is listed only once its file exists.
PAGES = [
    ("views/overview.py", "一张图", "overview", "综合", "🗺️"),
    ("views/briefing.py", "工作简报", "briefing", "综合", "📄"),
    ("views/incidents.py", "警情事件", "incidents", "专题", "🚨"),
    ("views/disputes.py", "矛盾纠纷", "disputes", "专题", "🤝"),
    ("views/social_orgs.py", "社会组织", "social-orgs", "专题", "🏛️"),
    ("views/typhoon.py", "防台转移", "typhoon", "专题", "🌀"),
    ("views/risk.py", "四色预警", "risk", "专题", "🚦"),
    ("views/alerts.py", "预警", "alerts", "专题", "🔔"),
    ("views/wall.py", "大屏", "wall", "大屏", "🖥️"),
    ("views/data.py", "数据管理", "data", "管理", "🗂️"),
    ("views/definitions.py", "统计口径", "definitions", "管理", "📐"),
]
NO_FILTERS = {"wall", "data", "definitions"}  # pages that ignore the global period/community filters

st.set_page_config(page_title="平安治理一张图", page_icon="🛡️", layout="wide")


@st.cache_resource(show_spinner="首次启动：正在生成样例数据并建立数据仓库…")
def _first_start() -> None:
    ensure_warehouse()
    ensure_static_assets()


_first_start()

groups: dict[str, list] = {}
for file, title, url_path, group, icon in PAGES:
    if (ROOT / file).exists():
        groups.setdefault(group, []).append(
            st.Page(file, title=title, url_path=url_path, icon=icon, default=not groups)
        )
page = st.navigation(groups)
if page.url_path not in NO_FILTERS:
    filters.render()
if page.url_path != "wall":
    with st.sidebar:
        freshness_caption()
        sidebar_count()
# Streamlit's ⋮ menu only offers English items (Print, Record screen, Made with Streamlit):
# hidden; printing is the browser's own, briefings have their Word/PDF downloads.
st.html("<style>[data-testid='stMainMenu']{display:none !important}</style>")

log = logging.getLogger("command_center.app")
try:
    page.run()
except Exception:  # shown to a person in Chinese, the traceback goes to the server log
    ref = uuid.uuid4().hex[:8].upper()
    log.exception("页面出错（编号 %s，页面 %s）", ref, page.url_path)
    st.error(f"页面出现错误，请稍后重试；如仍有问题，请将错误编号 {ref} 告知系统管理员"
             "（管理员可在服务器日志中按编号查到详情）。")
