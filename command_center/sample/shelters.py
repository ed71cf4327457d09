"""Typhoon shelters (避灾安置场所).

Calibration (DOMAIN.md "Typhoon evacuation"): 县级 shelters take ≥ 200 people (1–3 per
county), 乡镇级 ≥ 100, 村级 ≥ 50, one per village/community; hosted by schools, gyms,
cultural halls (文化礼堂), care homes and village/community offices.
  * 3 县级 (500–1,500 places: the city gym, a senior high school, the culture & sports centre),
  * 15 乡镇级 (100–400 places, mostly schools, in populous communities, one per 片区 first),
  * 102 村级 (50–200 places by population, one in every community): 文化礼堂 50 %,
    村委会 30 %, 养老院 10 %, 学校 10 %.
About 120 shelters and some 17,000 places, roughly what the largest evacuation needs for
集中安置. IDs "BN" + 4 digits.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from command_center.sample.draws import pick, rng_for
from command_center.sample.geo import Communities
from command_center.sample.names import addresses, community_roads

COUNTY_LEVEL = (("龙港市体育馆", "体育馆"), ("龙港市高级中学", "学校"), ("龙港市文体中心", "体育馆"))
TOWN_LEVEL = 15
VILLAGE_HOSTS = (("文化礼堂", 50), ("村委会", 30), ("养老院", 10), ("学校", 10))
TOWN_SCHOOLS = ("第一小学", "第二小学", "第三小学", "实验小学", "第一中学", "第二中学", "第三中学",
                "实验中学", "职业中专", "外国语学校", "江滨小学", "海城中学", "白沙小学", "湖前小学",
                "芦浦中学", "舥艚小学", "新城小学", "港区中学")


def generate(geo: Communities, seed: int) -> pa.Table:
    rng = rng_for(seed, "shelters")
    rows: list[tuple[str, str, int, str, int]] = []  # name, level, capacity, host, community
    pop_rank = np.argsort(-geo.population, kind="stable")
    for k, (name, host) in enumerate(COUNTY_LEVEL):
        comm = int(pop_rank[k])
        cap = int(rng.integers(10, 31)) * 50
        rows.append((f"{name}避灾安置场所", "县级", cap, host, comm))

    # 乡镇级: the most populous community of each 片区 first, then the next most populous
    chosen: list[int] = []
    for area in dict.fromkeys(geo.area_names[pop_rank]):
        for k in pop_rank:
            if geo.area_names[k] == area and k not in chosen:
                chosen.append(int(k))
                break
    for k in pop_rank:
        if len(chosen) >= TOWN_LEVEL:
            break
        if int(k) not in chosen:
            chosen.append(int(k))
    chosen = chosen[:TOWN_LEVEL]
    schools = rng.permutation(len(TOWN_SCHOOLS))
    for j, comm in enumerate(chosen):
        if j % 5 == 4:
            name, host = f"龙港市{geo.names[comm]}全民健身中心", "体育馆"
        else:
            name, host = f"龙港市{TOWN_SCHOOLS[schools[j % len(TOWN_SCHOOLS)]]}", "学校"
        cap = int(rng.integers(10, 41)) * 10
        rows.append((f"{name}避灾安置点", "乡镇级", cap, host, comm))

    hosts = pick(rng, geo.n, [w for _, w in VILLAGE_HOSTS])
    for comm in range(geo.n):
        host = VILLAGE_HOSTS[hosts[comm]][0]
        label = {"文化礼堂": "文化礼堂", "村委会": "社区服务中心", "养老院": "居家养老服务中心",
                 "学校": "幼儿园"}[host]
        cap = int(np.clip(round(geo.population[comm] / 60 / 10) * 10, 50, 200))
        rows.append((f"{geo.names[comm]}{label}避灾安置点", "村级", cap, host, comm))

    comm = np.array([r[4] for r in rows])
    lon, lat = geo.sample(comm, rng)
    roads = community_roads(rng, geo.n)
    return pa.table({
        "shelter_id": [f"BN{i + 1:04d}" for i in range(len(rows))],
        "shelter_name": [r[0] for r in rows],
        "level": [r[1] for r in rows],
        "capacity": pa.array([r[2] for r in rows], pa.int64()),
        "host_type": [r[3] for r in rows],
        "community_code": pa.array(geo.names[comm].tolist(), pa.string()),
        "lon": pa.array(lon),
        "lat": pa.array(lat),
        "address": addresses(rng, comm, geo.names, roads),
    })
