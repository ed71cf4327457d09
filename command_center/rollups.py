"""Roll-ups written with the warehouse: small tables the pages read instead of every record.

Each roll-up has a partition column (``day`` or ``month``) and ``community_code``, so the query
runner's scope views (queries/__init__.py ``_open``) limit it to a viewer's communities like any
table. ``rollup_select(name, source, partitions)`` is the SELECT computing a roll-up's rows from a
relation with the dataset's columns (e.g. ``incidents``), for every partition or only those the
SQL subquery ``partitions`` returns (an import can recompute the partitions it touched);
``build_rollups(con)`` (re)creates all of them, the four-color scores of closed months, and
records the build moment in ``meta`` (``rollups_built_at``).

- ``incidents_daily``: incidents by reported day × community × category × status × source
  (the status as exported: the page's status filter and bars use it, not the state at a
  moment). A window reads a day from it only when the day was complete before the roll-up was
  built and lies whole inside the window (so before the window's end, which is at most now);
  its other days (today, the part of a day before now, days after the build) come from the
  records (``queries/incidents/_trend_rows.sql``), so both ways give the same number.
- ``incident_subcategories_monthly``: incidents by month × community × category × subcategory
  (the cascading filter of 警情事件 reads the whole warehouse from it).

Handling-time medians and 90th percentiles are not rolled up: a histogram gives only an
approximation, and the exact value needs the records. ``queries/incidents/totals.sql`` finds it
in two passes instead (a bucket count, then the values of the one bucket holding the rank).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

BUILT_AT_KEY = "rollups_built_at"
RISK_TABLE = "risk_scores_monthly"


@dataclass(frozen=True)
class Rollup:
    name: str  # table
    dataset: str  # the warehouse table it is computed from
    partition: str  # "day" or "month"
    partition_expr: str  # the partition of a source row (SQL over the dataset's columns)
    select: str  # SELECT body after the partition: "<columns> from {source} {where} group by all"


_DAY = "cast(reported_at as date)"
_MONTH = "cast(date_trunc('month', reported_at) as date)"

ROLLUPS: dict[str, Rollup] = {r.name: r for r in (
    Rollup(
        "incidents_daily", "incidents", "day", _DAY,
        """community_code, category, status, source,
    count(*) as incident_count
from {source}
{where}
group by all""",
    ),
    Rollup(
        "incident_subcategories_monthly", "incidents", "month", _MONTH,
        """community_code, category, subcategory,
    count(*) as incident_count
from {source}
where subcategory is not null {and_where}
group by all""",
    ),
)}


def rollup_select(name: str, source: str, partitions: str | None) -> str:
    """The SELECT computing roll-up ``name``'s rows from ``source`` (a table or view with the
    dataset's columns), limited to the partition values the SQL subquery ``partitions`` returns
    when given (``None``: every partition)."""
    r = ROLLUPS[name]
    cond = f"{r.partition_expr} in ({partitions})" if partitions else ""
    body = r.select.format(source=source, where=f"where {cond}" if cond else "",
                           and_where=f"and {cond}" if cond else "")
    return f"select\n    {r.partition_expr} as {r.partition},\n    {body}"


def build_rollups(con, now: dt.datetime | None = None) -> None:
    """(Re)create every roll-up from the warehouse's tables, then the four-color scores of the
    closed months, and record the moment in ``meta`` (``rollups_built_at``)."""
    from command_center.warehouse import now_local, set_meta

    now = now or now_local()
    for r in ROLLUPS.values():
        con.execute(f"create or replace table {r.name} as "
                    f"{rollup_select(r.name, r.dataset, None)} order by {r.partition}")
    from command_center import risk_store

    risk_store.build(con, now)
    set_meta(con, **{BUILT_AT_KEY: now.isoformat(sep=" ")})


def status(run=None) -> dict:
    """``built_at`` (when the roll-ups were written; None: the warehouse has none, read the
    records) and ``has_risk_scores`` (closed months' four-color scores are stored)."""
    if run is None:
        from queries import run_query as run
    row = run("shared/rollups_built").iloc[0]
    value = row["built_at"]
    at = None if value is None or value != value else dt.datetime.fromisoformat(str(value))
    return {"built_at": at, "has_risk_scores": bool(row["has_risk_scores"])}


def built_before(run=None) -> dt.datetime | None:
    """The first moment the incident roll-ups do not cover: midnight of their build day
    (None: no roll-ups)."""
    at = status(run)["built_at"]
    return None if at is None else dt.datetime.combine(at.date(), dt.time())


# the page filters of queries/incidents an incidents_daily row cannot answer, and their open value
_NOT_ROLLED = {"subcategories": (), "severities": (), "weekdays": (), "min_hour": 0,
               "max_hour": 23, "q": ""}


def _open(value, default) -> bool:
    return (not value) if isinstance(default, tuple) else (value or default) == default


def incident_trend(run, **params):
    """queries/incidents/incidents_by_period (same parameters), read from the roll-up for the
    days it covers when the page filters allow it (none on subcategory, severity, weekday, hour
    or text), else from the records."""
    if run is None:
        from queries import run_query as run
    before = built_before(run)
    if before is None or not all(_open(params.get(k), d) for k, d in _NOT_ROLLED.items()):
        return run("incidents/incidents_by_period", **params)
    return run("incidents/incidents_by_period_rollup", **params, rollup_before=before)


def subcategories(run=None):
    """queries/incidents/subcategories_by_category, from the roll-up when there is one."""
    if run is None:
        from queries import run_query as run
    return run("incidents/subcategories_by_category_rollup" if built_before(run) is not None
               else "incidents/subcategories_by_category")
