"""Typhoon evacuation records (防台转移), one per household, work crew or group.

Calibration (DOMAIN.md "Typhoon evacuation"):
  * people moved per typhoon: ``Typhoon.people`` (3,000–15,000; a 龙港-sized county moves a
    few thousand to a few tens of thousands per typhoon).
  * categories (share of records): 危旧房 32 %, 低洼易涝 27 %, 工棚临房 18 %, 其他 13 %,
    渔船渔排 4 % (more in the coastal, eastern communities; as crews they are ≈ 12 % of the
    people), 景区游客 4 %, 地质灾害隐患点 2 % (龙港 is a coastal plain).
  * records: households of 1–6 people (mean ≈ 2.7); 渔船渔排 records are crews of 5–12
    brought ashore.
  * communities: √population × coastal factor (east = sea) × a low-lying factor.
  * placement: 集中安置 ≈ 60 % (shelters chosen nearest-first among those with room, so the
    shelters' total capacity is roughly respected), otherwise 投亲靠友.
  * timing: notifications go out in batches every 3 hours after the warning starts (fishing
    crews first), transfers follow about 2.5 h later (lognormal), which adds up to an S-curve
    that flattens before landfall; people return about 10 h after the warning is lifted
    (危旧房 households sometimes days later).
  * status for past typhoons: 已返回 ≈ 96 %, 拒绝转移 ≈ 1.2 %, 已转移 (not back yet) ≈ 1 %,
    待转移 residue ≈ 0.6 %. A typhoon still in its window at ``end`` shows the state at the
    end of that day.
  * record_id: typhoon_id + "-" + 6 digits.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from command_center.sample import calendar as cal
from command_center.sample.draws import lognormal, pick, pick_by_group, rng_for
from command_center.sample.geo import Communities
from command_center.sample.names import mobiles, person_names
from command_center.sample.typhoons import Typhoon, known
from command_center.schema import EVACUATION_CATEGORIES, EVACUATIONS

CATEGORY_MIX = {"危旧房": 32, "低洼易涝": 27, "工棚临房": 18, "渔船渔排": 4, "地质灾害隐患点": 2,
                "景区游客": 4, "其他": 13}  # share of records
CENTRAL_SHARE = {"危旧房": 0.55, "低洼易涝": 0.55, "工棚临房": 0.8, "渔船渔排": 0.7,
                 "地质灾害隐患点": 0.6, "景区游客": 0.9, "其他": 0.5}
HOUSEHOLD_SIZES = (22, 30, 22, 14, 8, 4)  # 1..6 people
CREW = (5, 12)
BATCH_HOURS = 3
TRANSFER_DELAY_H = 2.5
RETURN_DELAY_H = 10.0
REFUSED, RESIDUE, STAYING = 0.012, 0.006, 0.01
NEAREST_SHELTERS = 10


def _community_weights(geo: Communities, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = rng_for(seed, "evacuations", "setup")
    span = max(geo.centroid_lon.max() - geo.centroid_lon.min(), 1e-9)
    coastal = np.exp(2.0 * (geo.centroid_lon - geo.centroid_lon.min()) / span)
    low = rng.lognormal(0.0, 0.5, geo.n)
    return np.sqrt(np.maximum(geo.population, 1)) * coastal * low, coastal


def _assign(comm, persons, central, order, ranked, capacity) -> np.ndarray:
    """Nearest shelter with room for each 集中安置 record, in transfer order."""
    left = capacity.astype(np.int64).copy()
    out = np.full(len(comm), -1, dtype=np.int64)
    for i in order:
        if not central[i]:
            continue
        cands = ranked[comm[i]]
        room = np.flatnonzero(left[cands] >= persons[i])
        j = cands[room[0]] if len(room) else (
            int(np.argmax(left)) if left.max() >= persons[i] else cands[0])
        out[i] = j
        left[j] -= persons[i]
    return out


def _one(geo: Communities, t: Typhoon, seed: int, weights: np.ndarray, coastal: np.ndarray,
         shelters: pa.Table, ranked: np.ndarray, as_of: int) -> pa.Table:
    rng = rng_for(seed, "evacuations", t.typhoon_id)
    cats = list(EVACUATION_CATEGORIES)
    guess = int(t.people / 2.0) + 50
    comm = pick(rng, guess, weights * rng.lognormal(0.0, 0.3, geo.n))
    table = np.tile(np.array([CATEGORY_MIX.get(c, 0.0) for c in cats], float), (geo.n, 1))
    table[:, cats.index("渔船渔排")] *= coastal ** 2 / np.mean(coastal ** 2)
    cat = pick_by_group(rng, comm, table)
    boat = cat == cats.index("渔船渔排")
    persons = np.where(boat, rng.integers(CREW[0], CREW[1] + 1, guess),
                       1 + pick(rng, guess, HOUSEHOLD_SIZES))
    n = int(np.searchsorted(np.cumsum(persons), t.people) + 1)
    comm, cat, persons, boat = comm[:n], cat[:n], persons[:n], boat[:n]

    ws = cal.seconds(t.warning_start_at)
    we = cal.seconds(t.warning_end_at)
    tc = cal.seconds(t.critical_at)
    span_batches = max((tc - ws - 4 * cal.HOUR) // (BATCH_HOURS * cal.HOUR), 1)
    share = np.where(boat, rng.beta(1.0, 4.0, n), rng.beta(2.0, 3.0, n))
    batch = np.floor(share * span_batches).astype(np.int64)
    notified = ws + batch * BATCH_HOURS * cal.HOUR + rng.integers(0, 40 * 60, n)
    transferred = notified + lognormal(rng, TRANSFER_DELAY_H * cal.HOUR, 0.7, n).astype(np.int64)
    transferred = np.minimum(transferred, tc - rng.integers(0, 30 * 60, n))
    transferred = np.maximum(transferred, notified + 10 * 60)
    returned = we + lognormal(rng, RETURN_DELAY_H * cal.HOUR, 0.6, n).astype(np.int64)
    late = (cat == cats.index("危旧房")) & (rng.random(n) < 0.2)
    returned = returned + late * rng.integers(cal.DAY, 10 * cal.DAY, n)

    u = rng.random(n)
    refused = u < REFUSED
    residue = (u >= REFUSED) & (u < REFUSED + RESIDUE)
    staying = (u >= REFUSED + RESIDUE) & (u < REFUSED + RESIDUE + STAYING)
    has_notified = notified < as_of
    has_transfer = ~refused & ~residue & (transferred < as_of)
    has_return = has_transfer & ~staying & (returned < as_of)
    status = np.select([refused & has_notified, has_return, has_transfer],
                       ["拒绝转移", "已返回", "已转移"], "待转移")

    central_p = np.array([CENTRAL_SHARE.get(c, 0.6) for c in cats])[cat]
    central = rng.random(n) < central_p
    order = np.argsort(transferred, kind="stable")
    capacity = shelters["capacity"].to_numpy()
    shelter = _assign(comm, persons, central, order, ranked, capacity)
    shelter_ids = pa.array(shelters["shelter_id"].to_pylist(), pa.string())
    planned = pc.if_else(pa.array(shelter >= 0), shelter_ids.take(pa.array(np.maximum(shelter, 0))),
                         pa.scalar(None, pa.string()))

    lon, lat = geo.sample(comm, rng)
    names = person_names(rng, n)
    phones = mobiles(rng, n)

    order = np.lexsort((np.arange(n), notified))
    ids = [f"{t.typhoon_id}-{i + 1:06d}" for i in range(n)]
    return pa.table({
        "record_id": pa.array(ids, pa.string()),
        "typhoon_id": pa.array([t.typhoon_id] * n, pa.string()),
        "category": pa.array(np.array(cats)[cat][order].tolist(), pa.string()),
        "person_count": pa.array(persons[order], pa.int64()),
        "community_code": pa.array(geo.names[comm[order]].tolist(), pa.string()),
        "planned_shelter_id": planned.take(pa.array(order)),
        "placement": pa.array(np.where(central, "集中安置", "投亲靠友")[order].tolist(), pa.string()),
        "status": pa.array(status[order].tolist(), pa.string()),
        "notified_at": pa.array(cal.as_datetime64(notified[order], has_notified[order])),
        "transferred_at": pa.array(cal.as_datetime64(transferred[order], has_transfer[order])),
        "returned_at": pa.array(cal.as_datetime64(returned[order], has_return[order])),
        "contact_name": names.take(pa.array(order)),
        "contact_phone": phones.take(pa.array(order)),
        "lon": pa.array(lon[order]),
        "lat": pa.array(lat[order]),
    })


def generate(geo: Communities, shelters: pa.Table, end: dt.date, seed: int) -> pa.Table:
    weights, coastal = _community_weights(geo, seed)
    s_lon = shelters["lon"].to_numpy()
    s_lat = shelters["lat"].to_numpy()
    ranked = np.argsort(geo.nearest(s_lon, s_lat), axis=1, kind="stable")[:, :NEAREST_SHELTERS]
    as_of = cal.cutoff(end)
    tables = [_one(geo, t, seed, weights, coastal, shelters, ranked, as_of) for t in known(end)]
    if not tables:
        return pa.table({c: pa.array([], pa.string()) for c in EVACUATIONS.column_names})
    return pa.concat_tables(tables)
