"""Community polygons and points inside them.

Reads ``communities.geojson`` (WGS-84) from ``config.geo_dir()``. Every generated point lies
inside its community polygon: vectorized rejection sampling with ``shapely.contains_xy`` on
prepared geometries, against the polygon shrunk by about a metre so that rounding to six
decimals and a round trip through GCJ-02/BD-09 cannot push a point across the boundary.
Sampling gives up after a fixed number of rounds and falls back to the centroid (or, when
the centroid lies outside a concave polygon, a point on the surface).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import shape

from command_center import config

GEOJSON = "communities.geojson"
INNER_MARGIN_DEG = 1e-5  # ≈ 1 m
MAX_ROUNDS = 30
M_PER_DEG_LAT = 111_000.0


@dataclass
class Anchors:
    """Hot spots inside each community (markets, street corners, factory gates…)."""

    lon: np.ndarray  # (n_communities, k)
    lat: np.ndarray
    weight: np.ndarray  # (n_communities, k), rows sum to 1
    sigma_m: np.ndarray  # (n_communities, k) spread in metres


class Communities:
    def __init__(self, features: list[dict]):
        if not features:
            raise ValueError("社区边界文件中没有社区")
        props = [f["properties"] for f in features]
        self.n = len(features)
        self.codes = np.array([str(p["community_code"]) for p in props], dtype=object)
        self.names = np.array([str(p["community_name"]) for p in props], dtype=object)
        self.area_names = np.array([p.get("area_name") for p in props], dtype=object)
        self.population = np.array([int(p.get("population") or 0) for p in props])
        self.floating = np.array([int(p.get("floating_population") or 0) for p in props])
        self.households = np.array([int(p.get("households") or 0) for p in props])
        self.grid_count = np.array([int(p.get("grid_count") or 0) for p in props])
        self.geoms = [shape(f["geometry"]) for f in features]
        cen = [shapely.centroid(g) for g in self.geoms]
        self.centroid_lon = np.array([
            float(p["centroid_lon"]) if p.get("centroid_lon") is not None else c.x
            for p, c in zip(props, cen, strict=True)])
        self.centroid_lat = np.array([
            float(p["centroid_lat"]) if p.get("centroid_lat") is not None else c.y
            for p, c in zip(props, cen, strict=True)])

        self.inner = []
        for g in self.geoms:
            inner = g.buffer(-INNER_MARGIN_DEG)
            if inner.is_empty or inner.area < 0.2 * g.area:
                inner = g
            shapely.prepare(inner)
            self.inner.append(inner)
        self.bounds = np.array([g.bounds for g in self.inner])
        bbox_area = (self.bounds[:, 2] - self.bounds[:, 0]) * (self.bounds[:, 3] - self.bounds[:, 1])
        self.fill = np.clip(np.array([g.area for g in self.inner]) / np.maximum(bbox_area, 1e-18),
                            0.05, 1.0)
        fb_lon, fb_lat = self.centroid_lon.copy(), self.centroid_lat.copy()
        for k, g in enumerate(self.inner):
            if not shapely.contains_xy(g, fb_lon[k], fb_lat[k]):
                p = g.representative_point()
                fb_lon[k], fb_lat[k] = p.x, p.y
        self.fallback_lon, self.fallback_lat = fb_lon, fb_lat
        self.deg_per_m_lat = 1 / M_PER_DEG_LAT
        self.deg_per_m_lon = 1 / (M_PER_DEG_LAT * np.cos(np.radians(self.centroid_lat)))

    @classmethod
    def load(cls, path: Path | None = None) -> Communities:
        path = Path(path) if path is not None else config.geo_dir() / GEOJSON
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        return cls(data["features"])

    # ------------------------------------------------------------------ sampling
    def _uniform(self, k: int, m: int, rng: np.random.Generator):
        x0, y0, x1, y1 = self.bounds[k]
        geom = self.inner[k]
        xs, ys = np.empty(m), np.empty(m)
        done = 0
        for _ in range(MAX_ROUNDS):
            need = m - done
            if need == 0:
                break
            batch = int(need / self.fill[k] * 1.3) + 8
            x = rng.uniform(x0, x1, batch)
            y = rng.uniform(y0, y1, batch)
            ok = shapely.contains_xy(geom, x, y)
            x, y = x[ok][:need], y[ok][:need]
            xs[done:done + len(x)] = x
            ys[done:done + len(y)] = y
            done += len(x)
        xs[done:] = self.fallback_lon[k]
        ys[done:] = self.fallback_lat[k]
        return xs, ys

    def _clustered(self, k: int, m: int, rng: np.random.Generator, anchors: Anchors):
        geom = self.inner[k]
        cum = np.cumsum(anchors.weight[k])
        cum[-1] = 1.0
        xs, ys = np.empty(m), np.empty(m)
        todo = np.arange(m)
        for _ in range(8):
            if len(todo) == 0:
                break
            a = np.searchsorted(cum, rng.random(len(todo)), side="right")
            sig = anchors.sigma_m[k, a]
            x = anchors.lon[k, a] + rng.standard_normal(len(todo)) * sig * self.deg_per_m_lon[k]
            y = anchors.lat[k, a] + rng.standard_normal(len(todo)) * sig * self.deg_per_m_lat
            ok = shapely.contains_xy(geom, x, y)
            xs[todo[ok]] = x[ok]
            ys[todo[ok]] = y[ok]
            todo = todo[~ok]
        if len(todo):
            xs[todo], ys[todo] = self._uniform(k, len(todo), rng)
        return xs, ys

    def sample(self, comm: np.ndarray, rng: np.random.Generator, anchors: Anchors | None = None,
               clustered: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """One WGS-84 point inside community ``comm[i]`` for every i.

        With ``anchors``, a share ``clustered`` of the points scatter normally around the
        community's hot spots; the rest are uniform over the polygon.
        """
        comm = np.asarray(comm, dtype=np.int64)
        lon = np.empty(len(comm))
        lat = np.empty(len(comm))
        order = np.argsort(comm, kind="stable")
        counts = np.bincount(comm, minlength=self.n)
        starts = np.concatenate([[0], np.cumsum(counts)])
        for k in np.flatnonzero(counts):
            idx = order[starts[k]:starts[k + 1]]
            if anchors is not None and clustered > 0:
                is_cl = rng.random(len(idx)) < clustered
                cx, cy = self._clustered(k, int(is_cl.sum()), rng, anchors)
                ux, uy = self._uniform(k, int((~is_cl).sum()), rng)
                lon[idx[is_cl]], lat[idx[is_cl]] = cx, cy
                lon[idx[~is_cl]], lat[idx[~is_cl]] = ux, uy
            else:
                lon[idx], lat[idx] = self._uniform(k, len(idx), rng)
        return lon, lat

    def make_anchors(self, rng: np.random.Generator, k: int = 5, sigma_m=(80.0, 260.0)) -> Anchors:
        """``k`` hot spots per community, uniform inside it, Dirichlet weights."""
        comm = np.repeat(np.arange(self.n), k)
        lon, lat = self.sample(comm, rng)
        weight = rng.dirichlet(np.full(k, 0.8), size=self.n)
        sig = rng.uniform(sigma_m[0], sigma_m[1], size=(self.n, k))
        return Anchors(lon.reshape(self.n, k), lat.reshape(self.n, k), weight, sig)

    def nearest(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """(n_communities, len(lon)) distances in metres from each centroid (planar approx.)."""
        dx = (np.asarray(lon)[None, :] - self.centroid_lon[:, None]) / self.deg_per_m_lon[:, None]
        dy = (np.asarray(lat)[None, :] - self.centroid_lat[:, None]) / self.deg_per_m_lat
        return np.hypot(dx, dy)
