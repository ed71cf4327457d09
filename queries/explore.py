"""数据探索: a question about one dataset, built into SQL and run on the viewer's scoped connection.

A :class:`Question` names a dataset of ``command_center.schema.DATASETS``, filters, up to two
group-by dimensions, one measure and a top-N. :func:`build` turns it into SQL text made only of
identifiers taken from the schema (checked against it, then double-quoted) and returns every
value the person chose as a ``$named`` parameter: nothing a person types becomes SQL text.
:func:`run` executes it through the query runner's scoped connection (``queries.cursor``: a
社区 viewer reads only their communities' rows) and masks personal data exactly as
``run_query`` does, before the result is cached. Only the grouped result comes back, with a row
limit; the underlying rows (:func:`build_rows`) are fetched only for an export, capped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from pathlib import Path

import pandas as pd
import streamlit as st

from command_center import config
from command_center.privacy import mask_frame
from command_center.schema import DATASETS, Column, Dataset
from command_center.warehouse import warehouse_version
from queries import _CURRENT, QueryError, _scope, cursor

ROW_LIMIT = 5000  # grouped rows a question may return (one more is fetched to say "truncated")
EXPORT_MAX = 50_000  # underlying rows an export may hold
OTHER = "其他"
EMPTY = "（空）"

TIME_KINDS = ("timestamp", "date")
NUMBER_KINDS = ("int", "float")
# kinds offered as group-by dimensions (ids, free text and coordinates are not categories)
DIM_KINDS = ("enum", "bool", "community", "org", "text", "id")
GRAINS = {  # time dimension grains: code → Chinese
    "hour": "按小时", "day": "按日", "week": "按周", "month": "按月", "quarter": "按季度",
    "year": "按年", "weekday": "按星期", "hourofday": "按时段",
}
TRUNC_GRAINS = ("hour", "day", "week", "month", "quarter", "year")
MEASURES = {  # code → (Chinese, needs a column, numeric column only)
    "count": ("记录数", False, False),
    "distinct": ("不同值个数", True, False),
    "sum": ("合计", True, True),
    "avg": ("平均值", True, True),
    "median": ("中位数", True, True),
    "p90": ("90分位数", True, True),
}
OPS = ("range", "between", "in", "contains", "empty")
# figures of the registry (command_center/figures.py) a question may measure per group: the
# same aggregate over the staging macro (queries/_staging.sql) as the figure's query, each
# record's state as of the window's end (like with like: a 同比 window as of its own end)
STAGED = {"incidents": "incidents_at", "disputes": "disputes_at"}
FIGURE_SQL = {
    "incidents": {
        "incidents_closed": "count(*) filter (where is_closed)",  # incidents/totals
        "incidents_unclosed": "count(*) filter (where is_open)",
        "closed_24h_rate": "100.0 * count(*) filter (where close_hours <= 24) "
                           "/ nullif(count(*), 0)",
        "close_hours_median": "median(close_hours)",
        "close_hours_p90": "quantile_cont(close_hours, 0.9)",
    },
    "disputes": {
        "disputes_closed": "count(*) filter (where is_closed)",  # disputes/totals
        "dispute_success_rate": "100.0 * count(*) filter (where is_success) "
                                "/ nullif(count(*) filter (where is_concluded), 0)",
    },
}
WEEKDAYS = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}


class ExploreError(QueryError):
    """A question names something the schema does not offer (refused before any SQL runs)."""


@dataclasses.dataclass(frozen=True)
class Filter:
    column: str
    op: str  # range (time: start date, end date inclusive) | between (numbers) | in | contains | empty
    value: object  # range/between: (lo, hi) either may be None; in: tuple; contains: str; empty: bool


@dataclasses.dataclass(frozen=True)
class Question:
    dataset: str
    dims: tuple[str, ...] = ()  # "column" or "column.grain" (time columns)
    measure: str = "count"  # "count" or "<measure>.<column>"
    filters: tuple[Filter, ...] = ()
    top: int | None = None  # keep the top N of the first category dimension, fold the rest
    # the page's window on the dataset's main time column: [start_at, end_before)
    window: tuple[dt.datetime, dt.datetime] | None = None
    communities: tuple[str, ...] = ()  # the global community filter (narrows, never widens)
    shift_years: int = 0  # time buckets moved forward (同比: last year's rows on this year's axis)
    # top-N by a given list instead of by rank (同比 folds last year as this year was folded)
    keep: tuple[str, ...] | None = None


# ------------------------------------------------------------------ what the schema offers
def dataset(name: str) -> Dataset:
    if name not in DATASETS:
        raise ExploreError(f"未知数据集：{name}")
    return DATASETS[name]


def column(ds: Dataset, name: str) -> Column:
    try:
        return ds.column(name)
    except KeyError:
        raise ExploreError(f"数据集“{ds.title}”没有字段 {name}") from None


def time_column(ds: Dataset) -> Column | None:
    """The dataset's main time: its first timestamp (else date) column."""
    for kinds in (("timestamp",), ("date",)):
        for c in ds.columns:
            if c.kind in kinds:
                return c
    return None


def dimensions(ds: Dataset, personal_ok: bool = False) -> dict[str, str]:
    """Group-by dimensions offered for ``ds``: code → Chinese label. Personal columns only when
    the viewer may see them unmasked."""
    out: dict[str, str] = {}
    for c in ds.columns:
        if c.personal and not personal_ok:
            continue
        if c.kind in TIME_KINDS:
            for grain, word in GRAINS.items():
                if c.kind == "date" and grain in ("hour", "hourofday"):
                    continue
                out[f"{c.name}.{grain}"] = f"{c.header}（{word}）"
        elif c.kind in DIM_KINDS and c.name != ds.key:
            out[c.name] = "社区" if c.kind == "community" else c.header
    return out


def figure_label(key: str) -> str:
    from command_center.figures import FIGURES

    f = FIGURES[key]
    return f"{f.label}（{f.unit}）" if f.unit in ("%", "小时") else f.label


def is_whole(ds: Dataset, code: str) -> bool:
    """A measure that is a whole number (counts, sums of whole numbers)."""
    fn, _, name = code.partition(".")
    if fn == "fig":
        return FIGURE_SQL[ds.name][name].startswith("count(*)")
    return code == "count" or fn == "distinct" or (fn == "sum" and ds.column(name).kind == "int")


def measures(ds: Dataset, personal_ok: bool = False) -> dict[str, str]:
    out = {"count": MEASURES["count"][0]}
    for key in FIGURE_SQL.get(ds.name, {}):
        out[f"fig.{key}"] = figure_label(key)
    for c in ds.columns:
        if c.kind in NUMBER_KINDS:
            for code in ("sum", "avg", "median", "p90"):
                out[f"{code}.{c.name}"] = f"{c.header}{MEASURES[code][0]}"
    for c in ds.columns:
        if (c.kind in DIM_KINDS or c.name == ds.key) and (personal_ok or not c.personal):
            out[f"distinct.{c.name}"] = f"{c.header}{MEASURES['distinct'][0]}"
    return out


def filter_ops(c: Column, personal_ok: bool = False) -> tuple[str, ...]:
    """What a filter on ``c`` may be. A personal column without unmasking only 为空/不为空
    (a 包含 filter would let a person probe for a name)."""
    if c.personal and not personal_ok:
        return ("empty",)
    if c.kind in TIME_KINDS:
        return ("range", "empty")
    if c.kind in NUMBER_KINDS or c.kind in ("lon", "lat"):
        return ("between", "empty")
    if c.kind in ("enum", "bool", "community", "org"):
        return ("in", "empty")
    return ("contains", "in", "empty")


# ------------------------------------------------------------------ SQL
def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _parse_dim(ds: Dataset, code: str, personal_ok: bool) -> tuple[Column, str | None]:
    if code not in dimensions(ds, personal_ok):
        raise ExploreError(f"不能按“{code}”分组")
    name, _, grain = code.partition(".")
    return column(ds, name), grain or None


def dim_name(code: str) -> str:
    """The result column of a dimension: the column's own name (so masking by header still
    knows a personal column), ``<column>_<grain>`` for time."""
    return code.replace(".", "_")


def _dim_expr(c: Column, grain: str | None, shift_years: int) -> str:
    col = _q(c.name)
    if grain is None:
        if c.kind == "bool":
            return f"case when {col} then '是' when not {col} then '否' end"
        return f"cast({col} as varchar)"
    ts = f"cast({col} as timestamp)"
    if shift_years:
        ts = f"({ts} + interval {int(shift_years)} year)"
    if grain in TRUNC_GRAINS:
        return f"date_trunc('{grain}', {ts})"
    if grain == "weekday":
        return f"isodow({ts})"
    if grain == "hourofday":
        return f"hour({ts})"
    raise ExploreError(f"不支持的时间粒度：{grain}")


def _measure_expr(ds: Dataset, code: str, personal_ok: bool) -> str:
    if code not in measures(ds, personal_ok):
        raise ExploreError(f"不支持的统计方式：{code}")
    if code == "count":
        return "count(*)"
    fn, _, name = code.partition(".")
    if fn == "fig":
        return FIGURE_SQL[ds.name][name]
    col = _q(column(ds, name).name)
    return {"distinct": f"count(distinct {col})", "sum": f"sum({col})", "avg": f"avg({col})",
            "median": f"median({col})", "p90": f"quantile_cont({col}, 0.9)"}[fn]


def _where(ds: Dataset, q: Question, personal_ok: bool, params: dict) -> str:
    parts: list[str] = []

    def p(value) -> str:
        key = f"p{len(params)}"
        params[key] = value
        return f"${key}"

    tc = time_column(ds)
    if q.window is not None and tc is not None:
        lo, hi = q.window
        parts.append(f"cast({_q(tc.name)} as timestamp) >= {p(lo)} and "
                     f"cast({_q(tc.name)} as timestamp) < {p(hi)}")
    if q.communities and "community_code" in ds.column_names:
        parts.append(f"list_contains({p(list(q.communities))}, community_code)")
    for f in q.filters:
        c = column(ds, f.column)
        if f.op not in filter_ops(c, personal_ok):
            raise ExploreError(f"字段“{c.header}”不能这样筛选：{f.op}")
        col = _q(c.name)
        if f.op == "empty":
            empty = f"({col} is null" + (f" or trim({col}) = ''" if c.type == "VARCHAR" else "") + ")"
            parts.append(empty if f.value else f"not {empty}")
        elif f.op in ("range", "between"):
            parts.extend(f"{sql}{p(v)}" for sql, v in _bounds(col, f.op, *f.value))
        elif f.op == "in":
            values = list(f.value)
            if c.kind == "bool":
                parts.append(f"list_contains({p([v == '是' for v in values])}, {col})")
            else:
                parts.append(f"list_contains({p([str(v) for v in values])}, "
                             f"cast({col} as varchar))")
        elif f.op == "contains":
            parts.append(f"contains(lower(cast({col} as varchar)), lower({p(str(f.value))}))")
    return " and ".join(parts) or "true"


def _bounds(col: str, op: str, lo, hi) -> list[tuple[str, object]]:
    """``(sql, value)`` per bound given: ``range`` dates with the end day included,
    ``between`` numbers in ``[lo, hi]``."""
    if op == "range":
        col = f"cast({col} as timestamp)"
        lo = None if lo is None else _at(lo)
        hi = None if hi is None else _at(hi) + dt.timedelta(days=1)
        upper = "<"
    else:
        lo = None if lo is None else float(lo)
        hi = None if hi is None else float(hi)
        upper = "<="
    return [(f"{col} {cmp} ", v) for cmp, v in ((">=", lo), (upper, hi)) if v is not None]


def _at(d) -> dt.datetime:
    if isinstance(d, dt.datetime):
        return d
    if isinstance(d, str):
        d = dt.date.fromisoformat(d)
    return dt.datetime.combine(d, dt.time())


def _fold_dim(ds: Dataset, q: Question, personal_ok: bool) -> int | None:
    """Index of the dimension top-N folds: the first one that is not time."""
    for i, code in enumerate(q.dims):
        if _parse_dim(ds, code, personal_ok)[1] is None:
            return i
    return None


def build(q: Question, *, personal_ok: bool = False,
          limit: int = ROW_LIMIT) -> tuple[str, dict]:
    """SQL and parameters of a grouped question: dims (named by :func:`dim_name`) and
    ``value``, at most ``limit`` + 1 rows."""
    ds = dataset(q.dataset)
    if len(q.dims) > 2:
        raise ExploreError("最多按两个维度分组")
    if len(set(q.dims)) != len(q.dims):
        raise ExploreError("两个分组维度不能相同")
    params: dict = {}
    where = _where(ds, q, personal_ok, params)
    measure = _measure_expr(ds, q.measure, personal_ok)
    exprs = []
    for code in q.dims:
        c, grain = _parse_dim(ds, code, personal_ok)
        exprs.append((_dim_expr(c, grain, q.shift_years), grain is None, dim_name(code)))
    ctes = [f"base as (select * from {_source(ds, q, params)} where {where})"]
    fold = _fold_dim(ds, q, personal_ok) if q.top else None
    selects = []
    for i, (expr, categorical, name) in enumerate(exprs):
        if categorical:
            expr = f"coalesce({expr}, '{EMPTY}')"
        if i == fold and q.keep is not None:
            params["keep"] = [str(k) for k in q.keep]
            expr = f"case when list_contains($keep, {expr}) then {expr} else '{OTHER}' end"
        elif i == fold:
            params["top_n"] = int(q.top)
            ctes.append(
                f"ranked as (select {expr} as k, {measure} as v from base group by 1 "
                f"order by v desc nulls last, k limit $top_n)")
            expr = f"case when {expr} in (select k from ranked) then {expr} else '{OTHER}' end"
        selects.append(f"{expr} as {_q(name)}")
    group = f" group by {', '.join(str(i + 1) for i in range(len(selects)))}" if selects else ""
    order = ", ".join(str(i + 1) for i in range(len(selects)))
    params["row_limit"] = int(limit) + 1
    sql = (f"with {', '.join(ctes)}\n"
           f"select {', '.join([*selects, f'{measure} as value'])} from base{group}\n"
           + (f"order by {order}\n" if order else "")
           + "limit $row_limit")
    return sql, params


def _source(ds: Dataset, q: Question, params: dict) -> str:
    """What a question reads: the table, or with a figure measure the staging macro as of the
    window's end (now without a window), as the figure's own query does."""
    if not q.measure.startswith("fig."):
        return _q(ds.table)
    params["as_of"] = q.window[1] if q.window is not None else config.now()
    return f"{STAGED[ds.name]}($as_of)"


def kept(q: Question, result: pd.DataFrame, personal_ok: bool = False) -> tuple[str, ...] | None:
    """The values top-N kept in ``result`` (the folded dimension's, 其他 left out)."""
    fold = _fold_dim(dataset(q.dataset), q, personal_ok) if q.top else None
    if fold is None:
        return None
    values = result[dim_name(q.dims[fold])].dropna().astype(str)
    return tuple(sorted(set(values) - {OTHER}))


def build_values(q: Question, name: str, *, personal_ok: bool = False,
                 limit: int = 200) -> tuple[str, dict]:
    """The pick-list of column ``name`` with counts (the question's other filters applied)."""
    ds = dataset(q.dataset)
    c = column(ds, name)
    if "in" not in filter_ops(c, personal_ok):
        raise ExploreError(f"字段“{c.header}”不能按取值筛选")
    others = dataclasses.replace(q, filters=tuple(f for f in q.filters if f.column != name))
    params: dict = {}
    where = _where(ds, others, personal_ok, params)
    expr = _dim_expr(c, None, 0)
    params["row_limit"] = int(limit)
    sql = (f"select {expr} as {_q(c.name)}, count(*) as n from {_q(ds.table)} where {where} "
           f"and {_q(c.name)} is not null group by 1 order by n desc, 1 limit $row_limit")
    return sql, params


def build_rows(q: Question, *, personal_ok: bool = False,
               limit: int = EXPORT_MAX) -> tuple[str, dict]:
    """The question's underlying rows (every schema column, by key), capped at ``limit``."""
    ds = dataset(q.dataset)
    params: dict = {}
    where = _where(ds, q, personal_ok, params)
    cols = ", ".join(_q(c.name) for c in ds.columns)
    params["row_limit"] = int(limit)
    sql = (f"select {cols} from {_q(ds.table)} where {where} order by {_q(ds.key)} "
           "limit $row_limit")
    return sql, params


def build_count(q: Question, *, personal_ok: bool = False) -> tuple[str, dict]:
    ds = dataset(q.dataset)
    params: dict = {}
    where = _where(ds, q, personal_ok, params)
    return f"select count(*) as n from {_q(ds.table)} where {where}", params


# ------------------------------------------------------------------ map
POINTS_MAX = 3000  # single points on the map only up to this many records (as 警情事件's map)
CELL_DEG = 0.005  # density grid cell, about 500 m (as 警情事件's map)
CELLS_MAX = 5000  # grid cells a map may draw


def map_columns(ds: Dataset) -> tuple[Column | None, Column | None, Column | None]:
    """(community column, longitude, latitude) of ``ds``; None where it has none."""
    com = next((c for c in ds.columns if c.kind == "community"), None)
    lon = next((c for c in ds.columns if c.kind == "lon"), None)
    lat = next((c for c in ds.columns if c.kind == "lat"), None)
    return com, (lon if lat else None), (lat if lon else None)


def _located(q: Question) -> tuple[Dataset, Column, Column]:
    """The question's dataset with its longitude and latitude columns (refused without)."""
    ds = dataset(q.dataset)
    _, lon, lat = map_columns(ds)
    if lon is None:
        raise ExploreError(f"数据集“{ds.title}”没有经纬度字段")
    return ds, lon, lat


def build_by_community(q: Question, *, personal_ok: bool = False) -> tuple[str, dict]:
    """The question's measure per community (for the choropleth): ``community_code``, ``value``.
    The question's own dimensions and top-N do not apply: one value per community."""
    com = map_columns(dataset(q.dataset))[0]
    if com is None:
        raise ExploreError(f"数据集“{dataset(q.dataset).title}”没有社区字段")
    return build(dataclasses.replace(q, dims=(com.name,), top=None, keep=None),
                 personal_ok=personal_ok)


def build_cells(q: Question, *, personal_ok: bool = False, cell_deg: float = CELL_DEG,
                limit: int = CELLS_MAX) -> tuple[str, dict]:
    """Records with a location counted in square cells of ``cell_deg`` degrees (WGS-84):
    ``west, south, east, north, n``, the fullest cells first, at most ``limit``."""
    ds, lon, lat = _located(q)
    params: dict = {}
    where = _where(ds, q, personal_ok, params)
    params["cell_deg"] = float(cell_deg)
    params["row_limit"] = int(limit)
    x, y = _q(lon.name), _q(lat.name)
    sql = (f"with cells as (select cast(floor({x} / $cell_deg) as bigint) as cx, "
           f"cast(floor({y} / $cell_deg) as bigint) as cy, count(*) as n "
           f"from {_q(ds.table)} where {where} and {x} is not null and {y} is not null "
           "group by 1, 2)\n"
           "select cx * $cell_deg as west, cy * $cell_deg as south, (cx + 1) * $cell_deg as east, "
           "(cy + 1) * $cell_deg as north, n from cells order by n desc, cx, cy limit $row_limit")
    return sql, params


def build_points(q: Question, *, personal_ok: bool = False,
                 limit: int = POINTS_MAX) -> tuple[str, dict]:
    """Located records for the map (few only): key, ``lon``, ``lat``, the main time and the
    first category column (for the tooltip), by key, at most ``limit``."""
    ds, lon, lat = _located(q)
    params: dict = {}
    where = _where(ds, q, personal_ok, params)
    extra = [c for c in (time_column(ds), next((c for c in ds.columns if c.kind == "enum"), None))
             if c is not None]
    cols = ", ".join([_q(ds.key), f"{_q(lon.name)} as lon", f"{_q(lat.name)} as lat",
                      *(_q(c.name) for c in extra)])
    params["row_limit"] = int(limit)
    sql = (f"select {cols} from {_q(ds.table)} where {where} and {_q(lon.name)} is not null "
           f"and {_q(lat.name)} is not null order by {_q(ds.key)} limit $row_limit")
    return sql, params


# ------------------------------------------------------------------ running
def run_uncached(sql: str, params: dict, warehouse: Path | None = None, *, scope=_CURRENT,
                 unmasked: bool | None = None) -> pd.DataFrame:
    """Run built SQL on the viewer's scoped connection (the runner's ``cursor``); personal data
    masked unless the viewer is unmasking (as ``run_query_uncached``)."""
    cur = cursor(warehouse, _scope(scope))
    try:
        df = cur.execute(sql, params).df()
    finally:
        cur.close()
    if unmasked is None:
        from command_center.access import current
        unmasked = current.unmasking()
    return df if unmasked else mask_frame(df)


def _freeze(v):
    if isinstance(v, list | tuple):
        return tuple(_freeze(x) for x in v)
    return v


@functools.cache
def _cache():
    @st.cache_data(ttl=config.get("cache", "ttl_seconds", 300),
                   max_entries=config.get("cache", "max_entries", 512), show_spinner=False)
    def cached(sql: str, params: tuple, version: str, warehouse: str, scope: tuple | None,
               unmasked: bool) -> pd.DataFrame:
        plain = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
        return run_uncached(sql, plain, Path(warehouse), scope=scope, unmasked=unmasked)
    return cached


def run(sql: str, params: dict) -> pd.DataFrame:
    """:func:`run_uncached`, cached per (SQL, parameters, warehouse version, scope, unmasking)."""
    if not st.runtime.exists():
        return run_uncached(sql, params)
    from command_center.access import current
    path = config.warehouse_path()
    frozen = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    return _cache()(sql, frozen, warehouse_version(path), str(path), _scope(_CURRENT),
                    current.unmasking())
