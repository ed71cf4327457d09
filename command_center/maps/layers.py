"""The overview's map layers, reusable by other pages (the wall display).

Data in (DataFrames from the ``overview/*`` queries), folium ``FeatureGroup`` out; everything on
top of ``maps.base`` (county map, community polygons, class breaks, palettes). Points and grid
cells go into ONE GeoJson layer each (not one folium object per point), so the HTML stays small:
its size depends on the number of features, which the queries bound.

Tooltips are Chinese HTML; a community's tooltip starts with its name, which is what
``community_from_tooltip`` reads back from a st_folium click.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape

import folium
import pandas as pd

from command_center.formatting import fixed, fmt_count
from command_center.maps.base import (
    BLUES,
    GREENS,
    NO_DATA,
    HtmlBox,
    breaks_legend_items,
    class_breaks,
    color_for,
    communities_geojson,
    community_layer,
    county_map,
    display_geojson,
    display_xy,
)

RISK_COLORS = {"红": "#d7191c", "橙": "#fd8d3c", "黄": "#ffd92f", "蓝": "#2b83ba"}
ORG_COLOR = "#7b3294"
SHELTER_COLOR = "#1a9641"
UNSELECTED = "#eceff3"
SELECTED_OUTLINE = "#1f5fbf"

LAYER_NAMES = {
    "rate": "社区警情率（每千人）",
    "density": "警情密度",
    "disputes": "在办矛盾纠纷",
    "orgs": "社会组织",
    "shelters": "避灾安置场所",
    "patrols": "平安乐巡",
}

# typhoon grades as 中央气象台 track maps colour them
GRADE_COLORS = {
    "热带低压": "#02c639", "热带风暴": "#0264ff", "强热带风暴": "#fffb05",
    "台风": "#ffac05", "强台风": "#f071f9", "超强台风": "#ff0000", "其他": "#9e9e9e",
}
TRACK_LINE = "#5a6b7d"
TRACK_LABEL_HOURS = 12  # a time label on the map every so many hours

RATE_DIGITS = 2  # incidents per 1,000 residents, as figures.value_text writes it


def _fmt_rate(v) -> str:
    return "—" if v is None or pd.isna(v) else fixed(v, RATE_DIGITS)


def community_tooltip(row: dict) -> str:
    """Chinese HTML for a community; the name comes first (read back on click)."""
    return (
        f"<b>{escape(str(row['community_name']))}</b><br>"
        f"{escape(str(row.get('area_name') or ''))} · 人口 {fmt_count(row.get('population'))}<br>"
        f"本期警情 {fmt_count(row.get('incident_count'))} 件，"
        f"每千人 {_fmt_rate(row.get('rate_per_1000'))}<br>"
        f"未办结警情 {fmt_count(row.get('open_count'))} 件<br>"
        f"在办纠纷 {fmt_count(row.get('dispute_open_count'))} 件<br>"
        f"社会组织 {fmt_count(row.get('org_count'))} 家 · "
        f"避灾场所 {fmt_count(row.get('shelter_count'))} 处<br>"
        "<i>点击查看详情</i>"
    )


def community_rate_layer(
    figures: pd.DataFrame, *, name: str = LAYER_NAMES["rate"], show: bool = True,
    dark: bool = False,
) -> tuple[folium.FeatureGroup, list[tuple[str, str]]]:
    """Communities shaded by incidents per 1,000 residents (``figures_by_community`` rows).

    Communities with ``is_selected`` false (outside the community filter) are drawn pale.
    Returns the layer and its legend items (colour, label).
    """
    rows = {r["community_code"]: r for r in figures.to_dict("records")}
    selected = figures[figures["is_selected"]] if "is_selected" in figures else figures
    values = {code: float(r["rate_per_1000"]) for code, r in rows.items()
              if r["rate_per_1000"] is not None and not pd.isna(r["rate_per_1000"])}
    breaks = class_breaks(selected["rate_per_1000"].dropna().tolist(), digits=RATE_DIGITS)
    colors = {code: UNSELECTED for code, r in rows.items() if not r.get("is_selected", True)}

    def tooltip(props: dict) -> str:
        r = rows.get(props["community_code"])
        return community_tooltip(r) if r else f"<b>{escape(props['community_name'])}</b>"

    layer = community_layer(values, name=name, tooltip=tooltip, breaks=breaks, colors=colors,
                            show=show, line_color="#ffffff" if not dark else "#0b1626")
    items = breaks_legend_items(breaks, digits=RATE_DIGITS)
    items = [it for it in items if it[0] != NO_DATA]
    if colors:
        items.append((UNSELECTED, "未选中社区"))
    return layer, items


def selected_outline(code: str | None, geojson: dict) -> folium.FeatureGroup | None:
    """A thick outline around the selected community (not clickable, not in the layer list)."""
    if not code:
        return None
    feats = [f for f in geojson["features"] if f["properties"]["community_code"] == code]
    if not feats:
        return None
    group = folium.FeatureGroup(name="选中社区", control=False)
    folium.GeoJson(
        display_geojson({"type": "FeatureCollection", "features": feats}),
        style_function=lambda _: {"color": SELECTED_OUTLINE, "weight": 4, "fill": False,
                                  "interactive": False},
        control=False,
    ).add_to(group)
    return group


def density_layer(
    cells: pd.DataFrame, *, name: str = LAYER_NAMES["density"], show: bool = False,
    palette: Sequence[str] = BLUES, count_col: str = "incident_count",
    tip: str = "该网格本期警情 {n} 件",
) -> tuple[folium.FeatureGroup, list[tuple[str, str]]]:
    """Grid cells (``west, south, east, north`` and ``count_col``) shaded by count; ``tip``
    is the tooltip with ``{n}`` for the cell's count."""
    breaks = class_breaks(cells[count_col].tolist(), digits=0) if len(cells) else []
    features = []
    if len(cells):
        w, s = display_xy(cells["west"].to_numpy(float), cells["south"].to_numpy(float))
        e, n = display_xy(cells["east"].to_numpy(float), cells["north"].to_numpy(float))
        for i, count in enumerate(cells[count_col].tolist()):
            x0, y0, x1, y1 = (round(float(v[i]), 6) for v in (w, s, e, n))
            features.append({
                "type": "Feature",
                "properties": {"fill": color_for(count, breaks, palette),
                               "tip": tip.format(n=fmt_count(count))},
                "geometry": {"type": "Polygon",
                             "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]},
            })
    group = folium.FeatureGroup(name=name, show=show)
    if features:
        folium.GeoJson(
            {"type": "FeatureCollection", "features": features},
            style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#08306b",
                                      "weight": 0.3, "fillOpacity": 0.75},
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
        ).add_to(group)
    items = breaks_legend_items(breaks, palette, digits=0)
    return group, [it for it in items if it[0] != NO_DATA]


def points_layer(
    df: pd.DataFrame, *, name: str, tooltip: Callable[[dict], str],
    color: str | Callable[[dict], str], radius: float = 5, show: bool = True,
    line_color: str = "#333333",
) -> folium.FeatureGroup:
    """Points (``lon``, ``lat`` in WGS-84) as circle markers in one GeoJson layer."""
    group = folium.FeatureGroup(name=name, show=show)
    if df.empty:
        return group
    x, y = display_xy(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    features = []
    for i, row in enumerate(df.to_dict("records")):
        features.append({
            "type": "Feature",
            "properties": {"tip": tooltip(row),
                           "fill": color(row) if callable(color) else color},
            "geometry": {"type": "Point",
                         "coordinates": [round(float(x[i]), 6), round(float(y[i]), 6)]},
        })
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=radius),
        style_function=lambda f: {"fill": True, "fillColor": f["properties"]["fill"],
                                  "color": line_color, "weight": 1, "fillOpacity": 0.9,
                                  "radius": radius},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    return group


def _date(v) -> str:
    if v is None or pd.isna(v):
        return "—"
    v = pd.Timestamp(v)
    return f"{v.year}年{v.month}月{v.day}日"


def disputes_layer(df: pd.DataFrame, *, name: str = LAYER_NAMES["disputes"],
                   show: bool = True) -> folium.FeatureGroup:
    """Open disputes (``open_disputes_by_point`` rows), coloured by risk level."""
    def tip(r: dict) -> str:
        overdue = "，<b style='color:#d7191c'>已超期</b>" if r.get("is_overdue") else ""
        return (f"<b>{escape(str(r['dispute_type']))}纠纷</b>（{escape(str(r['status']))}）<br>"
                f"风险等级 {escape(str(r.get('risk_level') or '—'))}<br>"
                f"受理 {_date(r.get('received_at'))}，时限 {_date(r.get('deadline_on'))}{overdue}"
                f"<br>{escape(str(r.get('community_name') or ''))}")

    return points_layer(df, name=name, tooltip=tip, show=show, radius=5,
                        color=lambda r: RISK_COLORS.get(r.get("risk_level"), "#999999"))


def orgs_layer(df: pd.DataFrame, *, name: str = LAYER_NAMES["orgs"],
               show: bool = False) -> folium.FeatureGroup:
    """Registered social organizations (``social_orgs_by_point`` rows)."""
    def tip(r: dict) -> str:
        return (f"<b>{escape(str(r['org_name']))}</b><br>"
                f"{escape(str(r.get('legal_form') or ''))} · {escape(str(r.get('category') or ''))}"
                f"<br>评估等级 {escape(str(r.get('rating') or '—'))} · "
                f"信用 {escape(str(r.get('credit_status') or '—'))}<br>"
                f"{escape(str(r.get('community_name') or ''))}")

    return points_layer(df, name=name, tooltip=tip, color=ORG_COLOR, radius=4, show=show,
                        line_color="#ffffff")


def shelters_layer(df: pd.DataFrame, *, name: str = LAYER_NAMES["shelters"],
                   show: bool = False) -> folium.FeatureGroup:
    """Shelters (``shelters_by_point`` rows); radius grows with capacity."""
    def tip(r: dict) -> str:
        return (f"<b>{escape(str(r['shelter_name']))}</b><br>"
                f"{escape(str(r.get('level') or ''))} · 可容纳 {fmt_count(r.get('capacity'))} 人"
                f"<br>{escape(str(r.get('host_type') or ''))} · "
                f"{escape(str(r.get('community_name') or ''))}")

    return points_layer(df, name=name, tooltip=tip, color=SHELTER_COLOR, radius=6, show=show,
                        line_color="#ffffff")


def legend_panel(sections: Iterable[tuple[str, Sequence[tuple[str, str]], str]], *,
                 dark: bool = False) -> HtmlBox:
    """One Chinese legend box for several layers: (title, [(colour, label)], shape) per
    section, shape "square" (areas) or "circle" (points)."""
    parts = []
    for title, items, shape in sections:
        if not items:
            continue
        radius = "50%" if shape == "circle" else "2px"
        rows = "".join(
            f'<div><span style="display:inline-block;width:12px;height:12px;background:{c};'
            f'border-radius:{radius};margin-right:6px;vertical-align:-1px;'
            f'border:1px solid #777"></span>{escape(lbl)}</div>'
            for c, lbl in items
        )
        parts.append(f'<div style="margin-top:4px"><b>{escape(title)}</b>{rows}</div>')
    fg, bg = ("#e8eef7", "rgba(11,22,38,.85)") if dark else ("#222", "rgba(255,255,255,.93)")
    html = (
        f'<div style="position:absolute;bottom:24px;right:10px;z-index:999;background:{bg};'
        f"color:{fg};padding:6px 10px;border-radius:6px;font-size:12px;line-height:1.5;"
        f'max-height:80%;overflow:auto;box-shadow:0 1px 4px rgba(0,0,0,.3)">{"".join(parts)}</div>'
    )
    return HtmlBox(html)


def risk_legend_items() -> list[tuple[str, str]]:
    return [(c, f"{lvl}色风险") for lvl, c in RISK_COLORS.items()]


def community_from_tooltip(text: str | None, communities: pd.DataFrame, *,
                           with_area: bool = True) -> str | None:
    """The code of the community whose tooltip was clicked (``communities``: community_code,
    community_name and, when ``with_area``, area_name); None for anything else (a point, a
    grid cell). The longest name the text starts with wins.

    st_folium returns the tooltip's text: the name, then the area (``community_tooltip``) or
    whatever the tooltip says next (the 四色预警 level: ``with_area=False``), with or without
    a line break between them depending on the browser."""
    if not text:
        return None
    text = text.strip()
    best, best_len = None, 0
    for row in communities.to_dict("records"):
        code, name = row["community_code"], row["community_name"]
        if not name or not text.startswith(name) or len(name) <= best_len:
            continue
        area = row.get("area_name") if with_area else None
        rest = text[len(name):].lstrip()
        if not area or rest.startswith(str(area)):
            best, best_len = code, len(name)
    return best


def payload_bytes(m: folium.Map) -> int:
    """Size of the map's HTML as sent to the browser (UTF-8 bytes)."""
    return len(m.get_root().render().encode("utf-8"))


def overview_map(figures: pd.DataFrame, cells: pd.DataFrame, disputes: pd.DataFrame,
                 orgs: pd.DataFrame, shelters: pd.DataFrame, *, selected: str | None = None,
                 dark: bool = False, patrols: pd.DataFrame | None = None) -> folium.Map:
    """The 一张图 map: county boundary, communities shaded by rate (clickable), density grid,
    open disputes, organizations, shelters, 平安乐巡 check-ins (``patrols``: the cells of
    queries/patrols/patrols_by_cell), a layer switcher and one legend (all Chinese).

    Inputs are the ``overview/*`` query results; ``selected`` (a community code) is outlined.
    """
    m = county_map(dark=dark)
    # SVG, not canvas: each polygon is a DOM path (clickable, testable); the feature count is
    # bounded by the queries, so SVG stays light
    rate_layer, rate_items = community_rate_layer(figures, dark=dark)
    rate_layer.add_to(m)
    density, density_items = density_layer(cells, show=False)
    density.add_to(m)
    disputes_layer(disputes, show=True).add_to(m)
    orgs_layer(orgs, show=False).add_to(m)
    shelters_layer(shelters, show=False).add_to(m)
    patrol_items: list[tuple[str, str]] = []
    if patrols is not None:
        patrol_layer, patrol_items = density_layer(
            patrols, name=LAYER_NAMES["patrols"], show=False, palette=GREENS,
            count_col="task_count", tip="该网格本期巡逻签到 {n} 次")
        patrol_layer.add_to(m)
    outline = selected_outline(selected, communities_geojson())
    if outline is not None:
        outline.add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    m.get_root().add_child(legend_panel([
        ("社区每千人警情（本期）", rate_items, "square"),
        ("警情密度（每格件数）", density_items, "square"),
        ("在办矛盾纠纷", risk_legend_items(), "circle"),
        ("其他图层", [(ORG_COLOR, "社会组织"), (SHELTER_COLOR, "避灾安置场所")], "circle"),
        *([("平安乐巡签到（每格次数）", patrol_items, "square")] if patrol_items else []),
    ], dark=dark))
    return m


def _moment(t) -> pd.Timestamp | None:
    return None if t is None or pd.isna(t) else pd.Timestamp(t)


def typhoon_track_layer(track: pd.DataFrame, *, name: str = "台风路径", show: bool = True,
                        landfall_at=None, dark: bool = False
                        ) -> tuple[folium.FeatureGroup, list[tuple[str, str]]]:
    """A typhoon's best track (``typhoon/track`` rows: observed_at, lat, lon, pressure_hpa,
    wind_ms, grade): the path as one line, the points as circles coloured by grade (one
    GeoJson layer), a small time label every ``TRACK_LABEL_HOURS`` hours. Returns the layer
    and its legend items (colour, grade) for the grades present, strongest last."""
    group = folium.FeatureGroup(name=name, show=show)
    df = track.dropna(subset=["lon", "lat"]).sort_values("observed_at")
    if df.empty:
        return group, []
    x, y = display_xy(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    coords = [[round(float(a), 4), round(float(b), 4)] for a, b in zip(x, y, strict=True)]
    landfall = _moment(landfall_at)
    features: list[dict] = [{"type": "Feature", "properties": {"kind": "line", "tip": name},
                             "geometry": {"type": "LineString", "coordinates": coords}}]
    first = pd.Timestamp(df["observed_at"].iloc[0])
    labels = []
    for i, r in enumerate(df.to_dict("records")):
        t = pd.Timestamp(r["observed_at"])
        grade = r.get("grade") or "其他"
        when = f"{t.month}月{t.day}日 {t.hour:02d}时"
        tip = f"<b>{when}</b> · {escape(str(grade))}"
        if pd.notna(r.get("wind_ms")):
            tip += f"<br>最大风速 {r['wind_ms']:g} 米/秒"
        if pd.notna(r.get("pressure_hpa")):
            tip += f" · 中心气压 {int(r['pressure_hpa'])} 百帕"
        if landfall is not None:
            h = (landfall - t).total_seconds() / 3600
            tip += "<br>" + ("登陆时" if round(h) == 0 else (
                f"登陆前 {round(h)} 小时" if h > 0 else f"登陆后 {-round(h)} 小时"))
        features.append({
            "type": "Feature",
            "properties": {"kind": "point", "fill": GRADE_COLORS.get(grade, GRADE_COLORS["其他"]),
                           "grade": grade, "time": t.isoformat(), "tip": tip},
            "geometry": {"type": "Point", "coordinates": coords[i]},
        })
        if ((t - first).total_seconds() / 3600) % TRACK_LABEL_HOURS == 0:
            labels.append((coords[i], when))
    line = "#c9d6e3" if dark else TRACK_LINE
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=5),
        style_function=lambda f: (
            {"color": line, "weight": 2, "dashArray": "4 3"}
            if f["properties"]["kind"] == "line" else
            {"fill": True, "fillColor": f["properties"]["fill"], "color": "#333333",
             "weight": 1, "fillOpacity": 0.95, "radius": 5}),
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    text = "#e6edf5" if dark else "#333333"
    for (lon, lat), when in labels:
        folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(
                html=(f'<div class="track-label" style="font-size:11px;color:{text};'
                      f'white-space:nowrap;transform:translate(8px,-6px)">{escape(when)}</div>'),
                icon_size=(0, 0)),
        ).add_to(group)
    present = set(df["grade"].fillna("其他"))
    legend = [(c, g) for g, c in GRADE_COLORS.items() if g in present]
    return group, legend
