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

The model (types, loading, validation, colours) is in ``command_center.risk_model``, all of it
re-exported here. The file is ``risk.toml`` at the repository root, or the path in
``CC_RISK_CONFIG``. It is re-read when it changes. A bad value raises :class:`RiskConfigError` with a Chinese message
naming the key, e.g. ``risk.toml：indicators.incident_rate.weight 必须是 0–100 之间的数字``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from command_center import config
from command_center.periods import Period
from command_center.risk_model import (
    DEFAULT_MIN_WINDOW_DAYS,
    DEFAULT_PATH,
    DIRECTIONS,
    INDICATORS,
    LEVEL_KEYS,
    METHODS,
    Indicator,
    Level,
    Model,
    RiskConfigError,
    column_labels,
    config_path,
    indicator_names,
    legend_items,
    level_color,
    level_colors,
    level_of,
    load_model,
    parse_model,
)

__all__ = ["DATA_START_QUERY", "DEFAULT_MIN_WINDOW_DAYS", "DEFAULT_PATH", "DIRECTIONS",
           "INDICATORS", "LEVEL_KEYS", "METHODS", "NO_PREVIOUS", "QUERY", "Assessment",
           "Indicator", "Level", "Model", "RiskConfigError", "assess", "column_labels", "compare",
           "compared", "config_path", "data_start", "has_data", "history", "indicator_names",
           "legend_items", "level_color", "level_colors", "level_of", "load_model",
           "monthly_periods", "parse_model", "previous_window", "scored_window", "scores",
           "turned_top", "window_note"]

QUERY = "risk/scores_by_community"
STORED_QUERY = "risk/stored_scores"
DATA_START_QUERY = "risk/data_start"
NO_PREVIOUS = "上期无数据，不比较等级变化"


def __getattr__(name: str):
    # ``risk.LEVELS`` always reflects the current file (PEP 562; works with from-imports too)
    if name == "LEVELS":
        return load_model().levels
    raise AttributeError(name)



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
    """Scores of ``windows`` (``period_no`` 1… in their order): a closed month's window stored
    with the warehouse under the same model is read (command_center/risk_store.py), the
    others are computed live by the same query."""
    from command_center import risk_store, rollups
    from queries import run_query, run_query_uncached

    model = model or load_model()

    def run(name, **params):
        if warehouse is not None:
            return run_query_uncached(name, warehouse, **params)
        # tuples: hashable for the cache
        return run_query(name, **{k: tuple(v) if isinstance(v, list) else v
                                  for k, v in params.items()})

    def asked(ws: list[Period]) -> dict:
        return {"period_starts": [p.start_at for p in ws], "period_ends": [p.end_before for p in ws],
                "communities": list(communities or [])}

    stored = None
    if rollups.status(run)["has_risk_scores"]:
        stored = run(STORED_QUERY, **asked(windows), model_key=risk_store.model_key(model))
    done = set() if stored is None else set(stored["period_no"].astype(int))
    todo = [i for i in range(len(windows)) if i + 1 not in done]
    if not todo:
        return stored.reset_index(drop=True)
    # whole days before the roll-ups' cut-off are counted from incidents_daily
    live = run(QUERY, **model.params(), **asked([windows[i] for i in todo]),
               rollup_before=rollups.built_before(run))
    if not done:
        return live
    live["period_no"] = [todo[n - 1] + 1 for n in live["period_no"].astype(int)]
    out = pd.concat([stored, live.astype(stored.dtypes.to_dict(), errors="ignore")],
                    ignore_index=True)
    return out.sort_values(["period_no", "score", "community_code"],
                           ascending=[True, False, True], kind="stable").reset_index(drop=True)


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
