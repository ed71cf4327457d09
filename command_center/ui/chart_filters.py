"""Chart clicks that narrow a page through its URL-bound filter widgets (警情事件, 矛盾纠纷).

Every filter widget of such a page is bound to a query parameter (``<prefix>_*`` keys). A
click on a chart runs a callback *before* the next script run, which writes the clicked value
into the bound widget's session-state key (bound widgets can't be set through
``st.query_params``); the widget then draws with it and the URL follows. ``清除图表筛选``
resets every key a chart click can set, ``重置全部筛选`` those and the page's other filters.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st


def chart_points(key: str) -> list[dict]:
    """The selected points of the plotly chart with widget key ``key``."""
    state = st.session_state.get(key)
    if not state:
        return []
    selection = state.get("selection", state) if isinstance(state, dict) else state.selection
    return list(selection.get("points", []) if isinstance(selection, dict) else selection.points)


def custom_value(point: dict, i: int = 0):
    """The ``i``-th customdata value of a clicked point (None when it has none)."""
    data = point.get("customdata")
    if isinstance(data, list | tuple):
        return data[i] if len(data) > i else None
    return data if i == 0 else None


def pick_into(key: str) -> Callable[[dict], dict | None]:
    """A point extractor: the point's customdata → ``{key: [value]}``."""

    def extract(point: dict) -> dict | None:
        value = custom_value(point)
        return {key: [value]} if value else None

    return extract


def _differs(value, default) -> bool:
    if value is None:
        return False
    return tuple(value) != tuple(default) if isinstance(default, tuple) else bool(value)


class ChartFilters:
    """One page's chart-click filters.

    ``prefix``: the page's key prefix (``inc``, ``dsp``); ``chart_keys``: {widget key: its
    cleared value} for every key a chart click can set; ``page_key``: the records table's page
    number, back to 1 on every narrowing; ``other_keys``: {widget key: cleared value} of the
    page's filters no chart sets (cleared by 重置全部筛选 only).
    """

    def __init__(self, prefix: str, chart_keys: dict, page_key: str, other_keys: dict):
        self.prefix = prefix
        self.chart_keys = dict(chart_keys)
        self.page_key = page_key
        self.other_keys = dict(other_keys)
        # bumped on every narrowing: charts get fresh keys (no stale selection)
        self._gen = f"_{prefix}_chart_gen"

    def chart_key(self, name: str) -> str:
        """A chart's widget key, renewed after each narrowing so no stale selection lingers."""
        return f"{self.prefix}_chart_{name}_{st.session_state.get(self._gen, 0)}"

    def narrow(self, values: dict) -> None:
        for key, value in values.items():
            st.session_state[key] = value
        st.session_state[self.page_key] = 1
        st.session_state[self._gen] = st.session_state.get(self._gen, 0) + 1

    def on_select(self, name: str, extract: Callable[[dict], dict | None]) -> Callable[[], None]:
        """A plotly ``on_select`` callback: ``extract(point)`` → {widget key: value} to set."""
        key = self.chart_key(name)

        def callback() -> None:
            for point in chart_points(key):
                values = extract(point)
                if values:
                    self.narrow(values)
                    return

        return callback

    def narrowed(self) -> bool:
        """Whether a chart click's filter is set."""
        return any(_differs(st.session_state.get(k), v) for k, v in self.chart_keys.items())

    def clear(self) -> None:
        self.narrow(dict(self.chart_keys))

    def reset_all(self) -> None:
        self.narrow({**self.chart_keys, **self.other_keys})

    def buttons(self, clear_help: str) -> None:
        """清除图表筛选 (``clear_help`` names what a chart click sets) and 重置全部筛选."""
        b1, b2, _ = st.columns([1, 1, 4])
        b1.button("清除图表筛选", on_click=self.clear, disabled=not self.narrowed(),
                  help=clear_help, width="stretch", key=f"{self.prefix}_clear_chart")
        b2.button("重置全部筛选", on_click=self.reset_all, width="stretch",
                  key=f"{self.prefix}_reset_all")
