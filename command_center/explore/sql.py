"""数据探索: a :class:`~command_center.explore.question.Question` built into SQL text made only of
identifiers taken from the schema (checked against it, then double-quoted), with every value the
person chose as a ``$named`` parameter: nothing a person types becomes SQL text."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from command_center import config
from command_center.explore.question import (
    EMPTY,
    EXPORT_MAX,
    FIGURE_SQL,
    OTHER,
    ROW_LIMIT,
    STAGED,
    TRUNC_GRAINS,
    ExploreError,
    Question,
    column,
    dataset,
    dimensions,
    filter_ops,
    measures,
    min_sample,
    sample_sql,
    time_column,
)
from command_center.schema import Column, Dataset


def quote_ident(name: str) -> str:
    """A schema name as a double-quoted SQL identifier."""
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
    col = quote_ident(c.name)
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
    col = quote_ident(column(ds, name).name)
    return {"distinct": f"count(distinct {col})", "sum": f"sum({col})", "avg": f"avg({col})",
            "median": f"median({col})", "p90": f"quantile_cont({col}, 0.9)"}[fn]


def where_sql(ds: Dataset, q: Question, personal_ok: bool, params: dict) -> str:
    """The question's window, communities and filters as one SQL condition; each value goes
    into ``params`` as a ``$p<n>`` parameter."""
    parts: list[str] = []

    def p(value) -> str:
        key = f"p{len(params)}"
        params[key] = value
        return f"${key}"

    tc = time_column(ds)
    if q.window is not None and tc is not None:
        lo, hi = q.window
        parts.append(f"cast({quote_ident(tc.name)} as timestamp) >= {p(lo)} and "
                     f"cast({quote_ident(tc.name)} as timestamp) < {p(hi)}")
    if q.communities and "community_code" in ds.column_names:
        parts.append(f"list_contains({p(list(q.communities))}, community_code)")
    for f in q.filters:
        c = column(ds, f.column)
        if f.op not in filter_ops(c, personal_ok):
            raise ExploreError(f"字段“{c.header}”不能这样筛选：{f.op}")
        col = quote_ident(c.name)
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
    """SQL and parameters of a grouped question: dims (named by :func:`dim_name`), ``value``
    (and ``n``, the cases behind it, for a figure with a minimum sample), at most ``limit`` +
    1 rows."""
    ds = dataset(q.dataset)
    if len(q.dims) > 2:
        raise ExploreError("最多按两个维度分组")
    if len(set(q.dims)) != len(q.dims):
        raise ExploreError("两个分组维度不能相同")
    params: dict = {}
    where = where_sql(ds, q, personal_ok, params)
    measure = _measure_expr(ds, q.measure, personal_ok)
    # a figure with a minimum sample: each group's cases too (n), to say 样本不足 below it
    cases = sample_sql(q.measure)
    sample = [f"{cases} as n"] if cases else []
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
            # the top N by a value that can be quoted: groups short of the figure's minimum
            # sample go to 其他 rather than lead with a 100% from one case
            quotable = f"{cases} >= {min_sample(q.measure)} desc, " if cases else ""
            ctes.append(
                f"ranked as (select {expr} as k, {measure} as v from base group by 1 "
                f"order by {quotable}v desc nulls last, k limit $top_n)")
            expr = f"case when {expr} in (select k from ranked) then {expr} else '{OTHER}' end"
        selects.append(f"{expr} as {quote_ident(name)}")
    group = f" group by {', '.join(str(i + 1) for i in range(len(selects)))}" if selects else ""
    order = ", ".join(str(i + 1) for i in range(len(selects)))
    params["row_limit"] = int(limit) + 1
    sql = (f"with {', '.join(ctes)}\n"
           f"select {', '.join([*selects, f'{measure} as value', *sample])} from base{group}\n"
           + (f"order by {order}\n" if order else "")
           + "limit $row_limit")
    return sql, params


def _source(ds: Dataset, q: Question, params: dict) -> str:
    """What a question reads: the table, or with a figure measure the staging macro as of the
    window's end (now without a window), as the figure's own query does."""
    if not q.measure.startswith("fig."):
        return quote_ident(ds.table)
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
    where = where_sql(ds, others, personal_ok, params)
    expr = _dim_expr(c, None, 0)
    params["row_limit"] = int(limit)
    sql = (f"select {expr} as {quote_ident(c.name)}, count(*) as n from {quote_ident(ds.table)} where {where} "
           f"and {quote_ident(c.name)} is not null group by 1 order by n desc, 1 limit $row_limit")
    return sql, params


def build_rows(q: Question, *, personal_ok: bool = False,
               limit: int = EXPORT_MAX) -> tuple[str, dict]:
    """The question's underlying rows (every schema column, by key), capped at ``limit``."""
    ds = dataset(q.dataset)
    params: dict = {}
    where = where_sql(ds, q, personal_ok, params)
    cols = ", ".join(quote_ident(c.name) for c in ds.columns)
    params["row_limit"] = int(limit)
    sql = (f"select {cols} from {quote_ident(ds.table)} where {where} order by {quote_ident(ds.key)} "
           "limit $row_limit")
    return sql, params


def build_count(q: Question, *, personal_ok: bool = False) -> tuple[str, dict]:
    ds = dataset(q.dataset)
    params: dict = {}
    where = where_sql(ds, q, personal_ok, params)
    return f"select count(*) as n from {quote_ident(ds.table)} where {where}", params
