"""数据探索: any dataset, filtered on any column, grouped by up to two dimensions, one measure.

UI only: the question is built into SQL by ``command_center/explore/`` (identifiers from the schema,
values as parameters) and run on the viewer's scoped connection; the question lives in the URL
(``command_center/ui/explore_url.py``). The sidebar's period is the default time window on the
dataset's main time column (it can be switched off); other time columns have their own filters.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from html import escape

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from command_center import config, explore_store
from command_center import explore as ex
from command_center.access import current
from command_center.formatting import fmt_count
from command_center.maps import base, layers
from command_center.privacy import html_text, md
from command_center.schema import DATASETS
from command_center.ui import charts, filters
from command_center.ui import explore_url as url
from command_center.ui.export import download_buttons
from command_center.ui.maps import show_map
from command_center.ui.tables import records_table
from queries import console

OP_NAMES = {"range": "时间范围", "between": "数值范围", "in": "取值", "contains": "包含文字",
            "empty": "是否为空"}
TOPS = [0, 5, 10, 20, 50]
NONE_DIM = ""
K = "ex_"  # widget keys
MIN_DATE = dt.date(1949, 1, 1)  # the earliest date a time filter offers (schema: valid from)
NOCFG = charts.NOCFG

st.title("数据探索")
g = filters.current()
period = g.period
personal_ok = current.unmasking()
names = filters.community_options()


# ---------------------------------------------------------------- seed from the link, once
def _apply(found: dict) -> None:
    """Put a question's parts (``explore_url.read``) into the widgets' state."""
    if found.get("ds") in DATASETS:
        st.session_state[K + "ds"] = found["ds"]
    by = found.get("by")
    if by is not None:  # [] : grouped by nothing
        st.session_state[K + "by1"] = by[0] if by else NONE_DIM
        st.session_state[K + "by2"] = by[1] if len(by) > 1 else NONE_DIM
    for key in ("m", "top", "show", "map", "win"):
        if key in found:
            st.session_state[K + key] = found[key]
    fl = found.get("f", [])
    if fl:
        st.session_state[K + "fcols"] = list(dict.fromkeys(f.column for f in fl))
        for f in fl:
            st.session_state[f"{K}fo_{f.column}"] = f.op
            if f.op == "between":
                st.session_state[f"{K}fv_{f.column}_between_lo"] = f.value[0]
                st.session_state[f"{K}fv_{f.column}_between_hi"] = f.value[1]
            elif f.op == "in":
                st.session_state[f"{K}fv_{f.column}_in"] = list(f.value)
            elif f.op == "empty":
                st.session_state[f"{K}fv_{f.column}_empty"] = "1" if f.value else "0"
            elif f.op == "range":
                lo, hi = (min(max(d, MIN_DATE), config.today())
                          for d in (f.value[0] or period.start, f.value[1] or period.end))
                st.session_state[f"{K}fv_{f.column}_range"] = (min(lo, hi), max(lo, hi))
            else:
                st.session_state[f"{K}fv_{f.column}_{f.op}"] = f.value


def _seed() -> None:
    if st.session_state.get("_explore_seeded"):
        return
    st.session_state["_explore_seeded"] = True
    qp = st.query_params
    _apply(url.read(qp.get, qp.get_all))


def _open_saved(query: str) -> None:
    """Button callback: the saved question replaces the one on the page (before widgets)."""
    for key in [k for k in st.session_state if str(k).startswith(K)
                and not str(k).startswith(K + "sql") and not str(k).startswith(K + "saved")]:
        del st.session_state[key]
    parsed = urllib.parse.parse_qs(query)
    _apply(url.read(lambda k: (parsed.get(k) or [None])[0], lambda k: parsed.get(k, [])))


def _keep(key: str, options: list, default) -> None:
    """A remembered choice that the (new) dataset does not offer falls back to the default."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


_seed()

# ---------------------------------------------------------------- the question
c1, c2, c3, c4 = st.columns([2, 2, 2, 2])
ds_names = list(DATASETS)
_keep(K + "ds", ds_names, "incidents")
ds_name = c1.selectbox("数据集", ds_names, format_func=lambda n: DATASETS[n].title, key=K + "ds")
ds = ex.dataset(ds_name)
dims = ex.dimensions(ds, personal_ok)
meas = ex.measures(ds, personal_ok)
dim_codes = list(dims)
first_dim = ("category" if "category" in dims else
             next((d for d in dim_codes if "." not in d), dim_codes[0] if dim_codes else NONE_DIM))
_keep(K + "by1", [NONE_DIM, *dim_codes], first_dim)
by1 = c2.selectbox("分组维度一", [NONE_DIM, *dim_codes], key=K + "by1",
                   format_func=lambda d: dims.get(d, "不分组"))
_keep(K + "by2", [NONE_DIM, *dim_codes], NONE_DIM)
by2 = c3.selectbox("分组维度二", [NONE_DIM, *dim_codes], key=K + "by2",
                   format_func=lambda d: dims.get(d, "不分组"))
_keep(K + "m", list(meas), "count")
measure = c4.selectbox("统计", list(meas), format_func=meas.get, key=K + "m")

c1, c2, c3 = st.columns([2, 4, 2], vertical_alignment="bottom")
_keep(K + "top", TOPS, 10)
top = c1.selectbox("前N项（其余合并为“其他”）", TOPS, key=K + "top",
                   format_func=lambda n: "全部" if n == 0 else f"前 {n} 项")
_keep(K + "show", list(url.SHOWS), "bar")
show = c2.segmented_control("展示方式", list(url.SHOWS), format_func=url.SHOWS.get,
                            key=K + "show", required=True) or "bar"
map_mode = url.DEFAULTS["map"]
if show == "map":
    _keep(K + "map", list(url.MAPS), url.DEFAULTS["map"])
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
chosen: list[ex.Filter] = []
for name in fcols:
    col = ds.column(name)
    ops = list(ex.filter_ops(col, personal_ok))
    okey = f"{K}fo_{name}"
    _keep(okey, ops, ops[0])
    a, b = st.columns([1, 4], vertical_alignment="bottom")
    op = a.selectbox(f"{labels[name]}：方式", ops, format_func=OP_NAMES.get, key=okey)
    vkey = f"{K}fv_{name}_{op}"
    if op == "range":
        if vkey not in st.session_state:
            st.session_state[vkey] = (period.start, period.end)
        got = b.date_input(f"{labels[name]}：起止日期", key=vkey, format="YYYY-MM-DD",
                           min_value=MIN_DATE, max_value=config.today())
        if isinstance(got, tuple | list) and len(got) == 2:
            chosen.append(ex.Filter(name, op, (got[0], got[1])))
    elif op == "between":
        lo_col, hi_col = b.columns(2)
        for end in ("_lo", "_hi"):  # a value from the link lives in session state
            st.session_state.setdefault(vkey + end, None)
            if col.kind == "int" and st.session_state[vkey + end] is not None:
                st.session_state[vkey + end] = int(round(st.session_state[vkey + end]))
        step = {"step": 1} if col.kind == "int" else {}  # whole numbers read 2, not 2.00
        lo = lo_col.number_input(f"{labels[name]}：最小值", key=vkey + "_lo", placeholder="不限",
                                 **step)
        hi = hi_col.number_input(f"{labels[name]}：最大值", key=vkey + "_hi", placeholder="不限",
                                 **step)
        if lo is not None or hi is not None:
            chosen.append(ex.Filter(name, op, (lo, hi)))
    elif op == "in":
        sql, params = ex.build_values(base_q, name, personal_ok=personal_ok)
        values = ex.run(sql, params)
        counts = dict(zip(values[name].astype(str), values["n"], strict=True))
        picked = [v for v in st.session_state.get(vkey, []) if isinstance(v, str)]
        options = list(dict.fromkeys([*counts, *picked]))
        st.session_state[vkey] = picked

        def fmt(v, counts=counts, kind=col.kind):
            text = names.get(v, v) if kind == "community" else v
            return f"{text}（{fmt_count(counts.get(v, 0))}）"
        sel = b.multiselect(f"{labels[name]}：取值（括号内为记录数）", options, key=vkey,
                            format_func=fmt, placeholder="选择取值（可多选）")
        if sel:
            chosen.append(ex.Filter(name, op, tuple(sel)))
    elif op == "contains":
        text = b.text_input(f"{labels[name]}：包含文字", key=vkey, placeholder="输入要包含的文字")
        if text.strip():
            chosen.append(ex.Filter(name, op, text.strip()))
    else:
        _keep(vkey, ["1", "0"], "1")
        v = b.segmented_control(f"{labels[name]}：是否为空", ["1", "0"], key=vkey, required=True,
                                format_func={"1": "为空", "0": "不为空"}.get)
        chosen.append(ex.Filter(name, op, (v or "1") == "1"))

by = [d for d in (by1, by2) if d]
by = list(dict.fromkeys(by))
url_want = url.want(ds_name, by, measure, int(top), show, win, chosen, map_mode)
filters.sync_url(url_want, url.URL_KEYS)

# ---------------------------------------------------------------- 我的查询
me = current.viewer()
with st.expander("我的查询（保存当前查询，或打开已保存的查询）"):
    saved = explore_store.visible(me.username) if me else []
    a, b, c = st.columns([4, 1, 1], vertical_alignment="bottom")
    by_id = {x.id: x for x in saved}
    pick = a.selectbox("已保存的查询", list(by_id), key=K + "saved_pick",
                       format_func=lambda i: (f"{by_id[i].name}" + (
                           "（我的" + ("，已共享）" if by_id[i].shared else "）")
                           if me and by_id[i].owner == me.username
                           else f"（{by_id[i].owner} 共享）")),
                       placeholder="还没有保存的查询" if not saved else "选择一个查询")
    b.button("打开", key=K + "saved_open", disabled=pick is None, width="stretch",
             on_click=_open_saved, args=(by_id[pick].query if pick in by_id else "",))
    if c.button("删除", key=K + "saved_delete", width="stretch",
                disabled=pick is None or not me or by_id[pick].owner != me.username):
        explore_store.delete(pick, me.username)
        st.rerun()
    a, b, c = st.columns([4, 1, 1], vertical_alignment="bottom")
    new_name = a.text_input("查询名称", key=K + "saved_name", max_chars=explore_store.MAX_NAME,
                            placeholder="为当前查询起个名字")
    shared = b.checkbox("共享给其他用户", key=K + "saved_shared")
    if c.button("保存当前查询", key=K + "saved_save", width="stretch", disabled=me is None):
        try:
            explore_store.save(me.username, new_name,
                               urllib.parse.urlencode(url_want, doseq=True), shared)
        except ValueError as err:
            st.error(str(err))
        else:
            st.success(f"已保存“{md(new_name.strip())}”。")
    st.caption("保存的是数据集、分组、统计、筛选条件和展示方式；时间范围和社区取侧栏当前的选择。"
               "共享的查询其他用户也能打开，各自只看到自己权限范围内的数据。")

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


def rounded(v: pd.Series) -> pd.Series:
    return v.round().astype("Int64") if whole else v.round(2)


shown[m_label] = rounded(value).values
if yoy is not None:
    key_cols = grains
    merged = result[key_cols].merge(yoy[[*key_cols, "value"]], on=key_cols, how="left")
    last = merged["value"].astype(float)
    if len(yoy) and (measure == "count" or measure.split(".")[0] in ("distinct", "sum")):
        last = last.fillna(0)  # last year has data: a bucket without records counted 0
    # (no row at all last year: no comparison, 同比 reads —)
    shown["去年同期"] = rounded(last).values
    change = (value.values - last.values) / last.values * 100
    shown["同比"] = [("—" if pd.isna(c) or not pd.notna(p) or p == 0 else
                    ("持平" if round(c, 1) == 0 else f"{c:+.1f}%"))
                   for c, p in zip(change, last.values, strict=True)]
if len(by) == 1 and not time_first and "." not in by[0]:
    # one category: largest first, 其他 and （空） last
    rank = shown[dim_labels[0]].isin([ex.OTHER, ex.EMPTY])
    shown = shown.assign(_r=rank).sort_values(["_r", m_label], ascending=[True, False],
                                              kind="stable").drop(columns="_r")

def value_text(v) -> str:
    if pd.isna(v):
        return "—"
    return fmt_count(v) if whole else f"{v:,.2f}"


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
if truncated:
    st.warning(f"分组结果超过 {fmt_count(ex.ROW_LIMIT)} 行，只显示前 {fmt_count(ex.ROW_LIMIT)} 行；"
               "请减少分组维度或增加筛选条件。")

# ---------------------------------------------------------------- show
def draw_map() -> None:
    """The question on the county map: its measure per community (choropleth) or its located
    records counted in a grid; single points on top when there are few. Everything is computed
    in SQL by the builder and bounded (communities, at most CELLS_MAX cells, POINTS_MAX points)."""
    com, lon, _ = ex.map_columns(ds)
    if com is None and lon is None:
        st.info(f"“{ds.title}”没有社区或位置字段，不能以地图显示，请选择其他展示方式。")
        return
    mode = map_mode if (com is not None and lon is not None) else (
        "community" if com is not None else "grid")
    fmap = base.county_map()
    legend: list = []
    notes: list[str] = []
    if mode == "community":
        by_com = ex.run(*ex.build_by_community(q, personal_ok=personal_ok))
        values = {str(c): float(v) for c, v in zip(by_com[com.name], by_com["value"], strict=True)
                  if pd.notna(v)}
        digits = 0 if whole else 2
        breaks = base.class_breaks(list(values.values()), digits=digits)

        def tip(p: dict) -> str:
            v = p.get("value")
            return (f"<b>{escape(str(p['community_name']))}</b><br>{escape(m_label)}："
                    + ("无记录" if v is None else escape(value_text(v))))
        base.community_layer(values, name=f"社区{m_label}", tooltip=tip,
                             breaks=breaks).add_to(fmap)
        legend.append((f"各社区{m_label}", [
            (c, "无记录" if t == "无数据" else t)
            for c, t in base.breaks_legend_items(breaks, digits=digits)], "square"))
        notes.append(f"社区按“{m_label}”着色（按所属社区汇总，不按分组维度）")
    if lon is not None and mode == "grid":
        cells = ex.run(*ex.build_cells(q, personal_ok=personal_ok))
        layer, items = layers.density_layer(
            cells, name="网格密度（约500米）", show=True, palette=base.SEQUENTIAL,
            count_col="n", tip="该网格记录 {n} 条")
        layer.add_to(fmap)
        legend.append(("网格记录数（条）", items, "square"))
        notes.append("网格约500米见方，按有经纬度的记录计数")
    if lon is not None and total <= ex.POINTS_MAX:
        pts = ex.run(*ex.build_points(q, personal_ok=personal_ok))
        enum = next((c for c in ds.columns if c.kind == "enum"), None)

        def point_tip(r: dict) -> str:
            parts = [f"<b>{escape(ds.column(ds.key).header)}：{escape(str(r[ds.key]))}</b>"]
            if tc is not None and pd.notna(r.get(tc.name)):
                parts.append(f"{escape(tc.header)}：{pd.Timestamp(r[tc.name]):%Y-%m-%d %H:%M}")
            if enum is not None:
                v = r.get(enum.name)
                parts.append(f"{escape(enum.header)}：{escape(str(v)) if pd.notna(v) else '—'}")
            return "<br>".join(parts)
        layers.points_layer(pts, name="单条记录", color=charts.BLUE, radius=4,
                            line_color="#ffffff", tooltip=point_tip).add_to(fmap)
        legend.append(("点位", [(charts.BLUE, "单条记录")], "circle"))
        notes.append(f"记录不超过 {fmt_count(ex.POINTS_MAX)} 条，叠加显示单条点位")
    elif lon is not None:
        notes.append(f"记录超过 {fmt_count(ex.POINTS_MAX)} 条，不显示单条点位")
    fmap.get_root().add_child(layers.legend_panel(legend))
    st.caption("；".join(notes) + "。")
    show_map(fmap, key="ex_map_view", height=560, returned_objects=())


pivot = None
if total == 0:
    st.info("没有符合条件的记录。可放宽时间范围或清除筛选条件。")
elif show == "map":
    draw_map()
elif not by:
    st.metric(m_label, value_text(value.iloc[0]))
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
    st.plotly_chart(fig, key="ex_chart", config=NOCFG)
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
viewer = current.viewer()
if viewer is not None and viewer.role.sql and viewer.scope is None:
    st.subheader("SQL 查询（只读）")
    st.caption(f"一次一条查询语句（SELECT 或 WITH 开头），最长 {console.SECONDS:.0f} 秒，最多返回 "
               f"{console.ROW_LIMIT:,} 行；不能修改数据，不能读取文件或外部地址；姓名、电话已脱敏；"
               "每条语句记入审计日志。")
    with st.expander("可查询的表与字段"):
        records_table(pd.DataFrame({
            "表名": list(DATASETS), "数据集": [d.title for d in DATASETS.values()],
            "字段": ["、".join(f"{c.name}（{c.header}）" for c in d.columns)
                   for d in DATASETS.values()]}), key="ex_sql_tables", height=300)
    text = st.text_area("查询语句", key="ex_sql", height=120,
                        placeholder="输入一条查询语句")
    if st.button("执行查询", key="ex_sql_run"):
        try:
            df, cut = console.run(text)
        except console.ConsoleError as err:
            st.session_state["ex_sql_result"] = (None, str(err))
            current.record("sql_query", target="SQL 查询",
                           detail={"语句": text.strip()[:2000], "结果": f"失败：{err}"})
        else:
            note = (f"共 {len(df):,} 行" + (f"（只显示前 {console.ROW_LIMIT:,} 行）" if cut else ""))
            st.session_state["ex_sql_result"] = (df, note)
            current.record("sql_query", target="SQL 查询",
                           detail={"语句": text.strip()[:2000], "结果": note}, rows=len(df))
    if (res := st.session_state.get("ex_sql_result")) is not None:
        df, note = res
        if df is None:
            st.error(note)
        else:
            st.caption(note)
            records_table(df, key="ex_sql_table", height=360)
