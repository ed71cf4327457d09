"""四色预警 scores of closed months, computed when the warehouse is written.

``build(con, now)`` scores every calendar month that had ended by ``now`` (at most
``MONTHS`` of them, back to the first day with data) with the model in force, by the very query
a page runs (``queries/risk/scores_by_community.sql``), over the window a page would score
(``risk.scored_window``), and keeps the rows in ``risk_scores_monthly`` with the window's
bounds and the model's key. ``risk._run`` then reads a window found there with the same key and
computes only the others (the running month, a partial 环比 window) live: the same numbers,
since the same SQL ran over the same records. A changed ``risk.toml`` changes the key, so
its scores are computed live until the next write of the warehouse.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

TABLE = "risk_scores_monthly"
MONTHS = 36  # closed months kept (history shows 12)


def model_key(model) -> str:
    """A digest of the model's parameters: stored scores are read only under the same model."""
    text = json.dumps(model.params(), ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def closed_windows(first_day: dt.date, before: dt.date, model) -> list:
    """The scored windows of the calendar months from ``first_day``'s month that ended by
    ``before`` (midnight), the last ``MONTHS`` of them."""
    from command_center.periods import Period
    from command_center.risk import scored_window

    out = []
    y, m = before.year, before.month
    while len(out) < MONTHS:
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)  # the month before (y, m)
        start = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        if nxt <= first_day:
            break
        out.append(scored_window(Period(start, nxt - dt.timedelta(days=1), step="month"),
                                 model=model, first_day=first_day))
    return out[::-1]


def build(con, now: dt.datetime) -> None:
    """(Re)write ``risk_scores_monthly`` on the writer's connection ``con``; without a usable
    model (no file, a broken one) the table is left out and every window is scored live."""
    from command_center import risk
    from queries import sql_text

    con.execute(f"drop table if exists {TABLE}")
    try:
        model = risk.load_model()
    except risk.RiskConfigError:
        return
    first = con.execute(sql_text(risk.DATA_START_QUERY)).fetchone()[0]
    if first is None:
        return
    windows = closed_windows(first, now.date().replace(day=1), model)
    if not windows:
        return
    # from the records (rollup_before null): the stored scores are the plain reference
    params = {**model.params(), "rollup_before": None,
              "period_starts": [w.start_at for w in windows],
              "period_ends": [w.end_before for w in windows], "communities": []}
    con.execute(f"create table {TABLE} as "
                f"with scored as ({sql_text(risk.QUERY)}) "
                f"select s.* exclude (period_no), "
                f"$period_ends[s.period_no]::timestamp as period_end, "
                f"'{model_key(model)}' as model_key from scored s", params)
