"""Disputes received for mediation (矛盾纠纷调处).

Calibration (DOMAIN.md "Disputes"):
  * 6,000 a year: about 13 mediations per 1,000 residents × 465k (est.); same window as the
    incidents (1 January two years before ``end`` … ``end``); not scaled by
    ``incidents_per_year``.
  * type mix: 损害赔偿 25 %, 合同 14 %, 邻里 12 %, 婚姻家庭 10 % (one county quarter), the
    remaining 39 % spread over the other types (道路交通事故 7, 劳动争议 7, 房屋宅基地 5, …).
    劳动争议 (wage arrears) triples in the month before 春节.
  * received in office hours on working days mostly; Spring Festival dip.
  * channels: 人民调解 most, 品牌调解室, 行业专业调解 (traffic, medical, labour, property,
    consumer disputes), 警调联动 (110 transfers), 诉调对接 (court referrals), 律师调解.
    ``mediator_org_id`` is a category-调解 social organization for 人民调解 / 行业专业调解 /
    品牌调解室 cases, empty otherwise.
  * 化解时限: deadline_on = received + 15, 20 or 30 days by type; ordinary cases close within
    it (lognormal, median about 5 days); about 4 % are hard cases that overrun it by about
    45 days on average, which leaves some tens of open overdue cases at any time.
  * success 调解成功 / closed ≈ 96–97 % (Zhejiang county centres report 95–99 %).
  * risk: 蓝 ≈ 53 %, 黄 ≈ 38 %, 橙 ≈ 7 %, 红 ≈ 2 %; higher for many parties, group types and
    repeat disputes.
  * about 3 % are repeats: same parties, community and type 10–90 days after an earlier case.
  * amount_yuan for money disputes (lognormal by type); parties_count 2–5.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from command_center.sample import calendar as cal
from command_center.sample.draws import lognormal, pick, pick_by_row, rng_for
from command_center.sample.geo import Communities
from command_center.sample.names import person_names
from command_center.sample.orgs import Orgs
from command_center.schema import (
    DISPUTE_SOURCES,
    DISPUTE_TYPES,
    MEDIATION_CHANNELS,
    RISK_LEVELS,
)

DISPUTES_PER_YEAR = 6_000
TYPE_MIX = {
    "婚姻家庭": 10, "邻里": 12, "房屋宅基地": 5, "合同": 14, "生产经营": 4, "损害赔偿": 25,
    "山林土地": 1, "征地拆迁": 1, "环境污染": 1, "劳动争议": 7, "消费": 3, "医疗": 2,
    "道路交通事故": 7, "物业": 4, "其他": 4,
}
SOURCE_MIX = {"群众来访": 30, "110转办": 18, "12345转办": 12, "网格排查": 20, "法院委派": 8,
              "部门移交": 8, "其他": 4}
# channel weights (人民调解, 行业专业调解, 品牌调解室, 警调联动, 诉调对接, 律师调解)
CHANNEL_BASE = (52, 8, 16, 8, 6, 10)
INDUSTRY_TYPES = ("道路交通事故", "医疗", "劳动争议", "物业", "消费")
DEADLINE_DAYS = {"邻里": 15, "消费": 15, "物业": 15, "婚姻家庭": 20, "其他": 20}  # else 30
MEDIAN_DAYS = {"邻里": 3.0, "消费": 3.0, "物业": 4.0, "婚姻家庭": 5.0, "损害赔偿": 6.0,
               "合同": 8.0, "劳动争议": 6.0, "医疗": 10.0, "征地拆迁": 12.0, "山林土地": 10.0}
HARD_SHARE = 0.04
HARD_OVERRUN_DAYS = 45.0
# outcome weights among closed cases (调解成功, 调解不成功, 已转诉讼, 已撤回)
OUTCOME_NORMAL = (97.6, 1.0, 0.6, 0.8)
OUTCOME_HARD = (72.0, 12.0, 14.0, 2.0)
AMOUNT_MEDIAN = {"损害赔偿": 8_000, "合同": 50_000, "劳动争议": 15_000, "道路交通事故": 20_000,
                 "消费": 2_000, "医疗": 60_000, "生产经营": 80_000, "房屋宅基地": 30_000,
                 "物业": 3_000, "征地拆迁": 120_000, "婚姻家庭": 50_000}
AMOUNT_SHARE = {"婚姻家庭": 0.3, "房屋宅基地": 0.6, "物业": 0.8}  # else 1.0 for money types
RISK_BASE = (1.5, 5.5, 35.0, 58.0)  # 红, 橙, 黄, 蓝
REPEAT_SHARE = 0.03


def generate(geo: Communities, orgs: Orgs, end: dt.date, seed: int,
             hotness: np.ndarray | None = None) -> pa.Table:
    rng = rng_for(seed, "disputes")
    start, _ = cal.window(end)
    ds = cal.days(start, end)
    types = list(DISPUTE_TYPES)
    t_idx = {t: i for i, t in enumerate(types)}
    mix = np.array([TYPE_MIX.get(t, 0.0) for t in types], dtype=np.float64)
    mix /= mix.sum()

    # expected counts per (type, day)
    day_w = cal.day_factor(ds, cal.WEEKDAY_OFFICE, 0.05, 0.5)
    lam = mix[:, None] * day_w[None, :]
    offset = np.full(len(ds), 999)
    for y in range(start.year - 1, end.year + 2):
        offset = np.minimum(offset, np.abs((ds - cal.spring_festival(y)).astype(np.int64) + 15))
    lam[t_idx["劳动争议"]] *= 1 + 2.0 * (offset <= 15)  # month before 春节
    n_base = DISPUTES_PER_YEAR * len(ds) / 365.25 * (1 - REPEAT_SHARE)
    lam *= n_base / lam.sum()
    counts = rng.poisson(lam)
    typ = np.repeat(np.repeat(np.arange(len(types)), len(ds)), counts.ravel())
    day = np.repeat(np.tile(np.arange(len(ds)), len(types)), counts.ravel())
    n = len(typ)
    hour = pick(rng, n, cal.HOURLY_OFFICE)
    received = (cal.seconds(start) + day * cal.DAY + hour * cal.HOUR
                + rng.integers(0, cal.HOUR, n)).astype(np.int64)

    w = geo.population + 0.3 * geo.floating
    if hotness is not None:
        w = w * np.sqrt(hotness)
    w = w * rng.lognormal(0, 0.3, geo.n)
    comm = pick(rng, n, w)
    parties = 2 + pick(rng, n, [72, 14, 8, 6])
    group_types = np.isin(typ, [t_idx[t] for t in ("劳动争议", "征地拆迁", "环境污染", "物业")])
    parties = np.where(group_types & (rng.random(n) < 0.4), np.minimum(parties + 2, 5), parties)
    names = [person_names(rng, n) for _ in range(5)]
    for j in range(2, 5):
        names[j] = pc.if_else(pa.array(parties > j), names[j], pa.scalar(None, pa.string()))
    party_names = pc.binary_join_element_wise(*names, "、", null_handling="skip")
    lon, lat = geo.sample(comm, rng)

    # repeats: same parties, community, type and place, 10–90 days later
    n_rep = int(round(n * REPEAT_SHARE / (1 - REPEAT_SHARE)))
    src = np.sort(rng.choice(n, size=n_rep, replace=False))
    rep_received = received[src] + rng.integers(10 * cal.DAY, 90 * cal.DAY, n_rep)
    keep = rep_received < cal.cutoff(end)
    src, rep_received = src[keep], rep_received[keep]
    is_repeat = np.concatenate([np.zeros(n, bool), np.ones(len(src), bool)])
    typ = np.concatenate([typ, typ[src]])
    received = np.concatenate([received, rep_received])
    comm = np.concatenate([comm, comm[src]])
    parties = np.concatenate([parties, parties[src]])
    party_names = pa.concat_arrays([party_names, party_names.take(pa.array(src))])
    lon = np.concatenate([lon, lon[src]])
    lat = np.concatenate([lat, lat[src]])
    n = len(typ)

    source = pick(rng, n, [SOURCE_MIX[s] for s in DISPUTE_SOURCES])
    src_name = np.array(DISPUTE_SOURCES)[source]
    probs = np.tile(np.array(CHANNEL_BASE, dtype=np.float64), (n, 1))
    industry = np.isin(typ, [t_idx[t] for t in INDUSTRY_TYPES])
    probs[industry, 1] += 60
    probs[src_name == "110转办", 3] += 250
    probs[src_name == "法院委派", 4] += 250
    channel = pick_by_row(rng, probs)
    chan_name = np.array(MEDIATION_CHANNELS)[channel]

    # mediator organization
    mediator = np.full(n, -1, dtype=np.int64)
    brand = chan_name == "品牌调解室"
    if orgs.brand_rooms:
        mediator[brand] = np.array(orgs.brand_rooms)[rng.integers(0, len(orgs.brand_rooms),
                                                                   int(brand.sum()))]
    for t, rows in orgs.industry.items():
        sel = (chan_name == "行业专业调解") & (typ == t_idx[t])
        mediator[sel] = np.array(rows)[rng.integers(0, len(rows), int(sel.sum()))]
    people = (chan_name == "人民调解") | ((chan_name == "行业专业调解") & (mediator < 0))
    if orgs.general:
        general = np.array(orgs.general)
        # nearest general mediation organization to the case's community, else any
        org_lon = np.array(orgs.table["lon"].to_pylist())[general]
        org_lat = np.array(orgs.table["lat"].to_pylist())[general]
        nearest = general[np.argmin(geo.nearest(org_lon, org_lat), axis=1)]
        use_near = rng.random(n) < 0.7
        any_general = general[rng.integers(0, len(general), n)]
        mediator[people] = np.where(use_near, nearest[comm], any_general)[people]

    # processing
    deadline_days = np.array([DEADLINE_DAYS.get(t, 30) for t in types])[typ]
    median = np.array([MEDIAN_DAYS.get(t, 5.0) for t in types])[typ]
    duration = np.minimum(lognormal(rng, median, 0.7), deadline_days - 0.5)
    duration = np.maximum(duration, 0.05)
    hard = rng.random(n) < HARD_SHARE
    duration = np.where(hard, deadline_days + rng.exponential(HARD_OVERRUN_DAYS, n), duration)
    outcome = np.where(hard, pick(rng, n, OUTCOME_HARD), pick(rng, n, OUTCOME_NORMAL))
    withdrawn = outcome == 3
    duration = np.where(withdrawn, np.minimum(duration, rng.uniform(0.2, 6, n)), duration)
    # cases are closed in office hours, never before they were received
    closed_day = (received + (duration * cal.DAY).astype(np.int64)) // cal.DAY
    closed = (closed_day * cal.DAY + pick(rng, n, cal.HOURLY_OFFICE) * cal.HOUR
              + rng.integers(0, cal.HOUR, n))
    closed = np.maximum(closed, received + rng.integers(20 * 60, 3 * cal.HOUR, n))
    as_of = cal.cutoff(end)
    is_closed = closed < as_of
    closed_status = np.array(["调解成功", "调解不成功", "已转诉讼", "已撤回"], dtype=object)[outcome]
    status = np.where(is_closed, closed_status,
                      np.where(as_of - received < cal.DAY, "已受理", "调处中"))
    received_day = (received // cal.DAY).astype("datetime64[D]")
    deadline_on = received_day + deadline_days

    amount = np.full(n, np.nan)
    for t, med in AMOUNT_MEDIAN.items():
        sel = (typ == t_idx[t]) & (rng.random(n) < AMOUNT_SHARE.get(t, 1.0))
        v = lognormal(rng, float(med), 1.0, int(sel.sum()))
        amount[sel] = np.where(v >= 1000, np.round(v, -2), np.round(v, -1))

    risk_w = np.tile(np.array(RISK_BASE), (n, 1))
    raise_risk = (parties >= 4) | is_repeat | hard | np.isin(
        typ, [t_idx[t] for t in ("征地拆迁", "劳动争议", "医疗", "环境污染")])
    risk_w[raise_risk] = (3.5, 12.0, 44.0, 40.5)
    risk = np.array(RISK_LEVELS)[pick_by_row(rng, risk_w)]

    order = np.argsort(received, kind="stable")
    rec = received[order]
    year = (rec // cal.DAY).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    first = np.searchsorted(year, year, side="left")
    seq = np.arange(len(order)) - first + 1
    ids = pc.binary_join_element_wise(
        "TJ", pc.cast(pa.array(year), pa.string()),
        pc.utf8_lpad(pc.cast(pa.array(seq), pa.string()), 6, "0"), "")
    mediator_ids = pa.array(orgs.ids.tolist(), pa.string()).take(
        pa.array(np.where(mediator >= 0, mediator, 0)))
    mediator_ids = pc.if_else(pa.array(mediator >= 0), mediator_ids, pa.scalar(None, pa.string()))
    closed_ok = is_closed[order]
    table = pa.table({
        "dispute_id": ids,
        "received_at": pa.array(cal.as_datetime64(rec)),
        "dispute_type": pa.array(np.array(types)[typ[order]]),
        "source": pa.array(src_name[order]),
        "community_code": pa.array(geo.names[comm[order]].tolist(), pa.string()),
        "mediation_channel": pa.array(chan_name[order]),
        "mediator_org_id": mediator_ids.take(pa.array(order)),
        "status": pa.array(status[order].tolist(), pa.string()),
        "deadline_on": pa.array(deadline_on[order], pa.date32()),
        "closed_at": pa.array(cal.as_datetime64(closed[order], closed_ok)),
        "amount_yuan": pa.array(amount[order], pa.float64(), from_pandas=True),
        "parties_count": pa.array(parties[order], pa.int64()),
        "risk_level": pa.array(risk[order]),
        "party_names": party_names.take(pa.array(order)),
        "lon": pa.array(lon[order]),
        "lat": pa.array(lat[order]),
    })
    return table.filter(pa.array(rec < as_of))  # nothing received after the sample's moment

