"""大屏: the wall display. Dark, full screen, nobody touches it; refreshes itself.

Open it as ``/wall?embed=true`` (no Streamlit chrome). Everything below the style sheet runs in
one fragment with ``run_every``: the values change in place, the page is never reloaded. The
county map keeps its base (boundary) constant, so streamlit-folium keeps the same Leaflet map
across refreshes; only its data layers are swapped (``feature_group_to_add``), and those are
rebuilt at most every ``map_interval_seconds`` or at once after an import.
Settings: ``wall.toml`` (see ``command_center.wall``).
"""

from __future__ import annotations

import time

import streamlit as st

from command_center import wall as w
from command_center.alerts.ui import wall_banner
from command_center.wall_css import stylesheet
from command_center.wall_panels import PANEL_VIEWS
from command_center.wall_render import (
    current_time,
    current_typhoon,
    data_freshness,
    risk_levels,
    title_bar,
)

# ------------------------------------------------------------------ page
try:
    CFG = w.load_config()
    CONFIG_PROBLEMS: list[str] = []
except w.WallConfigError as e:
    CFG, CONFIG_PROBLEMS = w.WallConfig(), [str(e)]
CFG, URL_PROBLEMS = w.apply_query(CFG, {k: st.query_params.get(k) for k in
                                        ("rotate", "panel", "refresh")})
PROBLEMS = CONFIG_PROBLEMS + URL_PROBLEMS
st.html(stylesheet())


@st.fragment(run_every=w.tick_seconds(CFG))
def wall_body() -> None:
    now = current_time()
    typhoon = current_typhoon(now)
    state = w.advance(CFG, st.session_state.get("wall_rotation"), time.monotonic(),
                      typhoon_active=bool(typhoon))
    st.session_state["wall_rotation"] = state
    tick = st.session_state.get("wall_tick", -1) + 1
    st.session_state["wall_tick"] = tick
    panel = w.current_panel(CFG, state)
    risk_info = risk_levels(now)
    with st.container(key="wall"):
        title_bar(now, data_freshness(CFG), panel, PROBLEMS)
        with st.container(key="wall_body"):
            PANEL_VIEWS[panel](now, CFG, tick, typhoon, risk_info)
        wall_banner()  # active alerts, fixed over the bottom of the screen


wall_body()
