"""平安乐巡: volunteer patrols — figures with 同比/环比, weekday × hour coverage, trend, team
ranking, coverage against incident hot spots, map of check-ins, records and export."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import streamlit as st

from command_center import config, headline
from command_center.formatting import fmt_count
from command_center.maps import base, layers
from command_center.schema import PATROL_TYPES
from command_center.ui import charts, filters
from command_center.ui.incident_filters import GRAINS, WEEKDAYS, auto_grain
from command_center.ui.kpi import kpi
from command_center.ui.map_section import count_map, layer_choice
from command_center.ui.maps import show_map
from command_center.ui.tables import records_table, topic_records
from queries import run_query

CELL_DEG = 0.005  # map grid cell, about 500 m
GAP_ROWS = 10
GRAIN_AXIS = {"day": "日期", "week": "周（起始日）", "month": "月份"}
BLUE, GREY, GREEN = charts.BLUE, charts.GREY, charts.GREEN
layout = charts.style

st.title("平安乐巡")
g = filters.current()
period = g.period

types = st.pills("任务类型", list(PATROL_TYPES), selection_mode="multi", key="pt_types",
                 bind="query-params")
page_params = {"patrol_types": list(types or [])}


def q(name: str, flt=g, **extra):
    """Run the named query (full name, e.g. "patrols/totals") with the filters and page's."""
    return run_query(name, **flt.params(), **page_params, **extra)


scope = filters.communities_label(g)
narrowing = f" · 任务类型：{'、'.join(types)}" if types else ""
st.caption(f"{period.label()} · {scope}{narrowing} · 同比对照 {period.year_ago().label()}")

# ---------------------------------------------------------------- headline figures
cover = headline.coverage(run_query)
now, ya, prev = headline.windows(run_query, "patrols/totals", period, cover.patrols,
                                 communities=list(g.communities), **page_params)
active = headline.patrols_active(run_query, config.now(), g.communities)  # 此刻, any period


def cmp(column: str) -> dict:
    return headline.comparisons(now, ya, prev, column)


cols = st.columns(5)
with cols[0]:
    kpi("patrols_done", now["done_count"], **cmp("done_count"))
with cols[1]:
    kpi("patrol_participants", now["participant_count"], **cmp("participant_count"))
with cols[2]:
    kpi("patrol_hours", now["patrol_hours"], **cmp("patrol_hours"))
with cols[3]:
    kpi("patrol_communities", now["community_count"], **cmp("community_count"))
with cols[4]:
    kpi("patrol_people_now", active.get("people_on_patrol") or 0,
        extra=f"此刻进行中的任务 {fmt_count(active.get('active_count') or 0)} 个。")

if int(now["task_count"]) == 0:
    st.info("所选范围内没有巡逻任务。可放宽时间范围或清除任务类型筛选。")

# ---------------------------------------------------------------- trend
head, ctl = st.columns([3, 2], vertical_alignment="bottom")
head.subheader("任务与参与人次趋势")
choice = ctl.segmented_control("统计粒度", list(GRAINS), format_func=GRAINS.get,
                               default="auto", key="pt_grain", bind="query-params",
                               required=True, label_visibility="collapsed")
grain = auto_grain(period.days) if choice in (None, "auto") else choice
trend = q("patrols/patrols_by_period", grain=grain)
c1, c2 = st.columns(2)
for col, value, ya_value, title, unit in (
        (c1, "done_count", "year_ago_done_count", "已完成巡逻任务", "次"),
        (c2, "participant_count", "year_ago_participant_count", "参与人次", "人次")):
    fig = go.Figure()
    fig.add_scatter(x=trend["bucket_on"], y=trend[ya_value], name="去年同期", mode="lines",
                    line=dict(color=GREY, dash="dash"),
                    hovertemplate=f"%{{x|%Y-%m-%d}}（去年同期）：%{{y}}{unit}<extra></extra>")
    fig.add_scatter(x=trend["bucket_on"], y=trend[value], name="本期",
                    mode="lines+markers" if len(trend) <= 62 else "lines",
                    line=dict(color=BLUE if value == "done_count" else GREEN),
                    hovertemplate=f"%{{x|%Y-%m-%d}}：%{{y}}{unit}<extra></extra>")
    layout(fig, height=300, title=dict(text=title, x=0), xaxis_title=GRAIN_AXIS[grain],
           yaxis_title=f"{title}（{unit}）",
           legend=dict(orientation="h", y=1.12, x=1, xanchor="right"),
           xaxis=charts.time_axis(grain, period.start, period.end,
                                  tick0=min(trend["bucket_on"]) if len(trend) else None))
    charts.show(fig, key=f"pt_trend_{value}", where=col)
st.caption("虚线为去年同期（日期后移一年对齐，按去年同期末的状态计）。")

# ---------------------------------------------------------------- coverage by weekday × hour
st.subheader("巡逻覆盖时段")
hm = q("patrols/patrols_by_weekday_hour")
counts = {(int(d), int(h)): float(n)
          for d, h, n in zip(hm["weekday"], hm["hour"], hm["patrol_hours"], strict=True)}
cells = [(d, h, counts.get((d, h), 0.0)) for d in WEEKDAYS for h in range(24)]
heat = go.Figure(go.Scatter(
    x=[h for _, h, _ in cells], y=[WEEKDAYS[d] for d, _, _ in cells], mode="markers",
    marker=dict(symbol="square", size=24, color=[n for _, _, n in cells], colorscale="Greens",
                cmin=0, showscale=True, line=dict(width=0),
                colorbar=dict(title=dict(text="巡逻时长（小时）"), thickness=12)),
    text=[f"{n:,.0f}" for _, _, n in cells],
    hovertemplate="%{y} %{x}时签到：巡逻 %{text} 小时<extra></extra>",
))
layout(heat, height=320, title=dict(text="星期 × 签到时段的巡逻时长", x=0),
       xaxis=dict(title="签到时段（时）", dtick=2, range=[-0.6, 23.6], showgrid=False,
                  zeroline=False),
       yaxis=dict(title="星期", autorange="reversed", type="category", showgrid=False),
       plot_bgcolor="#ffffff")
charts.show(heat, key="pt_heat")

# ---------------------------------------------------------------- communities and hot spots
st.subheader("社区覆盖与警情热点")
cov = q("patrols/coverage_by_community")
c1, c2 = st.columns(2)
with c1:
    top = cov[cov["patrol_hours"] > 0].head(10).iloc[::-1]
    fig = go.Figure(go.Bar(
        x=top["patrol_hours"], y=top["community_name"], orientation="h", marker_color=GREEN,
        text=[fmt_count(v) for v in top["patrol_hours"]], textposition="outside",
        cliponaxis=False, hovertemplate="%{y}：巡逻 %{text} 小时<extra></extra>"))
    layout(fig, height=max(220, 28 * len(top) + 70),
           title=dict(text="巡逻时长前10社区", x=0), xaxis_title="巡逻时长（小时）",
           yaxis=dict(title=None, type="category"))
    charts.show(fig, key="pt_com_hours")
with c2:
    # hot spots with thin cover: the quarter of communities with the most incidents, ordered
    # by patrol hours per incident (fewest first)
    with_incidents = cov[cov["incident_count"] > 0]
    threshold = (math.ceil(with_incidents["incident_count"].quantile(0.75))
                 if len(with_incidents) else 0)
    gaps = (with_incidents[with_incidents["incident_count"] >= threshold]
            .sort_values(["hours_per_incident", "community_code"]).head(GAP_ROWS))
    st.markdown("**警情多、巡逻少的社区**")
    st.caption(f"本期警情数居前四分之一（≥ {fmt_count(threshold)} 起）的社区中，"
               "每起警情对应巡逻时长最少的前10个；宜加派巡逻。")
    records_table(gaps[["community_name", "incident_count", "patrol_hours", "done_count",
                        "hours_per_incident"]],
                  key="pt_gaps", height=min(420, 38 + 35 * max(len(gaps), 1)))

# ---------------------------------------------------------------- teams
st.subheader("队伍排行")
teams = q("patrols/teams_by_activity", limit=20)
records_table(teams.drop(columns=["team_id"]).rename(columns={"participant_count": "参与人次"}),
              key="pt_teams", height=420)
st.caption("按本期已完成巡逻任务数排序，前20支队伍；队伍类型：社区乐巡、家长护校、社会组织、企业。")

# ---------------------------------------------------------------- map
shading, m2 = layer_choice("pt_map", grid="签到密度", community="社区覆盖")
m2.caption("签到密度：本期已签到任务的签到点按约500米网格聚合；社区覆盖：各社区本期巡逻时长。")
fmap, legend_sections = count_map(
    shading, cov, "patrol_hours", name="社区巡逻时长", unit="小时", hover="巡逻",
    cells=lambda: q("patrols/patrols_by_cell", cell_deg=CELL_DEG), palette=base.GREENS,
    grid_name="签到密度（约500米）", grid_legend="网格签到次数", count_col="task_count",
    tip="该网格本期签到 {n} 次")
fmap.get_root().add_child(layers.legend_panel(legend_sections))
show_map(fmap, key="pt_map_view", height=520, returned_objects=())

# ---------------------------------------------------------------- records
st.subheader("巡逻任务记录")
topic_records(
    "patrols/patrol_records", {**g.params(), **page_params}, dataset="平安乐巡",
    period=period, scope=scope, filters={"任务类型": "、".join(types)} if types else {},
    total=int(now["task_count"]), page_key="pt_page", table_key="pt_records",
    caption="按计划开始时间倒序；状态为期末时的状态。")
