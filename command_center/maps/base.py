"""The county map every page starts from: boundary, community polygons, optional tiles.

Geometry is stored in WGS-84 (data/geo). With no tile server configured the map is drawn on a
plain background (works offline). A tile server in GCJ-02 (高德/腾讯) gets every coordinate
converted for display with ``display_xy``, so points and polygons sit on the right street.

Colors: classed palettes and a Chinese legend drawn as HTML. Not branca colormaps: with one on
the map, streamlit-folium adds two d3 CDN links and the map stays blank offline.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Sequence
from html import escape

import folium
import numpy as np
from branca.element import Element, MacroElement, Template

from command_center import config, crs

# sequential palette (light → dark), 5 classes; colour-blind safe (ColorBrewer YlOrRd)
SEQUENTIAL = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
GREENS = ("#edf8e9", "#bae4b3", "#74c476", "#31a354", "#006d2c")
NO_DATA = "#d9d9d9"


@functools.cache
def _geojson(name: str) -> dict:
    with open(config.geo_dir() / name, encoding="utf-8") as fh:
        return json.load(fh)


def county_geojson() -> dict:
    return _geojson("county.geojson")


def communities_geojson() -> dict:
    return _geojson("communities.geojson")


def tile_crs() -> str:
    return (config.get("map", "tile_crs", "wgs84") or "wgs84").lower()


def display_xy(lon, lat):
    """WGS-84 → the coordinate system of the configured tiles (identity without tiles)."""
    if config.get("map", "tile_url") and tile_crs() != "wgs84":
        return crs.from_wgs84(np.asarray(lon, float), np.asarray(lat, float), tile_crs())
    return lon, lat


def display_geojson(gj: dict) -> dict:
    if config.get("map", "tile_url") and tile_crs() != "wgs84":
        return crs.transform_geojson(gj, lambda x, y: crs.from_wgs84(x, y, tile_crs()))
    return gj


@functools.cache
def county_bounds() -> tuple[tuple[float, float], tuple[float, float]]:
    """((south, west), (north, east)) of the county, in display coordinates."""
    xs, ys = [], []

    def walk(coords):
        if isinstance(coords[0], int | float):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for f in county_geojson()["features"]:
        walk(f["geometry"]["coordinates"])
    x, y = display_xy(np.array(xs), np.array(ys))
    return (float(np.min(y)), float(np.min(x))), (float(np.max(y)), float(np.max(x)))


@functools.cache
def county_centre() -> tuple[float, float]:
    """(lon, lat) WGS-84 of a point inside the county (where distances are measured from)."""
    import shapely
    from shapely.geometry import shape

    geoms = [shape(f["geometry"]) for f in county_geojson()["features"] if f.get("geometry")]
    p = shapely.point_on_surface(shapely.union_all(geoms))
    return float(p.x), float(p.y)


def county_map(*, dark: bool = False, boundary: bool = True) -> folium.Map:
    """A map fitted to the county, boundary drawn, tiles only if configured."""
    (s, w), (n, e) = county_bounds()
    m = folium.Map(
        location=((s + n) / 2, (w + e) / 2),
        zoom_start=12,
        tiles=None,
        control_scale=False,  # folium's scale bar shows miles too; a metric one is added below
        prefer_canvas=False,  # SVG: polygons are hoverable, clickable DOM paths (layers are bounded)
        attribution_control=bool(config.get("map", "tile_url")),
    )
    url = config.get("map", "tile_url")
    if url:
        folium.TileLayer(url, attr=config.get("map", "tile_attribution") or " ", name="底图",
                         max_zoom=18).add_to(m)
    bg = "#0b1626" if dark else "#f4f6f9"
    m.get_root().header.add_child(
        Element(f"<style>.leaflet-container{{background:{bg};font-family:'Noto Sans CJK SC',"
                "'Microsoft YaHei',sans-serif;}</style>")
    )
    if boundary:
        style = {"color": "#7fb2ff" if dark else "#3a4a5c", "weight": 2.5, "fill": False}
        url = county_boundary_url()
        if url:
            _BoundaryFile(url, style).add_to(m)
        else:
            folium.GeoJson(display_geojson(county_geojson()), name="县界", control=False,
                           style_function=lambda _: style).add_to(m)
    _MetricScale().add_to(m)
    _FocusWithoutScroll().add_to(m)
    m.fit_bounds([[s, w], [n, e]], padding=(8, 8))
    return m


@functools.lru_cache(maxsize=4)
def _county_boundary_text(tiles: tuple) -> str:
    """The outline in the display coordinates of the tile settings ``tiles``."""
    return json.dumps(display_geojson(county_geojson()), ensure_ascii=False,
                      separators=(",", ":"))


def county_boundary_url() -> str | None:
    """The county boundary as a file the server publishes (its URL from the map iframe), so
    no map carries it: a real county's boundary runs to megabytes. None: embed it."""
    from command_center.maps.render import map_settings
    from command_center.ui.assets import publish

    return publish("county", _county_boundary_text(map_settings()))


class _BoundaryFile(MacroElement):
    """The county outline, loaded from its published file and drawn under every other layer.
    Not interactive: it has no tooltip, and a click on its line belongs to the community under
    it."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(m){ fetch({{ this.url|tojson }})"
        ".then(function(r){ if (!r.ok) { throw new Error(r.status); } return r.json(); })"
        ".then(function(gj){ L.geoJSON(gj, {style: {{ this.style|tojson }}, interactive: false})"
        ".addTo(m).bringToBack(); })"
        ".catch(function(e){ console.warn('县界未能加载', e); });"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )

    def __init__(self, url: str, style: dict):
        super().__init__()
        self._name = "BoundaryFile"
        self.url, self.style = url, style


class _FocusWithoutScroll(MacroElement):
    """Leaflet focuses the map container on mousedown (keyboard navigation). Inside the
    component iframe that focus scrolls the PAGE to bring the iframe into view when it is not
    wholly visible, so the polygon under the pointer moves between mousedown and mouseup: the
    browser then sends the click to their common parent (the SVG ``<g>``) and Leaflet never
    sees a click on the community. Focus with ``preventScroll`` instead (keyboard kept)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(m){ var kb = m.keyboard; if (!kb) { return; }"
        " L.DomEvent.off(m._container, 'mousedown', kb._onMouseDown, kb);"
        " L.DomEvent.on(m._container, 'mousedown', function(){"
        "   if (!this._focused) { m._container.focus({preventScroll: true}); } }, kb);"
        "})({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


class _MetricScale(MacroElement):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function(){ var sc = L.control.scale({imperial: false});"
        # Leaflet writes 'm' / 'km': write 米 / 公里
        " sc._updateScale = function(el, text, ratio){"
        "   el.style.width = Math.round(this.options.maxWidth * ratio) + 'px';"
        "   el.innerHTML = text.replace(' km', ' 公里').replace(' m', ' 米'); };"
        " sc.addTo({{ this._parent.get_name() }}); })();"
        "{% endmacro %}"
    )


class HtmlBox(MacroElement):
    """Fixed HTML over the map (legends). One template for all: the HTML is data, so it is
    neither compiled per map nor read as Jinja."""

    _template = Template("{% macro html(this, kwargs) %}{{ this.box_html }}{% endmacro %}")

    def __init__(self, box_html: str):
        super().__init__()
        self._name = "HtmlBox"
        self.box_html = box_html


def class_breaks(values: Sequence[float], k: int = 5, digits: int = 2) -> list[float]:
    """Upper bounds of k quantile classes (ties merged), for a classed choropleth, rounded up
    to the ``digits`` the legend writes (so every value is within its class as written)."""
    v = np.asarray([x for x in values if x is not None and np.isfinite(x)], float)
    if v.size == 0:
        return []
    zeros = bool((v == 0).any() and (v > 0).any())  # 今日: many zeros get a class of their own
    if zeros:
        v, k = v[v > 0], k - 1
    unit = 10.0 ** -digits
    qs = np.unique(np.round(np.ceil(np.round(np.quantile(v, np.linspace(0, 1, k + 1)[1:]) / unit,
                                             6)) * unit, digits))
    qs = np.concatenate([[0.0], qs]) if zeros else qs
    return [float(q) for q in qs]


def color_for(value, breaks: Sequence[float], palette: Sequence[str] = SEQUENTIAL) -> str:
    if value is None or not np.isfinite(value) or not breaks:
        return NO_DATA
    for i, upper in enumerate(breaks):
        if value <= upper:
            return palette[min(i, len(palette) - 1) if len(breaks) >= len(palette)
                           else round(i * (len(palette) - 1) / max(len(breaks) - 1, 1))]
    return palette[-1]


def community_layer(
    values: dict[str, float],
    *,
    name: str,
    tooltip: Callable[[dict], str],
    breaks: Sequence[float] | None = None,
    palette: Sequence[str] = SEQUENTIAL,
    colors: dict[str, str] | None = None,
    show: bool = True,
    opacity: float = 0.65,
    line_color: str = "#ffffff",
) -> folium.FeatureGroup:
    """Community polygons shaded by ``values`` (code → number) or explicit ``colors``.

    ``tooltip(properties)`` returns the Chinese HTML shown on hover; it also becomes the
    ``tooltip`` property the click event returns (first line = community name).
    """
    gj = copy.deepcopy(display_geojson(communities_geojson()))
    if breaks is None:
        breaks = class_breaks(list(values.values()))
    for f in gj["features"]:
        p = f["properties"]
        code = p["community_code"]
        p["value"] = values.get(code)
        p["fill"] = (colors or {}).get(code) or color_for(p["value"], breaks, palette)
        p["tip"] = tooltip(p)
    group = folium.FeatureGroup(name=name, show=show)
    folium.GeoJson(
        gj,
        style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": line_color,
                                  "weight": 1, "fillOpacity": opacity},
        highlight_function=lambda f: {"weight": 3, "color": "#1f5fbf"},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, sticky=True),
    ).add_to(group)
    return group


def legend(title: str, items: Sequence[tuple[str, str]], *, dark: bool = False,
           position: str = "bottomright") -> MacroElement:
    """A Chinese legend: ``items`` are (colour, label) pairs."""
    rows = "".join(
        f'<div><span style="display:inline-block;width:14px;height:14px;background:{c};'
        f'margin-right:6px;vertical-align:-2px;border:1px solid #888"></span>{escape(lbl)}</div>'
        for c, lbl in items
    )
    fg, bg = ("#e8eef7", "rgba(11,22,38,.85)") if dark else ("#222", "rgba(255,255,255,.92)")
    vertical, horizontal = ("bottom", "right") if position == "bottomright" else ("bottom", "left")
    html = (
        f'<div style="position:absolute;{vertical}:24px;{horizontal}:10px;z-index:999;'
        f"background:{bg};color:{fg};padding:8px 10px;border-radius:6px;font-size:13px;"
        f'line-height:1.6;box-shadow:0 1px 4px rgba(0,0,0,.3)"><b>{escape(title)}</b>{rows}</div>'
    )
    return HtmlBox(html)


def breaks_legend_items(breaks: Sequence[float], palette: Sequence[str] = SEQUENTIAL,
                        digits: int = 0) -> list[tuple[str, str]]:
    """Legend labels of classes with these upper bounds, written with the figure's
    ``digits`` (one precision in the whole legend): a class of zeros reads 0, the next ones
    start one unit above the previous bound (0 · 0.01 – 0.29 · 0.30 – 0.52; counts 1 · 2 – 4),
    never "≤ 0.00" or "0.00 – 0.29"."""
    unit = 10.0 ** -digits

    def fmt(v: float) -> str:
        return f"{v:,.{digits}f}"

    items, lower = [], None
    for b in breaks:
        c = color_for(b, breaks, palette)
        if lower is None:
            text = fmt(b) if b <= 0 else f"≤ {fmt(b)}"
        else:
            lo = lower + unit
            text = fmt(b) if fmt(lo) == fmt(b) else f"{fmt(lo)} – {fmt(b)}"
        items.append((c, text))
        lower = b
    items.append((NO_DATA, "无数据"))
    return items
