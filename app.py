"""平安治理一张图 — entry point: page config, first-start data, navigation, global filters."""

from __future__ import annotations

import logging
import uuid

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from command_center.alerts.ui import sidebar_count
from command_center.bootstrap import ensure_warehouse
from command_center.pages import PAGES
from command_center.ui import access_panel, filters
from command_center.ui.assets import ensure_static_assets
from command_center.ui.freshness import freshness_caption

st.set_page_config(page_title="平安治理一张图", page_icon="🛡️", layout="wide")


@st.cache_resource(show_spinner="首次启动：正在生成样例数据并建立数据仓库…")
def _first_start() -> None:
    ensure_warehouse()
    ensure_static_assets()


_first_start()
viewer = access_panel.require_viewer()  # signed in, or a notice and stop

groups: dict[str, list] = {}
allowed: dict[str, str] = {}  # url path → title of the pages this viewer may open, in order
for p in PAGES:  # command_center/pages.py: one row per page
    if viewer.role.may_open(p.url_path):
        allowed[p.url_path] = p.title
        groups.setdefault(p.group, []).append(
            st.Page(p.file, title=p.title, url_path=p.url_path, icon=p.icon, default=not groups)
        )
# --- unknown or old paths (issue 13) --------------------------------------------------------
# Streamlit answers a path that matches no page (/overview, an old bookmark) with an English
# "Page not found" dialog: open the viewer's first page (一张图) instead, with a Chinese note
# above it; a page the viewer's role may not open says so.
_ctx = get_script_run_ctx()
_asked = _ctx.pages_manager.intended_page_name if _ctx else None
_home, *_others = allowed
if _ctx and _asked and not _ctx.pages_manager.intended_page_script_hash and _asked not in _others:
    _ctx.pages_manager.set_script_intent("", "")  # resolve to the default page, no dialog
    _titles = {p.url_path: p.title for p in PAGES}
    if _asked == _home:  # /overview is 一张图's own name (the wall's for a screen): no note
        pass
    elif _asked in _titles:  # a page this role may not open
        st.warning(f"您的角色（{viewer.role.name}）不能打开“{_titles[_asked]}”，"
                   f"已为您打开{allowed[_home]}。", icon="🔒")
    else:
        st.info(f"没有找到页面“/{_asked}”，已为您打开{allowed[_home]}。", icon="ℹ️")
# ---------------------------------------------------------------------------------------------
page = st.navigation(groups, expanded=True)  # every page listed (no "View more" fold)
# the page's row by its title: Streamlit gives the default page the url_path "" (for the 大屏
# role that is the wall, which must get neither the filters nor the sidebar)
shown = next(p for p in PAGES if p.title == page.title)
if shown.uses_filters:
    filters.render()
if shown.sidebar:
    with st.sidebar:
        freshness_caption()
        sidebar_count()
    access_panel.sidebar(viewer, shown.url_path, filters.community_options())
# Streamlit's ⋮ menu only offers English items (Print, Record screen, Made with Streamlit):
# hidden; printing is the browser's own, briefings have their Word/PDF downloads.
# plotly's toolbar (shown on hover, English tooltips: Download plot as a png, Zoom, Pan …) too.
st.html("<style>[data-testid='stMainMenu'], .js-plotly-plot .modebar-container"
        "{display:none !important}</style>")
# KPI cards in one row are equally tall (a card with a sparkline made its row uneven)
st.html("""<style>
[data-testid='stColumn']:has(> [data-testid='stVerticalBlock'] > [data-testid='stElementContainer']
  > [data-testid='stMetric']) > [data-testid='stVerticalBlock'] {height: 100%}
[data-testid='stVerticalBlock'] > [data-testid='stElementContainer']:has(> [data-testid='stMetric'])
  {flex: 1 1 auto}
[data-testid='stElementContainer'] > [data-testid='stMetric'] {height: 100%; box-sizing: border-box}
</style>""")

log = logging.getLogger("command_center.app")
try:
    page.run()
except Exception:  # shown to a person in Chinese, the traceback goes to the server log
    ref = uuid.uuid4().hex[:8].upper()
    log.exception("页面出错（编号 %s，页面 %s）", ref, shown.url_path)
    st.error(f"页面出现错误，请稍后重试；如仍有问题，请将错误编号 {ref} 告知系统管理员"
             "（管理员可在服务器日志中按编号查到详情）。")
