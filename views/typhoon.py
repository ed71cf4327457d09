"""防台转移: one typhoon's evacuation against plan, shelters, timeline, and past typhoons."""

from __future__ import annotations

import datetime as dt
import math
from html import escape

import folium
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from command_center import config, figures
from command_center import typhoon as ty
from command_center.formatting import fmt_count, fmt_pct
from command_center.maps import base, layers
from command_center.ui import charts, filters
from command_center.ui.export import download_buttons
from command_center.ui.kpi import kpi
from command_center.ui.maps import show_map
from command_center.ui.tables import mask_frame, records_table
from queries import run_query

STATUS_COLORS = {"已转移": "#2b8cbe", "待转移": "#f03b20", "拒绝转移": "#969696"}
STATUS_COLUMNS = (("已转移", "persons_moved"), ("待转移", "persons_waiting"),
                  ("拒绝转移", "persons_refused"))
# 转移率 classes a leader reads at a glance (upper bounds, %) and their colours (RdYlGn)
RATE_BREAKS = [80.0, 90.0, 95.0, 99.99, 100.0]
RATE_PALETTE = ("#fc8d59", "#fee08b", "#d9ef8b", "#91cf60", "#1a9850")
RATE_LABELS = ["低于80%", "80%–90%", "90%–95%", "95%–100%", "全部转移"]


def layout(fig, height=380, **kwargs):
    return charts.style(fig, height, **kwargs)


def hours_text(h) -> str:
    return "未达到" if h is None or (isinstance(h, float) and math.isnan(h)) else f"{h:g} 小时"


def shelters_layer(df: pd.DataFrame) -> folium.FeatureGroup:
    """Shelters as circles in one GeoJson layer: radius grows with occupancy, colour = fill."""
    group = folium.FeatureGroup(name="避灾安置场所")
    df = df.dropna(subset=["lon", "lat"])
    if df.empty:
        return group
    x, y = base.display_xy(df["lon"].to_numpy(float), df["lat"].to_numpy(float))
    features = []
    for i, r in enumerate(df.itertuples()):
        features.append({
            "type": "Feature",
            "properties": {
                "fill": ty.FILL_COLORS.get(r.fill_status, "#636363"),
                "radius": round(4 + math.sqrt(max(r.occupancy, 0)) * 0.9, 1),
                "tip": (f"<b>{escape(str(r.shelter_name))}</b><br>{escape(str(r.shelter_level))}"
                        f" · 容纳 {fmt_count(r.capacity)} 人<br>在场 {fmt_count(r.occupancy)} 人"
                        f" · {fmt_pct(r.occupancy_rate)}<br>{r.fill_status}"),
            },
            "geometry": {"type": "Point",
                         "coordinates": [round(float(x[i]), 6), round(float(y[i]), 6)]},
        })
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=5),
        style_function=lambda f: {"fill": True, "fillColor": f["properties"]["fill"],
                                  "color": "#333333", "weight": 1, "fillOpacity": 0.85,
                                  "radius": f["properties"]["radius"]},
        tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False),
    ).add_to(group)
    return group


g = filters.current()
now = config.now()
community_text = filters.communities_label(g)

st.title("防台转移")

typhoons = run_query("typhoon/typhoons")
if typhoons.empty:
    st.info("还没有台风数据。请在“数据管理”中导入台风、避灾安置场所和转移记录。")
    st.stop()

rows = {str(r["typhoon_id"]): r for r in typhoons.to_dict("records")}
options = [str(r["typhoon_id"]) for r in ty.ordered(rows.values(), now)]
tid = st.selectbox("台风", options, format_func=lambda t: ty.option_label(rows[t]),
                   key="ty_id", bind="query-params",
                   help="默认显示正在预警的台风，没有时显示最近一次台风")
typhoon = rows[tid]
active = ty.is_active(typhoon, now)
w_start, w_end = ty.window(typhoon, now)

info = st.container(horizontal=True, vertical_alignment="center")
with info:
    st.badge(f"应急响应 {typhoon['response_level'] or '未定级'}级", color="red" if
             typhoon["response_level"] in ("Ⅰ", "Ⅱ") else "orange")
    st.badge(ty.status_text(typhoon, now), color="red" if active else "gray")
    st.markdown(f"预警期 **{ty.fmt_moment(w_start)}** 至 "
                f"**{ty.fmt_moment(typhoon['warning_end_at']) if not pd.isna(typhoon['warning_end_at']) else '未解除'}**"
                + (f" · 登陆 {ty.fmt_moment(typhoon['landfall_at'])}"
                   if not pd.isna(typhoon["landfall_at"]) else ""))
st.caption(f"本页的统计期是所选台风的预警期，不使用侧栏的时间范围；社区筛选（{community_text}）"
           "作用于转移对象所在社区，安置场所按场所所在社区。转移状态以最近一次导出为准。")

params = {"typhoon_id": tid, "communities": list(g.communities)}
s = run_query("typhoon/progress_summary", **params).iloc[0]
planned = int(s["persons_planned"])

c = st.columns(6)
with c[0]:
    kpi("evac_planned", planned, extra=f"共 {fmt_count(s['households_planned'])} 户")
with c[1]:
    kpi("evac_moved", s["persons_moved"])
with c[2]:
    kpi("evac_rate", s["transfer_rate"])
with c[3]:
    kpi("evac_pending", s["persons_pending"],
        extra=f"其中待转移 {figures.value_text('evac_pending', s['persons_waiting'])} 人"
              f"（{fmt_count(s['households_pending'])} 户）")
with c[4]:
    kpi("evac_refused", s["persons_refused"], extra=f"{fmt_count(s['households_refused'])} 户")
with c[5]:
    kpi("evac_central", s["persons_central"],
        extra=f"投亲靠友 {fmt_count(s['persons_relatives'])} 人")

if planned == 0:
    st.info("所选社区在这次台风中没有转移记录。")

# ---------------------------------------------------------------- progress
st.subheader("转移进度")
by_comm = run_query("typhoon/progress_by_community", **params)
by_cat = run_query("typhoon/progress_by_category", **params)
left, right = st.columns([3, 2])
with left:
    worst = by_comm.head(15).iloc[::-1]
    st.caption("缺口（应转移 − 已转移）最大的社区在上；共 "
               f"{int((by_comm['shortfall'] > 0).sum())} 个社区未全部转移")
    fig = go.Figure([
        charts.bar(worst["community_name"], worst[col], label, color=STATUS_COLORS[label],
                   horizontal=True, unit="人", customdata=worst["transfer_rate"],
                   more="<br>转移率 %{customdata:.1%}")
        for label, col in STATUS_COLUMNS])
    layout(fig, height=460, barmode="stack", xaxis_title="人数", yaxis_title="",
           title_text="各社区转移进度（缺口最大的 15 个）")
    charts.show(fig, key="ty_comm_chart")
with right:
    cat = by_cat.iloc[::-1]
    fig = go.Figure([charts.bar(cat["category"], cat[col], label, color=STATUS_COLORS[label],
                                horizontal=True, unit="人")
                     for label, col in STATUS_COLUMNS])
    layout(fig, height=280, barmode="stack", xaxis_title="人数", yaxis_title="",
           title_text="按转移类别")
    charts.show(fig, key="ty_cat_chart")
    fig = go.Figure(go.Pie(labels=["集中安置", "投亲靠友"],
                           values=[int(s["persons_central"]), int(s["persons_relatives"])],
                           hole=0.55, marker_colors=["#1f5fbf", "#74c476"], sort=False,
                           hovertemplate="%{label} %{value} 人（%{percent}）<extra></extra>"))
    layout(fig, height=220, title_text="已转移人员安置方式")
    charts.show(fig, key="ty_place_chart")

with st.expander("各社区转移进度明细", expanded=False):
    comm_table = by_comm.drop(columns=["community_code"])
    records_table(comm_table, key="ty_comm_table", height=360,
                  column_config={"转移率": st.column_config.ProgressColumn(
                      format="percent", min_value=0, max_value=1)})
    download_buttons(comm_table, {"台风": ty.option_label(typhoon), "社区": community_text},
                     f"防台转移_{tid}_社区进度", key="ty_comm_export")

# ---------------------------------------------------------------- still to move
st.subheader("应转未转清单")
pending = run_query("typhoon/pending_households", **params)
if pending.empty:
    st.success("没有待转移的人员。")
else:
    st.caption(f"状态为待转移的 {fmt_count(len(pending))} 户、"
               f"{fmt_count(pending['person_count'].sum())} 人；联系人和电话已脱敏。")
    shown = mask_frame(pending.drop(columns=["record_id"]))
    records_table(shown, key="ty_pending_table", height=300)
    download_buttons(shown, {"台风": ty.option_label(typhoon), "社区": community_text,
                             "状态": "待转移"}, f"防台转移_{tid}_应转未转", key="ty_pending_export")

# ---------------------------------------------------------------- timeline (feeds the slider)
timeline = run_query("typhoon/timeline_by_hour", **params)
if active:
    timeline = timeline[timeline["hour"] <= now]
peak_hour = None
if not timeline.empty and timeline["in_shelter"].max() > 0:
    peak_hour = timeline.loc[timeline["in_shelter"].idxmax(), "hour"].to_pydatetime()

track = run_query("typhoon/track", typhoon_id=tid)

# ---------------------------------------------------------------- shelters
st.subheader("避灾安置场所")
if timeline.empty:
    first, last = w_start, max(w_end, w_start + dt.timedelta(hours=1))
else:
    first = timeline["hour"].iloc[0].to_pydatetime()
    last = max(timeline["hour"].iloc[-1].to_pydatetime(), first + dt.timedelta(hours=1))
moment = ty.default_moment(typhoon, now, peak_hour, first, last)
at = st.slider("查看时刻", min_value=first, max_value=last, value=moment,
               step=dt.timedelta(hours=1), format="M月D日 HH:mm", key="ty_at",
               bind="query-params",
               help="默认：预警中的台风为当前时刻，已结束的台风为安置人数最多的时刻")
st.caption(f"{ty.fmt_moment(at)} 的在场人数：集中安置到该场所、已转移且尚未返回的人员"
           + ("（安置人数峰值时刻）" if peak_hour is not None and at == peak_hour else ""))
shelters = run_query("typhoon/shelter_occupancy", **params, ref_at=at)
shelters["fill_status"] = [ty.fill_status(o, cap) for o, cap
                           in zip(shelters["occupancy"], shelters["capacity"], strict=True)]
k = st.columns(5)
in_use = shelters[shelters["occupancy"] > 0]
with k[0]:
    kpi("shelters_in_use", len(in_use), extra=f"共 {len(shelters)} 处场所")
with k[1]:
    kpi("shelter_occupants", shelters["occupancy"].sum())
with k[2]:
    cap_used = in_use["capacity"].sum()
    kpi("shelter_use_rate", in_use["occupancy"].sum() / cap_used if cap_used else None)
with k[3]:
    kpi("shelters_near_full", (shelters["fill_status"] == "将满").sum())
with k[4]:
    kpi("shelters_full", (shelters["fill_status"] == "已满").sum())

left, right = st.columns([3, 2])
with left:
    progress = {r.community_code: r for r in by_comm.itertuples()}  # one row a community
    rates = {code: (None if pd.isna(r.transfer_rate) else r.transfer_rate * 100)
             for code, r in progress.items()}
    fmap = base.county_map()

    def tip(p):
        r = progress.get(p["community_code"])
        if r is None:
            return f"<b>{escape(str(p.get('community_name', '')))}</b><br>无转移任务"
        return (f"<b>{escape(str(r.community_name))}</b><br>应转移 {fmt_count(r.persons_planned)} 人"
                f"<br>已转移 {fmt_count(r.persons_moved)} 人<br>转移率 {fmt_pct(r.transfer_rate)}"
                f"<br>应转未转 {fmt_count(r.persons_pending)} 人")

    base.community_layer(rates, name="转移率", tooltip=tip, breaks=RATE_BREAKS,
                         palette=RATE_PALETTE, opacity=0.45).add_to(fmap)
    shelters_layer(shelters).add_to(fmap)
    track_layer, grade_items = layers.typhoon_track_layer(
        track, landfall_at=typhoon["landfall_at"])
    if grade_items:
        track_layer.add_to(fmap)
    fmap.add_child(layers.legend_panel([
        ("场所使用状态（圆越大人越多）",
         [(v, k) for k, v in ty.FILL_COLORS.items() if k != "容量不详"], "circle"),
        ("社区转移率", [*zip(RATE_PALETTE, RATE_LABELS, strict=True),
                       (base.NO_DATA, "无转移任务")], "square"),
        *([("台风路径（强度等级）", grade_items, "circle")] if grade_items else []),
    ]))
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    show_map(fmap, key="ty_map", height=540, returned_objects=())
    # the map stays on the county (its communities and shelters are what it is for); where
    # the storm is, seen from the county, is said under it (the track is drawn: zoom out)
    storm = ty.storm_at(track, at)
    if storm:
        st.caption(f"{ty.fmt_moment(at)}：{ty.storm_text(storm, base.county_centre())}；"
                   "缩小地图可看到台风路径")
with right:
    table = shelters[["shelter_name", "shelter_level", "capacity", "occupancy", "occupancy_rate",
                      "fill_status", "community_name", "persons_assigned"]]
    table = table[(table["occupancy"] > 0) | (table["persons_assigned"] > 0)]
    st.caption(f"本次台风启用或计划使用的 {len(table)} 处场所，按使用率排序")
    records_table(table, key="ty_shelter_table", height=480,
                  column_config={"使用率": st.column_config.ProgressColumn(
                      format="percent", min_value=0, max_value=1)})
    download_buttons(table, {"台风": ty.option_label(typhoon), "社区": community_text,
                             "时刻": ty.fmt_moment(at)}, f"防台转移_{tid}_安置场所",
                     key="ty_shelter_export")

# ---------------------------------------------------------------- timeline chart
st.subheader("转移时间线")
if timeline.empty:
    st.info("没有带转移时间的记录。")
else:
    fig = go.Figure()
    for col, name, color in (("transferred_cum", "累计转移", "#1f5fbf"),
                             ("returned_cum", "累计返回", "#74c476"),
                             ("in_shelter", "集中安置在场", "#fd8d3c")):
        fig.add_scatter(x=timeline["hour"], y=timeline[col], name=name, mode="lines",
                        line={"color": color, "width": 2.5},
                        hovertemplate="%{x|%m月%d日 %H:%M}<br>" + name + " %{y} 人<extra></extra>")
    if planned:
        fig.add_hline(y=0.9 * planned, line_dash="dot", line_color="#bd0026",
                      annotation_text="应转移的九成", annotation_position="top left")
    lf = typhoon["landfall_at"]
    before = [] if pd.isna(lf) else [
        (pd.Timestamp(lf) - pd.Timedelta(hours=h), f"登陆前{h}小时") for h in (48, 24, 12)
        if timeline["hour"].iloc[0] <= pd.Timestamp(lf) - pd.Timedelta(hours=h)]
    marks = [(pd.Timestamp(x), label) for x, label in
             (*before, (w_start, "预警开始"), (typhoon["landfall_at"], "登陆"),
              (typhoon["warning_end_at"], "预警解除"), (at, "查看时刻"))
             if x is not None and not pd.isna(x)]
    for i, (x, label) in enumerate(sorted(marks)):
        fig.add_shape(type="line", x0=x, x1=x, y0=0, y1=1, yref="paper",
                      line={"color": "#bd0026" if label == "查看时刻" else "#555",
                            "dash": "dash", "width": 1})
        fig.add_annotation(x=x, y=1, yref="paper", text=label, showarrow=False,
                           yanchor="bottom", yshift=16 * (i % 3), font={"size": 12})
    layout(fig, height=420, xaxis_title="时间", yaxis_title="人数",
           legend={"orientation": "h", "y": -0.2}, margin={"l": 10, "r": 10, "t": 70, "b": 10})
    fig.update_xaxes(tickformat="%m月%d日\n%H:%M")
    charts.show(fig, key="ty_timeline_chart")
    read = ty.progress_before_landfall(timeline["hour"], timeline["transferred_cum"], planned,
                                       typhoon["landfall_at"])
    if read:
        st.caption("按台风路径时间（距登陆）：" + "；".join(
            f"{ty.landfall_text(h)}：转移率 {fmt_pct(r)}" for h, r in read))
    if not track.empty:
        st.caption(f"台风路径共 {len(track)} 个定位点（{ty.fmt_moment(track['observed_at'].iloc[0])}"
                   f" 至 {ty.fmt_moment(track['observed_at'].iloc[-1])}），见上方地图"
                   "（缩小地图可看到完整路径）")
    later = int(s["persons_returned"]) - int(timeline["returned_cum"].iloc[-1])
    st.caption("时间轴覆盖预警期，并延伸到最早转移、最晚返回（最多预警解除后 14 天）"
               + (f"；另有 {fmt_count(later)} 名已返回人员的返回时间在此之后或未填写。"
                  if later > 0 else "。"))

# ---------------------------------------------------------------- compare
st.subheader("历次台风对比")
cmp_df = run_query("typhoon/typhoon_comparison", communities=list(g.communities))
st.caption("人数为所选社区的转移对象；峰值在场人数为集中安置人数最多的时刻；"
           "完成九成用时 = 从预警开始到已转移人数达到应转移九成的小时数。")
tab_table, tab_chart = st.tabs(["对比表", "对比图"])
with tab_table:
    view = cmp_df.assign(
        hours_to_90=[hours_text(h) for h in cmp_df["hours_to_90"]],
        warning_start_at=cmp_df["warning_start_at"].dt.strftime("%Y-%m-%d"),
    )
    records_table(view, key="ty_compare_table", height=380,
                  column_config={"转移率": st.column_config.ProgressColumn(
                      format="percent", min_value=0, max_value=1)})
    download_buttons(view, {"社区": community_text}, "历次台风对比", key="ty_compare_export")
with tab_chart:
    chart = cmp_df.iloc[::-1]
    labels = [f"{r.typhoon_id} {r.name_cn}" for r in chart.itertuples()]
    fig = go.Figure([
        charts.bar(labels, chart[col], name, color=color, horizontal=True, unit="人")
        for col, name, color in (("persons_moved", "已转移", "#1f5fbf"),
                                 ("peak_in_shelter", "峰值在场", "#fd8d3c"))])
    layout(fig, height=420, barmode="group", xaxis_title="人数", yaxis_title="",
           legend={"orientation": "h", "y": -0.15})
    charts.show(fig, key="ty_compare_chart")
