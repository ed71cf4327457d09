"""Everything a briefing says, fetched by named queries for one period (the only impure part).

``fetch`` runs the queries and returns a ``BriefingData`` of plain values and small frames;
``content.build`` turns it into sentences and tables without touching the warehouse.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from command_center import config, headline
from command_center.briefing import periods as bp
from command_center.periods import Period

OVERDUE_LIST = 10  # overdue disputes listed by name in 需关注事项


@dataclass
class BriefingData:
    kind: str  # week / month / quarter / custom
    period: Period
    previous: Period  # 环比
    year_ago: Period  # 同比
    county: str
    communities: tuple[str, ...]  # empty = the whole county
    community_names: dict[str, str]
    generated_at: dt.datetime
    incidents_first_on: dt.date | None  # first day with data (None: no data at all)
    disputes_first_on: dt.date | None
    incidents: dict  # incident_count, previous_count, year_ago_count, open_count
    incidents_by_category: pd.DataFrame
    incidents_by_day: pd.DataFrame
    community_category: pd.DataFrame
    by_community: pd.DataFrame
    disputes: dict  # dispute_count, previous_count, year_ago_count, success_rate, ...
    dispute_backlog: dict  # open_count, overdue_count (at the period's end)
    disputes_by_type: pd.DataFrame
    overdue_disputes: pd.DataFrame
    orgs: dict  # org_count, previous_count, new_count
    org_credit: dict  # abnormal_count, dishonest_count, newly_listed_count
    credit_listings: pd.DataFrame
    typhoons: pd.DataFrame
    typhoon_communities: dict[str, pd.DataFrame] = field(default_factory=dict)
    # 平安乐巡: done_count, participant_count and their year_ago_ values; patrols_first_on
    # None = no patrol data at all (the sentence is left out)
    patrols: dict = field(default_factory=dict)
    patrols_first_on: dt.date | None = None
    risk_now: pd.DataFrame | None = None  # risk.assess(...).scores; None: no model
    risk_assessment: object | None = None  # risk.Assessment (window, previous, note)
    risk_error: str | None = None


def _runner(warehouse: Path | None):
    if warehouse is None:
        from queries import run_query

        return run_query

    from queries import run_query_uncached

    return lambda name, **params: run_query_uncached(name, Path(warehouse), **params)


def fetch(kind: str, period: Period, communities=(), *, warehouse: Path | str | None = None,
          now: dt.datetime | None = None) -> BriefingData:
    """Run the briefing's queries for ``period`` (``warehouse``: run uncached on that file,
    for the command line; None: the page's cached runner on the configured warehouse)."""
    run = _runner(Path(warehouse) if warehouse else None)
    communities = list(communities or [])
    prev = bp.previous(kind, period)
    ya = period.year_ago()
    window = {**period.params(), **prev.params("prev_"), **ya.params("ya_"),
              "communities": communities}
    span = {**period.params(), "communities": communities}

    names = run("shared/communities")
    cover = headline.coverage(run)
    inc = headline.compared("incidents", run, period.with_step(prev.step), communities,
                            cover.incidents)
    dis = headline.compared("disputes", run, period.with_step(prev.step), communities,
                            cover.disputes)
    org = headline.orgs(run, period, communities)
    pat = headline.compared("patrols", run, period.with_step(prev.step), communities,
                            cover.patrols)
    typhoons = run("overview/evacuation_by_typhoon", **span)
    typhoon_communities = {
        str(t): run("typhoon/progress_by_community", typhoon_id=str(t), communities=communities)
        for t in typhoons["typhoon_id"]
    }

    risk_now, risk_error, risk_assessment = None, None, None
    from command_center import risk

    try:
        wh = Path(warehouse) if warehouse else None
        risk_assessment = risk.assess(period, communities, warehouse=wh)
        risk_now = risk_assessment.scores
    except risk.RiskConfigError as exc:
        if risk.config_path().exists():
            risk_error = str(exc)
        # no model file: the county has no four-color warning, the section is left out

    return BriefingData(
        kind=kind,
        period=period,
        previous=prev,
        year_ago=ya,
        county=str(config.get("county", "name", "")),
        communities=tuple(communities),
        community_names=dict(zip(names["community_code"], names["community_name"],
                                 strict=True)),
        generated_at=(now or config.now()).replace(microsecond=0),
        incidents_first_on=cover.incidents_first_on,
        disputes_first_on=cover.disputes_first_on,
        incidents={"incident_count": inc.now.get("incident_count"),
                   "previous_count": inc.get("incident_count")[2],
                   "year_ago_count": inc.get("incident_count")[1],
                   "open_count": inc.now.get("unclosed_count")},
        incidents_by_category=run("briefing/incidents_by_category", **window),
        incidents_by_day=run("overview/incidents_by_day", **span),
        community_category=run("briefing/incidents_by_community_category", **window),
        by_community=run("briefing/figures_by_community", **window),
        disputes={"dispute_count": dis.now.get("dispute_count"),
                  "previous_count": dis.get("dispute_count")[2],
                  "year_ago_count": dis.get("dispute_count")[1],
                  "success_rate": dis.now.get("success_rate"),
                  "concluded_count": dis.now.get("concluded_count"),
                  "success_count": dis.now.get("success_count"),
                  "year_ago_success_rate": dis.get("success_rate")[1],
                  "year_ago_concluded_count": dis.get("concluded_count")[1]},
        dispute_backlog={"open_count": dis.now.get("open_at_end_count"),
                         "overdue_count": dis.now.get("overdue_at_end_count")},
        disputes_by_type=run("briefing/disputes_by_type", **period.params(), **ya.params("ya_"),
                             communities=communities),
        overdue_disputes=run("briefing/overdue_disputes", end=period.end_before,
                             communities=communities, limit=OVERDUE_LIST),
        orgs={"org_count": org.get("registered_count"), "new_count": org.get("new_count")},
        org_credit={"abnormal_count": org.get("abnormal_count"),
                    "dishonest_count": org.get("dishonest_count")},
        credit_listings=run("briefing/credit_listings", **span),
        typhoons=typhoons,
        typhoon_communities=typhoon_communities,
        risk_now=risk_now,
        risk_assessment=risk_assessment,
        risk_error=risk_error,
        patrols={"done_count": pat.now.get("done_count"),
                 "year_ago_done_count": pat.get("done_count")[1],
                 "participant_count": pat.now.get("participant_count"),
                 "year_ago_participant_count": pat.get("participant_count")[1]},
        patrols_first_on=cover.patrols_first_on,
    )
