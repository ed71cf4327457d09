"""社会组织: the register of social organizations and their part in dispute mediation."""

from __future__ import annotations

from html import escape

import folium
import plotly.graph_objects as go
import streamlit as st

from command_center import headline
from command_center.formatting import fixed, fmt_count
from command_center.maps import base, layers
from command_center.ui import charts, filters, org_filters
from command_center.ui.export import download_buttons
from command_center.ui.kpi import kpi
from command_center.ui.maps import show_map
from command_center.ui.tables import mask_frame, records_table
from queries import run_query

CREDIT_COLORS = {"正常": "#2b8cbe", "活动异常名录": "#fd8d3c", "严重违法失信": "#bd0026"}
FORM_COLORS = {"社会团体": "#1f5fbf", "社会服务机构": "#4daf4a", "基金会": "#ff7f00",
               "未填报": "#9e9e9e"}
MAP_POINTS = 3000  # organizations drawn on the map at most (listed ones first)
RECORDS = 5000  # rows of the records table / export at most
GRAIN_NAMES = {"day": "日", "month": "月", "year": "年"}
GRAIN_HOVER = {"day": "|%Y-%m-%d", "month": "|%Y年%m月", "year": "|%Y年"}
DATE = st.column_config.DateColumn(format="YYYY-MM-DD")


def chart_layout(fig, height=360, **kwargs):
    return charts.style(fig, height, **kwargs)


def by_form(df, cat: str, value: str, **bar) -> list[go.Bar]:
    """One bar series per organization type in ``df``, in FORM_COLORS' order (a type it does
    not know after them, in the chart's palette)."""
    present = set(df["legal_form"])
    forms = [f for f in FORM_COLORS if f in present] + sorted(present - FORM_COLORS.keys())
    return [charts.bar(part[cat], part[value], form, color=FORM_COLORS.get(form), unit="家",
                       **bar)
            for form in forms for part in [df[df["legal_form"] == form]]]


def grain_for(days: int) -> str:
    return "day" if days <= 62 else "month" if days <= 731 else "year"


g = filters.current()
period = g.period

st.title("社会组织")
st.caption(
    f"社会组织是登记名录，不是事件：统计截至期末（{period.label()}）在册的组织，按组织所在社区"
    f"筛选；“新登记组织”和“组织调解纠纷”两部分统计该时段内的登记和受理。"
)

of = org_filters.render()
params = of.params(g.communities)

cover = headline.coverage(run_query)
# this period, 同比 and 环比 in one query; the register holds its organizations' registration
# dates, so it reaches back to any comparison window
summary, year_ago, previous = headline.windows(run_query, "social_orgs/org_summary", period,
                                               lambda _window: True, **params)

org_count = int(summary["registered_count"])
c = st.columns(7)
with c[0]:
    kpi("orgs_registered", org_count,
        extra=f"筛选选中 {fmt_count(summary['listed_count'])} 家（可在筛选中包含已注销、已撤销）")
with c[1]:
    kpi("orgs_rated_3a_share", summary["rated_3a_count"] / org_count if org_count else None,
        extra=f"{fmt_count(summary['rated_3a_count'])} 家")
with c[2]:
    kpi("orgs_abnormal", summary["abnormal_count"])
with c[3]:
    kpi("orgs_dishonest", summary["dishonest_count"])
with c[4]:
    kpi("orgs_staff", summary["staff_total"])
with c[5]:
    kpi("orgs_volunteers", summary["volunteer_total"])
with c[6]:
    kpi("orgs_new", summary["new_count"], year_ago=year_ago["new_count"],
        previous=previous["new_count"])

# ---------------------------------------------------------------- structure
left, right = st.columns(2)
by_fc = run_query("social_orgs/orgs_by_form_category", **params)
with left:
    st.subheader("组织类型与业务类别")
    tab_count, tab_people = st.tabs(["组织数量", "人员与志愿者"])
    with tab_count:
        if by_fc.empty:
            st.info("没有符合筛选条件的组织。")
        else:
            totals = by_fc.groupby("legal_form", as_index=False)["org_count"].sum()
            st.caption("　".join(f"{r.legal_form} {fmt_count(r.org_count)} 家"
                                for r in totals.itertuples()))
            fig = go.Figure(by_form(by_fc, "category", "org_count", horizontal=True))
            chart_layout(fig, barmode="stack", xaxis_title="组织数（家）",
                         yaxis_title="业务类别", yaxis_categoryorder="total ascending")
            charts.show(fig, key="org_fc_chart")
    with tab_people:
        if not by_fc.empty:
            people = by_fc.groupby("category", as_index=False)[
                ["staff_total", "volunteer_total"]].sum()
            fig = go.Figure([
                charts.bar(people["category"], people[col], name, color=color, unit="人")
                for col, name, color in (("staff_total", "专职人员", "#1f5fbf"),
                                         ("volunteer_total", "志愿者", "#74c476"))])
            chart_layout(fig, barmode="group", xaxis_title="业务类别", yaxis_title="人数")
            charts.show(fig, key="org_people_chart")

with right:
    grain = grain_for(period.days)
    st.subheader("新登记组织")
    reg = run_query("social_orgs/registrations_by_period", **params, **period.params(),
                    grain=grain)
    st.caption(f"{period.label()}，按{GRAIN_NAMES[grain]}统计成立登记的组织数")
    if reg.empty:
        st.info("本期没有新登记的组织。")
    else:
        fig = go.Figure(by_form(reg, "period_start", "org_count",
                                cat_format=GRAIN_HOVER[grain]))
        chart_layout(fig, barmode="stack", xaxis_title="登记日期",
                     yaxis_title="新登记组织数（家）",
                     xaxis=charts.time_axis(grain, period.start, period.end))
        charts.show(fig, key="org_reg_chart")

# ---------------------------------------------------------------- credit lists
st.subheader("信用异常名单")
listed = run_query("social_orgs/credit_listed_orgs", **params, today=g.period.end)
if listed.empty:
    st.success("筛选范围内没有列入活动异常名录或严重违法失信名单的组织。")
else:
    st.caption(f"列入活动异常名录 {int((listed['credit_status'] == '活动异常名录').sum())} 家，"
               f"严重违法失信名单 {int((listed['credit_status'] == '严重违法失信').sum())} 家；"
               "按名单严重程度、列入时间排序。")
    records_table(listed, key="org_listed_table", height=260,
                  column_config={"列入天数": st.column_config.NumberColumn(format="%d 天"),
                                 "列入名录日期": DATE})

# ---------------------------------------------------------------- mediation
st.subheader("参与矛盾纠纷调解")
# this period, 同比 and 环比 in one query
med, med_ya, med_prev = headline.frames(
    run_query, "social_orgs/mediation_by_org",
    [period, period.year_ago(), period.previous()], **params)


def _rate(df):
    concluded = df["concluded_count"].sum()
    return df["success_count"].sum() / concluded if concluded else None


# a comparison window the disputes data does not reach back to: None (无可比数据)
med_ya = med_ya if cover.disputes(period.year_ago()) else None
med_prev = med_prev if cover.disputes(period.previous()) else None


def _before(figure, df):
    """A comparison window's value of ``figure(rows)``, NO_DATA for a window not covered."""
    return headline.NO_DATA if df is None else figure(df)


def _cases(df):
    return df["dispute_count"].sum()


def _concluded(df):
    return df["concluded_count"].sum()


def _brand(df):
    return df["brand_count"].sum()


st.caption(f"{period.label()}受理、由社会组织调解的纠纷（按纠纷的调解组织关联）；"
           "组织调解成功率与“矛盾纠纷”页的调解成功率同一口径。")
m = st.columns(4)
with m[0]:
    kpi("org_mediated_disputes", _cases(med),
        year_ago=_before(_cases, med_ya),
        previous=_before(_cases, med_prev))
with m[1]:
    kpi("org_mediation_success_rate", _rate(med), n=_concluded(med),
        year_ago=_before(_rate, med_ya),
        n_year_ago=None if med_ya is None else _concluded(med_ya))
with m[2]:
    kpi("orgs_mediating", len(med), year_ago=_before(len, med_ya),
        previous=_before(len, med_prev))
with m[3]:
    kpi("brand_room_disputes", _brand(med), year_ago=_before(_brand, med_ya))

if med.empty:
    st.info("本期没有由筛选范围内的社会组织调解的纠纷。")
else:
    left, right = st.columns([3, 2])
    with left:
        top = med.head(12).iloc[::-1]
        fig = go.Figure([
            charts.bar(top["org_name"], top["success_count"], "调解成功", color=charts.BLUE,
                       horizontal=True, unit="件"),
            charts.bar(top["org_name"], top["dispute_count"] - top["success_count"], "其他",
                       color="#c6dbef", horizontal=True, unit="件")])
        chart_layout(fig, height=420, barmode="stack", xaxis_title="调解纠纷（件）",
                     yaxis_title="", title_text="调解案件最多的组织")
        charts.show(fig, key="org_med_chart")
    with right:
        brands = med[med["brand_count"] > 0].sort_values(
            ["brand_count", "success_rate"], ascending=False).head(10)
        st.markdown("**最活跃的品牌调解室**")
        if brands.empty:
            st.caption("本期没有品牌调解室案件。")
        else:
            records_table(brands[["org_name", "brand_count", "dispute_count", "success_rate"]],
                          key="org_brand_table", height=min(390, 38 + 35 * len(brands)),
                          column_config={"调解成功率": st.column_config.ProgressColumn(
                              format="percent", min_value=0, max_value=1)})

# ---------------------------------------------------------------- coverage + map
st.subheader("社区覆盖与分布")
cov = run_query("social_orgs/orgs_by_community", **params)
points = run_query("social_orgs/org_points", **params, limit=MAP_POINTS)
left, right = st.columns([2, 3])
with left:
    thin = cov.dropna(subset=["orgs_per_10k"]).head(15).iloc[::-1]
    st.caption("每万名户籍人口拥有的社会组织数，最少的 15 个社区（覆盖薄弱处）")
    fig = go.Figure(charts.bar(
        thin["community_name"], thin["orgs_per_10k"], "每万人组织数", color="#6baed6",
        horizontal=True, unit="家", value_format=":.1f",
        customdata=thin[["org_count", "population"]],
        more="<br>组织数 %{customdata[0]:,} 家<br>户籍人口 %{customdata[1]:,} 人"))
    chart_layout(fig, height=520, xaxis_title="每万人组织数（家）", yaxis_title="",
                 showlegend=False)
    charts.show(fig, key="org_cov_chart")
with right:
    per10k = dict(zip(cov["community_code"], cov["orgs_per_10k"], strict=True))
    names = dict(zip(cov["community_code"], cov["org_count"], strict=True))
    breaks = base.class_breaks(list(per10k.values()), digits=1)
    fmap = base.county_map()

    def tip(p):
        v = p.get("value")
        return (f"<b>{escape(str(p.get('community_name', '')))}</b><br>"
                f"社会组织 {fmt_count(names.get(p['community_code'], 0))} 家<br>"
                f"每万人 {'—' if v is None else fixed(v)} 家")

    base.community_layer(per10k, name="每万人组织数", tooltip=tip, palette=base.BLUES,
                         breaks=breaks, opacity=0.55).add_to(fmap)
    def org_tip(r):
        return (f"<b>{escape(str(r['org_name']))}</b><br>{escape(str(r['legal_form']))} · "
                f"{escape(str(r['category']))}<br>评估等级 {escape(str(r['rating']))} · "
                f"{escape(str(r['credit_status']))}")

    layers.points_layer(points, name="社会组织", tooltip=org_tip, radius=5,
                        color=lambda r: CREDIT_COLORS.get(r["credit_status"], "#636363"),
                        line_color="#ffffff").add_to(fmap)
    fmap.add_child(layers.legend_panel([
        ("信用状态", [(v, k) for k, v in CREDIT_COLORS.items()], "circle"),
        ("每万人组织数", [it for it in base.breaks_legend_items(
            breaks, base.BLUES, digits=1) if it[0] != base.NO_DATA], "square"),
    ]))
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    show_map(fmap, key="org_map", height=520, returned_objects=())
    shown = len(points)
    st.caption(f"地图显示 {fmt_count(shown)} 家有坐标的组织"
               + ("（已达上限，信用异常的组织优先显示）" if shown >= MAP_POINTS else "")
               + "；底色为社区每万人组织数。")

# ---------------------------------------------------------------- records
st.subheader("组织名录")
records = run_query("social_orgs/org_records", **params, limit=RECORDS)
st.caption(f"共 {fmt_count(org_count)} 家" + (f"，显示前 {fmt_count(RECORDS)} 家"
                                               if org_count > RECORDS else ""))
records_table(records, key="org_records_table",
              column_config={"成立登记日期": DATE, "列入名录日期": DATE})
export_filters = {
    "社区": filters.communities_label(g),
    "新登记与调解统计期": period.label(),
    **of.describe(),
}
download_buttons(mask_frame(records), export_filters, "社会组织名录", key="org_export")
