"""矛盾纠纷: accepted / closed / success rate with 同比/环比, funnel, types and channels,
overdue cases, repeat-dispute warnings, mediator organizations, map and records."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from command_center import config, figures, headline
from command_center.formatting import fixed, fmt_count, fmt_pct, rounded
from command_center.periods import Period
from command_center.ui import charts, filters
from command_center.ui import dispute_filters as dsp
from command_center.ui.kpi import kpi
from command_center.ui.map_section import open_disputes_map
from command_center.ui.maps import cached_payload, show_map
from command_center.ui.tables import for_display, records_table, topic_records
from queries import run_query

POINTS_MAX = 3000
LIST_MAX = 500  # rows of the overdue and repeat lists
AMOUNT_BANDS = {0: "无金额", 1: "1万元以下", 2: "1万–5万元", 3: "5万–10万元", 4: "10万–50万元",
                5: "50万元以上"}
BLUE, GREEN, GREY, RED = charts.BLUE, charts.GREEN, charts.GREY, charts.RED
layout = charts.style


def fmt_days(d) -> str:
    return "—" if d is None or pd.isna(d) else f"{fixed(d)}天"


def fmt_yuan(v) -> str:
    return "—" if v is None or pd.isna(v) else f"{fmt_count(int(rounded(v, 0)))}元"


def rate_bars(df: pd.DataFrame, label_col: str, title: str) -> go.Figure:
    """Cases per group (bars, clickable) with the success rate and median days in the hover
    and the rate written on each bar."""
    df = df.iloc[::-1]
    text = [f"{fmt_count(n)}件 · 成功率 {fmt_pct(r)}"
            for n, r in zip(df["dispute_count"], df["success_rate"], strict=True)]
    fig = go.Figure(go.Bar(
        x=df["dispute_count"], y=df[label_col], orientation="h", marker_color=BLUE,
        customdata=df[label_col], text=text, textposition="outside", textangle=0,
        cliponaxis=False, outsidetextfont=dict(size=12),
        hovertext=[f"{t}<br>办结天数中位数 {fmt_days(d)}"
                   for t, d in zip(text, df["median_close_days"], strict=True)],
        hovertemplate="%{y}：%{hovertext}<extra>点击筛选</extra>",
    ))
    return layout(fig, height=max(240, 26 * len(df) + 70), title=dict(text=title, x=0),
                  xaxis=dict(title="受理件数", range=[0, max(df["dispute_count"].max(), 1) * 1.5]),
                  yaxis=dict(title=None, type="category"))


def group_table(df: pd.DataFrame, label_col: str, key: str) -> None:
    show = df[[label_col, "dispute_count", "closed_count", "success_count", "success_rate",
               "median_close_days"]]
    records_table(show, key=key, height=min(36 * (len(show) + 1) + 4, 400), column_config={
        "调解成功率": st.column_config.ProgressColumn(
            "调解成功率", format="percent", min_value=0.0, max_value=1.0),
        "办结天数中位数": st.column_config.NumberColumn("办结天数中位数", format="%.1f"),
    })


st.title("矛盾纠纷")
g = filters.current()
period = g.period
now_at = config.now()

orgs = run_query("disputes/mediator_orgs_by_name")
org_names = dict(zip(orgs["org_id"], orgs["org_name"], strict=True))
sel = dsp.render(org_names)
page_params = sel.params()


def q(name: str, flt=g, **extra):
    """Run the named query (full name, e.g. "disputes/totals") with the filters and page's."""
    return run_query(name, **flt.params(), **page_params, **extra)


def q_now(name: str, **extra):
    """Queries of what is open now: no period, only communities and page filters."""
    return run_query(name, communities=list(g.communities), **page_params,
                     end=now_at, **extra)


scope = filters.communities_label(g)
narrowing = " · ".join(f"{k}：{v}" for k, v in sel.describe(org_names).items())
st.caption(f"按受理时间统计：{period.label()} · {scope}" + (f" · {narrowing}" if narrowing else "")
           + f" · 同比对照 {period.year_ago().label()}")

# ---------------------------------------------------------------- headline figures
cover = headline.coverage(run_query)
# what is open now: the period's own row when it ends now (it includes today); for a past
# period, a fourth window of the same query ending now (the page still lists today's open cases)
today_so_far = [] if period.end_before >= now_at else [
    Period.between(now_at.replace(hour=0, minute=0, second=0), now_at)]
now, ya, prev, *at_now = headline.windows(run_query, "disputes/totals", period, cover.disputes,
                                          *today_so_far, communities=list(g.communities),
                                          **page_params)
at_now = at_now[0] if at_now else now
overdue = q_now("disputes/overdue_disputes", limit=LIST_MAX)
open_now = q_now("disputes/open_disputes_by_community")
overdue_total = int(at_now["overdue_at_end_count"])
total = int(now["dispute_count"])


def cmp(column: str, n_column: str | None = None) -> dict:
    return headline.comparisons(now, ya, prev, column, n_column)


cols = st.columns(6)
with cols[0]:
    kpi("disputes", total, **cmp("dispute_count"))
with cols[1]:
    kpi("disputes_closed", now["closed_count"], **cmp("closed_count"))
with cols[2]:
    kpi("dispute_success_rate", now["success_rate"], **cmp("success_rate", "concluded_count"),
        extra=f"本期已办结 {fmt_count(now['concluded_count'])} 件")
with cols[3]:
    kpi("disputes_open", at_now["open_at_end_count"])
with cols[4]:
    kpi("disputes_overdue", at_now["overdue_at_end_count"], extra="见下方超期清单")
with cols[5]:
    kpi("dispute_amount", now["amount_total"], **cmp("amount_total"))

# ---------------------------------------------------------------- funnel and amounts
c1, c2 = st.columns([3, 2])
with c1:
    stages = ["受理", "进入调处", "调解成功", "调解不成功", "已转诉讼"]
    values = [total, int(now["mediated_count"]), int(now["success_count"]),
              int(now["failed_count"]), int(now["litigation_count"])]
    funnel = go.Figure(go.Funnel(
        y=stages, x=values, textinfo="value+percent initial",
        marker=dict(color=[BLUE, "#4c6ef5", GREEN, "#f59f00", RED]),
        hovertemplate="%{y}：%{x}件（占受理 %{percentInitial:.1%}）<extra></extra>",
    ))
    layout(funnel, height=320, title=dict(text="办理漏斗：受理 → 调处 → 结果", x=0))
    charts.show(funnel, key="dsp_funnel")
    st.caption(f"进入调处 = 调处中及已有调处结果（成功、不成功、转诉讼）的件数；"
               f"另有已撤回 {fmt_count(int(now['withdrawn_count']))} 件、"
               f"尚待调处（已受理）{fmt_count(total - int(now['mediated_count']) - int(now['withdrawn_count']))} 件。")
with c2:
    bands = q("disputes/disputes_by_amount")
    by_band = dict(zip(bands["amount_band"], bands["dispute_count"], strict=True))
    sums = dict(zip(bands["amount_band"], bands["amount_total"], strict=True))
    amount_fig = go.Figure(go.Bar(
        x=list(AMOUNT_BANDS.values()), y=[int(by_band.get(b, 0)) for b in AMOUNT_BANDS],
        marker_color=[GREY, "#a5d8ff", "#74c0fc", "#339af0", "#1c7ed6", "#1864ab"],
        hovertext=[fmt_yuan(sums.get(b, 0)) for b in AMOUNT_BANDS],
        hovertemplate="%{x}：%{y}件，合计 %{hovertext}<extra></extra>",
    ))
    layout(amount_fig, height=320, title=dict(text="涉及金额分布", x=0),
           xaxis_title="涉及金额", yaxis_title="纠纷件数")
    charts.show(amount_fig, key="dsp_amounts")
    st.caption(f"涉及金额合计 {fmt_yuan(now['amount_total'])}，"
               f"中位数 {fmt_yuan(now['amount_median'])}。")

# ---------------------------------------------------------------- by type and by channel
st.subheader("按纠纷类型与调解方式")
st.caption("点击柱条可按该项筛选本页（写入链接），用上方“清除图表筛选”撤销。"
           + figures.fig("dispute_success_rate").label + "："
           + figures.fig("dispute_success_rate").definition)
c1, c2 = st.columns(2)
by_type = q("disputes/disputes_by_type")
by_channel = q("disputes/disputes_by_channel")
with c1:
    charts.show(rate_bars(by_type, "dispute_type", "按纠纷类型"),
                key=dsp.chart_key("type"), on_select=dsp.on_select("type", dsp.DTYPE),
                selection_mode="points")
    with st.expander("按类型明细（成功率、办结天数中位数）"):
        group_table(by_type, "dispute_type", "dsp_type_table")
with c2:
    charts.show(rate_bars(by_channel, "mediation_channel", "按调解方式"),
                key=dsp.chart_key("channel"),
                on_select=dsp.on_select("channel", dsp.CHANNEL),
                selection_mode="points")
    with st.expander("按调解方式明细（成功率、办结天数中位数）", expanded=True):
        group_table(by_channel, "mediation_channel", "dsp_channel_table")

# ---------------------------------------------------------------- mediator organizations
st.subheader("调解组织排名")
by_org = q("disputes/disputes_by_org")
c1, c2 = st.columns([2, 3])
with c1:
    top = by_org.head(12).rename(columns={"org_id": "org_key"})
    fig = rate_bars(top.assign(org_label=top["org_name"]), "org_label", "受理件数前12的调解组织")
    fig.update_traces(customdata=top["org_key"].iloc[::-1])
    charts.show(fig, key=dsp.chart_key("org"), on_select=dsp.on_select("org", dsp.ORG),
                selection_mode="points")
with c2:
    st.caption(f"共 {len(by_org)} 个调解组织（社会组织库关联）参与调处，按受理件数、调解成功率排序。"
               "未登记调解组织的纠纷不计入。")
    records_table(
        by_org[["org_name", "dispute_count", "closed_count", "success_count", "success_rate",
                "median_close_days"]].rename(columns={"org_name": "mediator_org_name"}),
        key="dsp_org_table", height=380, column_config={
            "调解成功率": st.column_config.ProgressColumn(
                "调解成功率", format="percent", min_value=0.0, max_value=1.0),
            "办结天数中位数": st.column_config.NumberColumn("办结天数中位数", format="%.1f"),
        })

# ---------------------------------------------------------------- overdue and repeats
c1, c2 = st.columns(2)
with c1:
    st.subheader(f"超期未结（{fmt_count(overdue_total)} 件）")
    st.caption("在办（已受理、调处中）且已过化解时限的纠纷，不限受理时间；按化解时限由早到晚排列。"
               + (f"仅列出最早的 {LIST_MAX} 件。" if overdue_total > LIST_MAX else ""))
    if overdue.empty:
        st.success("当前没有超期未结的纠纷。")
    else:
        records_table(for_display(overdue.drop(columns=["overdue_total"])), key="dsp_overdue",
                      height=360)
repeats = q("disputes/repeat_disputes", limit=LIST_MAX)
repeat_total = int(repeats["repeat_total"].iloc[0]) if len(repeats) else 0
same_party_total = int(repeats["same_party_total"].iloc[0]) if len(repeats) else 0
with c2:
    st.subheader(f"重复纠纷预警（{fmt_count(repeat_total)} 件）")
    st.caption("所选纠纷中，此前90天内已有同一社区同一类型纠纷，或同一当事人纠纷的件数；"
               f"其中同一当事人 {fmt_count(same_party_total)} 件，排在前面。" + (f"仅列出前 {LIST_MAX} 件。" if repeat_total > LIST_MAX
                                   else ""))
    if repeats.empty:
        st.success("所选范围内没有重复纠纷。")
    else:
        records_table(for_display(repeats.drop(columns=["repeat_total", "same_party_total"])),
                      key="dsp_repeats", height=360)

# ---------------------------------------------------------------- map
st.subheader("在办与超期纠纷地图")
open_total = int(open_now["open_count"].sum())
show_points = 0 < open_total <= POINTS_MAX
st.caption("社区按当前在办纠纷数着色（不限受理时间）；"
           + ("在办纠纷不超过3,000件，叠加单条点位：红色为超期，蓝色为在办未超期。" if show_points
              else "在办纠纷较多，仅显示社区聚合。"))
pts = q_now("disputes/open_dispute_points", limit=POINTS_MAX) if show_points else None
show_map(cached_payload(open_disputes_map, open_now, pts), key="dsp_map_view", height=520,
         returned_objects=())

# ---------------------------------------------------------------- records
st.subheader("纠纷记录")
topic_records(
    "disputes/dispute_records", {**g.params(), **page_params}, dataset="矛盾纠纷",
    period=period, scope=scope, filters=sel.describe(org_names), total=total,
    page_key=dsp.PAGE, table_key="dsp_records", caption="按受理时间倒序；当事人姓名已脱敏。",
    note="当事人姓名已脱敏", period_label="时间范围（受理时间）")
