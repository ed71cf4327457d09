"""一张图: today's figures and one county map with the four datasets; click a community for its
figures and links to the topic pages already filtered to it.

The selected community lives in the URL (``ov_community``), so it survives a rerun and a shared
link. UI only: every figure comes from a named query under queries/overview/.
"""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from command_center import config, figures, headline
from command_center.access import current
from command_center.formatting import fmt_count
from command_center.maps import layers
from command_center.pages import PAGES
from command_center.privacy import md
from command_center.ui import charts, filters
from command_center.ui.kpi import kpi
from command_center.ui.maps import cached_payload, show_map
from command_center.ui.tables import records_table
from queries import run_query

CELL_DEG = 0.005  # density grid: about 500 m × 550 m at this latitude
MAX_DISPUTES = 1000
MAX_ORGS = 2000
MAP_HEIGHT = 660
SELECT_PARAM = "ov_community"
# topic pages a selected community links to (command_center/pages.py, community_link)
TOPIC_LINKS = [p for p in PAGES if p.community_link]

f = filters.current()
period = f.period
communities = list(f.communities)
scope = current.whole() if not communities else f"已选 {len(communities)} 个社区"

st.markdown("## 一张图")
st.caption(f"{config.get('county', 'name', '')} · {period.label()} · {scope}")

# ------------------------------------------------------------------ KPI row
now = config.now()
cover = headline.coverage(run_query)
today = headline.today(run_query, now, communities)
inc = headline.compared("incidents", run_query, period, communities, cover.incidents)
dis = headline.compared("disputes", run_query, period, communities, cover.disputes)
orgs = headline.orgs(run_query, period, communities)
spark = None
if period.days > 1:
    spark = run_query("overview/incidents_by_day", start=period.start_at,
                      end=period.end_before, communities=communities)["incident_count"].tolist()


def _counts(compared: headline.Compared, column: str) -> dict:
    now_v, ya_v, prev_v = compared.get(column)
    return {"year_ago": ya_v, "previous": prev_v}


cards = st.columns(6)
with cards[0]:
    base = today.get("baseline_mean")
    baseline = figures.fig("incidents_today_baseline")
    kpi("incidents_today", today.get("today_count"), against=(f"较{baseline.label}", base),
        extra=f"{baseline.label}：{figures.value_text('incidents_today_baseline', base)} 起"
              f"（截至 {now:%H:%M}）。{baseline.definition}")
with cards[1]:
    kpi("incidents", inc.now.get("incident_count"), spark=spark, **_counts(inc, "incident_count"))
with cards[2]:
    kpi("incidents_unclosed", inc.now.get("unclosed_count"),
        year_ago=_counts(inc, "unclosed_count")["year_ago"])
with cards[3]:
    kpi("disputes", dis.now.get("dispute_count"), **_counts(dis, "dispute_count"))
with cards[4]:
    n_ya = dis.year_ago.get("concluded_count") if dis.year_ago else None
    kpi("dispute_success_rate", dis.now.get("success_rate"), n=dis.now.get("concluded_count"),
        year_ago=_counts(dis, "success_rate")["year_ago"], n_year_ago=n_ya,
        extra=f"本期已办结 {fmt_count(dis.now.get('concluded_count'))} 件")
with cards[5]:
    kpi("orgs_registered", orgs.get("registered_count"),
        extra=f"本期新登记 {fmt_count(orgs.get('new_count'))} 家")

typhoons = run_query("overview/evacuation_by_typhoon", start=period.start_at,
                     end=period.end_before, communities=communities)
if not typhoons.empty:
    t = typhoons.iloc[0]
    planned, moved = int(t["persons_planned"]), int(t["persons_moved"])
    level = f"，{t['response_level']}级应急响应" if t["response_level"] else ""
    with st.container(border=True):
        c1, c2 = st.columns([1, 3], vertical_alignment="center")
        c1.metric(f"🌀 {md(t['name_cn'])}（{md(t['typhoon_id'])}）转移进度",
                  f"{fmt_count(moved)} / {fmt_count(planned)} 人",
                  help=figures.help_text("evac_moved") + "\n\n" + figures.help_text("evac_planned"))
        c2.progress(min(moved / planned, 1.0) if planned else 0.0,
                    text=f"已转移 {fmt_count(moved)} 人 / 应转移 {fmt_count(planned)} 人，"
                         f"转移率 {figures.value_text('evac_rate', t['transfer_rate'])}，应转未转 "
                         f"{fmt_count(t['persons_pending'])} 人{level}")
        if len(typhoons) > 1:
            others = "、".join(f"{md(r.name_cn)}（{md(r.typhoon_id)}）"
                              for r in typhoons.iloc[1:].itertuples())
            c2.caption(f"本期还有台风：{others}")

# ------------------------------------------------------------------ map + side panel
comm_figures = run_query("overview/figures_by_community", start=period.start_at,
                    end=period.end_before, communities=communities)
names = comm_figures[["community_code", "community_name", "area_name"]]
by_code = comm_figures.set_index("community_code")
selected = st.query_params.get(SELECT_PARAM)
if selected not in by_code.index:
    selected = None

cells = run_query("overview/incident_density_by_cell", start=period.start_at,
                  end=period.end_before, communities=communities, cell_deg=CELL_DEG)
disputes = run_query("overview/open_disputes_by_point", end=period.end_before,
                     communities=communities, limit=MAX_DISPUTES)
orgs_pts = run_query("overview/social_orgs_by_point", end=period.end_before,
                     communities=communities, limit=MAX_ORGS)
shelters = run_query("overview/shelters_by_point", communities=communities)
patrol_cells = run_query("patrols/patrols_by_cell", start=period.start_at, end=period.end_before,
                         communities=communities, patrol_types=[], cell_deg=CELL_DEG)


map_col, panel = st.columns([3, 1], gap="medium")
with map_col:
    m = cached_payload(layers.overview_map, comm_figures, cells, disputes, orgs_pts, shelters,
                       selected=selected, patrols=patrol_cells)
    clicked = show_map(m, key="ov_map", height=MAP_HEIGHT)
    notes = ["社区边界为示例数据", f"警情密度按约 500 米网格汇总（{fmt_count(len(cells))} 个网格）"]
    if len(disputes):
        total_open = int(disputes["total_open"].iloc[0])
        notes.append(f"{figures.fig('disputes_open_at_end').label} {fmt_count(total_open)} 件"
                     + (f"，地图显示风险最高的 {fmt_count(len(disputes))} 件"
                        if total_open > len(disputes) else ""))
    st.caption("；".join(notes) + "。右上角可切换图层，点击社区查看详情。")

# a click is acted on once: st_folium keeps returning the last clicked tooltip
tip = clicked.get("last_object_clicked_tooltip")
if tip != st.session_state.get("ov_last_tip"):
    st.session_state["ov_last_tip"] = tip
    code = layers.community_from_tooltip(tip, names)
    if code and code != selected:
        st.query_params[SELECT_PARAM] = code
        st.rerun()


def topic_link_params(code: str) -> dict:
    params = {"communities": code}
    for key in ("period", "range"):
        values = st.query_params.get_all(key)
        if values:
            params[key] = values if len(values) > 1 else values[0]
    return params


with panel:
    if selected is None:
        st.markdown("#### 社区警情率排行")
        st.caption("点击地图上的社区，查看该社区的详细数据。")
        top = (comm_figures[comm_figures["is_selected"]]
               .sort_values(["rate_per_1000", "incident_count"], ascending=False)
               .head(12)[["community_name", "incident_count", "rate_per_1000"]])
        records_table(top, key="ov_rank_table", height=min(36 * (len(top) + 1) + 4, 480))
    else:
        r = by_code.loc[selected]
        head, close = st.columns([4, 1], vertical_alignment="center")
        head.markdown(f"#### 📍 {md(r['community_name'])}")
        if close.button("✖", key="ov_clear", help="取消选择"):
            del st.query_params[SELECT_PARAM]
            st.session_state.pop("ov_last_tip", None)
            st.rerun()
        st.caption(f"{md(r['area_name'])} · 人口 {fmt_count(r['population'])} · {period.label()}")
        cells = st.columns(2)
        panel_figures = [
            ("incidents", r["incident_count"], ""),
            ("incident_rate_per_1000", r["rate_per_1000"], ""),
            ("incidents_unclosed", r["open_count"], ""),
            ("disputes_open_at_end", r["dispute_open_count"], ""),
            ("disputes", r["dispute_count"], f"调解成功 {fmt_count(r['success_count'])} 件"),
            ("disputes_closed", r["dispute_closed_count"], ""),
            ("orgs_registered", r["org_count"], ""),
            ("shelters", r["shelter_count"], f"可容纳 {fmt_count(r['shelter_capacity'])} 人"),
        ]
        for i, (key, value, extra) in enumerate(panel_figures):
            with cells[i % 2]:
                kpi(key, value, extra=extra)
        cats = run_query("overview/community_incidents_by_category", start=period.start_at,
                         end=period.end_before, community_code=selected)
        if cats.empty:
            st.caption("本期该社区没有警情。")
        else:
            bars = cats.iloc[::-1]
            fig = go.Figure(go.Bar(
                x=bars["incident_count"], y=bars["category"], orientation="h",
                text=bars["incident_count"], marker_color=charts.BLUE, textposition="outside",
                textangle=0, cliponaxis=False, hovertemplate="%{y}：%{x} 件<extra></extra>"))
            # the axis ticks and title below the bars (b=0 and 40 px clipped them), whole
            # numbers only (a count of 1 ticked 0.5)
            charts.style(fig, height=110 + 26 * len(cats), margin=dict(l=0, r=10, t=30, b=10),
                         title=dict(text="本期警情类别", font=dict(size=14)),
                         xaxis_title="警情数", yaxis_title=None,
                         xaxis_dtick=1 if bars["incident_count"].max() <= 5 else None)
            charts.show(fig, key="ov_cats")
        st.markdown("**查看专题（已按该社区筛选）**")
        for topic in TOPIC_LINKS:
            st.page_link(topic.file, label=topic.title, icon=topic.icon,
                         query_params=topic_link_params(selected))
