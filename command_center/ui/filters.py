"""Global filters shared by every page: period and communities, kept in the URL.

``render()`` draws them in the sidebar (called once per run by app.py) and returns a
``Filters``; pages read the same object with ``current()``. The filters are kept in the URL
(``period``, ``range``, ``communities``), so a copied link reproduces the view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import streamlit as st

from command_center import config
from command_center.access import current as access
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


def communities_label(filters: Filters) -> str:
    """The chosen communities' names (、-separated), or the whole county (全市) for none."""
    names = community_options()
    return "、".join(names.get(c, c) for c in filters.communities) or access.whole()


URL_KEYS = ("period", "range", "communities")
MIN_DATE = dt.date(2000, 1, 1)  # the earliest date a link may ask for (ingest's lower bound)
DEFAULT_PRESET = "month"


def _seed_from_url(today: dt.date, names: dict[str, str]) -> None:
    """Once per session: put the link's period/range/communities into the widgets' state.

    The widgets are not ``bind="query-params"``-bound because a bound widget with a
    ``format_func`` writes its *label* into the URL (``?period=近7天``); links carry stable
    codes instead: ``?period=7d``, ``?range=2026-07-01..2026-07-31``,
    ``?communities=330383001001&communities=330383001002`` (or comma-separated).
    """
    if st.session_state.get("_filters_seeded"):
        return
    st.session_state["_filters_seeded"] = True
    qp = st.query_params
    preset = qp.get("period")
    if preset in PRESETS:
        st.session_state["period"] = preset
    if "range" in qp:
        try:
            a, b = (dt.date.fromisoformat(x) for x in qp["range"].split(".."))
        except ValueError:
            st.session_state["_filters_notice"] = "链接中的日期范围无法识别，已使用默认时间范围"
        else:
            lo, hi = min(a, b), max(a, b)
            # out-of-range dates fall back to the nearest valid ones (a year before the earliest
            # date has no 同比 period; nothing after today exists)
            clamped = (min(max(lo, MIN_DATE), today), min(max(hi, MIN_DATE), today))
            if clamped != (lo, min(hi, today)) or hi > today and lo > today:
                st.session_state["_filters_notice"] = (
                    f"链接中的日期范围超出可选范围（{MIN_DATE} 至 {today}），"
                    f"已调整为 {clamped[0]} 至 {clamped[1]}")
            st.session_state["range"] = clamped
            st.session_state.setdefault("period", "custom")
    codes = [c for v in qp.get_all("communities") for c in v.split(",") if c in names]
    if codes:
        st.session_state["communities"] = codes


def _write_url(filters: Filters) -> None:
    """Keep the URL in step with the filters (defaults left out, as for bound widgets)."""
    want: dict[str, str | list[str]] = {}
    if filters.preset != DEFAULT_PRESET:
        want["period"] = filters.preset
    if filters.preset == "custom":
        want["range"] = f"{filters.period.start}..{filters.period.end}"
    if filters.communities:
        want["communities"] = list(filters.communities)
    sync_url(want, URL_KEYS)


def sync_url(want: dict[str, str | list[str]], keys) -> None:
    """Set the URL's ``keys`` to ``want`` (a key missing from it is removed), touching only
    those that differ (each change to ``st.query_params`` is a message to the browser)."""
    for key in keys:
        have = st.query_params.get_all(key)
        value = want.get(key)
        if value is None:
            if have:
                del st.query_params[key]
        elif have != (value if isinstance(value, list) else [value]):
            st.query_params[key] = value


def render() -> Filters:
    today = config.today()
    names = community_options()
    _seed_from_url(today, names)
    with st.sidebar:
        st.markdown("**筛选**")
        if notice := st.session_state.get("_filters_notice"):
            st.warning(notice, icon="⚠️")
        preset = st.segmented_control(
            "时间范围",
            options=list(PRESETS),
            format_func=PRESETS.get,
            # a value seeded from the link lives in session state; passing a default as well
            # would make Streamlit print a warning on the page
            **({} if "period" in st.session_state else {"default": DEFAULT_PRESET}),
            key="period",
            required=True,
        )
        custom = None
        if preset == "custom":
            custom = st.date_input(
                "起止日期",
                **({} if "range" in st.session_state
                   else {"value": (today - dt.timedelta(days=29), today)}),
                min_value=MIN_DATE,
                max_value=today,
                key="range",
                format="YYYY-MM-DD",
            )
        codes = st.multiselect(
            "社区",
            options=list(names),
            format_func=lambda c: names.get(c, c),
            placeholder=f"{access.whole()}（可多选社区）",
            key="communities",
        )
    now = config.now()
    try:
        period = resolve(preset or DEFAULT_PRESET, now, tuple(custom) if custom else None)
    except ValueError:
        # a half-picked custom range: keep the month until both ends are chosen
        period = resolve(DEFAULT_PRESET, now)
    filters = Filters(preset or DEFAULT_PRESET, period,
                      tuple(c for c in codes if c in names))
    st.session_state[_STATE_KEY] = filters
    _write_url(filters)
    return filters


def current() -> Filters:
    """The filters app.py rendered in this run (pages call this)."""
    filters = st.session_state.get(_STATE_KEY)
    if filters is None:  # a page run on its own (tests): draw them
        filters = render()
    return filters
