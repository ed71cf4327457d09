"""警情事件: totals with 同比/环比, trend, breakdowns, handling time, map and records."""

from __future__ import annotations

from html import escape

import plotly.graph_objects as go
import streamlit as st

from command_center import config, figures, headline, rollups
from command_center.formatting import fmt_count
from command_center.maps import layers
from command_center.ui import charts, filters
from command_center.ui import incident_filters as inc
from command_center.ui.kpi import kpi
from command_center.ui.map_section import count_map, layer_choice
from command_center.ui.maps import show_map
from command_center.ui.tables import topic_records
from queries import run_query

POINTS_MAX = 3000  # individual points on the map only up to this many incidents
CELL_DEG = 0.005  # map grid cell, about 500 m
AGE_BUCKETS = {1: "24小时内", 2: "1–3天", 3: "3–7天", 4: "7–30天", 5: "30天以上"}
GRAIN_AXIS = {"day": "日期", "week": "周（起始日）", "month": "月份"}
BLUE, GREY, RED = charts.BLUE, charts.GREY, charts.RED
layout = charts.style


def hbar(df, label_col: str, value_col: str, key_col: str, title: str, x_title: str,
         color: str = BLUE, text_fmt=fmt_count) -> go.Figure:
    df = df.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=df[value_col], y=df[label_col], orientation="h", marker_color=color,
        customdata=df[key_col], text=[text_fmt(v) for v in df[value_col]],
        textposition="outside", textangle=0, cliponaxis=False,
        hovertemplate="%{y}：%{text}<extra>点击筛选</extra>",
    ))
    # category axis: sources such as "110" / "12345" must not become numbers
    return layout(fig, height=max(220, 28 * len(df) + 70), title=dict(text=title, x=0),
                  xaxis_title=x_title, yaxis=dict(title=None, type="category"))


st.title("警情事件")
g = filters.current()
period = g.period

subcats = rollups.subcategories(run_query)
sub_map: dict[str, list[str]] = {}
for cat, sub in zip(subcats["category"], subcats["subcategory"], strict=True):
    sub_map.setdefault(cat, []).append(sub)
sel = inc.render(sub_map)
page_params = sel.params()


def q(name: str, flt=g, **extra):
    """Run the named query (full name, e.g. "incidents/totals") with the filters and page's."""
    return run_query(name, **flt.params(), **page_params, **extra)


scope = filters.communities_label(g)
narrowing = " · ".join(f"{k}：{v}" for k, v in sel.describe().items())
st.caption(f"{period.label()} · {scope}" + (f" · {narrowing}" if narrowing else "")
           + f" · 同比对照 {period.year_ago().label()}")

# ---------------------------------------------------------------- headline figures
cover = headline.coverage(run_query)
# this period, 同比 and 环比 in one query; a comparison window the data does not cover: {}
now, ya, prev = headline.windows(run_query, "incidents/totals_by_period", period,
                                 cover.incidents, communities=list(g.communities), **page_params)
total = int(now["incident_count"])


def cmp(column: str, n_column: str | None = None) -> dict:
    return headline.comparisons(now, ya, prev, column, n_column)


cols = st.columns(6)
with cols[0]:
    kpi("incidents", total, **cmp("incident_count"))
with cols[1]:
    kpi("incidents_unclosed", now["unclosed_count"], year_ago=cmp("unclosed_count")["year_ago"])
with cols[2]:
    kpi("incidents_closed", now["closed_count"], **cmp("closed_count"))
with cols[3]:
    kpi("close_hours_median", now["median_close_hours"], **cmp("median_close_hours",
                                                              "closed_count"))
with cols[4]:
    kpi("close_hours_p90", now["p90_close_hours"], **cmp("p90_close_hours", "closed_count"))
with cols[5]:
    kpi("closed_24h_rate", now["closed_24h_rate"], **cmp("closed_24h_rate", "incident_count"))

if total == 0:
    st.info("所选范围内没有警情。可放宽时间范围或清除筛选条件。")

# ---------------------------------------------------------------- trend
head, ctl = st.columns([3, 2], vertical_alignment="bottom")
head.subheader("趋势")
choice = ctl.segmented_control("统计粒度", list(inc.GRAINS), format_func=inc.GRAINS.get,
                               default="auto", key=inc.GRAIN, bind="query-params",
                               required=True, label_visibility="collapsed")
grain = inc.auto_grain(period.days) if choice in (None, "auto") else choice
trend = rollups.incident_trend(run_query, **g.params(), **page_params, grain=grain)
fig = go.Figure()
fig.add_scatter(x=trend["bucket_on"], y=trend["year_ago_count"], name="去年同期", mode="lines",
                line=dict(color=GREY, dash="dash"),
                hovertemplate="%{x|%Y-%m-%d}（去年同期）：%{y}起<extra></extra>")
fig.add_scatter(x=trend["bucket_on"], y=trend["incident_count"], name="本期",
                mode="lines+markers" if len(trend) <= 62 else "lines", line=dict(color=BLUE),
                hovertemplate="%{x|%Y-%m-%d}：%{y}起<extra></extra>")
layout(fig, height=300, xaxis_title=GRAIN_AXIS[grain], yaxis_title="警情数",
       legend=dict(orientation="h", y=1.12, x=1, xanchor="right"),
       xaxis=charts.time_axis(grain, period.start, period.end,
                              tick0=min(trend["bucket_on"]) if len(trend) else None))
charts.show(fig, key="inc_trend")
st.caption(f"粒度：{inc.GRAINS[grain] if choice != 'auto' else '自动（' + inc.GRAINS[grain] + '）'}"
           "；虚线为去年同期（日期后移一年对齐）。")

# ---------------------------------------------------------------- breakdowns
st.subheader("构成")
st.caption("点击柱条可按该项筛选本页，筛选写入链接；用上方“清除图表筛选”撤销。")
c1, c2, c3 = st.columns(3)
# canonical values, or the values as the source system wrote them (kept at import): a bar of
# a raw value does not narrow the page (the filters are on the canonical values)
VALUE_KINDS = {"category": ("规范类别", "原始类别"), "source": ("规范来源", "原始来源")}


def breakdown(query: str, column: str, title: str, pick, **bar):
    raw = st.segmented_control(
        "统计口径", [False, True], format_func=lambda r: VALUE_KINDS[column][int(r)],
        default=False, key=f"incidents_{column}_kind", label_visibility="collapsed",
        help="原始值是导出文件中的写法（如 12345 的“市容环卫”），规范值是本系统的分类")
    raw = bool(raw)
    df = q(query, raw=raw)
    name = f"{column}_raw" if raw else column
    charts.show(
        hbar(df, column, "incident_count", column, f"按{VALUE_KINDS[column][int(raw)]}"
             if raw else title, "警情数", **bar),
        key=inc.chart_key(name), on_select="ignore" if raw else inc.on_select(column, pick),
        selection_mode="points")


with c1:
    breakdown("incidents/incidents_by_category", "category", "按类别", inc.pick_category)
with c2:
    breakdown("incidents/incidents_by_source", "source", "按来源", inc.pick_source,
              color=charts.GREEN)
by_status = q("incidents/incidents_by_status")
with c3:
    charts.show(
        hbar(by_status, "status", "incident_count", "status", "按处置状态", "警情数",
             color=charts.PURPLE),
        key=inc.chart_key("status"), on_select=inc.on_select("status", inc.pick_status),
        selection_mode="points")

# ---------------------------------------------------------------- when, and how long open
c1, c2 = st.columns([3, 2])
hm = q("incidents/incidents_by_weekday_hour")
with c1:
    # a grid of square markers rather than a go.Heatmap: plotly selects scatter points on
    # click (Streamlit's selection event), heat-map cells it does not
    counts = {(int(d), int(h)): int(n)
              for d, h, n in zip(hm["weekday"], hm["hour"], hm["incident_count"], strict=True)}
    cells = [(d, h, counts.get((d, h), 0)) for d in inc.WEEKDAYS for h in range(24)]
    heat = go.Figure(go.Scatter(
        x=[h for _, h, _ in cells], y=[inc.WEEKDAYS[d] for d, _, _ in cells], mode="markers",
        marker=dict(symbol="square", size=24, color=[n for _, _, n in cells],
                    colorscale="YlOrRd", cmin=0, showscale=True, line=dict(width=0),
                    colorbar=dict(title=dict(text="警情数"), thickness=12)),
        customdata=[[d, h] for d, h, _ in cells], text=[str(n) for _, _, n in cells],
        hovertemplate="%{y} %{x}时：%{text}起<extra>点击筛选</extra>",
        selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=0.35)),
    ))
    layout(heat, height=320, title=dict(text="星期 × 时段（点击格子筛选）", x=0),
           xaxis=dict(title="时段（时）", dtick=2, range=[-0.6, 23.6], showgrid=False,
                      zeroline=False),
           yaxis=dict(title="星期", autorange="reversed", type="category", showgrid=False),
           plot_bgcolor="#ffffff")
    charts.show(heat, key=inc.chart_key("heat"),
                on_select=inc.on_select("heat", inc.pick_weekday_hour),
                selection_mode="points")
ages = q("incidents/open_incidents_by_age", now=config.now())
with c2:
    counts = dict(zip(ages["age_bucket"], ages["incident_count"], strict=True))
    age_fig = go.Figure(go.Bar(
        x=list(AGE_BUCKETS.values()), y=[int(counts.get(b, 0)) for b in AGE_BUCKETS],
        marker_color=[GREY, "#fab005", "#fd7e14", RED, "#a61e4d"],
        hovertemplate="已挂起%{x}：%{y}起<extra></extra>",
    ))
    layout(age_fig, height=320, title=dict(text="未办结警情挂起时长", x=0),
           xaxis_title="距上报时长", yaxis=dict(title="未办结件数", rangemode="tozero"))
    if not counts:
        age_fig.add_annotation(text="所选范围内没有未办结警情", showarrow=False, x=2, y=0.5,
                               font=dict(size=14, color=GREY))
    charts.show(age_fig, key="inc_age")

# ---------------------------------------------------------------- communities
st.subheader("社区")
by_com = q("incidents/incidents_by_community")
c1, c2 = st.columns(2)
with c1:
    top = by_com[by_com["incident_count"] > 0].head(10)
    charts.show(
        hbar(top, "community_name", "incident_count", "community_code", "警情数前10社区",
             "警情数"),
        key=inc.chart_key("com_count"), on_select=inc.on_select("com_count", inc.pick_community),
        selection_mode="points")
with c2:
    top_rate = (by_com[by_com["incident_count"] > 0]
                .sort_values(["rate_per_1000", "community_code"], ascending=[False, True])
                .head(10))
    charts.show(
        hbar(top_rate, "community_name", "rate_per_1000", "community_code",
             "每千名户籍人口警情数前10社区", "每千人警情数", color=RED,
             text_fmt=lambda v: figures.value_text("incident_rate_per_1000", v)),
        key=inc.chart_key("com_rate"), on_select=inc.on_select("com_rate", inc.pick_community),
        selection_mode="points")
st.caption("每千人警情 = 所选时间范围内警情数 ÷ 户籍人口 × 1000（不折算年率）。点击柱条可筛选到该社区。")

# ---------------------------------------------------------------- map
shading, m2 = layer_choice("inc_map", grid="网格聚合", community="社区着色")
show_points = total <= POINTS_MAX
m2.caption(f"共 {fmt_count(total)} 起；" + (
    "数量不超过3,000起，叠加显示单条点位（悬停查看时间、类别、状态、地址）。" if show_points
    else "超过3,000起，仅显示聚合结果；缩小筛选范围后可显示单条点位。"))
fmap, legend_sections = count_map(
    shading, by_com, "incident_count", name="社区警情数", unit="起", hover="警情",
    cells=lambda: q("incidents/incidents_by_cell", cell_deg=CELL_DEG),
    grid_name="网格聚合（约500米）", grid_legend="网格警情数（起）")
if show_points and total:
    pts = q("incidents/incident_points", limit=POINTS_MAX)
    layers.points_layer(
        pts, name="警情点位", color=BLUE, radius=4, line_color="#ffffff",
        tooltip=lambda r: (f"<b>{escape(str(r['category']))}·{escape(str(r['subcategory']))}</b>"
                           f"<br>时间：{r['reported_at']:%Y-%m-%d %H:%M}"
                           f"<br>状态：{escape(str(r['status']))}"
                           f"<br>地址：{escape(str(r['address'] or '—'))}"),
    ).add_to(fmap)
    legend_sections.append(("点位", [(BLUE, "单条警情")], "circle"))
fmap.get_root().add_child(layers.legend_panel(legend_sections))
show_map(fmap, key="inc_map_view", height=560, returned_objects=())

# ---------------------------------------------------------------- records
st.subheader("警情记录")
topic_records(
    "incidents/incident_records", {**g.params(), **page_params}, dataset="警情事件",
    period=period, scope=scope, filters=sel.describe(), total=total, page_key=inc.PAGE,
    table_key="inc_records", caption="按上报时间倒序；姓名、电话已脱敏。", note="姓名、电话已脱敏")
