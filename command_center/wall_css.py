"""大屏 style: the wall's colours, font stack and style sheet (part of the wall page only)."""

from __future__ import annotations

from command_center import config

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


# Optional self-hosted Chinese font: if a site puts the @fontsource/noto-sans-sc CSS and files
# under static/vendor/fonts/noto-sans-sc (nothing here installs them), the wall imports them;
# otherwise it uses the screen's own CJK font (FONT).
_FONT_CSS = config.ROOT / "static" / "vendor" / "fonts" / "noto-sans-sc"


def stylesheet() -> str:
    """CSS with the self-hosted font's ``@import`` lines, when a site installed them."""
    font_import = "".join(
        f'@import url("app/static/vendor/fonts/noto-sans-sc/{w_}.css");\n'
        for w_ in ("400", "700") if (_FONT_CSS / f"{w_}.css").exists()
    )
    return CSS.replace("<style>\n", "<style>\n" + font_import, 1)
