"""The map section of the record pages (警情事件, 平安乐巡, 矛盾纠纷): the heading with the
layer selector kept in the link, the county map of a count, either communities shaded by it or
a density of ~500 m cells, with its legend sections, and 矛盾纠纷's map of what is open now."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import folium
import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from command_center.formatting import fmt_count
from command_center.maps import base, layers
from command_center.ui import charts

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


OVERDUE_COLOR, OPEN_COLOR = charts.RED, charts.BLUE


def open_disputes_map(open_now: pd.DataFrame, points: pd.DataFrame | None) -> folium.Map:
    """矛盾纠纷's map: communities shaded by the disputes open now (``open_now``: a row per
    community with ``open_count``/``overdue_count``), and each open dispute of ``points`` when
    given (red when overdue). A builder for ``cached_payload``: everything it draws comes
    from its arguments, so a period change (the map is of now) does not build it again."""
    fmap = base.county_map()
    rows = {r["community_code"]: r for r in open_now.to_dict("records")}

    def community_tip(p: dict) -> str:
        r = rows.get(p["community_code"]) or {}
        return (f"<b>{escape(p['community_name'])}</b><br>在办纠纷 "
                f"{fmt_count(r.get('open_count', 0))} 件，其中超期 "
                f"{fmt_count(r.get('overdue_count', 0))} 件")

    sections = [shade_communities(fmap, open_now, "open_count", name="社区在办纠纷", unit="件",
                                  palette=base.BLUES, tooltip=community_tip)]
    if points is not None:
        layers.points_layer(
            points, name="在办纠纷点位", radius=5, line_color="#ffffff",
            color=lambda r: OVERDUE_COLOR if r["is_overdue"] else OPEN_COLOR,
            tooltip=lambda r: (
                f"<b>{escape(str(r['dispute_type']))}纠纷</b>（{escape(str(r['status']))}）"
                f"<br>受理：{r['received_at']:%Y-%m-%d}"
                f"<br>化解时限：{r['deadline_on']:%Y-%m-%d}"
                + ("<b style='color:#c92a2a'>（已超期）</b>" if r["is_overdue"] else "")
                + f"<br>风险等级：{escape(str(r['risk_level'] or '—'))}"
                f"<br>{escape(str(r['community_name'] or ''))}"),
        ).add_to(fmap)
        sections.append(("纠纷点位", [(OVERDUE_COLOR, "超期未结"), (OPEN_COLOR, "在办未超期")],
                         "circle"))
    fmap.get_root().add_child(layers.legend_panel(sections))
    return fmap
