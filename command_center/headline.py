"""The headline figures of a window, fetched the same way for every surface.

一张图, the 大屏 and the 工作简报 ask here; 警情事件, 矛盾纠纷, 社会组织 and 平安乐巡 run the very same
queries with their page filters added. So a figure of the registry (``command_center.figures``)
has one query behind it, and the same window gives the same number everywhere.

``run`` is a query runner (``queries.run_query`` on a page, ``run_query_uncached`` bound to a
file for the command line). Each headline query figures several windows at once (this
period, 环比 and 同比 in one query: ``rows``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from command_center.periods import Period

# the page filters of queries/incidents, queries/disputes and queries/social_orgs, all open
ALL_INCIDENTS = {"sources": [], "categories": [], "subcategories": [], "severities": [],
                 "statuses": [], "weekdays": [], "min_hour": 0, "max_hour": 23, "q": ""}
ALL_DISPUTES = {"dispute_types": [], "sources": [], "channels": [], "statuses": [],
                "risk_levels": [], "org_ids": []}
ALL_ORGS = {"legal_forms": [], "categories": [], "ratings": [], "credit_statuses": [],
            "party_flags": [], "statuses": [], "min_year": 0, "max_year": 9999}

Runner = Callable[..., pd.DataFrame]
# the value of a comparison window the data does not cover: "无可比数据", never a fall to zero
NO_DATA = float("nan")


def _row(df: pd.DataFrame) -> dict:
    if df.empty:
        return {}
    return {k: (None if pd.isna(v) else v) for k, v in df.iloc[0].to_dict().items()}


# each topic's headline query (several windows at once) and its page filters, all open
TOPICS = {"incidents": ("incidents/totals_by_period", ALL_INCIDENTS),
          "disputes": ("disputes/totals", ALL_DISPUTES),
          "orgs": ("social_orgs/org_summary", ALL_ORGS),
          "patrols": ("patrols/totals", {"patrol_types": []})}


def frames(run: Runner, name: str, periods: list[Period], **params) -> list[pd.DataFrame]:
    """A query that figures several windows at once ($period_starts / $period_ends, its rows
    numbered period_no from 1 by window), run once: each window's rows, in ``periods``' order."""
    df = run(name, period_starts=[p.start_at for p in periods],
             period_ends=[p.end_before for p in periods], **params)
    return [df[df["period_no"] == i].drop(columns="period_no").reset_index(drop=True)
            for i in range(1, len(periods) + 1)]


def rows(run: Runner, name: str, periods: list[Period], **params) -> list[dict]:
    """``frames`` of a query with one row per window: that row of each window."""
    return [_row(df) for df in frames(run, name, periods, **params)]


def figures(topic: str, run: Runner, periods: list[Period], communities=()) -> list[dict]:
    """A topic's headline figures (``TOPICS``) for each window, no page filter, one query."""
    name, everything = TOPICS[topic]
    return rows(run, name, periods, communities=list(communities), **everything)


def incidents(run: Runner, period: Period, communities=()) -> dict:
    """The incident figures of the window, no page filter."""
    return figures("incidents", run, [period], communities)[0]


def disputes(run: Runner, period: Period, communities=()) -> dict:
    """The dispute figures of the window, no page filter."""
    return figures("disputes", run, [period], communities)[0]


def orgs(run: Runner, period: Period, communities=()) -> dict:
    """The register's figures for the window, the whole register."""
    return figures("orgs", run, [period], communities)[0]


def patrols(run: Runner, period: Period, communities=()) -> dict:
    """The 平安乐巡 figures of the window, every task type."""
    return figures("patrols", run, [period], communities)[0]


def patrols_active(run: Runner, at: dt.datetime, communities=()) -> dict:
    """Tasks under way and people on patrol at ``at`` (queries/patrols/active_now)."""
    return _row(run("patrols/active_now", end=at, communities=list(communities)))


def today(run: Runner, now: dt.datetime, communities=()) -> dict:
    """今日警情 and its baseline (queries/incidents/today_vs_baseline)."""
    return _row(run("incidents/today_vs_baseline", now=now, communities=list(communities)))


def open_incidents(run: Runner, at: dt.datetime, communities=()) -> int:
    """在办警情 at ``at`` (queries/incidents/open_count)."""
    return int(_row(run("incidents/open_count", end=at,
                        communities=list(communities))).get("open_count") or 0)


@dataclass(frozen=True)
class Coverage:
    """The first moment each dataset has records: a comparison window that starts before it
    has no data (无可比数据), rather than zero."""

    incidents_first_on: dt.date | None
    disputes_first_on: dt.date | None
    patrols_first_on: dt.date | None = None

    @staticmethod
    def _covers(first_on: dt.date | None, period: Period) -> bool:
        return first_on is not None and first_on <= period.start

    def incidents(self, period: Period) -> bool:
        return self._covers(self.incidents_first_on, period)

    def disputes(self, period: Period) -> bool:
        return self._covers(self.disputes_first_on, period)

    def patrols(self, period: Period) -> bool:
        return self._covers(self.patrols_first_on, period)


def coverage(run: Runner) -> Coverage:
    row = _row(run("shared/data_coverage"))

    def day(v):
        return None if v is None else pd.Timestamp(v).date()

    return Coverage(day(row.get("incidents_first_on")), day(row.get("disputes_first_on")),
                    day(row.get("patrols_first_on")))


@dataclass(frozen=True)
class Compared:
    """One fetch for a window, its 环比 window and its 同比 window; a comparison window the
    data does not cover is None."""

    now: dict
    previous: dict | None
    year_ago: dict | None

    def get(self, column: str):
        """(now, year_ago, previous) values of a column, NO_DATA where the data does not cover
        the comparison window."""
        return (self.now.get(column),
                NO_DATA if self.year_ago is None else self.year_ago.get(column),
                NO_DATA if self.previous is None else self.previous.get(column))


def windows(run: Runner, name: str, period: Period, covered, *more: Period,
            **params) -> tuple:
    """A page's own figures (``name``: a query of several windows, see ``rows``, with the
    page's filters ``params``) for ``period``, a year ago and the period before, in one query:
    (this period's row, the year-ago row, the previous row, then the rows of ``more``), ``{}``
    for a comparison window the data does not reach (``covered(period) -> bool``)."""
    ya, prev = period.year_ago(), period.previous()
    now, ya_row, prev_row, *rest = rows(run, name, [period, ya, prev, *more], **params)
    return (now, ya_row if covered(ya) else {}, prev_row if covered(prev) else {}, *rest)


def comparisons(now, year_ago, previous, column: str, n_column: str | None = None) -> dict:
    """``kpi`` keyword arguments for a page's own rows (``{}`` for a window the data does not
    cover): the 同比/环比 values of ``column``, and the case counts in ``n_column``."""
    out = {"year_ago": year_ago.get(column, NO_DATA), "previous": previous.get(column, NO_DATA)}
    if n_column:
        out |= {"n": now[n_column], "n_year_ago": year_ago.get(n_column),
                "n_previous": previous.get(n_column)}
    return out


def compared(topic: str, run: Runner, period: Period, communities, covered) -> Compared:
    """A topic's figures (``TOPICS``) for the period and its comparisons, in one query;
    ``covered(period) -> bool`` says whether the data reaches back to a comparison window."""
    prev, ya = period.previous(), period.year_ago()
    now_row, prev_row, ya_row = figures(topic, run, [period, prev, ya], communities)
    return Compared(now_row, prev_row if covered(prev) else None,
                    ya_row if covered(ya) else None)
