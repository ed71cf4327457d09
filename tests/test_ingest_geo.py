"""The build's point-in-county test (``ingest.geo.Geo.in_county``): settled by a grid of cells
where a cell is wholly inside or outside, by the polygon elsewhere; the answer is the polygon's."""

from __future__ import annotations

import numpy as np
import shapely
from fixtures_ingest.helpers import GEO

from command_center.ingest.geo import _EDGE, _INSIDE, _OUTSIDE, load_geo, place


def _hard_points(geo):
    """Random points around the county, its vertices, and every corner of the cells."""
    xmin, ymin, xmax, ymax = geo.county.bounds
    rng = np.random.default_rng(3)
    lon = rng.uniform(xmin - 0.02, xmax + 0.02, 200_000)
    lat = rng.uniform(ymin - 0.02, ymax + 0.02, 200_000)
    vertices = shapely.get_coordinates(geo.county)
    _, n, dx, dy = geo._county_cells
    gx, gy = np.meshgrid(xmin + np.arange(n + 1) * dx, ymin + np.arange(n + 1) * dy)
    # a point on the boundary between two vertices (on the line: not inside)
    mid = (vertices[:-1] + vertices[1:]) / 2
    return (np.concatenate([lon, vertices[:, 0], mid[:, 0], gx.ravel()]),
            np.concatenate([lat, vertices[:, 1], mid[:, 1], gy.ravel()]))


def test_in_county_is_the_polygon_s_answer_everywhere():
    geo = load_geo(GEO)
    lon, lat = _hard_points(geo)
    got = geo.in_county(lon, lat)
    assert np.array_equal(got, shapely.contains_xy(geo.county, lon, lat))
    assert 0.2 < got.mean() < 0.8  # both answers are exercised


def test_most_cells_are_settled_without_the_polygon():
    geo = load_geo(GEO)
    state, n, _, _ = geo._county_cells
    share = {s: float(np.mean(state == s)) for s in (_INSIDE, _OUTSIDE, _EDGE)}
    assert state.shape == (n * n,)
    assert share[_INSIDE] > 0.2 and share[_OUTSIDE] > 0.2 and share[_EDGE] < 0.1


def test_place_names_a_community_only_where_asked():
    geo = load_geo(GEO)
    rep = geo.representative_points()
    code, (x, y) = next(iter(rep.items()))
    lon, lat = np.array([x, x, 0.0]), np.array([y, y, 0.0])
    out = place(lon, lat, np.array([True, False, True]), geo)
    assert out.field("in_county").to_pylist() == [True, True, False]
    assert out.field("poly_community").to_pylist() == [code, None, None]
    nothing_asked = place(lon, lat, np.zeros(3, dtype=bool), geo)
    assert nothing_asked.field("poly_community").to_pylist() == [None, None, None]
