"""Coordinates: declared CRS → WGS-84, point-in-county, point → community (vectorized).

The polygons come from ``<geo_dir>/county.geojson`` (the county boundary) and
``<geo_dir>/communities.geojson`` (one feature per community, property ``community_code``),
both WGS-84. When a file is missing the matching check is skipped (and said so in the report).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import shapely
from shapely.geometry import shape

_CELLS = 256  # cells along each side of the county's bounds (:meth:`Geo._county_cells`)
_OUTSIDE, _INSIDE, _EDGE = 0, 1, 2


@dataclass
class Geo:
    county: object | None  # shapely geometry (prepared)
    codes: np.ndarray | None  # community codes, aligned with polygons
    polygons: np.ndarray | None
    tree: object | None  # STRtree over polygons
    notes: tuple[str, ...] = ()

    def in_county(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether each point is inside the county (on its boundary: not). A point in a cell
        of :meth:`_county_cells` wholly inside or wholly outside is settled by its cell; only
        points in cells the boundary crosses are tested against the polygon."""
        if self.county is None:
            return np.ones(len(lon), dtype=bool)
        inside = np.zeros(len(lon), dtype=bool)
        xmin, ymin, xmax, ymax = self.county.bounds
        box = np.flatnonzero((lon >= xmin) & (lon <= xmax) & (lat >= ymin) & (lat <= ymax))
        if not len(box):
            return inside
        state, n, dx, dy = self._county_cells
        x, y = lon[box], lat[box]
        ix = np.minimum(((x - xmin) / dx).astype(np.int64), n - 1)
        iy = np.minimum(((y - ymin) / dy).astype(np.int64), n - 1)
        cell = state[ix * n + iy]
        inside[box[cell == _INSIDE]] = True
        edge = cell == _EDGE
        if edge.any():
            inside[box[edge]] = shapely.contains_xy(self.county, x[edge], y[edge])
        return inside

    @functools.cached_property
    def _county_cells(self) -> tuple[np.ndarray, int, float, float]:
        """The county's bounds cut into ``_CELLS``² cells, each wholly inside the county
        (its interior, the cell's edges included), wholly outside, or crossed by the boundary.
        Cells are widened by a hair so that a point rounding into a neighbouring cell is
        still inside the cell it is counted in."""
        n = _CELLS
        xmin, ymin, xmax, ymax = self.county.bounds
        dx, dy = (xmax - xmin) / n or 1e-9, (ymax - ymin) / n or 1e-9
        ix, iy = (a.ravel() for a in np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
        x0, y0 = xmin + ix * dx, ymin + iy * dy
        eps = 1e-9
        boxes = shapely.box(x0 - eps, y0 - eps, x0 + dx + eps, y0 + dy + eps)
        state = np.full(n * n, _EDGE, dtype=np.int8)
        state[shapely.contains_properly(self.county, boxes)] = _INSIDE
        state[shapely.disjoint(self.county, boxes)] = _OUTSIDE
        return state, n, dx, dy

    def community_of(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Community code of each point (None outside every polygon)."""
        out = np.full(len(lon), None, dtype=object)
        if self.tree is None or len(lon) == 0:
            return out
        points = shapely.points(lon, lat)
        pt_idx, poly_idx = self.tree.query(points, predicate="within")
        # a point on a shared edge is within neither; one inside two (overlap) takes the first
        order = np.argsort(pt_idx, kind="stable")
        pt_idx, poly_idx = pt_idx[order], poly_idx[order]
        first = np.unique(pt_idx, return_index=True)[1]
        out[pt_idx[first]] = self.codes[poly_idx[first]]
        return out

    def representative_points(self) -> dict[str, tuple[float, float]]:
        if self.polygons is None:
            return {}
        pts = shapely.point_on_surface(self.polygons)
        return {
            str(c): (float(x), float(y))
            for c, x, y in zip(self.codes, shapely.get_x(pts), shapely.get_y(pts), strict=True)
        }


def _features(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if data.get("type") == "FeatureCollection":
        return data.get("features", [])
    if data.get("type") == "Feature":
        return [data]
    return [{"type": "Feature", "geometry": data, "properties": {}}]


@functools.lru_cache(maxsize=4)
def _load(geo_dir: str, stamp: tuple) -> Geo:
    notes: list[str] = []
    d = Path(geo_dir)
    county = None
    cpath = d / "county.geojson"
    if cpath.is_file():
        geoms = [shape(f["geometry"]) for f in _features(cpath) if f.get("geometry")]
        if geoms:
            county = shapely.union_all(geoms)
            shapely.prepare(county)
    else:
        notes.append(f"未找到县域边界 {cpath}，未检查坐标是否在县域内")
    codes = polygons = tree = None
    mpath = d / "communities.geojson"
    if mpath.is_file():
        feats = [f for f in _features(mpath) if f.get("geometry")]
        code_list, geom_list = [], []
        for f in feats:
            props = f.get("properties") or {}
            code = props.get("community_code") or props.get("code")
            if code is None:
                continue
            code_list.append(str(code))
            geom_list.append(shape(f["geometry"]))
        if code_list:
            codes = np.array(code_list, dtype=object)
            polygons = np.array(geom_list, dtype=object)
            shapely.prepare(polygons)
            tree = shapely.STRtree(polygons)
    else:
        notes.append(f"未找到社区边界 {mpath}，无法按坐标补全社区")
    return Geo(county, codes, polygons, tree, tuple(notes))


def load_geo(geo_dir: Path | None) -> Geo:
    if geo_dir is None:
        from command_center import config

        geo_dir = config.geo_dir()
    d = Path(geo_dir)
    stamp = tuple(
        (p.stat().st_mtime_ns, p.stat().st_size) if p.is_file() else None
        for p in (d / "county.geojson", d / "communities.geojson")
    )
    return _load(str(d.resolve()), stamp)


def _is_northing(v: np.ndarray) -> np.ndarray:
    """A Gauss-Krüger northing in China (18°–54° N) is 2,000–6,000 km; an easting is below
    1,000 km, or above 10,000 km with the zone number in front."""
    return (v >= 1.5e6) & (v <= 6.5e6)


@functools.lru_cache(maxsize=8)
def _transformer(code: str):
    from pyproj import Transformer

    return Transformer.from_crs(code, "EPSG:4326", always_xy=True)


def is_epsg(crs: str) -> bool:
    """An EPSG code (converted by pyproj), not one of wgs84 / gcj02 / bd09."""
    return crs.upper().startswith("EPSG:")


@functools.lru_cache(maxsize=8)
def is_projected(code: str) -> bool:
    if not is_epsg(code):
        return False
    from pyproj import CRS

    return bool(CRS.from_user_input(code).is_projected)


def epsg_to_wgs84(x: np.ndarray, y: np.ndarray, code: str) -> tuple[np.ndarray, np.ndarray]:
    """An EPSG system's coordinates → WGS-84 lon/lat. Projected X/Y in metres: whichever of
    the two columns holds the northing is taken as such (Chinese survey practice names the
    northing X, many exports put it in the 经度/X column)."""
    if is_projected(code):
        swap = _is_northing(x) & ~_is_northing(y)
        x, y = np.where(swap, y, x), np.where(swap, x, y)
    lon, lat = _transformer(code).transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def gauss_kruger_code(geo: Geo) -> str:
    """The CGCS2000 3-degree Gauss-Krüger EPSG code (no zone prefix) of the county's zone:
    EPSG:4534 is 75°E, one more per 3° (龙港, 120.6°E → EPSG:4549)."""
    lon = 120.0
    if geo.county is not None:
        xmin, _, xmax, _ = geo.county.bounds
        lon = (xmin + xmax) / 2
    cm = int(round(lon / 3.0) * 3)
    return f"EPSG:{4534 + (min(max(cm, 75), 135) - 75) // 3}"


def check_units(lon: np.ndarray, lat: np.ndarray, crs: str, geo: Geo, file: str) -> None:
    """Refuse a file whose points are plainly in the wrong unit for the declared system:
    metres under a longitude/latitude system, or degrees under a projected one."""
    from command_center.ingest import IngestError

    lon, lat = np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    ok = ~(np.isnan(lon) | np.isnan(lat))
    if not ok.any():
        return
    lon, lat = lon[ok], lat[ok]
    metres = (np.abs(lon) > 1000) | (np.abs(lat) > 1000)
    projected = is_projected(crs)
    i = int(np.argmax(metres)) if not projected else int(np.argmax(~metres))
    example = f"如 {lon[i]:g}、{lat[i]:g}"
    if not projected and metres.mean() > 0.5:
        code = gauss_kruger_code(geo)
        raise IngestError(
            f"{file} 的坐标看起来是以米为单位的投影坐标（{example}），而坐标系是 {crs}"
            f"（经纬度，单位度）。请在文件所在文件夹的 _source.toml 中写 crs = \"{code}\""
            f"（CGCS2000 3度带，本县所在带），或导入时用 --crs {code} 指定，然后重新导入")
    if projected and (~metres).mean() > 0.5:
        raise IngestError(
            f"{file} 的坐标看起来是经纬度（{example}），而坐标系 {crs} 是以米为单位的投影坐标。"
            "请把 crs 改为 wgs84、gcj02、bd09 或 EPSG:4490（CGCS2000 经纬度）后重新导入")


def place(lon: np.ndarray, lat: np.ndarray, need_community: np.ndarray,
          geo: Geo) -> pa.StructArray:
    """Whether each WGS-84 point is in the county and, where asked, the community it falls
    in: a struct per point (in_county, poly_community)."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    inside = geo.in_county(lon, lat)
    community = np.full(len(lon), None, dtype=object)
    ask = np.asarray(need_community, dtype=bool) & inside
    if ask.any():
        community[ask] = geo.community_of(lon[ask], lat[ask])
    names = pa.array(community, pa.string()) if ask.any() else pa.nulls(len(lon), pa.string())
    return pa.StructArray.from_arrays([pa.array(inside), names],
                                      names=["in_county", "poly_community"])
