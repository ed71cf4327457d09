"""Community four-color risk warning (四色预警): the model in ``risk.toml``, scores in SQL.

One source of truth for the colours and scores every page shows (预警页, 一张图, 大屏)::

    from command_center import risk

    risk.LEVELS                  # (Level(key="green", name="绿", color="#…", …), …) low → high
    risk.level_color("红")       # "#d7301f"  (also accepts "red", a rank 0–3 or a Level)
    risk.legend_items()          # [(color, "红色（高风险）"), …] high → low, for maps.legend
    a = risk.assess(period)      # what pages, the wall and the briefing show (see below)
    df = risk.scores(period)     # one row per community, sorted by score (desc)
    df = risk.history(months=12) # monthly scores, one row per (month, community)

The window scored: ``[model] min_window_days`` (28) is the shortest window the model scores. A
shorter view (今日, the first days of 本月) is scored over the trailing ``min_window_days`` days
ending at the view's end (``scored_window``; never reaching back before the first day with
data), and says so (``window_note``: "按近28天（…）评分（所选时段不足28天）").

Level changes (等级上升/下降, 新转红色) are reported only against a previous window that has data
(``previous_window``: the scored window's 环比, None when it starts before the data's first day,
``data_start``). ``compare(current, None)`` leaves ``change`` empty, ``compared`` is then False
and the text to show is ``NO_PREVIOUS`` (上期无数据，不比较等级变化). ``assess`` does all of this
once for a page, the wall and the briefing.

``scores`` columns: community_code, community_name, area_name, score (0–100), level ("绿" …
"红"), level_rank (0 = 绿 … 3 = 红), color, then per indicator ``<key>`` (raw value) and
``<key>_points`` (its contribution; the contributions add up to the score), plus
weighted_incidents, weighted_incidents_yoy, typhoon_name.

The file is ``risk.toml`` at the repository root, or the path in ``CC_RISK_CONFIG``. It is
re-read when it changes. A bad value raises :class:`RiskConfigError` with a Chinese message
naming the key, e.g. ``risk.toml：indicators.incident_rate.weight 必须是 0–100 之间的数字``.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from command_center import config
from command_center.periods import Period

DEFAULT_PATH = config.ROOT / "risk.toml"
QUERY = "risk/scores_by_community"
DATA_START_QUERY = "risk/data_start"
NO_PREVIOUS = "上期无数据，不比较等级变化"
DEFAULT_MIN_WINDOW_DAYS = 28

# The indicators the SQL measures, in display order. The file sets how each one is scored.
INDICATORS = (
    "incident_rate",
    "incident_yoy",
    "open_disputes",
    "overdue_disputes",
    "repeat_disputes",
    "floating_share",
    "evacuation_shortfall",
)
LEVEL_KEYS = ("green", "blue", "yellow", "red")  # low → high risk
METHODS = ("minmax", "cap", "rank")
DIRECTIONS = ("higher_is_worse", "lower_is_worse")
_COUNT_INDICATORS = ("open_disputes", "overdue_disputes", "repeat_disputes")


class RiskConfigError(ValueError):
    """The risk model file is invalid; the message (Chinese) names the file and the key."""


@dataclass(frozen=True)
class Level:
    key: str  # green / blue / yellow / red
    name: str  # 绿 / 蓝 / 黄 / 红
    label: str  # 绿色（低风险） …
    color: str  # "#rrggbb"
    min_score: float  # a score ≥ min_score is at least this level
    rank: int  # 0 = lowest risk


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    description: str
    weight: float
    normalize: str
    direction: str
    low: float | None = None
    high: float | None = None
    per_1000: bool = False


@dataclass(frozen=True)
class Model:
    path: Path
    name: str
    indicators: tuple[Indicator, ...]
    levels: tuple[Level, ...]
    category_weights: dict[str, float]
    other_category_weight: float
    yoy_smoothing: float
    repeat_window_days: int
    min_window_days: int = DEFAULT_MIN_WINDOW_DAYS  # the shortest window scored

    def indicator(self, key: str) -> Indicator:
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    def level(self, which) -> Level:
        """A level by key ("red"), name ("红"), rank (3) or Level."""
        if isinstance(which, Level):
            return which
        for lv in self.levels:
            if which in (lv.key, lv.name) or (isinstance(which, int) and which == lv.rank):
                return lv
        raise KeyError(which)

    def level_of(self, score: float) -> Level:
        """The level a score falls in (the same rule as the SQL)."""
        found = self.levels[0]
        for lv in self.levels:
            if score >= lv.min_score:
                found = lv
        return found

    def params(self) -> dict:
        """The model as the $parameters of queries/risk/*.sql."""
        return {
            "risk_indicators": list(INDICATORS),
            "risk_weights": [self.indicator(k).weight for k in INDICATORS],
            "risk_methods": [self.indicator(k).normalize for k in INDICATORS],
            "risk_lows": [_num_or_zero(self.indicator(k).low) for k in INDICATORS],
            "risk_highs": [_num_or_zero(self.indicator(k).high) for k in INDICATORS],
            "risk_higher_is_worse": [self.indicator(k).direction == "higher_is_worse"
                                     for k in INDICATORS],
            "risk_per_1000": [self.indicator(k).per_1000 for k in INDICATORS],
            "risk_categories": list(self.category_weights),
            "risk_category_weights": list(self.category_weights.values()),
            "risk_other_weight": self.other_category_weight,
            "risk_yoy_smoothing": self.yoy_smoothing,
            "risk_repeat_window_days": self.repeat_window_days,
            "risk_level_names": [lv.name for lv in self.levels],
            "risk_level_colors": [lv.color for lv in self.levels],
            "risk_level_mins": [lv.min_score for lv in self.levels],
        }


def _num_or_zero(x) -> float:
    return 0.0 if x is None else float(x)


# ------------------------------------------------------------------ loading and validation
def config_path() -> Path:
    p = os.environ.get("CC_RISK_CONFIG")
    if not p:
        return DEFAULT_PATH
    path = Path(p)
    return path if path.is_absolute() else config.ROOT / path


_cache: dict[tuple[str, float, int], Model] = {}


def load_model(path: Path | str | None = None) -> Model:
    """The model in ``path`` (default: CC_RISK_CONFIG or risk.toml), re-read when it changes."""
    path = Path(path) if path else config_path()
    try:
        st_ = path.stat()
    except FileNotFoundError:
        raise RiskConfigError(f"找不到四色预警配置文件：{path}") from None
    key = (str(path), st_.st_mtime, st_.st_size)
    model = _cache.get(key)
    if model is None:
        model = parse_model(path)
        _cache.clear()
        _cache[key] = model
    return model


def parse_model(path: Path) -> Model:
    path = Path(path)
    where = path.name
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RiskConfigError(f"{where}：不是合法的 TOML 文件（{exc}）") from None

    def fail(key: str, what: str):
        raise RiskConfigError(f"{where}：{key} {what}")

    def table(obj, key: str) -> dict:
        if not isinstance(obj, dict):
            fail(key, "必须是一个表（[section]）")
        return obj

    def number(obj: dict, key: str, full: str, lo=None, hi=None, default=None,
               required=True) -> float | None:
        v = obj.get(key, default)
        if v is None:
            if required:
                fail(full, "缺失" if lo is None else f"缺失（必须是 {lo:g}–{hi:g} 之间的数字）")
            return None
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if ok and lo is not None and not lo <= v <= hi:
            ok = False
        if not ok:
            fail(full, f"必须是 {lo:g}–{hi:g} 之间的数字" if lo is not None else "必须是数字")
        return float(v)

    def text(obj: dict, key: str, full: str, choices=None, default=None) -> str:
        v = obj.get(key, default)
        if not isinstance(v, str) or not v.strip():
            fail(full, "必须是非空文字" if not choices else "必须是 " + " / ".join(choices) + " 之一")
        if choices and v not in choices:
            fail(full, "必须是 " + " / ".join(choices) + " 之一")
        return v.strip()

    model_t = table(data.get("model", {}), "model")
    min_window = number(model_t, "min_window_days", "model.min_window_days", 1, 366,
                        default=DEFAULT_MIN_WINDOW_DAYS)
    if min_window != int(min_window):
        fail("model.min_window_days", "必须是整数天数")
    inds_t = table(data.get("indicators"), "indicators") if "indicators" in data else fail(
        "indicators", "缺失（需要 [indicators.<指标>] 各节）")
    unknown = sorted(set(inds_t) - set(INDICATORS))
    if unknown:
        fail(f"indicators.{unknown[0]}", "不是已知指标（可用：" + "、".join(INDICATORS) + "）")
    indicators = []
    for key in INDICATORS:
        full = f"indicators.{key}"
        if key not in inds_t:
            fail(full, "缺失（不用的指标请把 weight 设为 0）")
        t = table(inds_t[key], full)
        method = text(t, "normalize", f"{full}.normalize", METHODS)
        low = high = None
        if method == "cap":
            low = number(t, "low", f"{full}.low")
            high = number(t, "high", f"{full}.high")
            if high <= low:
                fail(f"{full}.high", "必须大于 low")
        per_1000 = t.get("per_1000", False)
        if not isinstance(per_1000, bool):
            fail(f"{full}.per_1000", "必须是 true 或 false")
        if per_1000 and key not in _COUNT_INDICATORS:
            fail(f"{full}.per_1000", "只适用于纠纷件数类指标")
        indicators.append(Indicator(
            key=key,
            name=text(t, "name", f"{full}.name"),
            description=str(t.get("description", "")),
            weight=number(t, "weight", f"{full}.weight", 0, 100),
            normalize=method,
            direction=text(t, "direction", f"{full}.direction", DIRECTIONS),
            low=low,
            high=high,
            per_1000=per_1000,
        ))
    if sum(i.weight for i in indicators) <= 0:
        fail("indicators.*.weight", "之和必须大于 0")

    rate = inds_t["incident_rate"]
    cw = rate.get("category_weights", {})
    if not isinstance(cw, dict):
        fail("indicators.incident_rate.category_weights", "必须是 { 类别 = 权重 } 的表")
    category_weights = {
        str(k): number(cw, k, f"indicators.incident_rate.category_weights.{k}", 0, 100)
        for k in cw
    }
    other = number(rate, "other_weight", "indicators.incident_rate.other_weight", 0, 100,
                   default=1.0)
    smoothing = number(inds_t["incident_yoy"], "smoothing", "indicators.incident_yoy.smoothing",
                       0, 1e6, default=5.0)
    window = number(inds_t["repeat_disputes"], "window_days",
                    "indicators.repeat_disputes.window_days", 1, 3650, default=180)
    if window != int(window):
        fail("indicators.repeat_disputes.window_days", "必须是整数天数")
    if "shortfall_statuses" in inds_t["evacuation_shortfall"]:
        # the shortfall is defined once, in the staging layer (is_pending): a list here would
        # look like a setting and do nothing
        fail("indicators.evacuation_shortfall.shortfall_statuses",
             "已不再使用（应转未转统一为名单上尚未转移的人员，见 queries/_staging.sql），请删除这一行")

    levels_t = table(data.get("levels"), "levels") if "levels" in data else fail(
        "levels", "缺失（需要 [levels.green] [levels.blue] [levels.yellow] [levels.red]）")
    unknown = sorted(set(levels_t) - set(LEVEL_KEYS))
    if unknown:
        fail(f"levels.{unknown[0]}", "不是已知等级（只能是 green、blue、yellow、red）")
    levels = []
    for rank, key in enumerate(LEVEL_KEYS):
        full = f"levels.{key}"
        if key not in levels_t:
            fail(full, "缺失")
        t = table(levels_t[key], full)
        color = text(t, "color", f"{full}.color")
        if not (len(color) == 7 and color[0] == "#"
                and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
            fail(f"{full}.color", "必须是 #rrggbb 形式的颜色")
        name = text(t, "name", f"{full}.name")
        levels.append(Level(key=key, name=name, label=str(t.get("label") or f"{name}色"),
                            color=color.lower(),
                            min_score=number(t, "min_score", f"{full}.min_score", 0, 100),
                            rank=rank))
    if levels[0].min_score != 0:
        fail("levels.green.min_score", "必须是 0（最低一级从 0 分开始）")
    for a, b in zip(levels, levels[1:], strict=False):
        if b.min_score <= a.min_score:
            fail(f"levels.{b.key}.min_score", f"必须大于 levels.{a.key}.min_score（{a.min_score:g}）")
    if len({lv.name for lv in levels}) != len(levels):
        fail("levels.*.name", "不能重复")

    return Model(
        path=path,
        name=str(model_t.get("name") or "社区四色预警"),
        indicators=tuple(indicators),
        levels=tuple(levels),
        category_weights=category_weights,
        other_category_weight=other,
        yoy_smoothing=smoothing,
        repeat_window_days=int(window),
        min_window_days=int(min_window),
    )


# ------------------------------------------------------------------ colours (one source of truth)
def __getattr__(name: str):
    # ``risk.LEVELS`` always reflects the current file (PEP 562; works with from-imports too)
    if name == "LEVELS":
        return load_model().levels
    raise AttributeError(name)


def level_color(level) -> str:
    """Hex colour of a level given by name ("红"), key ("red"), rank (3) or Level."""
    return load_model().level(level).color


def level_colors() -> dict[str, str]:
    """{"绿": "#…", "蓝": …, "黄": …, "红": …}"""
    return {lv.name: lv.color for lv in load_model().levels}


def level_of(score: float) -> Level:
    return load_model().level_of(score)


def legend_items() -> list[tuple[str, str]]:
    """(colour, label) pairs, highest risk first, for ``maps.base.legend``."""
    items = []
    levels = load_model().levels
    for i, lv in enumerate(levels):
        upper = levels[i + 1].min_score if i + 1 < len(levels) else None
        span = f"{lv.min_score:g}–{upper:g}分" if upper is not None else f"≥{lv.min_score:g}分"
        items.append((lv.color, f"{lv.label} {span}"))
    return items[::-1]


def indicator_names() -> dict[str, str]:
    """{indicator key: Chinese name}, in display order."""
    return {i.key: i.name for i in load_model().indicators}


def column_labels() -> dict[str, str]:
    """Chinese headers for the columns of ``scores`` (raw values and contributions)."""
    out = {
        "score": "风险分",
        "level": "预警等级",
        "level_rank": "等级序号",
        "color": "颜色",
        "weighted_incidents": "加权警情数",
        "weighted_incidents_yoy": "去年同期加权警情数",
        "typhoon_name": "最近台风",
        "month": "月份",
    }
    for i in load_model().indicators:
        out[i.key] = i.name
        out[f"{i.key}_points"] = f"{i.name}得分"
    return out


# ------------------------------------------------------------------ windows
def _date_text(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def data_start(warehouse: Path | str | None = None) -> dt.date | None:
    """The first day with data: the later of the first incident's and the first dispute's day
    (queries/risk/data_start.sql); None for an empty warehouse."""
    from queries import run_query, run_query_uncached

    df = (run_query_uncached(DATA_START_QUERY, warehouse) if warehouse is not None
          else run_query(DATA_START_QUERY))
    first = df["first_on"].iloc[0] if len(df) else None
    if first is None or pd.isna(first):
        return None
    return pd.Timestamp(first).date()


def scored_window(period: Period, *, warehouse: Path | str | None = None,
                  model: Model | None = None, first_day: dt.date | None = None) -> Period:
    """The window ``scores(period)`` scores: ``period`` itself when it has at least
    ``min_window_days`` days, else the trailing ``min_window_days`` days ending where it ends
    (``period.end_before``: now, for a view that includes today), but never starting before
    the first day with data (``first_day``, default ``data_start``) nor after the period's."""
    model = model or load_model()
    n = model.min_window_days
    if period.days >= n:
        return period
    start = period.end - dt.timedelta(days=n - 1)
    first = first_day if first_day is not None else data_start(warehouse)
    if first is not None and start < first:
        start = max(first, start)
    if start >= period.start:
        return period
    return Period(start, period.end, period.until, "days")


def window_note(period: Period, window: Period, *, model: Model | None = None) -> str | None:
    """What a page says when the window scored is not the period shown (None: it is)."""
    n = (model or load_model()).min_window_days
    if period.days >= n:
        return None
    if window.start < period.start:
        if window.days >= n:
            return f"按近{n}天（{window.label()}）评分（所选时段不足{n}天）"
        return (f"按{window.label()}评分（所选时段不足{n}天，"
                f"数据自{_date_text(window.start)}起）")
    return f"所选时段不足{n}天，此前无数据，按所选时段评分"


def has_data(window: Period, *, warehouse: Path | str | None = None,
             first_day: dt.date | None = None) -> bool:
    """True when ``window`` starts on or after the first day with data."""
    first = first_day if first_day is not None else data_start(warehouse)
    return first is not None and window.start >= first


def _windows(period: Period, model: Model, first: dt.date | None) -> tuple[Period, Period | None]:
    window = scored_window(period, model=model, first_day=first)
    prev = scored_window(window.previous(), model=model, first_day=first)
    return window, (prev if first is not None and has_data(prev, first_day=first) else None)


def previous_window(period: Period, *, warehouse: Path | str | None = None,
                    model: Model | None = None) -> Period | None:
    """The scored window the levels of ``scores(period)`` are compared with: the 环比 of the
    scored window (the same elapsed span before it), itself widened like any scored window;
    None when it starts before the first day with data (上期无数据)."""
    return _windows(period, model or load_model(), data_start(warehouse))[1]


# ------------------------------------------------------------------ scores
def _run(windows: list[Period], communities, warehouse, model: Model | None) -> pd.DataFrame:
    from queries import run_query, run_query_uncached

    model = model or load_model()
    params = {
        **model.params(),
        "period_starts": [p.start_at for p in windows],
        "period_ends": [p.end_before for p in windows],
        "communities": list(communities or []),
    }
    if warehouse is not None:
        return run_query_uncached(QUERY, warehouse, **params)
    # tuples: hashable for the cache
    return run_query(QUERY, **{k: tuple(v) if isinstance(v, list) else v
                               for k, v in params.items()})


def scores(period: Period, communities=None, *, warehouse: Path | str | None = None,
           model: Model | None = None) -> pd.DataFrame:
    """Risk score of every community (or of ``communities``) over ``scored_window(period)``,
    highest first.

    Normalization (min-max, rank) is always across all communities of the county, so a
    community's score does not depend on which others are selected.
    """
    window = scored_window(period, warehouse=warehouse, model=model)
    df = _run([window], communities, warehouse, model)
    return df.drop(columns=["period_no", "period_start"]).reset_index(drop=True)


def monthly_periods(months: int = 12, now: dt.datetime | dt.date | None = None) -> list[Period]:
    """The last ``months`` calendar months up to ``now`` (default ``config.now()``): closed
    months whole, the running month ending at ``now`` (a date: at the end of that day)."""
    now = now or config.now()
    if not isinstance(now, dt.datetime):
        now = dt.datetime.combine(now + dt.timedelta(days=1), dt.time())
        today = now.date() - dt.timedelta(days=1)
    else:
        today = now.date()
    out = []
    y, m = today.year, today.month
    for _ in range(months):
        start = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        out.append(Period(start, nxt - dt.timedelta(days=1), step="month").cut(now))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


def history(communities=None, months: int = 12, *, now: dt.datetime | dt.date | None = None,
            warehouse: Path | str | None = None, model: Model | None = None) -> pd.DataFrame:
    """Monthly scores over the last ``months`` months (``monthly_periods``): the ``scores``
    columns plus ``month`` (first day, a date) and ``window_start`` (the first day scored: a
    running month shorter than ``min_window_days`` is scored like ``scores`` scores it, over
    the trailing window), ordered by month then score."""
    model = model or load_model()
    periods = monthly_periods(months, now)
    first = data_start(warehouse)
    windows = [scored_window(p, model=model, first_day=first) for p in periods]
    df = _run(windows, communities, warehouse, model)
    no = df["period_no"].astype(int) - 1
    df.insert(0, "month", [periods[i].start for i in no])
    df.insert(1, "window_start", [windows[i].start for i in no])
    return df.drop(columns=["period_no", "period_start"]).reset_index(drop=True)


def compare(current: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Per community: level now and before, and ``change`` = 'worse' / 'better' / 'same'.

    ``previous`` None (the previous window has no data, see ``previous_window``): the previous_*
    columns and ``change`` are empty, and ``compared`` is False: no level change is reported.
    """
    if previous is None:
        out = current.copy()
        out["previous_level"] = None
        out["previous_rank"] = float("nan")
        out["previous_score"] = float("nan")
        out["change"] = None
        return out
    prev = previous[["community_code", "level", "level_rank", "score"]].rename(
        columns={"level": "previous_level", "level_rank": "previous_rank",
                 "score": "previous_score"})
    out = current.merge(prev, on="community_code", how="left")
    out["change"] = "same"
    out.loc[out["level_rank"] > out["previous_rank"], "change"] = "worse"
    out.loc[out["level_rank"] < out["previous_rank"], "change"] = "better"
    return out


def compared(changes: pd.DataFrame) -> bool:
    """True when ``changes`` (from ``compare``) holds level changes against a previous window."""
    return "change" in changes and bool(changes["change"].notna().any())


def turned_top(changes: pd.DataFrame, model: Model | None = None) -> pd.DataFrame:
    """The communities that turned to the highest level (新转红色): at it now, below it in the
    previous window. Empty when there is no comparison (``compared`` False)."""
    if not compared(changes):
        return changes.iloc[0:0]
    top = (model or load_model()).levels[-1]
    return changes[(changes["level"] == top.name) & (changes["previous_rank"] < top.rank)]


@dataclass(frozen=True)
class Assessment:
    """The four-color warning of one view, as every consumer shows it."""

    period: Period  # the view asked for
    window: Period  # the window scored (``scored_window``)
    previous: Period | None  # the window compared with; None: 上期无数据
    scores: pd.DataFrame  # ``compare(current, previous)``: one row per community, highest first
    previous_scores: pd.DataFrame | None
    note: str | None  # ``window_note``: say it where the scores are shown

    @property
    def compared(self) -> bool:
        return self.previous is not None

    def previous_name(self, name: str = "上期") -> str:
        """What to call the window compared with: ``name`` (上期, 上周 …) when the view itself
        was scored, else "此前28天" (a widened window is compared with the same span before it,
        not with the view's own previous period)."""
        return name if self.window == self.period else f"此前{self.window.days}天"

    def comparison_text(self, name: str = "上期") -> str:
        """"与上期（…）比较" or 上期无数据，不比较等级变化."""
        if self.previous is None:
            return NO_PREVIOUS.replace("上期", name, 1)
        return f"与{self.previous_name(name)}（{self.previous.label()}）比较"


def assess(period: Period, communities=None, *, warehouse: Path | str | None = None,
           model: Model | None = None) -> Assessment:
    """Scores of ``period`` (over its scored window) compared with the previous window when that
    has data: what the 预警页, the wall and the briefing show."""
    model = model or load_model()
    first = data_start(warehouse)
    window, prev = _windows(period, model, first)
    now = _run([window], communities, warehouse, model)
    now = now.drop(columns=["period_no", "period_start"]).reset_index(drop=True)
    before = None
    if prev is not None:
        before = _run([prev], communities, warehouse, model)
        before = before.drop(columns=["period_no", "period_start"]).reset_index(drop=True)
    return Assessment(period=period, window=window, previous=prev,
                      scores=compare(now, before), previous_scores=before,
                      note=window_note(period, window, model=model))
