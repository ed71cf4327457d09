"""大屏: the wall display. Dark, full screen, nobody touches it; refreshes itself.

Open it as ``/wall?embed=true`` (no Streamlit chrome). Everything below the style sheet runs in
one fragment with ``run_every``: the values change in place, the page is never reloaded. The
county map keeps its base (boundary) constant, so streamlit-folium keeps the same Leaflet map
across refreshes; only its data layers are swapped (``feature_group_to_add``), and those are
rebuilt at most every ``map_interval_seconds`` or at once after an import.
Settings: ``wall.toml`` (see ``command_center.wall``).
"""

from __future__ import annotations

import datetime as dt
import math
import time
from html import escape

import folium
import pandas as pd
import streamlit as st
from branca.element import Element, MacroElement, Template
from streamlit_folium import st_folium

from command_center import config, figures, headline, risk
from command_center import wall as w
from command_center.alerts.ui import wall_banner
from command_center.formatting import fmt_count, fmt_pct
from command_center.maps.base import communities_geojson, county_map, display_geojson, display_xy
from command_center.maps.layers import SHELTER_COLOR, shelters_layer, typhoon_track_layer
from command_center.maps.offline import make_offline
from command_center.periods import Period
from queries import run_query

FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei','PingFang SC'," \
       "'WenQuanYi Micro Hei',sans-serif"
BG = "#07111f"
PANEL_BG = "rgba(18,36,64,.78)"
TEXT = "#e8f0ff"
MUTED = "#9fb3d1"
ACCENT = "#4fc3ff"
STATUS_COLORS = {"ok": "#2ecc71", "amber": "#ffb020", "red": "#ff4d4f", "unknown": "#8a99b3"}
INCIDENT_COLOR = "#ff7043"
DISPUTE_COLOR = "#ba68c8"
EVAC_COLOR = "#ffd54f"
PATROL_COLOR = "#66bb6a"
MAP_CELL_DEG = 0.01

CSS = f"""
<style>
/* 大屏 only: this sheet is part of the wall page and disappears with it */
html, body {{ overflow: hidden !important; background: {BG}; }}
[data-testid="stApp"], [data-testid="stAppViewContainer"], [data-testid="stMain"] {{
  background: radial-gradient(ellipse at 50% 0%, #0f2544 0%, {BG} 60%) !important;
  color: {TEXT}; font-family: {FONT}; overflow: hidden !important;
}}
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stStatusWidget"], [data-testid="stSidebar"], [data-testid="stSidebarNav"],
[data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stBottom"], footer {{ display: none !important; }}
[data-testid="stMainBlockContainer"] {{
  padding: 1.2vh 1.1vw !important; max-width: none !important; height: 100vh;
  box-sizing: border-box; overflow: hidden;
}}
/* no fade of the previous values while the fragment reruns: no flicker */
[data-stale="true"], .stale-element {{ opacity: 1 !important; transition: none !important; }}
[data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {{ gap: 1.1vh; }}
[data-testid="stHorizontalBlock"] {{ gap: 1vw !important; flex-wrap: nowrap !important; }}
[data-testid="stMarkdownContainer"] {{ margin-bottom: 0 !important; }}
[data-testid="stMarkdownContainer"] p {{ margin: 0; }}
[data-testid="stElementContainer"] {{ margin: 0 !important; }}
/* fixed geometry in viewport units: 1.2vh padding, 7.6vh title, 1.1vh gaps */
.st-key-wall {{ height: 97.6vh; overflow: hidden; }}
.st-key-wall_body, [data-testid="stLayoutWrapper"]:has(> .st-key-wall_body) {{
  height: 88.9vh; min-height: 0; overflow: hidden; flex: 0 0 auto; }}
.st-key-wall_body [data-testid="stLayoutWrapper"],
.st-key-wall_body [data-testid="stHorizontalBlock"] {{ height: 100%; }}
.st-key-wall_body [data-testid="stColumn"] {{ height: 100%; min-width: 0; overflow: hidden; }}
.st-key-wall_body [data-testid="stColumn"] > [data-testid="stVerticalBlock"] {{ height: 100%; }}
.st-key-wall_kpis, .st-key-wall_side, .st-key-wall_bars {{ height: 100%; }}
.st-key-wall_kpis > [data-testid="stElementContainer"],
.st-key-wall_side > [data-testid="stElementContainer"],
.st-key-wall_bars > [data-testid="stElementContainer"] {{ flex: 1 1 0; min-height: 0; }}
.st-key-wall_kpis .stMarkdown, .st-key-wall_kpis .stMarkdown > div,
.st-key-wall_side .stMarkdown, .st-key-wall_side .stMarkdown > div,
.st-key-wall_bars .stMarkdown, .st-key-wall_bars .stMarkdown > div,
.st-key-wall_kpis [data-testid="stMarkdownContainer"],
.st-key-wall_side [data-testid="stMarkdownContainer"],
.st-key-wall_bars [data-testid="stMarkdownContainer"] {{ height: 100%; }}
.st-key-wall_kpis .wall-tile, .st-key-wall_side .wall-box, .st-key-wall_bars .wall-box {{
  height: 100%; }}

.wall-title {{ display: flex; align-items: center; justify-content: space-between;
  height: 7.6vh; padding: 0 1.2vw; box-sizing: border-box;
  background: linear-gradient(90deg, rgba(20,60,110,.9), rgba(10,30,60,.6) 50%, rgba(20,60,110,.9));
  border-bottom: .25vh solid {ACCENT}; border-radius: .6vh; font-family: {FONT}; }}
.wall-title .name {{ font-size: clamp(20px, 3.9vh, 120px); font-weight: 700; color: #fff;
  letter-spacing: .15em; white-space: nowrap; }}
.wall-title .name small {{ font-size: .55em; color: {MUTED}; letter-spacing: .05em;
  margin-left: .8em; font-weight: 400; }}
.wall-title .right {{ display: flex; align-items: center; gap: 1.2vw; white-space: nowrap; }}
.wall-title .clock {{ font-size: clamp(14px, 2.6vh, 80px); color: {TEXT};
  font-variant-numeric: tabular-nums; }}
.wall-badge {{ font-size: clamp(12px, 2vh, 60px); padding: .5vh .9vw; border-radius: 3vh;
  border: .2vh solid currentColor; font-weight: 600; }}
.wall-badge.ok {{ color: {STATUS_COLORS["ok"]}; }}
.wall-badge.amber {{ color: {STATUS_COLORS["amber"]}; background: rgba(255,176,32,.14); }}
.wall-badge.red {{ color: {STATUS_COLORS["red"]}; background: rgba(255,77,79,.18); }}
.wall-badge.unknown {{ color: {STATUS_COLORS["unknown"]}; }}
/* the browser lost the server (Streamlit marks the app's connection state at once): the badge
   says so instead of a stale green 数据更新于…, and comes back by itself on reconnection */
[data-testid="stApp"]:not([data-test-connection-state="CONNECTED"]) .wall-badge {{
  color: {STATUS_COLORS["red"]} !important; background: rgba(255,77,79,.22) !important;
  font-size: 0 !important; }}
[data-testid="stApp"]:not([data-test-connection-state="CONNECTED"]) .wall-badge::after {{
  content: "● 连接中断，正在重连"; font-size: clamp(12px, 2vh, 60px); }}
.wall-panel-name {{ font-size: clamp(12px, 2vh, 60px); color: {ACCENT}; }}

.wall-tile {{ background: {PANEL_BG}; border: .12vh solid rgba(79,195,255,.35);
  border-radius: .8vh; padding: 1.1vh 1vw; box-sizing: border-box; font-family: {FONT};
  overflow: hidden; display: flex; flex-direction: column; justify-content: center; }}
.wall-tile .lbl {{ font-size: clamp(12px, 2.1vh, 64px); color: {MUTED}; white-space: nowrap; }}
.wall-tile .val {{ font-size: clamp(28px, 6.4vh, 200px); font-weight: 700; color: #fff;
  line-height: 1.1; font-variant-numeric: tabular-nums; white-space: nowrap; }}
.wall-tile .val .unit {{ font-size: .42em; color: {MUTED}; margin-left: .2em; font-weight: 400; }}
.wall-tile .sub {{ font-size: clamp(11px, 1.8vh, 56px); color: {MUTED}; overflow: hidden;
  display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; }}
.wall-tile .up {{ color: #ff6b6b; }} .wall-tile .down {{ color: #2ecc71; }}
.wall-tile .bar {{ height: 1vh; background: rgba(255,255,255,.12); border-radius: .5vh;
  margin-top: .6vh; overflow: hidden; }}
.wall-tile .bar > div {{ height: 100%; background: linear-gradient(90deg, #29b6f6, #2ecc71); }}
.wall-tile.alert {{ border-color: {EVAC_COLOR}; box-shadow: 0 0 1.2vh rgba(255,213,79,.45); }}

.wall-box {{ background: {PANEL_BG}; border: .12vh solid rgba(79,195,255,.35);
  border-radius: .8vh; padding: 1.1vh 1vw; box-sizing: border-box; font-family: {FONT};
  overflow: hidden; }}
.wall-box h3 {{ font-size: clamp(13px, 2.4vh, 72px); color: {ACCENT}; margin: 0 0 .8vh 0;
  padding: 0; font-weight: 600; display: flex; justify-content: space-between; }}
.wall-box h3 small {{ font-size: .7em; color: {MUTED}; font-weight: 400; }}
.wall-list {{ width: 100%; border-collapse: collapse; table-layout: fixed; }}
.wall-list td {{ font-size: clamp(12px, 2.05vh, 62px); color: {TEXT}; padding: .75vh .3vw;
  border-bottom: .1vh solid rgba(159,179,209,.18); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
.wall-list td.t {{ width: 24%; color: {MUTED}; font-variant-numeric: tabular-nums; }}
.wall-list td.c {{ width: 6.2em; color: #ffb199; }}  /* 房屋宅基地 whole, in em: scales */
.wall-legend {{ display: flex; flex-wrap: nowrap; gap: 1.4vw; align-items: center;
  font-size: clamp(11px, 1.8vh, 56px); color: {TEXT}; height: 3.4vh; padding: 0 .6vw;
  white-space: nowrap; overflow: hidden; font-family: {FONT}; }}
.wall-legend i {{ display: inline-block; width: 1.6vh; height: 1.6vh; border-radius: .3vh;
  margin-right: .4vw; vertical-align: -.2vh; }}
.wall-legend i.dot {{ border-radius: 50%; }}
.wall-note {{ font-size: clamp(11px, 1.6vh, 48px); color: {MUTED}; }}
.wall-standby-tiles {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 1vw;
  height: 22vh; margin-bottom: 1vh; }}
.wall-standby-tiles .wall-tile {{ height: 100%; }}
.wall-empty {{ font-size: clamp(16px, 3.2vh, 96px); color: {MUTED}; text-align: center;
  padding-top: 20vh; }}

/* the map fills its cell; Leaflet inside fills the iframe (see _base_map) */
.st-key-wall_map iframe {{ height: 84.4vh !important;
  width: 100% !important; border-radius: .8vh; border: .12vh solid rgba(79,195,255,.35);
  box-sizing: border-box; background: #0b1626; display: block; }}
.wall-bars {{ display: flex; flex-direction: column; gap: .6vh; }}
.wall-bars .row {{ display: flex; align-items: center; gap: .6vw;
  font-size: clamp(12px, 2.1vh, 64px); color: {TEXT}; white-space: nowrap; }}
/* the label column is as wide as the longest type (房屋宅基地, 道路交通): sized in em it scales with
   the font, and is never cut to 道路交… */
.wall-bars {{ display: grid; grid-template-columns: max-content 1fr max-content;
  column-gap: .6vw; row-gap: .6vh; align-items: center; }}
.wall-bars .row {{ display: contents !important; }}
.wall-bars .row .k {{ color: {MUTED}; white-space: nowrap; font-size: clamp(12px, 2.1vh, 64px); }}
.wall-bars .row .b {{ flex: 1; height: 2.2vh; background: rgba(255,255,255,.07);
  border-radius: .4vh; overflow: hidden; }}
.wall-bars .row .b > div {{ height: 100%; border-radius: .4vh; }}
.wall-bars .row .v {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap;
  font-size: clamp(12px, 2.1vh, 64px); color: {TEXT}; }}
.wall-bars .row .b {{ min-width: 0; }}
.wall-cols {{ display: flex; align-items: flex-end; gap: .35vw; height: 26vh;
  padding-top: 2.4vh; }}
.wall-cols .c {{ flex: 1; display: flex; flex-direction: column; align-items: center;
  justify-content: flex-end; height: 100%; font-size: clamp(10px, 1.5vh, 46px); color: {MUTED}; }}
.wall-cols .c > div {{ width: 70%; border-radius: .3vh .3vh 0 0; background: {INCIDENT_COLOR}; }}
.wall-cols .c span.n {{ color: {TEXT}; }}
</style>
"""


# ------------------------------------------------------------------ data
def _now() -> dt.datetime:
    return w.minute_floor(config.now(), 60)


def _today_start(now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(now.date(), dt.time())


def _one(df: pd.DataFrame) -> dict:
    return df.iloc[0].to_dict() if len(df) else {}


def _num(x, default=0.0) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(v) else v


def _risk_levels(now: dt.datetime) -> tuple[dict[str, str], dict[str, str]]:
    """(community code → level name, level name → colour) from the four-colour model
    (``command_center.risk``) for the current month, as the 四色预警 page shows by default."""
    today = now.date()
    try:
        df = risk.assess(Period(today.replace(day=1), today, step="month").cut(now)).scores
        colors = risk.level_colors()
    except Exception:  # a bad risk.toml must not take the wall down; the tile then shows —
        return {}, {}
    return dict(zip(df["community_code"], df["level"], strict=True)), colors


def _freshness(cfg: w.WallConfig) -> w.Freshness:
    f = _one(run_query("wall/data_freshness"))
    newest = f.get("newest_import_at")
    if newest is None or pd.isna(newest):
        newest = f.get("built_at")
    newest = None if newest is None or pd.isna(newest) else pd.Timestamp(newest).to_pydatetime()
    # import times are written with the real wall clock (not the demo clock of config.now())
    real_now = dt.datetime.now(config.tz()).replace(tzinfo=None)
    return w.freshness(newest, real_now, cfg.amber_minutes, cfg.red_minutes)


def _typhoon(now: dt.datetime) -> dict:
    return _one(run_query("wall/typhoon_progress_by_typhoon", now=now))


# ------------------------------------------------------------------ rendering helpers
def _html(markup: str) -> None:
    st.markdown(markup, unsafe_allow_html=True)


def _tile(kpi: str, label: str, value: str, sub: str = "", unit: str = "", bar: float | None = None,
          alert: bool = False) -> None:
    bar_html = ""
    if bar is not None:
        bar_html = f'<div class="bar"><div style="width:{max(0, min(bar, 1)) * 100:.1f}%"></div></div>'
    unit_html = f'<span class="unit">{escape(unit)}</span>' if unit else ""
    _html(
        f'<div class="wall-tile{" alert" if alert else ""}" data-kpi="{kpi}">'
        f'<div class="lbl">{escape(label)}</div>'
        f'<div class="val" data-value="{escape(value)}">{escape(value)}{unit_html}</div>'
        f'<div class="sub">{sub or "&nbsp;"}</div>{bar_html}</div>'
    )


def _title_bar(now: dt.datetime, fresh: w.Freshness, panel: str, problems: list[str]) -> None:
    county = escape(config.get("county", "name", ""))
    note = ""
    if problems:
        note = f'<span class="wall-note">设置有误已忽略：{escape("；".join(problems))}</span>'
    _html(
        f'<div class="wall-title" data-panel="{panel}"><div class="name">{county}社会治理中心'
        f"<small>平安治理一张图</small></div>"
        f'<div class="right">{note}<span class="wall-panel-name">{escape(w.PANELS[panel])}</span>'
        f'<span class="clock">{now.year}年{now.month}月{now.day}日 {w.weekday_name(now.date())} '
        f"{now:%H:%M}</span>"
        f'<span class="wall-badge {fresh.status}" data-status="{fresh.status}">'
        f"{escape(fresh.text)}</span></div></div>"
    )


def _latest_list(now: dt.datetime, cfg: w.WallConfig, tick: int) -> None:
    df = run_query("wall/latest_incidents_by_incident", now=now,
                   limit=cfg.latest_rows * cfg.latest_pages)
    offset, page = w.page_of(len(df), cfg.latest_rows, cfg.latest_pages, tick)
    pages = max(1, min(cfg.latest_pages, math.ceil(len(df) / cfg.latest_rows) if len(df) else 1))
    rows = df.iloc[offset:offset + cfg.latest_rows]
    body = "".join(
        f'<tr><td class="t">{pd.Timestamp(r.reported_at):%H:%M}</td>'
        f'<td class="c">{escape(str(r.category))}</td><td>{escape(str(r.community_name))}</td></tr>'
        for r in rows.itertuples()
    ) or '<tr><td colspan="3">暂无警情</td></tr>'
    _side_box("latest", "最新警情", body, f"第{page}/{pages}页")


# ------------------------------------------------------------------ the map
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


def _base_map() -> folium.Map:
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
             max(_num(getattr(row, value_col)), 0))), 1)},
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


def _map_layers(now: dt.datetime, cfg: w.WallConfig, typhoon: dict,
                risk: tuple) -> tuple[list[folium.FeatureGroup], list[tuple[str, str, str]]]:
    # the layers follow the clock only every map_interval_seconds (imports: at once)
    t = w.minute_floor(now, cfg.map_refresh_seconds)
    start = _today_start(t)
    levels, colors = risk
    per_comm = run_query("wall/incidents_by_community", start=start, now=t)
    counts = dict(zip(per_comm["community_code"], per_comm["incident_count"].astype(int),
                      strict=True))
    names = dict(zip(per_comm["community_code"], per_comm["community_name"], strict=True))
    layers = [_community_layer(levels, colors, counts, names)]
    legend: list[tuple[str, str, str]] = [("sq", c, f"{lv}色社区")
                                          for lv, c in reversed(colors.items())]
    cells = run_query("wall/incidents_by_cell", start=start, now=t, cell_deg=MAP_CELL_DEG)
    layers.append(_points_layer(cells, "incident_count", "今日警情", INCIDENT_COLOR,
                                lambda r: f"今日警情 {int(r.incident_count)} 起", 4.0))
    legend.append(("dot", INCIDENT_COLOR, "今日警情"))
    disputes = run_query("wall/open_disputes_by_cell", now=t, cell_deg=MAP_CELL_DEG)
    layers.append(_points_layer(disputes, "dispute_count", "在办纠纷", DISPUTE_COLOR,
                                lambda r: f"在办矛盾纠纷 {int(r.dispute_count)} 件", 2.2))
    legend.append(("dot", DISPUTE_COLOR, "在办纠纷"))
    layers.append(shelters_layer(run_query("wall/shelters_by_site"), name="避灾场所", show=True))
    legend.append(("dot", SHELTER_COLOR, "避灾场所"))
    if typhoon:
        evac = run_query("wall/evacuations_by_community", typhoon_id=typhoon["typhoon_id"])
        layers.append(_points_layer(
            evac, "persons_pending", "应转未转", EVAC_COLOR,
            lambda r: (f"{escape(str(r.community_name))}：应转移 {int(_num(r.persons_planned))} 人，"
                       f"已转移 {int(_num(r.persons_moved))} 人，应转未转 "
                       f"{int(_num(r.persons_pending))} 人"), 1.6))
        legend.append(("dot", EVAC_COLOR, "应转未转人员"))
        track = run_query("typhoon/track", typhoon_id=typhoon["typhoon_id"])
        track_layer, grades = typhoon_track_layer(track, name="台风路径", dark=True,
                                                  landfall_at=typhoon.get("landfall_at"))
        if grades:
            layers.append(track_layer)
            legend += [("dot", c, f"台风路径·{g}") for c, g in grades]
    for layer in layers:
        make_offline(layer)
    return layers, legend


def _show_map(layers: list[folium.FeatureGroup]) -> None:
    m = make_offline(_base_map())
    with st.container(key="wall_map"):
        st_folium(m, key="wall_map_view", height=640, use_container_width=True,
                  returned_objects=[], feature_group_to_add=layers)


def _legend(items: list[tuple[str, str, str]]) -> None:
    html = "".join(
        f'<span><i class="{kind}" style="background:{color}"></i>{escape(label)}</span>'
        for kind, color, label in items
    )
    _html(f'<div class="wall-legend">{html}</div>')


# ------------------------------------------------------------------ panels
def _change_span(key: str, now_value, before) -> str:
    text = figures.change(key, now_value, before) or "无可比数据"
    cls = "up" if text.startswith("+") else "down" if text.startswith("-") else ""
    return f'<span class="{cls}">{escape(text)}</span>'


def _kpi_tiles(now: dt.datetime, typhoon: dict | None, risk: tuple) -> None:
    """The figures of the registry, from the same queries as 一张图 (command_center.headline):
    今日警情 against its one baseline, 在办警情 now, 调解成功率 of this year so far."""
    today = headline.today(run_query, now)
    today_n, base = today.get("today_count") or 0, today.get("baseline_mean")
    year = Period(dt.date(now.year, 1, 1), now.date()).cut(now)
    dis = headline.disputes(run_query, year)
    open_n = headline.open_incidents(run_query, now)
    rate, concluded = dis.get("success_rate"), dis.get("concluded_count")
    rate_text = (figures.value_text("dispute_success_rate", rate)
                 if figures.enough("dispute_success_rate", concluded)
                 else figures.short_sample_text(concluded))
    levels, _colors = risk
    f = figures.fig
    with st.container(key="wall_kpis"):
        _tile("incidents_today", f("incidents_today").label,
              figures.value_text("incidents_today", today_n), unit="起",
              sub=f"{f('incidents_today_baseline').label} "
                  f"{figures.value_text('incidents_today_baseline', base)} · "
                  + _change_span("incidents_today", today_n, base))
        _tile("incidents_open", f("incidents_open_now").label,
              figures.value_text("incidents_open_now", open_n), unit="起",
              sub="待受理 + 处置中，截至此刻")
        _tile("dispute_success", f"矛盾纠纷{f('dispute_success_rate').label}（本年）", rate_text,
              sub=f"本年受理已办结 {fmt_count(concluded)} 件 · {f('disputes_open').label} "
                  f"{fmt_count(dis.get('open_at_end_count'))} 件")
        if levels:
            red = sum(1 for v in levels.values() if v == "红")
            yellow = sum(1 for v in levels.values() if v == "黄")
            _tile("risk_red_yellow", "红色 / 黄色社区", f"{red} / {yellow}", unit="个",
                  sub=f"共 {len(levels)} 个社区参与四色预警")
        else:
            _tile("risk_red_yellow", "红色 / 黄色社区", "—", sub="四色预警模型未就绪")
        if typhoon:
            planned = _num(typhoon.get("persons_planned"))
            moved = _num(typhoon.get("persons_moved"))
            rate_t = moved / planned if planned else None
            _tile("evacuation", f"防台转移 · {typhoon.get('name_cn', '')}",
                  figures.value_text("evac_rate", rate_t),
                  sub=f"{f('evac_moved').label} {figures.value_text('evac_moved', moved)} / "
                      f"{f('evac_planned').label} {figures.value_text('evac_planned', planned)} 人",
                  bar=rate_t or 0, alert=True)


def _side_box(box: str, title: str, rows_html: str, note: str = "") -> None:
    with st.container(key="wall_side"):
        small = f"<small>{escape(note)}</small>" if note else ""
        _html(f'<div class="wall-box" data-box="{box}"><h3>{escape(title)}{small}</h3>'
              f'<table class="wall-list">{rows_html}</table></div>')


def _hbars(items: list[tuple[str, float, str]], color: str) -> str:
    """Horizontal bars as HTML (they scale with the viewport and stay crisp on any wall)."""
    top = max((v for _, v, _ in items), default=0) or 1
    return '<div class="wall-bars">' + "".join(
        f'<div class="row"><span class="k">{escape(k)}</span><span class="b">'
        f'<div style="width:{v / top * 100:.1f}%;background:{color}"></div></span>'
        f'<span class="v">{escape(text)}</span></div>'
        for k, v, text in items
    ) + "</div>"


def _map_panel(now, cfg, tick, typhoon, risk) -> None:
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left:
        _kpi_tiles(now, typhoon, risk)
    with center:
        layers, legend = _map_layers(now, cfg, typhoon, risk)
        _show_map(layers)
        _legend(legend)
    with right:
        _latest_list(now, cfg, tick)


def _incidents_panel(now, cfg, tick, typhoon, risk) -> None:
    start = _today_start(now)
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left:
        _kpi_tiles(now, None, risk)
    with center, st.container(key="wall_bars"):
        by_hour = run_query("wall/incidents_by_hour", start=start, now=now)
        top = max(int(by_hour["incident_count"].max() or 0), 1)
        cols = "".join(
            f'<div class="c"><span class="n">{int(r.incident_count) or ""}</span>'
            f'<div style="height:{r.incident_count / top * 85:.1f}%"></div>'
            f"<span>{int(r.hour)}</span></div>"
            for r in by_hour.itertuples()
        )
        _html(f'<div class="wall-box" data-box="by_hour"><h3>今日警情时段分布'
              f'<small>单位：起 · 横轴：时</small></h3><div class="wall-cols">{cols}</div></div>')
        by_cat = run_query("wall/incidents_by_category", start=start, now=now)
        items = [(str(r.category), float(r.incident_count), f"{int(r.incident_count)} 起")
                 for r in by_cat.head(9).itertuples()]
        _html(f'<div class="wall-box" data-box="by_category"><h3>今日警情类别构成</h3>'
              f"{_hbars(items, ACCENT) if items else '暂无警情'}</div>")
    with right:
        _latest_list(now, cfg, tick)


def _disputes_panel(now, cfg, tick, typhoon, risk) -> None:
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left:
        _kpi_tiles(now, None, risk)
    by_type = run_query("wall/open_disputes_by_type", now=now)
    with center, st.container(key="wall_bars"):
        items = [(str(r.dispute_type), float(r.open_count), f"{int(r.open_count)} 件")
                 for r in by_type.head(15).itertuples()]
        _html(f'<div class="wall-box" data-box="dispute_types"><h3>在办矛盾纠纷（按类型）'
              f"<small>已受理 + 调处中</small></h3>"
              f"{_hbars(items, DISPUTE_COLOR) if items else '暂无在办纠纷'}</div>")
    with right:
        overdue = by_type[by_type["overdue_count"] > 0].sort_values("overdue_count",
                                                                    ascending=False)
        rows = "".join(
            f'<tr><td class="c">{escape(str(r.dispute_type))}</td>'
            f"<td>超期 {int(r.overdue_count)} 件</td></tr>"
            for r in overdue.head(15).itertuples()
        ) or '<tr><td colspan="2">暂无超期纠纷</td></tr>'
        _side_box("overdue", "超期未结纠纷", rows, "超过化解时限")


def _typhoon_standby(now: dt.datetime) -> None:
    """No warning in force: the season so far, the last typhoon and the shelters ready."""
    shelters = run_query("wall/shelters_by_site")
    past = run_query("typhoon/typhoon_comparison", communities=[])
    past = past[past["warning_start_at"] < now]
    season = past[past["warning_start_at"].dt.year == now.year]
    by_level = shelters.groupby("level", sort=False)["capacity"].agg(["count", "sum"])
    levels = [lv for lv in ("县级", "乡镇级", "村级") if lv in by_level.index] + [
        lv for lv in by_level.index if lv not in ("县级", "乡镇级", "村级")]
    tiles = [
        ("本年台风", f"{len(season)}", "个",
         f"累计转移 {fmt_count(_num(season['persons_moved'].sum()))} 人"),
        ("避灾安置场所", fmt_count(len(shelters)), "处",
         f"可容纳 {fmt_count(_num(shelters['capacity'].sum()))} 人"),
    ]
    if len(past):
        last = past.iloc[0]
        tiles.append((f"最近一次：{last['name_cn']}（{last['typhoon_id']}）",
                      f"{last['response_level'] or '—'}级", "响应",
                      f"{last['warning_start_at']:%Y年%m月%d日} · 转移 "
                      f"{fmt_count(_num(last['persons_moved']))} 人 · 转移率 "
                      f"{figures.value_text('evac_rate', last['transfer_rate'])}"))
    tiles_html = "".join(
        f'<div class="wall-tile" data-kpi="standby_{i}"><div class="lbl">{escape(lbl)}</div>'
        f'<div class="val">{escape(val)}<span class="unit">{escape(unit)}</span></div>'
        f'<div class="sub">{escape(sub)}</div></div>'
        for i, (lbl, val, unit, sub) in enumerate(tiles))
    bars = _hbars([(f"{lv}场所 {int(by_level.loc[lv, 'count'])} 处", _num(by_level.loc[lv, "sum"]),
                    f"{fmt_count(_num(by_level.loc[lv, 'sum']))} 人") for lv in levels],
                  SHELTER_COLOR)
    _html(f'<div class="wall-box wall-standby" data-box="typhoon">'
          f'<h3>当前无生效的台风预警<small>防台准备</small></h3>'
          f'<div class="wall-standby-tiles">{tiles_html}</div>'
          f'<h3 style="margin-top:2vh">避灾安置场所容量（按级别）</h3>{bars}</div>')


def _typhoon_panel(now, cfg, tick, typhoon, risk) -> None:
    if not typhoon:
        left, center = st.columns([1.05, 3.85], gap=None)
        with left:
            _kpi_tiles(now, None, risk)
        with center, st.container(key="wall_bars"):
            _typhoon_standby(now)
        return
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    planned = _num(typhoon.get("persons_planned"))
    moved = _num(typhoon.get("persons_moved"))
    with left, st.container(key="wall_kpis"):
        _tile("typhoon_level", f"{typhoon.get('name_cn', '')} 应急响应",
              f"{typhoon.get('response_level') or '—'}级",
              sub=f"台风编号 {escape(str(typhoon['typhoon_id']))}", alert=True)
        _tile("typhoon_planned", figures.fig("evac_planned").label,
              figures.value_text("evac_planned", planned), unit="人")
        _tile("typhoon_moved", figures.fig("evac_moved").label,
              figures.value_text("evac_moved", moved), unit="人",
              sub=f"{figures.fig('evac_rate').label} "
                  f"{figures.value_text('evac_rate', moved / planned if planned else None)}",
              bar=moved / planned if planned else 0)
        _tile("typhoon_pending", figures.fig("evac_pending").label,
              figures.value_text("evac_pending", _num(typhoon.get("persons_pending"))), unit="人",
              sub=f"其中拒绝转移 {figures.value_text('evac_refused', _num(typhoon.get('persons_refused')))} 人")
    evac = run_query("wall/evacuations_by_community", typhoon_id=typhoon["typhoon_id"])
    with center:
        layers, legend = _map_layers(now, cfg, typhoon, risk)
        _show_map(layers)
        _legend(legend)
    with right:
        rows = "".join(
            f'<tr><td class="c">{escape(str(r.community_name))}</td>'
            f"<td>未转 {int(_num(r.persons_pending))} 人</td>"
            f"<td>{fmt_pct(r.transfer_rate, 0)}</td></tr>"
            for r in evac.head(15).itertuples()
        ) or '<tr><td colspan="3">暂无转移任务</td></tr>'
        _side_box("evacuation", "应转未转最多的社区", rows)


def _patrols_panel(now, cfg, tick, typhoon, risk) -> None:
    """平安乐巡: today's completed tasks and people on patrol now (registry figures, the same
    queries as the 平安乐巡 page), check-ins by hour, this month's communities, tasks under way."""
    f = figures.fig
    today = Period(now.date(), now.date()).cut(now)
    month = Period(dt.date(now.year, now.month, 1), now.date()).cut(now)
    done_today = headline.patrols(run_query, today)
    done_ya = headline.patrols(run_query, today.year_ago())
    active = headline.patrols_active(run_query, now)
    done_month = headline.patrols(run_query, month)
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left, st.container(key="wall_kpis"):
        n = done_today.get("done_count") or 0
        _tile("patrols_done_today", f"今日{f('patrols_done').label}",
              figures.value_text("patrols_done", n), unit="次",
              sub="同比 " + _change_span("patrols_done", n, done_ya.get("done_count")))
        _tile("patrol_people_now", f("patrol_people_now").label,
              figures.value_text("patrol_people_now", active.get("people_on_patrol") or 0),
              unit="人", sub=f"进行中任务 {fmt_count(active.get('active_count') or 0)} 个")
        _tile("patrol_participants_today", f"今日{f('patrol_participants').label}",
              figures.value_text("patrol_participants", done_today.get("participant_count") or 0),
              unit="人次", sub=f"{f('patrol_hours').label} "
                              f"{fmt_count(done_today.get('patrol_hours') or 0)} 小时")
        _tile("patrol_communities_month", f"本月{f('patrol_communities').label}",
              figures.value_text("patrol_communities", done_month.get("community_count") or 0),
              unit="个", sub=f"本月{f('patrols_done').label} "
                            f"{fmt_count(done_month.get('done_count') or 0)} 次")
    with center, st.container(key="wall_bars"):
        by_hour = run_query("wall/patrols_by_hour", start=_today_start(now), now=now)
        top = max(int(by_hour["task_count"].max() or 0), 1)
        cols = "".join(
            f'<div class="c"><span class="n">{int(r.task_count) or ""}</span>'
            f'<div style="height:{r.task_count / top * 85:.1f}%"></div>'
            f"<span>{int(r.hour)}</span></div>"
            for r in by_hour.itertuples()
        )
        _html(f'<div class="wall-box" data-box="patrols_by_hour"><h3>今日签到巡逻任务时段分布'
              f'<small>单位：次 · 横轴：时</small></h3><div class="wall-cols">{cols}</div></div>')
        cov = run_query("patrols/coverage_by_community", **month.params(), communities=[],
                        patrol_types=[])
        items = [(str(r.community_name), float(r.patrol_hours),
                  f"{fmt_count(r.patrol_hours)} 小时")
                 for r in cov[cov["patrol_hours"] > 0].head(10).itertuples()]
        _html(f'<div class="wall-box" data-box="patrol_communities"><h3>本月巡逻时长前10社区</h3>'
              f"{_hbars(items, PATROL_COLOR) if items else '本月暂无巡逻'}</div>")
    with right:
        under_way = run_query("wall/active_patrols_by_task", now=now)
        rows = "".join(
            f'<tr><td class="t">{r.started_at:%H:%M}</td>'
            f"<td>{escape(str(r.team_name))}</td>"
            f"<td>{escape(str(r.community_name or ''))} · {int(r.participant_count)}人</td></tr>"
            for r in under_way.head(15).itertuples()
        ) or '<tr><td colspan="3">此刻没有进行中的巡逻任务</td></tr>'
        _side_box("patrols_active", "正在巡逻", rows, "签到时间 · 队伍 · 社区")


PANEL_VIEWS = {"map": _map_panel, "incidents": _incidents_panel, "disputes": _disputes_panel,
               "typhoon": _typhoon_panel, "patrols": _patrols_panel}


# ------------------------------------------------------------------ page
try:
    CFG = w.load_config()
    CONFIG_PROBLEMS: list[str] = []
except w.WallConfigError as e:
    CFG, CONFIG_PROBLEMS = w.WallConfig(), [str(e)]
CFG, URL_PROBLEMS = w.apply_query(CFG, {k: st.query_params.get(k) for k in
                                        ("rotate", "panel", "refresh")})
PROBLEMS = CONFIG_PROBLEMS + URL_PROBLEMS

# Optional self-hosted Chinese font: if a site puts the @fontsource/noto-sans-sc CSS and files
# under static/vendor/fonts/noto-sans-sc (nothing here installs them), the wall imports them;
# otherwise it uses the screen's own CJK font (FONT).
_FONT_CSS = config.ROOT / "static" / "vendor" / "fonts" / "noto-sans-sc"
FONT_IMPORT = "".join(
    f'@import url("app/static/vendor/fonts/noto-sans-sc/{w_}.css");\n'
    for w_ in ("400", "700") if (_FONT_CSS / f"{w_}.css").exists()
)
st.html(CSS.replace("<style>\n", "<style>\n" + FONT_IMPORT, 1))


@st.fragment(run_every=w.tick_seconds(CFG))
def wall_body() -> None:
    now = _now()
    typhoon = _typhoon(now)
    state = w.advance(CFG, st.session_state.get("wall_rotation"), time.monotonic(),
                      typhoon_active=bool(typhoon))
    st.session_state["wall_rotation"] = state
    tick = st.session_state.get("wall_tick", -1) + 1
    st.session_state["wall_tick"] = tick
    panel = w.current_panel(CFG, state)
    risk_info = _risk_levels(now)
    with st.container(key="wall"):
        _title_bar(now, _freshness(CFG), panel, PROBLEMS)
        with st.container(key="wall_body"):
            PANEL_VIEWS[panel](now, CFG, tick, typhoon, risk_info)
        wall_banner()  # active alerts, fixed over the bottom of the screen


wall_body()
