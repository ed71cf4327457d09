"""一张图: today's figures and one county map with the four datasets; click a community for its
figures and links to the topic pages already filtered to it.

The selected community lives in the URL (``ov_community``), so it survives a rerun and a shared
link. UI only: every figure comes from a named query under queries/overview/.
"""

from __future__ import annotations

from pathlib import Path

import plotly.express as px
import streamlit as st

from command_center import config
from command_center.formatting import fmt_change, fmt_count, fmt_pct
from command_center.labels import chinese_columns
from command_center.maps import layers
from command_center.ui import filters
from command_center.ui.kpi import kpi
from command_center.ui.maps import show_map
from queries import run_query

ROOT = Path(__file__).resolve().parent.parent
CELL_DEG = 0.005  # density grid: about 500 m × 550 m at this latitude
MAX_DISPUTES = 1000
MAX_ORGS = 2000
MAP_HEIGHT = 660
SELECT_PARAM = "ov_community"
# topic pages a selected community links to (only those whose file exists are shown)
TOPIC_LINKS = [
    ("views/incidents.py", "警情事件", "🚨"),
    ("views/disputes.py", "矛盾纠纷", "🤝"),
    ("views/social_orgs.py", "社会组织", "🏛️"),
    ("views/typhoon.py", "防台转移", "🌀"),
    ("views/risk.py", "四色预警", "🚦"),
]

f = filters.current()
period = f.period
communities = list(f.communities)
window = {**period.params(), **period.previous().params("prev_"),
          **period.year_ago().params("ya_"), "communities": communities}
scope = config.county_whole() if not communities else f"已选 {len(communities)} 个社区"

st.markdown("## 一张图")
st.caption(f"{config.get('county', 'name', '')} · {period.label()} · {scope}")

# ------------------------------------------------------------------ KPI row
now = config.now().replace(second=0, microsecond=0)
today = run_query("overview/kpi_today", today=config.today(), now=now,
                  communities=communities).iloc[0]
inc = run_query("overview/kpi_incidents", **window).iloc[0]
dis = run_query("overview/kpi_disputes", **window).iloc[0]
orgs = run_query("overview/kpi_orgs", start=period.start_at, end=period.end_before,
                 communities=communities).iloc[0]
spark = None
if period.days > 1:
    spark = run_query("overview/incidents_by_day", start=period.start_at,
                      end=period.end_before, communities=communities)["incident_count"].tolist()

cards = st.columns(6)
with cards[0]:
    avg = today["weekday_avg"]
    today_delta = fmt_change(today["today_count"], avg) if avg else None
    st.metric(
        "今日警情", fmt_count(today["today_count"]),
        delta=0 if today_delta == "持平" else today_delta,
        delta_description="较4周同日均值",
        delta_color="inverse", border=True,
        help=f"今日截至 {now:%H:%M} 的警情；近4周同一星期几同时段平均 {avg:.1f} 件",
    )
with cards[1]:
    kpi("本期警情", int(inc["incident_count"]), year_ago=int(inc["year_ago_count"]),
        previous=int(inc["previous_count"]), spark=spark,
        help="同比：去年同期；环比：紧邻的上一个同样长度的时段")
with cards[2]:
    kpi("未办结警情", int(inc["open_count"]), year_ago=int(inc["year_ago_open_count"]),
        help="本期上报、目前仍为待受理或处置中的警情")
with cards[3]:
    kpi("纠纷受理", int(dis["dispute_count"]), year_ago=int(dis["year_ago_count"]),
        previous=int(dis["previous_count"]), lower_is_better=True,
        help="本期受理的矛盾纠纷件数")
with cards[4]:
    rate, rate_ya = dis["success_rate"], dis["year_ago_success_rate"]
    has_both = rate == rate and rate_ya == rate_ya and rate is not None and rate_ya is not None
    st.metric(
        "调解成功率", fmt_pct(rate),
        delta=f"{(rate - rate_ya) * 100:+.1f}个百分点" if has_both else None,
        delta_description="同比" if has_both else None, border=True,
        help="本期受理的纠纷中：调解成功 ÷（调解成功 + 调解不成功 + 已转诉讼）；"
             f"已办结 {fmt_count(dis['concluded_count'])} 件",
    )
with cards[5]:
    kpi("社会组织", int(orgs["org_count"]), previous=int(orgs["previous_count"]),
        lower_is_better=False,
        help=f"登记状态正常的社会组织；本期新登记 {fmt_count(orgs['new_count'])} 家")

typhoons = run_query("overview/evacuation_by_typhoon", start=period.start_at,
                     end=period.end_before, communities=communities)
if not typhoons.empty:
    t = typhoons.iloc[0]
    planned, moved = int(t["persons_planned"]), int(t["persons_moved"])
    level = f"，{t['response_level']}级应急响应" if t["response_level"] else ""
    with st.container(border=True):
        c1, c2 = st.columns([1, 3], vertical_alignment="center")
        c1.metric(f"🌀 {t['name_cn']}（{t['typhoon_id']}）转移进度",
                  f"{fmt_count(moved)} / {fmt_count(planned)} 人",
                  help="已转移（含已返回）/ 应转移（名单全部人员，含拒绝转移）")
        c2.progress(min(moved / planned, 1.0) if planned else 0.0,
                    text=f"已转移 {fmt_count(moved)} 人 / 应转移 {fmt_count(planned)} 人，"
                         f"转移率 {fmt_pct(t['transfer_rate'])}，应转未转 "
                         f"{fmt_count(t['persons_pending'])} 人{level}")
        if len(typhoons) > 1:
            others = "、".join(f"{r.name_cn}（{r.typhoon_id}）"
                              for r in typhoons.iloc[1:].itertuples())
            c2.caption(f"本期还有台风：{others}")

# ------------------------------------------------------------------ map + side panel
figures = run_query("overview/figures_by_community", start=period.start_at,
                    end=period.end_before, communities=communities)
names = figures[["community_code", "community_name", "area_name"]]
by_code = figures.set_index("community_code")
selected = st.query_params.get(SELECT_PARAM)
if selected not in by_code.index:
    selected = None

cells = run_query("overview/incident_density_by_cell", start=period.start_at,
                  end=period.end_before, communities=communities, cell_deg=CELL_DEG)
disputes = run_query("overview/open_disputes_by_point", end=period.end_before,
                     communities=communities, today=config.today(), limit=MAX_DISPUTES)
orgs_pts = run_query("overview/social_orgs_by_point", end=period.end_before,
                     communities=communities, limit=MAX_ORGS)
shelters = run_query("overview/shelters_by_point", communities=communities)


map_col, panel = st.columns([3, 1], gap="medium")
with map_col:
    m = layers.overview_map(figures, cells, disputes, orgs_pts, shelters, selected=selected)
    clicked = show_map(m, key="ov_map", height=MAP_HEIGHT)
    notes = ["社区边界为示例数据", f"警情密度按约 500 米网格汇总（{fmt_count(len(cells))} 个网格）"]
    if len(disputes):
        total_open = int(disputes["total_open"].iloc[0])
        notes.append(f"在办纠纷 {fmt_count(total_open)} 件"
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
        top = (figures[figures["is_selected"]]
               .sort_values(["rate_per_1000", "incident_count"], ascending=False)
               .head(12)[["community_name", "incident_count", "rate_per_1000"]])
        st.dataframe(chinese_columns(top), hide_index=True, width="stretch",
                     height=min(36 * (len(top) + 1) + 4, 480))
    else:
        r = by_code.loc[selected]
        head, close = st.columns([4, 1], vertical_alignment="center")
        head.markdown(f"#### 📍 {r['community_name']}")
        if close.button("✖", key="ov_clear", help="取消选择"):
            del st.query_params[SELECT_PARAM]
            st.session_state.pop("ov_last_tip", None)
            st.rerun()
        st.caption(f"{r['area_name']} · 人口 {fmt_count(r['population'])} · {period.label()}")
        a, b = st.columns(2)
        a.metric("本期警情", fmt_count(r["incident_count"]),
                 help="本期该社区上报的警情件数")
        b.metric("每千人警情", f"{r['rate_per_1000']:.2f}" if r["rate_per_1000"] == r[
            "rate_per_1000"] else "—")
        a.metric("未办结警情", fmt_count(r["open_count"]))
        b.metric("在办纠纷", fmt_count(r["dispute_open_count"]),
                 help="截至本期末仍为已受理或调处中的纠纷")
        a.metric("纠纷受理", fmt_count(r["dispute_count"]),
                 help=f"本期受理；已结 {fmt_count(r['dispute_closed_count'])} 件，"
                      f"调解成功 {fmt_count(r['success_count'])} 件")
        b.metric("纠纷已结", fmt_count(r["dispute_closed_count"]))
        a.metric("社会组织", fmt_count(r["org_count"]))
        b.metric("避灾场所", fmt_count(r["shelter_count"]),
                 help=f"可容纳 {fmt_count(r['shelter_capacity'])} 人")
        cats = run_query("overview/community_incidents_by_category", start=period.start_at,
                         end=period.end_before, community_code=selected)
        if cats.empty:
            st.caption("本期该社区没有警情。")
        else:
            fig = px.bar(cats.iloc[::-1], x="incident_count", y="category", orientation="h",
                         labels={"incident_count": "警情数", "category": "类别"},
                         text="incident_count")
            fig.update_traces(marker_color="#1f5fbf", textposition="outside", textangle=0,
                              cliponaxis=False,
                              hovertemplate="%{y}：%{x} 件<extra></extra>")
            fig.update_layout(height=40 + 26 * len(cats), margin=dict(l=0, r=10, t=30, b=0),
                              title=dict(text="本期警情类别", font=dict(size=14)),
                              xaxis_title="警情数", yaxis_title=None)
            st.plotly_chart(fig, key="ov_cats", config={"displayModeBar": False})
        st.markdown("**查看专题（已按该社区筛选）**")
        for file, label, icon in TOPIC_LINKS:
            if (ROOT / file).exists():
                st.page_link(file, label=label, icon=icon,
                             query_params=topic_link_params(selected))
