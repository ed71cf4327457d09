"""平安乐巡: volunteer patrol teams (patrol_teams) and their patrol tasks (patrols).

Calibration: the public figures of 鹿城's 平安乐巡 programme (over 200,000 registered users,
1.8 million tasks completed, 131 community teams and 258 school-guard teams, 40 million
points redeemed), scaled to 龙港 by population: 鹿城 ≈ 1.0 million residents, 龙港 465,000,
so a factor of 0.465 (est. throughout).
  * teams: 131 × 0.465 ≈ 61 社区乐巡 (one in each of the most populous communities),
    258 × 0.465 ≈ 120 家长护校 (one per school, spread by population), plus 12 社会组织 and
    10 企业 teams (est.). Founded from March 2020 (the programme's start, est.) on.
  * members: 200,000 × 0.465 ≈ 93,000 registered users across the teams (家长护校 ≈ 500,
    社区乐巡 ≈ 450, the others ≈ 250 a team).
  * tasks: the 1.8 million completed tasks are read as person-tasks (one check-in each)
    over the programme's first three years, i.e. 1.8M × 0.465 / 3 ≈ 280,000 参与人次 a year
    for 龙港; at about 4 participants a patrol that is ≈ 70,000 patrol tasks a year at the
    default 80,000 incidents a year (``TASKS_PER_INCIDENT`` = 0.875: the sample scales the
    patrols with ``incidents_per_year`` so small test samples stay small).
  * points: 40 million points / 1.8 million person-tasks ≈ 22 points a person-task, i.e.
    10 points a person-hour of a completed task (patrols last about 2 h).
  * types: 巡逻 62 %, 护校 24 %, 反诈宣传 9 %, 其他 3 %, 助疫 2 %.
  * rhythm: 巡逻 in the evening (18–22 h, Friday/Saturday higher); 护校 only on school days
    (Mon–Fri, not July/August, not the winter holiday around 春节) at 7 h and 16 h, about an
    hour; 反诈宣传 in daytime, weekends higher.
  * status: nothing is planned after the generator's end moment (like the incidents);
    a task whose planned start is under 30 min before that moment and not yet checked in is
    待开始, one checked in but not out 进行中, 3 % 已取消, the rest 已完成.
  * check-in point: inside the task's community (90 % the team's own), around 4 anchors.
  * task_id "XL" + yyyymmdd + 5-digit sequence of the day; team_id "PT" + 4 digits.
All team names are invented samples.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from command_center.sample import calendar as cal
from command_center.sample.draws import lognormal, pick, rng_for
from command_center.sample.geo import Communities
from command_center.schema import PATROL_STATUSES, PATROL_TYPES

SCALE = 465_000 / 1_000_000  # 龙港 / 鹿城 residents
TEAM_COUNTS = {"社区乐巡": round(131 * SCALE), "家长护校": round(258 * SCALE), "社会组织": 12,
               "企业": 10}
MEAN_MEMBERS = {"社区乐巡": 450, "家长护校": 500, "社会组织": 250, "企业": 250}
PROGRAMME_START = dt.date(2020, 3, 1)
TASKS_PER_INCIDENT = 0.875  # ≈ 70,000 tasks a year at 80,000 incidents a year
TYPE_SHARES = {"巡逻": 62, "护校": 24, "反诈宣传": 9, "助疫": 2, "其他": 3}
POINTS_PER_PERSON_HOUR = 10
CANCELLED_SHARE = 0.03
LATE_START_MIN = 30
OWN_COMMUNITY = 0.9

# planned duration (median hours, sigma) and participants (minimum + Poisson mean)
DURATION = {"巡逻": (2.0, 0.3), "护校": (1.0, 0.2), "反诈宣传": (2.0, 0.3), "助疫": (3.0, 0.3),
            "其他": (1.5, 0.3)}
PARTICIPANTS = {"巡逻": (2, 2.0), "护校": (2, 2.5), "反诈宣传": (3, 3.0), "助疫": (2, 2.0),
                "其他": (2, 1.5)}
# planned start hour profiles (unnormalized)
HOURLY = {
    "巡逻": np.array([0.1, 0, 0, 0, 0, 0, 0.2, 0.4, 0.8, 0.8, 0.6, 0.3, 0.2, 0.3, 0.6, 0.7, 0.6,
                     0.6, 1.6, 3.0, 3.2, 2.2, 0.8, 0.3]),
    "护校": np.array([0, 0, 0, 0, 0, 0, 0.2, 4.0, 0.3, 0, 0, 0.3, 0.3, 0, 0, 0.5, 3.5, 0.2, 0, 0,
                     0, 0, 0, 0]),
    "反诈宣传": np.array([0, 0, 0, 0, 0, 0, 0, 0.2, 1.0, 2.0, 2.0, 0.5, 0.3, 1.0, 2.0, 2.0, 1.0,
                       0.4, 0.6, 0.8, 0.4, 0, 0, 0]),
    "助疫": np.array([0, 0, 0, 0, 0, 0, 0.5, 1.5, 2.0, 2.0, 1.0, 0.5, 0.5, 1.5, 1.5, 1.0, 0.5,
                     0.3, 0.3, 0.2, 0, 0, 0, 0]),
    "其他": np.array([0, 0, 0, 0, 0, 0, 0.2, 0.5, 1.0, 1.2, 1.0, 0.5, 0.3, 1.0, 1.2, 1.0, 0.8,
                     0.6, 0.8, 0.8, 0.5, 0.2, 0, 0]),
}
WEEKDAY = {
    "巡逻": np.array([0.9, 0.9, 0.9, 0.95, 1.15, 1.25, 1.0]),
    "护校": np.array([1, 1, 1, 1, 1, 0, 0.0]),
    "反诈宣传": np.array([0.8, 0.8, 0.8, 0.8, 0.9, 1.5, 1.4]),
    "助疫": np.ones(7),
    "其他": np.ones(7),
}
# which team kinds run which task type (weights over TEAM_KINDS order)
KINDS = tuple(TEAM_COUNTS)
TYPE_KINDS = {"巡逻": (1.0, 0.0, 0.5, 0.4), "护校": (0.0, 1.0, 0.0, 0.0),
              "反诈宣传": (1.0, 0.1, 1.0, 0.5), "助疫": (1.0, 0.0, 0.8, 0.3),
              "其他": (1.0, 0.2, 0.6, 0.6)}
TEAM_SUFFIX = {"社区乐巡": "平安乐巡队", "家长护校": "家长护校队", "社会组织": "平安志愿服务队",
               "企业": "企业护卫队"}
SCHOOLS = ("第一小学", "第二小学", "实验小学", "中心小学", "第一中学", "实验中学", "幼儿园",
           "外国语学校", "新城小学", "江滨小学")
ORG_NAMES = ("蓝天救援", "红十字", "义工联合会", "平安志愿者协会", "青年志愿者协会", "巾帼志愿服务",
             "退役军人志愿服务", "老娘舅调解", "夕阳红志愿", "阳光公益", "心连心公益", "爱心车队")
FIRMS = ("印刷", "包装", "礼品", "塑业", "纸业", "物流", "商贸", "电子", "工艺", "建设")


@dataclass
class Teams:
    table: pa.Table
    kind: np.ndarray  # index into KINDS
    comm: np.ndarray
    weight: np.ndarray  # activity
    founded: np.ndarray  # datetime64[D]


def school_days(ds: np.ndarray) -> np.ndarray:
    """True on school days: Monday–Friday, not July/August, not the winter holiday."""
    month = ds.astype("datetime64[M]").astype(np.int64) % 12 + 1
    ok = (cal.weekday(ds) < 5) & (month != 7) & (month != 8)
    years = ds.astype("datetime64[Y]").astype(np.int64) + 1970
    for year in np.unique(years):
        off = (ds - cal.spring_festival(int(year))).astype(np.int64)
        ok &= ~((off >= -21) & (off <= 18))
    return ok


def teams(geo: Communities, end: dt.date, seed: int) -> Teams:
    rng = rng_for(seed, "patrol_teams")
    pop = geo.population.astype(float) + 1
    kinds, comms, names = [], [], []
    by_pop = np.argsort(-pop, kind="stable")
    for k, kind in enumerate(KINDS):
        n = TEAM_COUNTS[kind]
        if kind == "社区乐巡":
            comm = by_pop[:n]
        else:
            comm = pick(rng, n, pop)
        for j, c in enumerate(comm):
            if kind == "社区乐巡":
                stem = geo.names[c]
            elif kind == "家长护校":
                stem = f"{geo.names[c]}{SCHOOLS[j % len(SCHOOLS)]}"
            elif kind == "社会组织":
                stem = f"龙港市{ORG_NAMES[j % len(ORG_NAMES)]}"
            else:
                stem = f"龙港{FIRMS[j % len(FIRMS)]}{'甲乙丙丁'[j // len(FIRMS) % 4]}"
            kinds.append(k)
            comms.append(int(c))
            names.append(stem)
    kind = np.array(kinds)
    comm = np.array(comms)
    seen: dict[str, int] = {}
    full = []
    for i, stem in enumerate(names):
        name = f"{stem}{TEAM_SUFFIX[KINDS[kind[i]]]}"
        seen[name] = seen.get(name, 0) + 1
        full.append(name if seen[name] == 1 else f"{name}（{seen[name]}）")
    n = len(kind)
    mean = np.array([MEAN_MEMBERS[KINDS[k]] for k in kind], float)
    members = np.clip(np.round(lognormal(rng, mean, 0.35)), 20, 5000).astype(np.int64)
    span = max((end - PROGRAMME_START).days, 1)
    # most teams formed in the programme's first two years, a few recently
    offset = np.minimum(rng.exponential(300, n), span).astype(np.int64)
    founded = np.datetime64(PROGRAMME_START, "D") + offset
    activity = rng.lognormal(0.0, 0.5, n) * np.sqrt(members)
    table = pa.table({
        "team_id": [f"PT{i + 1:04d}" for i in range(n)],
        "team_name": full,
        "kind": [KINDS[k] for k in kind],
        "community_code": pa.array(geo.names[comm].tolist(), pa.string()),
        "member_count": pa.array(members, pa.int64()),
        "founded_on": pa.array(founded),
    })
    return Teams(table, kind, comm, activity, founded)


def _intensity(ds: np.ndarray, per_year: float) -> np.ndarray:
    """(types, hours) expected planned starts."""
    n_days = len(ds)
    lam = np.empty((len(PATROL_TYPES), n_days * 24))
    school = school_days(ds)
    for i, t in enumerate(PATROL_TYPES):
        day = WEEKDAY[t][cal.weekday(ds)] * cal.spring_festival_factor(ds, 0.3)
        if t == "护校":
            day = day * school
        hourly = HOURLY[t] / HOURLY[t].sum()
        lam[i] = np.repeat(day / max(day.mean(), 1e-9), 24) * np.tile(hourly, n_days)
        lam[i] *= TYPE_SHARES[t] / sum(TYPE_SHARES.values())
    total = per_year * n_days / 365.25
    return lam * (total / lam.sum())


def patrols(geo: Communities, team: Teams, end: dt.date, seed: int,
            incidents_per_year: float) -> Iterator[pa.Table]:
    """The tasks a month at a time, each month's in planned-start order: the expected starts
    of every hour are drawn for the whole window, the tasks of each month from a generator of
    their own, so the memory is a month's whatever the scale."""
    rng = rng_for(seed, "patrols")
    start, _ = cal.window(end)
    lam = _intensity(cal.days(start, end), incidents_per_year * TASKS_PER_INCIDENT)
    counts = rng.poisson(lam)
    anchors = geo.make_anchors(rng, k=4, sigma_m=(60.0, 200.0))
    weights = [np.array(TYPE_KINDS[t])[team.kind] * team.weight for t in PATROL_TYPES]
    founded_day = (team.founded - np.datetime64(start, "D")).astype(np.int64)
    as_of = cal.cutoff(end)
    for year, month, first, last in cal.months(start, end):
        h0, h1 = (first - start).days * 24, ((last - start).days + 1) * 24
        yield _month(geo, team, counts[:, h0:h1], cal.seconds(first),
                     rng_for(seed, "patrols", year, month), anchors, weights,
                     founded_day - (first - start).days, as_of)


def _month(geo: Communities, team: Teams, counts: np.ndarray, t0: int,
           rng: np.random.Generator, anchors, weights, founded_day: np.ndarray,
           as_of: int) -> pa.Table:
    """One month's tasks from its (types, hours) counts; ``t0``: local seconds of its first
    hour; ``founded_day``: each team's founding day counted from the month's first."""
    n_types, n_h = counts.shape
    flat = counts.ravel()
    typ = np.repeat(np.repeat(np.arange(n_types), n_h), flat)
    hour = np.repeat(np.tile(np.arange(n_h), n_types), flat)
    n = len(typ)
    # planned starts on the hour or half hour
    planned = t0 + hour.astype(np.int64) * cal.HOUR + rng.integers(0, 2, n) * 1800
    order = np.argsort(planned, kind="stable")
    planned, typ = planned[order], typ[order]
    day_idx = (planned - t0) // cal.DAY

    # a team per task among the kinds that run its type, by activity, founded before the day
    team_idx = np.empty(n, dtype=np.int64)
    for i in range(n_types):
        sel = np.flatnonzero(typ == i)
        if len(sel):
            team_idx[sel] = pick(rng, len(sel), weights[i])
    keep = day_idx >= founded_day[team_idx]
    planned, typ, team_idx = planned[keep], typ[keep], team_idx[keep]
    n = len(planned)

    own = rng.random(n) < OWN_COMMUNITY
    other = pick(rng, n, geo.population.astype(float) + 1)
    comm = np.where(own, team.comm[team_idx], other)
    lon, lat = geo.sample(comm, rng, anchors, 0.8)

    med = np.array([DURATION[t][0] for t in PATROL_TYPES])[typ]
    sig = np.array([DURATION[t][1] for t in PATROL_TYPES])[typ]
    planned_h = np.clip(np.round(lognormal(rng, med, sig) * 2) / 2, 0.5, 6.0)
    planned_end = planned + (planned_h * cal.HOUR).astype(np.int64)
    started = planned + np.round(rng.normal(0, 8, n) * 60).astype(np.int64)
    actual_h = planned_h * np.clip(rng.lognormal(0.0, 0.15, n), 0.6, 1.6)
    ended = started + (actual_h * cal.HOUR).astype(np.int64)
    low = np.array([PARTICIPANTS[t][0] for t in PATROL_TYPES])[typ]
    mean = np.array([PARTICIPANTS[t][1] for t in PATROL_TYPES])[typ]
    people = low + rng.poisson(mean)

    cancelled = rng.random(n) < CANCELLED_SHARE
    not_started = (started >= as_of) | (planned >= as_of)
    status = np.where(cancelled, 3, np.where(not_started, 0, np.where(ended >= as_of, 1, 2)))
    has_start = (status == 1) | (status == 2)
    done = status == 2
    points = np.where(done, np.round(people * actual_h * POINTS_PER_PERSON_HOUR), 0)

    day = planned // cal.DAY
    first_of_day = np.searchsorted(day, day, side="left")
    seq = np.arange(n) - first_of_day + 1
    ts = pa.array(cal.as_datetime64(planned))
    ids = pc.binary_join_element_wise(
        "XL", pc.strftime(ts, format="%Y%m%d"),
        pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 5, "0"), "")
    table = pa.table({
        "task_id": ids,
        "team_id": team.table["team_id"].take(pa.array(team_idx)),
        "patrol_type": pa.array(list(PATROL_TYPES)).take(pa.array(typ)),
        "community_code": pa.array(geo.names, pa.string()).take(pa.array(comm)),
        "planned_start_at": ts,
        "planned_end_at": pa.array(cal.as_datetime64(planned_end)),
        "started_at": pa.array(cal.as_datetime64(started, has_start)),
        "ended_at": pa.array(cal.as_datetime64(ended, done)),
        "lon": pa.array(np.where(has_start, lon, np.nan), from_pandas=True),
        "lat": pa.array(np.where(has_start, lat, np.nan), from_pandas=True),
        "participant_count": pa.array(people.astype(np.int64)),
        "points_awarded": pa.array(points.astype(np.int64)),
        "status": pa.array(list(PATROL_STATUSES)).take(pa.array(status)),
    })
    # nothing planned after the sample's moment; a task not yet begun 30 min after its
    # planned start would have been checked in (or cancelled) by then
    late = (planned < as_of - LATE_START_MIN * 60) & (status == 0)
    return table.filter(pa.array((planned < as_of) & ~late))
