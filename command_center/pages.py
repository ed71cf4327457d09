"""The registry of pages: one row per page, read by app.py (navigation, global filters, sidebar),
by the roles (administrators' pages), by 一张图's community panel (topic links) and by the tests
that open every page.

Page files live in views/, not pages/: Streamlit 1.67 treats a pages/ folder beside the entry
point as an old-style multipage app until st.navigation has run once in the process, so the
first request after a restart (the wall reconnecting to /wall) would run the page file alone,
without app.py.

A row's file must exist: tests/test_pages.py fails on a missing one (nothing is left out
silently). This module imports nothing from Streamlit.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Page:
    file: str  # path from the repository root, views/<name>.py
    title: str  # shown in the navigation and the browser tab (Chinese)
    url_path: str  # /<url_path>; role page lists in settings.toml name these
    group: str  # navigation section
    icon: str
    uses_filters: bool = True  # the global period/community filters are shown and apply
    sidebar: bool = True  # data freshness, alert count and the account panel in the sidebar
    admin_only: bool = False  # only roles with admin (a role's pages = "*" leaves it out)
    community_link: bool = False  # linked from 一张图's panel of a selected community


# In navigation order; the first page a viewer may open is their home page.
PAGES: list[Page] = [
    Page("views/overview.py", "一张图", "overview", "综合", "🗺️"),
    Page("views/briefing.py", "工作简报", "briefing", "综合", "📄"),
    Page("views/incidents.py", "警情事件", "incidents", "专题", "🚨", community_link=True),
    Page("views/disputes.py", "矛盾纠纷", "disputes", "专题", "🤝", community_link=True),
    Page("views/social_orgs.py", "社会组织", "social-orgs", "专题", "🏛️", community_link=True),
    Page("views/typhoon.py", "防台转移", "typhoon", "专题", "🌀", community_link=True),
    Page("views/patrols.py", "平安乐巡", "patrols", "专题", "🚶", community_link=True),
    Page("views/risk.py", "四色预警", "risk", "专题", "🚦", community_link=True),
    Page("views/alerts.py", "预警", "alerts", "专题", "🔔", uses_filters=False),
    Page("views/explore.py", "数据探索", "explore", "专题", "🔎"),
    Page("views/wall.py", "大屏", "wall", "大屏", "🖥️", uses_filters=False, sidebar=False),
    Page("views/data.py", "数据管理", "data", "管理", "🗂️", uses_filters=False, admin_only=True),
    Page("views/definitions.py", "统计口径", "definitions", "管理", "📐", uses_filters=False),
    Page("views/users.py", "用户管理", "users", "管理", "👥", uses_filters=False, admin_only=True),
    Page("views/audit.py", "审计日志", "audit", "管理", "🧾", uses_filters=False, admin_only=True),
]


def by_url_path(url_path: str) -> Page:
    """The page served at ``/<url_path>`` (KeyError for none)."""
    for page in PAGES:
        if page.url_path == url_path:
            return page
    raise KeyError(url_path)


def admin_pages() -> frozenset[str]:
    """URL paths of the pages only administrators open (数据管理, 用户管理, 审计日志)."""
    return frozenset(p.url_path for p in PAGES if p.admin_only)
