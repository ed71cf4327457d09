"""矛盾纠纷 page filters, kept in the URL, and chart clicks that narrow the page.

Widgets bound to query parameters (``dsp_*`` keys); chart clicks through
``command_center.ui.chart_filters``, like 警情事件.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from command_center import schema
from command_center.ui.chart_filters import ChartFilters, pick_into

DTYPE = "dsp_type"
SOURCE = "dsp_source"
CHANNEL = "dsp_channel"
STATUS = "dsp_status"
RISK = "dsp_risk"
ORG = "dsp_org"
PAGE = "dsp_page"
COMMUNITIES = "communities"  # the global community filter

# the keys a chart click can set and their cleared values; 重置全部筛选 also clears the others
CHARTS = ChartFilters(
    "dsp", page_key=PAGE,
    chart_keys={DTYPE: [], CHANNEL: [], ORG: [], STATUS: [], COMMUNITIES: []},
    other_keys={SOURCE: [], RISK: []})
chart_key = CHARTS.chart_key



@dataclass(frozen=True)
class DisputeSelection:
    dispute_types: tuple[str, ...]
    sources: tuple[str, ...]
    channels: tuple[str, ...]
    statuses: tuple[str, ...]
    risk_levels: tuple[str, ...]
    org_ids: tuple[str, ...]

    def params(self) -> dict:
        """The page-filter $parameters shared by every queries/disputes/*.sql."""
        return {
            "dispute_types": list(self.dispute_types),
            "sources": list(self.sources),
            "channels": list(self.channels),
            "statuses": list(self.statuses),
            "risk_levels": list(self.risk_levels),
            "org_ids": list(self.org_ids),
        }

    def describe(self, org_names: dict[str, str]) -> dict[str, str]:
        out = {}
        for label, values in (("纠纷类型", self.dispute_types), ("纠纷来源", self.sources),
                              ("调解方式", self.channels), ("办理状态", self.statuses),
                              ("风险等级", self.risk_levels)):
            if values:
                out[label] = "、".join(values)
        if self.org_ids:
            out["调解组织"] = "、".join(org_names.get(o, o) for o in self.org_ids)
        return out


def on_select(name: str, target: str):
    """A plotly ``on_select`` callback: the clicked point's customdata → ``[value]`` in
    ``target`` (a bound widget key)."""
    return CHARTS.on_select(name, pick_into(target))


def render(org_names: dict[str, str]) -> DisputeSelection:
    """Draw the page filters; ``org_names``: mediator org_id → name (options)."""
    with st.expander("筛选条件（可分享链接）", expanded=True):
        c = st.columns(6)
        types = c[0].multiselect("纠纷类型", schema.DISPUTE_TYPES, key=DTYPE,
                                 bind="query-params", placeholder="全部类型")
        sources = c[1].multiselect("纠纷来源", schema.DISPUTE_SOURCES, key=SOURCE,
                                   bind="query-params", placeholder="全部来源")
        channels = c[2].multiselect("调解方式", schema.MEDIATION_CHANNELS, key=CHANNEL,
                                    bind="query-params", placeholder="全部方式")
        statuses = c[3].multiselect("办理状态", schema.DISPUTE_STATUSES, key=STATUS,
                                    bind="query-params", placeholder="全部状态")
        risks = c[4].multiselect("风险等级", schema.RISK_LEVELS, key=RISK, bind="query-params",
                                 placeholder="全部等级", format_func=lambda r: f"{r}色")
        orgs = c[5].multiselect("调解组织", list(org_names), key=ORG, bind="query-params",
                                format_func=lambda o: org_names.get(o, o),
                                placeholder="全部组织")
        CHARTS.buttons("撤销点击图表（类型、调解方式、调解组织、状态、社区）带来的筛选")
    return DisputeSelection(
        dispute_types=tuple(types or ()),
        sources=tuple(sources or ()),
        channels=tuple(channels or ()),
        statuses=tuple(statuses or ()),
        risk_levels=tuple(risks or ()),
        org_ids=tuple(orgs or ()),
    )
