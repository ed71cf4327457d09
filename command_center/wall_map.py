"""大屏: the county map, a constant base with data layers swapped in on refresh."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from html import escape

import folium
import pandas as pd
import streamlit as st
from branca.element import Element, MacroElement, Template

from command_center import wall as w
from command_center.maps.base import communities_geojson, county_map, display_geojson, display_xy
from command_center.maps.layers import SHELTER_COLOR, shelters_layer, typhoon_track_layer
from command_center.maps.render import cached_layers, cached_payload
from command_center.ui.maps import mount
from command_center.wall_css import DISPUTE_COLOR, EVAC_COLOR, INCIDENT_COLOR, MAP_CELL_DEG
from command_center.wall_render import html, num, today_start
from queries import run_query


class _Refit(MacroElement):
    """Refit the county whenever the map's frame changes size (the wall's iframe is sized by
    CSS in viewport units, so the first fit may happen before the final size)."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(m){ var b = {{ this.bounds|tojson }};
          m.on('resize', function(){ m.fitBounds(b, {padding: [6, 6]}); });
          setTimeout(function(){ m.invalidateSize(); m.fitBounds(b, {padding: [6, 6]}); }, 300);
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, bounds):
        super().__init__()
        self._name = "Refit"
        self.bounds = bounds


class _ScaleWithScreen(MacroElement):
    """Markers, their outlines, the scale bar and tooltips grow with the wall: Leaflet sizes
    them in pixels, which at 3840×2160 made them a quarter as large to the eye as at 1080p.
    The factor is the map frame's height over its height on a 1920×1080 screen (never below
    1); layers swapped in later by a refresh are scaled as they are added."""

    _template = Template(
        """{% macro script(this, kwargs) %}
        (function(m){
          var k = Math.max(1, window.innerHeight / {{ this.base_height }});
          document.documentElement.style.setProperty('--wall-k', k);
          function grow(l){
            if (!(l instanceof L.CircleMarker) || l._wallK) return;
            l._wallK = k;
            l.setRadius(l.getRadius() * k);
            l.setStyle({weight: (l.options.weight || 1) * k});
          }
          m.eachLayer(grow);
          m.on('layeradd', function(e){ grow(e.layer); });
        })({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self, base_height: int):
        super().__init__()
        self._name = "ScaleWithScreen"
        self.base_height = base_height


MAP_FRAME_1080P = 900  # px: the map frame's height on a 1920×1080 wall


def base_map() -> folium.Map:
    """The constant part of the wall's map (same script every run → never re-mounted)."""
    m = county_map(dark=True)
    m.options.update(zoom_control=False, zoom_snap=0.1, attribution_control=False)
    # inside the component iframe: the Leaflet div fills the frame, whatever px height it got
    m.get_root().header.add_child(Element(
        "<style>html,body{margin:0;height:100%;overflow:hidden;background:#0b1626}"
        "#map_div{height:100vh!important;width:100vw!important}"
        ".leaflet-tooltip{font-size:calc(16px * var(--wall-k, 1))}"
        ".leaflet-control-scale{zoom:var(--wall-k, 1)}</style>"
    ))
    _ScaleWithScreen(MAP_FRAME_1080P).add_to(m)
    from command_center.maps.base import county_bounds

    (s, w_), (n, e) = county_bounds()
    _Refit([[s, w_], [n, e]]).add_to(m)
    return m


def _community_layer(values: dict[str, str], colors: dict[str, str],
                     counts: dict[str, int], names: dict[str, str]) -> folium.FeatureGroup:
    gj = display_geojson(communities_geojson())
    feats = []
    for f in gj["features"]:
        code = f["properties"]["community_code"]
        level = values.get(code)
        fill = colors.get(level, "#1c3354") if level else "#1c3354"
        tip = f"{names.get(code, f['properties'].get('community_name', ''))}"
        if level:
            tip += f"<br>风险等级：{level}色"
        tip += f"<br>今日警情：{counts.get(code, 0)} 起"
        feats.append({"type": "Feature", "geometry": f["geometry"],
                      "properties": {"fill": fill, "tip": tip}})
    group = folium.FeatureGroup(name="社区")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#5c7fa8",
                                  "weight": 0.8, "fillOpacity": 0.55},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    return group


def _points_layer(df: pd.DataFrame, value_col: str, name: str, color: str, tip,
                  scale: float, min_radius: float = 3.0) -> folium.FeatureGroup:
    """Aggregated points as circles sized by ``value_col``, in ONE GeoJson layer."""
    group = folium.FeatureGroup(name=name)
    if df.empty:
        return group
    xs, ys = display_xy(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    feats = [
        {"type": "Feature",
         "properties": {"tip": tip(row), "r": round(max(min_radius, scale * math.sqrt(
             max(num(getattr(row, value_col)), 0))), 1)},
         "geometry": {"type": "Point", "coordinates": [round(float(x), 6), round(float(y), 6)]}}
        for x, y, row in zip(xs, ys, df.itertuples(), strict=True)
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": feats},
        marker=folium.CircleMarker(radius=min_radius),
        style_function=lambda f: {"radius": f["properties"]["r"], "color": color, "weight": 1.5,
                                  "fill": True, "fillColor": color, "fillOpacity": 0.55},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    return group


@dataclass(frozen=True)
class WallLayers:
    """The wall's data layers as the script the component adds to the constant base map."""

    script: str


def _layers(levels: dict, colors: dict, counts: dict, names: dict, cells: pd.DataFrame,
            disputes: pd.DataFrame, shelters: pd.DataFrame, evac: pd.DataFrame | None,
            track: pd.DataFrame | None, landfall_at
            ) -> tuple[list[folium.FeatureGroup], list[tuple[str, str, str]]]:
    """The data layers and their legend, from query results only (a ``cached_layers``
    builder: the arguments are the cache key)."""
    layers = [_community_layer(levels, colors, counts, names)]
    legend: list[tuple[str, str, str]] = [("sq", c, f"{lv}色社区")
                                          for lv, c in reversed(colors.items())]
    layers.append(_points_layer(cells, "incident_count", "今日警情", INCIDENT_COLOR,
                                lambda r: f"今日警情 {int(r.incident_count)} 起", 4.0))
    legend.append(("dot", INCIDENT_COLOR, "今日警情"))
    layers.append(_points_layer(disputes, "dispute_count", "在办纠纷", DISPUTE_COLOR,
                                lambda r: f"在办矛盾纠纷 {int(r.dispute_count)} 件", 2.2))
    legend.append(("dot", DISPUTE_COLOR, "在办纠纷"))
    layers.append(shelters_layer(shelters, name="避灾场所", show=True))
    legend.append(("dot", SHELTER_COLOR, "避灾场所"))
    if evac is not None:
        layers.append(_points_layer(
            evac, "persons_pending", "应转未转", EVAC_COLOR,
            lambda r: (f"{escape(str(r.community_name))}：应转移 {int(num(r.persons_planned))} 人，"
                       f"已转移 {int(num(r.persons_moved))} 人，应转未转 "
                       f"{int(num(r.persons_pending))} 人"), 1.6))
        legend.append(("dot", EVAC_COLOR, "应转未转人员"))
    if track is not None:
        track_layer, grades = typhoon_track_layer(track, name="台风路径", dark=True,
                                                  landfall_at=landfall_at)
        if grades:
            layers.append(track_layer)
            legend += [("dot", c, f"台风路径·{g}") for c, g in grades]
    return layers, legend


def map_layers(now: dt.datetime, cfg: w.WallConfig, typhoon: dict,
               risk: tuple) -> tuple[WallLayers, list[tuple[str, str, str]]]:
    """Query the wall's layers; build and render them only when their data changed."""
    # the layers follow the clock only every map_interval_seconds (imports: at once)
    t = w.minute_floor(now, cfg.map_refresh_seconds)
    start = today_start(t)
    levels, colors = risk
    per_comm = run_query("wall/incidents_by_community", start=start, now=t)
    counts = dict(zip(per_comm["community_code"], per_comm["incident_count"].astype(int),
                      strict=True))
    names = dict(zip(per_comm["community_code"], per_comm["community_name"], strict=True))
    cells = run_query("wall/incidents_by_cell", start=start, now=t, cell_deg=MAP_CELL_DEG)
    disputes = run_query("wall/open_disputes_by_cell", now=t, cell_deg=MAP_CELL_DEG)
    shelters = run_query("wall/shelters_by_site")
    evac = track = landfall = None
    if typhoon:
        evac = run_query("wall/evacuations_by_community", typhoon_id=typhoon["typhoon_id"])
        track = run_query("typhoon/track", typhoon_id=typhoon["typhoon_id"])
        landfall = typhoon.get("landfall_at")
    script, legend = cached_layers(base_map, _layers, levels, colors, counts, names, cells,
                                   disputes, shelters, evac, track, landfall)
    return WallLayers(script), legend


def show_map(layers: WallLayers) -> None:
    """The constant base map (rendered once per process) with this refresh's layers."""
    with st.container(key="wall_map"):
        mount(cached_payload(base_map), key="wall_map_view", height=640, returned_objects=(),
              feature_group=layers.script)


def legend_bar(items: list[tuple[str, str, str]]) -> None:
    spans = "".join(
        f'<span><i class="{kind}" style="background:{color}"></i>{escape(label)}</span>'
        for kind, color, label in items
    )
    html(f'<div class="wall-legend">{spans}</div>')

