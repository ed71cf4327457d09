"""Global filters shared by every page: period and communities, kept in the URL.

``render()`` draws them in the sidebar (called once per run by app.py) and returns a
``Filters``; pages read the same object with ``current()``. The widgets are bound to query
parameters (``period``, ``range``, ``communities``), so a copied link reproduces the view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from command_center import config
from command_center.periods import PRESETS, Period, resolve
from queries import run_query

_STATE_KEY = "_global_filters"


@dataclass(frozen=True)
class Filters:
    preset: str
    period: Period
    communities: tuple[str, ...]  # community codes; empty = the whole county

    def params(self, prefix: str = "") -> dict:
        """$start, $end (exclusive) and $communities for a named query."""
        return {**self.period.params(prefix), "communities": list(self.communities)}

    def with_period(self, period: Period) -> Filters:
        return Filters(self.preset, period, self.communities)


def community_options() -> dict[str, str]:
    df = run_query("shared/communities")
    return dict(zip(df["community_code"], df["community_name"], strict=True))


def render() -> Filters:
    today = config.today()
    names = community_options()
    with st.sidebar:
        st.markdown("**筛选**")
        preset = st.segmented_control(
            "时间范围",
            options=list(PRESETS),
            format_func=PRESETS.get,
            default="month",
            key="period",
            bind="query-params",
            required=True,
        )
        custom = None
        if preset == "custom":
            custom = st.date_input(
                "起止日期",
                value=(today - dt.timedelta(days=29), today),
                max_value=today,
                key="range",
                bind="query-params",
                format="YYYY-MM-DD",
            )
        codes = st.multiselect(
            "社区",
            options=list(names),
            format_func=lambda c: names.get(c, c),
            placeholder="全县（可多选社区）",
            key="communities",
            bind="query-params",
        )
    try:
        period = resolve(preset or "month", today, tuple(custom) if custom else None)
    except ValueError:
        # a half-picked custom range: keep the month until both ends are chosen
        period = resolve("month", today)
    filters = Filters(preset or "month", period, tuple(c for c in codes if c in names))
    st.session_state[_STATE_KEY] = filters
    return filters


def current() -> Filters:
    """The filters app.py rendered in this run (pages call this)."""
    filters = st.session_state.get(_STATE_KEY)
    if filters is None:  # a page run on its own (tests): draw them
        filters = render()
    return filters
