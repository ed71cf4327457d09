"""警情事件 page filters, kept in the URL (``inc_*`` keys), and chart clicks that narrow the
page (``command_center.ui.chart_filters``)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from command_center import schema
from command_center.ui.chart_filters import ChartFilters, custom_value, pick_into

SOURCE = "inc_source"
CATEGORY = "inc_category"
SUBCATEGORY = "inc_subcategory"
SEVERITY = "inc_severity"
STATUS = "inc_status"
UNKNOWN = "未知"  # an empty status, as incidents/incidents_by_status and _page_filters name it
WEEKDAY = "inc_weekday"
HOURS = "inc_hours"
QUERY = "inc_q"
GRAIN = "inc_grain"
PAGE = "inc_page"
COMMUNITIES = "communities"  # the global community filter (command_center.ui.filters)

ALL_HOURS = (0, 23)
WEEKDAYS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
GRAINS = {"auto": "自动", "day": "按日", "week": "按周", "month": "按月"}
# the keys a chart click can set and their cleared values; 重置全部筛选 also clears the others
CHARTS = ChartFilters(
    "inc", page_key=PAGE,
    chart_keys={SOURCE: [], CATEGORY: [], SUBCATEGORY: [], STATUS: [], WEEKDAY: [],
                HOURS: ALL_HOURS, COMMUNITIES: []},
    other_keys={SEVERITY: [], QUERY: ""})
chart_key = CHARTS.chart_key
on_select = CHARTS.on_select


@dataclass(frozen=True)
class IncidentSelection:
    sources: tuple[str, ...]
    categories: tuple[str, ...]
    subcategories: tuple[str, ...]
    severities: tuple[str, ...]
    statuses: tuple[str, ...]
    weekdays: tuple[int, ...]
    hours: tuple[int, int]
    text: str

    def params(self) -> dict:
        """The page-filter $parameters shared by every queries/incidents/*.sql."""
        return {
            "sources": list(self.sources),
            "categories": list(self.categories),
            "subcategories": list(self.subcategories),
            "severities": list(self.severities),
            "statuses": list(self.statuses),
            "weekdays": list(self.weekdays),
            "min_hour": int(self.hours[0]),
            "max_hour": int(self.hours[1]),
            "q": like_pattern(self.text),
        }

    def describe(self) -> dict[str, str]:
        """The filters in Chinese, for exports and captions (only those set)."""
        out = {}
        for label, values in (("事件来源", self.sources), ("事件类别", self.categories),
                              ("事件细类", self.subcategories), ("事件等级", self.severities),
                              ("处置状态", self.statuses)):
            if values:
                out[label] = "、".join(values)
        if self.weekdays:
            out["星期"] = "、".join(WEEKDAYS[d] for d in self.weekdays)
        if tuple(self.hours) != ALL_HOURS:
            out["时段"] = f"{self.hours[0]}时至{self.hours[1]}时"
        if self.text:
            out["关键词"] = self.text
        return out


def like_pattern(text: str | None) -> str | None:
    """'%text%' for ``ilike ... escape '\\'`` with the user's % _ \\ taken literally."""
    text = (text or "").strip()
    if not text:
        return None
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def pick_category(point: dict) -> dict | None:
    value = custom_value(point)
    return {CATEGORY: [value], SUBCATEGORY: []} if value else None


pick_source = pick_into(SOURCE)
pick_status = pick_into(STATUS)
pick_community = pick_into(COMMUNITIES)


_WEEKDAY_BY_NAME = {v: k for k, v in WEEKDAYS.items()}


def pick_weekday_hour(point: dict) -> dict | None:
    weekday, hour = custom_value(point, 0), custom_value(point, 1)
    if weekday is None or hour is None:  # a heat-map click may carry only x (hour), y (name)
        weekday, hour = _WEEKDAY_BY_NAME.get(point.get("y")), point.get("x")
    if weekday is None or hour is None:
        return None
    return {WEEKDAY: [int(weekday)], HOURS: (int(hour), int(hour))}


def render(subcategories: dict[str, list[str]]) -> IncidentSelection:
    """Draw the page filters (in an expander) and return the selection.

    ``subcategories``: category → its subcategories present in the data (cascading list).
    """
    with st.expander("筛选条件（可分享链接）", expanded=True):
        c1, c2, c3, c4 = st.columns([1, 1, 1.3, 1])
        sources = c1.multiselect("事件来源", schema.INCIDENT_SOURCES, key=SOURCE,
                                 bind="query-params", placeholder="全部来源")
        categories = c2.multiselect("事件类别", list(schema.INCIDENT_CATEGORIES), key=CATEGORY,
                                    bind="query-params", placeholder="全部类别")
        options = [s for c in (categories or subcategories) for s in subcategories.get(c, [])]
        # a subcategory no longer under the chosen categories is dropped before drawing
        if SUBCATEGORY in st.session_state:
            kept = [s for s in st.session_state[SUBCATEGORY] or [] if s in options]
            if kept != list(st.session_state[SUBCATEGORY] or []):
                st.session_state[SUBCATEGORY] = kept
        subs = c3.multiselect("事件细类", options, key=SUBCATEGORY, bind="query-params",
                              placeholder="全部细类（随类别联动）")
        severities = c4.multiselect("事件等级", schema.INCIDENT_SEVERITIES, key=SEVERITY,
                                    bind="query-params", placeholder="全部等级")
        d1, d2, d3, d4 = st.columns([1, 1, 1.3, 1])
        # 未知: a status no vocabulary knows (stored empty); its bar on the page can be clicked
        statuses = d1.multiselect("处置状态", (*schema.INCIDENT_STATUSES, UNKNOWN), key=STATUS,
                                  bind="query-params", placeholder="全部状态")
        weekdays = d2.multiselect("星期", list(WEEKDAYS), format_func=WEEKDAYS.get, key=WEEKDAY,
                                  bind="query-params", placeholder="全部")
        hours = d3.slider("时段（时）", 0, 23, value=ALL_HOURS, key=HOURS, bind="query-params")
        text = d4.text_input("关键词（地址或事件描述）", key=QUERY, bind="query-params",
                             placeholder="如：人民路、电动车", max_chars=50)
        CHARTS.buttons("撤销点击图表（类别、来源、状态、星期×时段、社区）带来的筛选")
    hours = tuple(hours) if isinstance(hours, list | tuple) else ALL_HOURS
    return IncidentSelection(
        sources=tuple(sources or ()),
        categories=tuple(categories or ()),
        subcategories=tuple(subs or ()),
        severities=tuple(severities or ()),
        statuses=tuple(statuses or ()),
        weekdays=tuple(int(d) for d in weekdays or ()),
        hours=(int(hours[0]), int(hours[1])),
        text=(text or "").strip(),
    )


def auto_grain(days: int) -> str:
    """≤ 62 days → day, ≤ 1 year → week, else month."""
    if days <= 62:
        return "day"
    if days <= 366:
        return "week"
    return "month"

