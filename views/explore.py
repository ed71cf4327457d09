"""数据探索: any dataset, filtered on any column, grouped by up to two dimensions, one measure.

UI only: the question is built into SQL by ``command_center/explore/`` (identifiers from the schema,
values as parameters) and run on the viewer's scoped connection; the question lives in the URL
(``command_center/ui/explore_url.py``). The sidebar's period is the default time window on the
dataset's main time column (it can be switched off); other time columns have their own filters.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from command_center import config, figures
from command_center import explore as ex
from command_center.access import current
from command_center.formatting import fixed, fmt_count
from command_center.privacy import html_text, md
from command_center.schema import DATASETS
from command_center.ui import charts, explore_form, filters
from command_center.ui import explore_url as url
from command_center.ui.explore_form import NONE_DIM, TOPS, K, keep
from command_center.ui.explore_map import draw_map
from command_center.ui.explore_saved import saved_queries
from command_center.ui.export import download_buttons
from command_center.ui.sql_console import sql_console
from command_center.ui.tables import records_table

st.title("数据探索")
g = filters.current()
period = g.period
personal_ok = current.unmasking()
names = filters.community_options()


# ---------------------------------------------------------------- seed from the link, once
explore_form.seed_from_link(period)

# ---------------------------------------------------------------- the question
c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
ds_names = list(DATASETS)
keep(K + "ds", ds_names, "incidents")
ds_name = c1.selectbox("数据集", ds_names, format_func=lambda n: DATASETS[n].title, key=K + "ds")
ds = ex.dataset(ds_name)
dims = ex.dimensions(ds, personal_ok)
meas = ex.measures(ds, personal_ok)
dim_codes = list(dims)
first_dim = ("category" if "category" in dims else
             next((d for d in dim_codes if "." not in d), dim_codes[0] if dim_codes else NONE_DIM))
keep(K + "by1", [NONE_DIM, *dim_codes], first_dim)
by1 = c2.selectbox("分组维度一", [NONE_DIM, *dim_codes], key=K + "by1",
                   format_func=lambda d: dims.get(d, "不分组"))
keep(K + "by2", [NONE_DIM, *dim_codes], NONE_DIM)
by2 = c3.selectbox("分组维度二", [NONE_DIM, *dim_codes], key=K + "by2",
                   format_func=lambda d: dims.get(d, "不分组"))
keep(K + "m", list(meas), "count")
measure = c4.selectbox("统计", list(meas), format_func=meas.get, key=K + "m")

c1, c2, c3 = st.columns([2, 4, 2], vertical_alignment="bottom")
keep(K + "top", TOPS, 10)
top = c1.selectbox("前N项（其余合并为“其他”）", TOPS, key=K + "top",
                   format_func=lambda n: "全部" if n == 0 else f"前 {n} 项")
keep(K + "show", list(url.SHOWS), "bar")
show = c2.segmented_control("展示方式", list(url.SHOWS), format_func=url.SHOWS.get,
                            key=K + "show", required=True) or "bar"
map_mode = url.DEFAULTS["map"]
if show == "map":
    keep(K + "map", list(url.MAPS), url.DEFAULTS["map"])
    map_mode = st.segmented_control("地图方式", list(url.MAPS), format_func=url.MAPS.get,
                                    key=K + "map", required=True) or url.DEFAULTS["map"]
tc = ex.time_column(ds)
win = True
if tc is not None:
    if K + "win" not in st.session_state:
        st.session_state[K + "win"] = True
    win = c3.toggle(f"按侧栏时间范围筛选{tc.header}", key=K + "win")

# ---------------------------------------------------------------- filters
col_names = [c.name for c in ds.columns]
labels = {c.name: ("社区" if c.kind == "community" else c.header) for c in ds.columns}
if [c for c in st.session_state.get(K + "fcols", []) if c not in col_names]:
    st.session_state[K + "fcols"] = [c for c in st.session_state[K + "fcols"] if c in col_names]
fcols = st.multiselect("筛选字段", col_names, format_func=labels.get, key=K + "fcols",
                       placeholder="选择要筛选的字段（可多选）")
window = (period.start_at, period.end_before) if (win and tc is not None) else None
base_q = ex.Question(ds_name, window=window, communities=g.communities)
chosen = explore_form.filter_widgets(ds, fcols, labels, base_q, period=period,
                                     personal_ok=personal_ok, names=names)
by = [d for d in (by1, by2) if d]
by = list(dict.fromkeys(by))
url_want = url.want(ds_name, by, measure, int(top), show, win, chosen, map_mode)
filters.sync_url(url_want, url.URL_KEYS)

# ---------------------------------------------------------------- 我的查询
saved_queries(url_want, period)

# ---------------------------------------------------------------- run
q = ex.Question(ds_name, dims=tuple(by), measure=measure, filters=tuple(chosen),
                top=int(top) or None, window=window, communities=g.communities)
sql, params = ex.build(q, personal_ok=personal_ok)
result = ex.run(sql, params)
truncated = len(result) > ex.ROW_LIMIT
result = result.head(ex.ROW_LIMIT)
count_sql, count_params = ex.build_count(q, personal_ok=personal_ok)
total = int(ex.run(count_sql, count_params)["n"].iloc[0])

grains = [ex.dim_name(d) for d in by]
time_first = bool(by) and "." in by[0] and by[0].split(".")[1] in ex.TRUNC_GRAINS
FREQ = {"hour": "h", "day": "D", "week": "W-MON", "month": "MS", "quarter": "QS", "year": "YS"}
if (time_first and len(by) == 1 and window is not None and not truncated
        and (measure == "count" or measure.split(".")[0] in ("distinct", "sum"))):
    # a time bucket without records counts 0 (a line would otherwise skip it)
    grain = by[0].split(".")[1]
    first = pd.Timestamp(window[0]).to_period(
        {"hour": "h", "day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}[grain]
    ).start_time
    buckets = pd.date_range(first, pd.Timestamp(window[1]) - pd.Timedelta(microseconds=1),
                            freq=FREQ[grain])
    if len(buckets) <= ex.ROW_LIMIT:
        col = grains[0]
        result = (result.assign(**{col: pd.to_datetime(result[col])}).set_index(col)
                  .reindex(buckets, fill_value=0).rename_axis(col).reset_index())
yoy = None
if time_first and window is not None:
    ya = period.year_ago()
    ya_q = ex.Question(ds_name, dims=tuple(by), measure=measure, filters=tuple(chosen),
                       top=int(top) or None, window=(ya.start_at, ya.end_before),
                       communities=g.communities, shift_years=1,
                       keep=ex.kept(q, result, personal_ok))
    yoy = ex.run(*ex.build(ya_q, personal_ok=personal_ok))


def dim_text(code: str, v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return ex.EMPTY
    if "." not in code:
        col = ds.column(code)
        return names.get(v, v) if col.kind == "community" else str(v)
    grain = code.split(".")[1]
    if grain == "weekday":
        return ex.WEEKDAYS.get(int(v), str(v))
    if grain == "hourofday":
        return f"{int(v)}时"
    t = pd.Timestamp(v)
    return {"hour": f"{t:%Y-%m-%d %H}时", "day": f"{t:%Y-%m-%d}", "week": f"{t:%Y-%m-%d}起一周",
            "month": f"{t.year}年{t.month}月", "quarter": f"{t.year}年第{(t.month - 1) // 3 + 1}季度",
            "year": f"{t.year}年"}[grain]


m_label = meas[measure]
dim_labels = [dims[d] for d in by]
shown = pd.DataFrame({lab: [dim_text(d, v) for v in result[ex.dim_name(d)]]
                      for d, lab in zip(by, dim_labels, strict=True)})
value = result["value"].astype(float)
whole = ex.is_whole(ds, measure)
# a figure with a minimum sample (调解成功率, 24小时办结率 …): a group with fewer cases has no
# value and no 同比, as on every other page (样本不足)
need, fig_key = ex.min_sample(measure), ex.figure_key(measure)


def cases_of(df: pd.DataFrame) -> pd.Series | None:
    """Each group's cases (``n``) when the measure has a minimum sample."""
    return df["n"].fillna(0).astype(int) if need else None


def quotable(v: pd.Series, n: pd.Series | None) -> pd.Series:
    """``v`` with the groups below the minimum sample left empty."""
    return v.mask(n.to_numpy() < need) if need else v


cases = cases_of(result)
value = quotable(value, cases)


def rounded(v: pd.Series) -> pd.Series:
    return v.round().astype("Int64") if whole else v.round(2)


shown[m_label] = rounded(value).values
if need:
    shown["样本数"] = cases.values


def yoy_text(now: float, before: float, n_before: int | None) -> str:
    """同比 as the registry writes it (a rate in 个百分点), — when it cannot be said."""
    if pd.isna(now) or pd.isna(before):
        return "—"
    if fig_key:
        scale = 100 if figures.fig(fig_key).is_rate else 1  # the explorer's rates are in %
        text = figures.change(fig_key, now / scale, before / scale, n_before=n_before)
    else:
        text = figures.relative_change(now, before)
    return text or "—"


if yoy is not None:
    key_cols = grains
    merged = result[key_cols].merge(yoy[[*key_cols, "value", *(["n"] if need else [])]],
                                    on=key_cols, how="left")
    last_cases = cases_of(merged)
    last = quotable(merged["value"].astype(float), last_cases)
    if len(yoy) and (measure == "count" or measure.split(".")[0] in ("distinct", "sum")):
        last = last.fillna(0)  # last year has data: a bucket without records counted 0
    # (no row at all last year: no comparison, 同比 reads —)
    shown["去年同期"] = rounded(last).values
    shown["同比"] = [yoy_text(v, p, nb) for v, p, nb in zip(
        value.values, last.values,
        last_cases.tolist() if need else [None] * len(merged), strict=True)]
if len(by) == 1 and not time_first and "." not in by[0]:
    # one category: largest first, 其他 and （空） last
    rank = shown[dim_labels[0]].isin([ex.OTHER, ex.EMPTY])
    shown = shown.assign(_r=rank).sort_values(["_r", m_label], ascending=[True, False],
                                              kind="stable").drop(columns="_r")

def value_text(v) -> str:
    if pd.isna(v):
        return "—"
    return fmt_count(v) if whole else fixed(v, 2, ",")


def in_vocab_order(code: str, values: list[str]) -> list[str]:
    """A category dimension's values in the schema's order (红 橙 黄 蓝, 待受理 … 已退回), others
    after them as they came, 其他 and （空） last."""
    if "." in code or not ds.column(code).vocab:
        return values
    rank = {v: i for i, v in enumerate(ds.column(code).vocab) if v != ex.OTHER}
    last = {ex.OTHER: 1, ex.EMPTY: 2}
    return sorted(values, key=lambda v: (last.get(v, 0), rank.get(v, len(rank))))


def table_height(rows: int) -> int:
    return min(460, 45 + 35 * max(rows, 1))


def describe(f: ex.Filter) -> str:
    """A filter in words: 事件等级：一般、较大 / 事件描述包含“纠纷” / 办结时间为空 …"""
    lab = labels[f.column]
    if f.op == "in":
        kind = ds.column(f.column).kind
        return lab + "：" + "、".join(names.get(v, v) if kind == "community" else str(v)
                                     for v in f.value)
    if f.op == "contains":
        return f"{lab}包含“{f.value}”"
    if f.op == "empty":
        return lab + ("为空" if f.value else "不为空")
    lo, hi = (None if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
              for v in f.value)
    if lo is not None and hi is not None:
        return f"{lab} {lo} 至 {hi}"
    return f"{lab}{' 不低于 ' + lo if lo is not None else ' 不高于 ' + hi}"


where = [describe(f) for f in chosen]
scope_text = "、".join(names.get(c, c) for c in g.communities) if g.communities else current.whole()
st.caption(md(" · ".join([
    ds.title, (period.label() + f"（按{tc.header}）") if window else "不限时间",
    scope_text, *where, f"符合条件的记录 {fmt_count(total)} 条",
    *([f"同比对照 {period.year_ago().label()}"] if yoy is not None else [])])))
if need and by and (cases < need).any():
    st.caption(f"{m_label}：少于 {need} 件的分组样本不足，不显示数值和同比（件数见“样本数”列）。")
if truncated:
    st.warning(f"分组结果超过 {fmt_count(ex.ROW_LIMIT)} 行，只显示前 {fmt_count(ex.ROW_LIMIT)} 行；"
               "请减少分组维度或增加筛选条件。")

# ---------------------------------------------------------------- show
pivot = None
if total == 0:
    st.info("没有符合条件的记录。可放宽时间范围或清除筛选条件。")
elif show == "map":
    draw_map(q, map_mode=map_mode, m_label=m_label, whole=whole, total=total,
             personal_ok=personal_ok, value_text=value_text)
elif not by:
    st.metric(m_label, figures.short_sample_text(cases.iloc[0]) if need and cases.iloc[0] < need
              else value_text(value.iloc[0]))
elif show in ("table", "pivot"):
    if show == "pivot" and len(by) == 2:
        order_cols = in_vocab_order(by[1], list(dict.fromkeys(shown[dim_labels[1]])))
        pivot = shown.pivot_table(index=dim_labels[0], columns=dim_labels[1], values=m_label,
                                  aggfunc="first", sort=False)
        pivot = pivot.reindex(index=in_vocab_order(by[0], list(pivot.index)),
                              columns=order_cols).reset_index()
        pivot.columns = [str(c) for c in pivot.columns]
        records_table(pivot, key="ex_pivot", height=table_height(len(pivot)))
    else:
        if show == "pivot":
            st.caption("透视表需要两个分组维度，下面以表格显示。")
        records_table(shown, key="ex_table", height=table_height(len(shown)))
else:
    x = shown[dim_labels[0]]
    fig = go.Figure()
    if len(by) == 2:
        series = in_vocab_order(by[1], list(dict.fromkeys(shown[dim_labels[1]])))
        for name in series:
            part = shown[shown[dim_labels[1]] == name]
            kw = dict(x=part[dim_labels[0]], y=part[m_label], name=str(name),
                      hovertemplate=f"%{{x}} · {html_text(name)}：%{{y:,}}<extra></extra>")
            fig.add_trace(go.Scatter(mode="lines+markers", **kw) if show == "line"
                          else go.Bar(**kw))
    else:
        kw = dict(x=x, y=shown[m_label], name="本期",
                  hovertemplate="%{x}：%{y:,}<extra></extra>")
        fig.add_trace(go.Scatter(mode="lines+markers", **kw) if show == "line"
                      else go.Bar(marker_color=charts.BLUE, textposition="outside",
                                  text=[value_text(v) for v in shown[m_label]],
                                  cliponaxis=False, **kw))
        if "去年同期" in shown:
            fig.add_trace(go.Scatter(x=x, y=shown["去年同期"], name="去年同期", mode="lines",
                                     line=dict(color=charts.GREY, dash="dash"),
                                     hovertemplate="%{x}（去年同期）：%{y:,}<extra></extra>"))
    charts.style(fig, height=420, barmode="stack" if show == "stack" else "group",
                 xaxis=dict(title=dim_labels[0], type="category"), yaxis_title=m_label,
                 legend=dict(orientation="h", y=1.12, x=1, xanchor="right"))
    charts.show(fig, key="ex_chart")
    with st.expander("查看数据表"):
        records_table(shown, key="ex_table", height=360)

# ---------------------------------------------------------------- export
st.subheader("导出")
export_filters = {
    "数据": ds.title,
    "时间范围": f"{period.label()}（按{tc.header}）" if window else "不限",
    "社区": scope_text,
    **({"筛选条件": "；".join(where)} if where else {}),
    "分组": "、".join(dim_labels) or "不分组",
    "统计": m_label,
    **({"前N项": f"前 {top} 项，其余合并为其他"} if top else {}),
    "导出时间": config.now().strftime("%Y-%m-%d %H:%M"),
    "说明": "姓名、电话已脱敏",
}
stem = f"数据探索_{ds.title}_{config.now():%Y%m%d%H%M}"
left, right = st.columns(2)
result_out = shown if pivot is None else pivot
left.caption(f"{'透视表' if pivot is not None else '分组结果'}（{len(result_out):,} 行，"
             "即上方图表或表格的数据）")
download_buttons(result_out, export_filters, stem, key="ex_result",
                 sheet="透视表" if pivot is not None else "分组结果",
                 disabled=total == 0, columns=left.columns(2))
rows_sql, rows_params = ex.build_rows(q, personal_ok=personal_ok, limit=ex.EXPORT_MAX)
right.caption(f"明细记录（符合条件的记录，最多 {ex.EXPORT_MAX:,} 条；姓名、电话已脱敏）")
download_buttons(lambda: ex.run_uncached(rows_sql, rows_params), export_filters, stem + "_明细",
                 key="ex_rows", sheet=ds.title, disabled=total == 0, columns=right.columns(2))
if total > ex.EXPORT_MAX:
    st.caption(f"符合条件的记录共 {fmt_count(total)} 条，明细导出其中按编号排序的前 "
               f"{fmt_count(ex.EXPORT_MAX)} 条。")

# ---------------------------------------------------------------- read-only SQL console
sql_console()
