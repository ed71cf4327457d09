"""The map section of the record pages (警情事件, 平安乐巡, 矛盾纠纷): the heading with the
layer selector kept in the link, and the county map of a count, either communities shaded by
it or a density of ~500 m cells, with its legend sections."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import folium
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from command_center.formatting import fmt_count
from command_center.maps import base, layers

LAYERS = ("grid", "community")  # ~500 m cells of points, or communities shaded by a count


def layer_choice(key: str, *, grid: str, community: str) -> tuple[str, DeltaGenerator]:
    """The 地图 heading and a 地图图层 selector, ``grid`` (default) or ``community`` with these
    labels, kept in the URL under ``key``. Returns the choice and the column beside the
    selector (for a caption)."""
    st.subheader("地图")
    left, right = st.columns([2, 3], vertical_alignment="center")
    choice = left.segmented_control("地图图层", list(LAYERS),
                                    format_func={"grid": grid, "community": community}.get,
                                    default="grid", key=key, bind="query-params", required=True)
    return choice, right


def shade_communities(fmap: folium.Map, by_community: pd.DataFrame, column: str, *, name: str,
                      unit: str, tooltip: Callable[[dict], str],
                      palette: Sequence[str] = base.SEQUENTIAL) -> tuple[str, list, str]:
    """Communities shaded by ``column`` of ``by_community`` (a row per community_code; classes
    over the communities above 0), added to ``fmap`` as the layer ``name``; returns its legend
    section, titled ``name（unit）``."""
    values = {c: float(n) for c, n in zip(by_community["community_code"], by_community[column],
                                          strict=True)}
    breaks = base.class_breaks([v for v in values.values() if v > 0], digits=0)
    base.community_layer(values, name=name, breaks=breaks, palette=palette,
                         tooltip=tooltip).add_to(fmap)
    return f"{name}（{unit}）", base.breaks_legend_items(breaks, palette)[:-1], "square"


def count_map(choice: str, by_community: pd.DataFrame, column: str, *, name: str, unit: str,
              hover: str, cells: Callable[[], pd.DataFrame], grid_name: str, grid_legend: str,
              palette: Sequence[str] = base.SEQUENTIAL,
              **density) -> tuple[folium.Map, list[tuple[str, list, str]]]:
    """The county map of a count for the layer ``choice`` (``layer_choice``): ``community``,
    communities shaded by ``column`` (tooltip: ``hover`` N ``unit``); ``grid``, the cells of
    ``cells()`` (asked only then) as a density, ``density`` passed to ``layers.density_layer``.
    Returns the map and its legend sections."""
    fmap = base.county_map()
    if choice == "community":
        section = shade_communities(
            fmap, by_community, column, name=name, unit=unit, palette=palette,
            tooltip=lambda p: f"<b>{escape(p['community_name'])}</b><br>"
                              f"{hover} {fmt_count(p['value'] or 0)} {unit}")
    else:
        layer, items = layers.density_layer(cells(), name=grid_name, show=True, palette=palette,
                                            **density)
        layer.add_to(fmap)
        section = (grid_legend, items, "square")
    return fmap, [section]
