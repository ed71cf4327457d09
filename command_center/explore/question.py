"""数据探索: what a question may ask of a dataset — its filters, dimensions and measures, as the
schema (``command_center.schema.DATASETS``) and the figure registry offer them."""

from __future__ import annotations

import dataclasses
import datetime as dt

from command_center.schema import DATASETS, Column, Dataset
from queries import QueryError

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
# the cases behind each figure that has a minimum sample, as its own query counts them
# (incidents/totals_by_period: incident_count, closed_count; disputes/totals: concluded_count)
FIGURE_SAMPLE_SQL = {
    "closed_24h_rate": "count(*)",
    "close_hours_median": "count(*) filter (where is_closed)",
    "close_hours_p90": "count(*) filter (where is_closed)",
    "dispute_success_rate": "count(*) filter (where is_concluded)",
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


def figure_key(code: str) -> str | None:
    """The registry figure a measure is (``fig.<key>``), else None."""
    fn, _, name = code.partition(".")
    return name if fn == "fig" else None


def min_sample(code: str) -> int:
    """Fewest cases a group's value may be quoted from (0: any): the figure's own minimum."""
    from command_center.figures import FIGURES

    key = figure_key(code)
    return FIGURES[key].min_sample if key else 0


def sample_sql(code: str) -> str | None:
    """SQL of the cases behind a group's value (its column ``n``), for a measure that has a
    minimum sample."""
    return FIGURE_SAMPLE_SQL[figure_key(code)] if min_sample(code) else None


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
