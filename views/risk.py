"""四色预警: every community scored 0–100 and coloured 绿/蓝/黄/红 by the model in risk.toml.

Map by colour (score in the tooltip), counts per colour with 环比 and the communities that
changed level (only against a previous window that has data), a notice when a short view is
scored over the model's minimum window, the table of scores with each indicator's contribution (why a community is
red), and one community's monthly score over the last 12 months. UI only: the scores come
from ``command_center.risk`` (SQL in queries/risk/).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from command_center import config, risk
from command_center.access import current
from command_center.formatting import PLACEHOLDER, fixed
from command_center.maps.layers import community_from_tooltip
from command_center.maps.risk_layer import map_frame, risk_map
from command_center.privacy import md
from command_center.ui import charts, filters
from command_center.ui.export import download_buttons
from command_center.ui.maps import cached_payload, show_map
from command_center.ui.tables import uniform_numbers

# one colour per indicator in the contribution bars (ColorBrewer Set2 + Dark2, print safe)
INDICATOR_COLORS = ("#e15759", "#f28e2b", "#4e79a7", "#76b7b2", "#59a14f", "#edc948",
                    "#b07aa1")
CHANGE_ICON = {"worse": "⬆️", "better": "⬇️"}

st.title("四色预警")

try:
    model = risk.load_model()
except risk.RiskConfigError as exc:
    st.error(f"四色预警配置有误，无法评分：{exc}")
    st.stop()

f = filters.current()
period = f.period
names = filters.community_options()
scope = current.whole() if not f.communities else f"{len(f.communities)} 个社区"
assessed = risk.assess(period, f.communities)
compared = assessed.compared
prev_name = assessed.previous_name()  # 上期, or 此前28天 for a widened window
st.caption(
    f"{period.label()} · {scope} · {assessed.comparison_text()} · "
    "分数 0–100，由各项指标归一化后加权求和，权重与分级阈值由四色预警模型配置确定（系统管理员维护）"
)
if assessed.note:
    st.info(assessed.note, icon="ℹ️")
if (viewer := current.viewer()) is not None and viewer.scope is not None:
    st.caption(f"分数与等级按{config.county_whole()}各社区统一评分（与全{config.county_unit()}看到的相同），"
               "此处只列出您负责的社区。")

changes = assessed.scores
now = changes
before = assessed.previous_scores
levels = list(model.levels)[::-1]  # red first
indicators = list(model.indicators)
active = [i for i in indicators if i.weight > 0]

# ------------------------------------------------------------------ counts per colour
cols = st.columns(len(levels))
for col, lv in zip(cols, levels, strict=True):
    n = int((now["level"] == lv.name).sum())
    worse_is_up = lv.rank >= 2  # more 黄/红 is bad, more 绿/蓝 is good
    if before is None:  # 上期无数据: no change shown
        col.metric(f"{lv.label}社区", n, border=True)
        continue
    p = int((before["level"] == lv.name).sum())
    col.metric(
        f"{lv.label}社区",
        n,
        delta=None if n == p else f"{n - p:+d}",
        delta_description=f"较{prev_name}" if n != p else f"较{prev_name}持平",
        delta_color="inverse" if worse_is_up else "normal",
        border=True,
    )

# ------------------------------------------------------------------ map + changes
left, right = st.columns([3, 2], gap="medium")
with left:
    st.subheader("社区风险分布")
    clicked = show_map(cached_payload(risk_map, map_frame(now), legend_title="预警等级（风险分）"),
                       key="risk_map", height=560)
    tip = (clicked or {}).get("last_object_clicked_tooltip")
    if tip and tip != st.session_state.get("_risk_last_tip"):
        st.session_state["_risk_last_tip"] = tip
        # the browser may give the tooltip's text without the line break after the name
        code = community_from_tooltip(tip, now[["community_code", "community_name"]],
                                      with_area=False)
        if code:
            st.session_state["risk_community"] = code
    st.caption("颜色为各社区的预警等级；悬停查看风险分与主要得分项，点击社区查看其近 12 个月走势。")

with right:
    st.subheader(f"等级变化（较{prev_name}）")

    def _names(df: pd.DataFrame) -> str:
        return "、".join(
            f"{md(r.community_name)}（{md(r.previous_level)}→{md(r.level)}）"
            for r in df.itertuples())

    if not compared:
        st.info(f"{risk.NO_PREVIOUS}（上一窗口早于数据的第一天）。")
    else:
        turned_red = risk.turned_top(changes, model)
        worse = changes[changes["change"] == "worse"]
        better = changes[changes["change"] == "better"]
        if len(turned_red):
            st.error(f"**新转红色 {len(turned_red)} 个**：{_names(turned_red)}")
        else:
            st.success("本期没有新转为红色的社区。")
        for title, df in ((f"{CHANGE_ICON['worse']} 等级上升 {len(worse)} 个", worse),
                          (f"{CHANGE_ICON['better']} 等级下降（好转）{len(better)} 个", better)):
            with st.expander(title, expanded=0 < len(df) <= 8):
                st.write(_names(df) or "无")
    with st.expander("评分方法", expanded=False):
        total = sum(i.weight for i in indicators) or 1
        method = {"minmax": f"{config.county_whole()}最小–最大", "cap": "线性截断", "rank": "百分位排名"}
        st.dataframe(
            pd.DataFrame({
                "指标": [i.name for i in indicators],
                "满分": [round(100 * i.weight / total, 1) for i in indicators],
                "归一化": [method[i.normalize] + (f"（{i.low:g}–{i.high:g}）"
                                                   if i.normalize == "cap" else "")
                           for i in indicators],
                "方向": ["越高越危险" if i.direction == "higher_is_worse" else "越低越危险"
                         for i in indicators],
                "说明": [i.description for i in indicators],
            }),
            hide_index=True, width="stretch", placeholder=PLACEHOLDER,
        )
        st.caption("分级：" + "；".join(
            f"{lv.name} ≥ {lv.min_score:g} 分" for lv in model.levels[::-1]))

# ------------------------------------------------------------------ why: contributions
st.subheader("各社区得分构成")
top_n = st.select_slider("显示社区数", options=[10, 20, 30, 50, 102], value=20,
                         key="risk_top", bind="query-params")
top = now.head(int(top_n)).iloc[::-1]
fig = go.Figure()
for ind, color in zip(indicators, INDICATOR_COLORS, strict=False):
    if ind.weight <= 0:
        continue
    fig.add_bar(
        y=top["community_name"], x=top[f"{ind.key}_points"].round(2), name=ind.name,
        orientation="h", marker_color=color,
        hovertemplate="%{y}<br>" + ind.name + "：%{x:.1f} 分<extra></extra>",
    )
fig.add_scatter(
    y=top["community_name"], x=top["score"], mode="markers", name="风险分",
    marker={"color": top["color"], "size": 11, "line": {"color": "#333", "width": 1},
            "symbol": "diamond"},
    hovertemplate="%{y}<br>风险分 %{x:.1f}<extra></extra>",
)
for lv in model.levels[1:]:
    fig.add_vline(x=lv.min_score, line_dash="dot", line_color=lv.color,
                  annotation_text=f"{lv.name} {lv.min_score:g}", annotation_position="top")
charts.style(
    fig, barmode="stack", height=max(320, 24 * len(top) + 120),
    margin={"l": 10, "r": 10, "t": 30, "b": 10},
    legend={"orientation": "h", "y": -0.08, "title": {"text": "指标"}},
    xaxis={"title": {"text": "得分（满分 100）"}, "range": [0, 100]},
    yaxis={"title": {"text": "社区"}},
)
charts.show(fig, key="risk_contrib", on_select="rerun", selection_mode="points")
sel = st.session_state.get("risk_contrib")
points = (sel or {}).get("selection", {}).get("points", []) if sel else []
if points:
    picked = points[0].get("y")
    for code, name in names.items():
        if name == picked and st.session_state.get("_risk_last_bar") != picked:
            st.session_state["_risk_last_bar"] = picked
            st.session_state["risk_community"] = code
            break

# ------------------------------------------------------------------ table
st.subheader("社区风险排序")
previous_cols = ["previous_level", "previous_score"] if compared else []
table = changes[[
    "community_name", "area_name", "level", "score", *previous_cols,
    *[f"{i.key}_points" for i in active], *[i.key for i in active],
]].copy()
labels = risk.column_labels()
header = {
    "community_name": "社区", "area_name": "片区", "previous_level": "上期等级",
    "previous_score": "上期风险分", **labels,
}
for i in active:
    header[i.key] = f"{i.name}（原值）"
color_of = {lv.name: lv.color for lv in model.levels}


def _level_css(v) -> str:
    c = color_of.get(v)
    if not c:
        return ""
    r, g, b = (int(c[i:i + 2], 16) for i in (1, 3, 5))
    ink = "#222" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#fff"
    return f"background-color:{c};color:{ink};font-weight:bold"


shown = table.rename(columns=header)
column_config = {header["score"]: st.column_config.ProgressColumn(
    header["score"], min_value=0, max_value=100, format="%.1f")}
if compared:
    column_config[header["previous_score"]] = st.column_config.NumberColumn(format="%.1f")
for i in active:
    column_config[header[f"{i.key}_points"]] = st.column_config.NumberColumn(format="%.1f")
    pct = i.key in ("floating_share", "evacuation_shortfall", "incident_yoy")
    column_config[header[i.key]] = st.column_config.NumberColumn(
        format="percent" if pct else "%.2f")
shown, column_config = uniform_numbers(shown, column_config)
styled = shown.style.map(_level_css, subset=[header[c] for c in ("level", *previous_cols)
                                              if c != "previous_score"])
st.dataframe(styled, hide_index=True, width="stretch", height=420, column_config=column_config,
             key="risk_table", placeholder=PLACEHOLDER)
export = table.rename(columns={**header})
download_buttons(
    export,
    {"时间范围": period.label(), "评分窗口": assessed.window.label(), "社区": scope,
     "评分模型": str(model.path.name)},
    f"四色预警_{period.start:%Y%m%d}-{period.end:%Y%m%d}",
    key="risk_export",
)

# ------------------------------------------------------------------ one community's history
st.subheader("社区风险走势（近 12 个月）")
options = list(now["community_code"])
if st.session_state.get("risk_community") not in options:
    st.session_state.pop("risk_community", None)
code = st.selectbox(
    "社区", options=options, format_func=lambda c: names.get(c, c), key="risk_community",
    bind="query-params", placeholder="请选择社区",
    # a community picked on the map or the bars is in session state: a default as well would
    # make Streamlit warn
    index=None if st.session_state.get("risk_community") in options or not options else 0,
)
if code:
    hist = risk.history([code])
    fig = go.Figure()
    bounds = [lv.min_score for lv in model.levels] + [100]
    for lv, lo, hi in zip(model.levels, bounds, bounds[1:], strict=False):
        fig.add_hrect(y0=lo, y1=hi, fillcolor=lv.color, opacity=0.12, line_width=0,
                      annotation_text=lv.name, annotation_position="right")
    fig.add_scatter(
        x=[f"{m:%Y-%m}" for m in hist["month"]], y=hist["score"].tolist(), mode="lines+markers",
        name="风险分", line={"color": "#34495e", "width": 2},
        marker={"color": hist["color"].tolist(), "size": 12, "line": {"color": "#333", "width": 1}},
        customdata=hist["level"].tolist(),
        hovertemplate="%{x}<br>风险分 %{y:.1f}（%{customdata}）<extra></extra>",
    )
    charts.style(
        fig, height=340, margin={"l": 10, "r": 40, "t": 20, "b": 10}, showlegend=False,
        xaxis={"title": {"text": "月份"}, "type": "category"},
        yaxis={"title": {"text": "风险分"}, "range": [0, 100]},
    )
    charts.show(fig, key="risk_history")
    last = hist.iloc[-1] if len(hist) else None
    if last is not None:
        parts = sorted(((last[f"{i.key}_points"], i.name) for i in active), reverse=True)
        scored = ("本月" if last["window_start"] == last["month"]
                  else f"本月（按近{model.min_window_days}天评分）")
        st.caption(f"{md(names.get(code, code))} {scored}风险分 {fixed(last['score'])}（{last['level']}），"
                   "主要来自：" + "、".join(f"{n} {fixed(p)} 分" for p, n in parts[:3] if p > 0.05))
