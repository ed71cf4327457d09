"""Coordinate conversions between WGS-84, GCJ-02 (高德/腾讯) and BD-09 (百度).

All functions are numpy-vectorized: they accept scalars or array-likes (broadcast together) and
return a ``(lon, lat)`` pair of the broadcast shape (numpy scalars for scalar input). NaN passes
through. Outside China (the usual out-of-China bounding box) GCJ-02 is identical to WGS-84.

The GCJ-02 forward formula is the public "eviltransform"/"coordtransform" one, checked against
its published vector WGS-84 (116.404, 39.915) → GCJ-02 (116.41024449916938, 39.91640428150164).
Inverse conversions are solved by fixed-point iteration to well under a millimetre, not the
usual one-step approximation (which is off by up to a few metres).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "CRS_CHOICES",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "out_of_china",
    "to_wgs84",
    "transform_geojson",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

CRS_CHOICES = ("wgs84", "gcj02", "bd09")

_A = 6378245.0  # Krasovsky 1940 semi-major axis used by GCJ-02
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0

# Iterative inverses stop when the forward image is within this many degrees of the target
# (1e-12 deg is about 0.1 micrometre) or after _MAX_ITER rounds.
_TOL_DEG = 1e-12
_MAX_ITER = 50


def _as_arrays(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon_a, lat_a = np.broadcast_arrays(
        np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)
    )
    return lon_a, lat_a


def _result(lon: np.ndarray, lat: np.ndarray):
    # 0-d arrays become numpy scalars, everything else keeps its shape.
    return lon[()], lat[()]


def out_of_china(lon, lat):
    """True where the point lies outside the rough China bounding box (no GCJ-02 offset)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    out = (lon_a < 72.004) | (lon_a > 137.8347) | (lat_a < 0.8293) | (lat_a > 55.8271)
    return out[()]


def _gcj_offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GCJ-02 minus WGS-84 at a WGS-84 point, in degrees (zero outside China)."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * math.pi) + 20.0 * np.sin(2.0 * x * math.pi)) * 2.0 / 3.0

    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat = dlat + common
    dlat = dlat + (20.0 * np.sin(y * math.pi) + 40.0 * np.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(y / 12.0 * math.pi) + 320.0 * np.sin(y * math.pi / 30.0)) * (
        2.0 / 3.0
    )

    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon = dlon + common
    dlon = dlon + (20.0 * np.sin(x * math.pi) + 40.0 * np.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(x / 12.0 * math.pi) + 300.0 * np.sin(x / 30.0 * math.pi)) * (
        2.0 / 3.0
    )

    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * math.pi)

    outside = (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)
    dlon = np.where(outside, 0.0, dlon)
    dlat = np.where(outside, 0.0, dlat)
    return dlon, dlat


def _wgs_to_gcj(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dlon, dlat = _gcj_offset(lon, lat)
    return lon + dlon, lat + dlat


def _gcj_to_bd(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _bd_to_gcj_approx(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def _invert(
    forward: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]],
    lon: np.ndarray,
    lat: np.ndarray,
    guess: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Solve forward(x) == (lon, lat) by fixed-point iteration from ``guess``.

    The transforms are the identity plus a small, slowly varying offset, so
    x <- x + (target - forward(x)) converges geometrically (the error shrinks about 150 times
    a step).
    """
    x_lon, x_lat = guess
    for _ in range(_MAX_ITER):
        f_lon, f_lat = forward(x_lon, x_lat)
        e_lon = lon - f_lon
        e_lat = lat - f_lat
        x_lon = x_lon + e_lon
        x_lat = x_lat + e_lat
        # NaN errors compare False, so NaN inputs do not keep the loop going.
        if not (np.any(np.abs(e_lon) > _TOL_DEG) or np.any(np.abs(e_lat) > _TOL_DEG)):
            break
    return x_lon, x_lat


def wgs84_to_gcj02(lon, lat):
    """WGS-84 → GCJ-02 (火星坐标, used by 高德/腾讯)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    return _result(*_wgs_to_gcj(lon_a, lat_a))


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 → WGS-84, the exact inverse of :func:`wgs84_to_gcj02` (iterated)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    dlon, dlat = _gcj_offset(lon_a, lat_a)
    out = _invert(_wgs_to_gcj, lon_a, lat_a, (lon_a - dlon, lat_a - dlat))
    return _result(*out)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 → BD-09 (百度)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    return _result(*_gcj_to_bd(lon_a, lat_a))


def bd09_to_gcj02(lon, lat):
    """BD-09 → GCJ-02, the exact inverse of :func:`gcj02_to_bd09` (iterated)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    out = _invert(_gcj_to_bd, lon_a, lat_a, _bd_to_gcj_approx(lon_a, lat_a))
    return _result(*out)


def wgs84_to_bd09(lon, lat):
    """WGS-84 → BD-09 (via GCJ-02)."""
    lon_a, lat_a = _as_arrays(lon, lat)
    return _result(*_gcj_to_bd(*_wgs_to_gcj(lon_a, lat_a)))


def bd09_to_wgs84(lon, lat):
    """BD-09 → WGS-84 (via GCJ-02)."""
    g_lon, g_lat = bd09_to_gcj02(lon, lat)
    return gcj02_to_wgs84(g_lon, g_lat)


def _identity(lon, lat):
    lon_a, lat_a = _as_arrays(lon, lat)
    return _result(lon_a.copy(), lat_a.copy())


_TO_WGS84 = {"wgs84": _identity, "gcj02": gcj02_to_wgs84, "bd09": bd09_to_wgs84}
_FROM_WGS84 = {"wgs84": _identity, "gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}


def _check_crs(crs: str) -> str:
    key = str(crs).strip().lower().replace("-", "").replace("_", "") if crs is not None else ""
    if key not in CRS_CHOICES:
        raise ValueError(f"不支持的坐标系：{crs}（可选 wgs84 / gcj02 / bd09）")
    return key


def to_wgs84(lon, lat, crs: str):
    """Convert from ``crs`` (one of :data:`CRS_CHOICES`) to WGS-84."""
    return _TO_WGS84[_check_crs(crs)](lon, lat)


def from_wgs84(lon, lat, crs: str):
    """Convert from WGS-84 to ``crs`` (one of :data:`CRS_CHOICES`)."""
    return _FROM_WGS84[_check_crs(crs)](lon, lat)


# --- GeoJSON -----------------------------------------------------------------------------


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, (list, tuple))
        and len(value) >= 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )


def _collect(coords: Any, sink: list) -> None:
    if _is_position(coords):
        sink.append(coords)
    else:
        for item in coords:
            _collect(item, sink)


def _rebuild(coords: Any, converted) -> Any:
    if _is_position(coords):
        lon, lat = next(converted)
        return [lon, lat, *list(coords[2:])]
    return [_rebuild(item, converted) for item in coords]


def transform_geojson(geojson: dict, func: Callable, decimals: int = 6) -> dict:
    """Return a new GeoJSON dict with every coordinate passed through ``func(lon, lat)``.

    Works on a FeatureCollection, a Feature, a GeometryCollection or a bare geometry;
    properties are copied unchanged, coordinates are rounded to ``decimals`` places and any
    ``bbox`` member (which would be stale) is dropped. Typical use: draw WGS-84 boundaries on
    GCJ-02 tiles with ``transform_geojson(gj, wgs84_to_gcj02)``.
    """
    out = copy.deepcopy(geojson)
    geometries: list[dict] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            node.pop("bbox", None)
            if "coordinates" in node and node.get("type") != "Feature":
                geometries.append(node)
            for key, value in node.items():
                if key in ("features", "geometry", "geometries"):
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(out)
    positions: list = []
    for geom in geometries:
        _collect(geom["coordinates"], positions)
    if not positions:
        return out
    lon = np.array([p[0] for p in positions], dtype=np.float64)
    lat = np.array([p[1] for p in positions], dtype=np.float64)
    new_lon, new_lat = func(lon, lat)
    new_lon = np.round(np.asarray(new_lon, dtype=np.float64), decimals).tolist()
    new_lat = np.round(np.asarray(new_lat, dtype=np.float64), decimals).tolist()
    converted = iter(zip(new_lon, new_lat, strict=True))
    for geom in geometries:
        geom["coordinates"] = _rebuild(geom["coordinates"], converted)
    return out
