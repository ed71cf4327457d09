import math

import numpy as np
import pytest

from command_center import crs

# 龙港 area
LON = np.array([120.6, 120.466, 120.709, 120.55, 120.62])
LAT = np.array([27.5, 27.467, 27.593, 27.58, 27.45])

# Published vector of wandergis/coordtransform (test/app.js), same formulas as eviltransform.
REF_IN = (116.404, 39.915)
REF_WGS_TO_GCJ = (116.41024449916938, 39.91640428150164)
REF_GCJ_TO_BD = (116.41036949371029, 39.92133699351021)
REF_BD_TO_GCJ_1STEP = (116.39762729119315, 39.90865673957631)


def test_reference_vector_wgs_to_gcj():
    lon, lat = crs.wgs84_to_gcj02(*REF_IN)
    assert lon == pytest.approx(REF_WGS_TO_GCJ[0], abs=1e-9)
    assert lat == pytest.approx(REF_WGS_TO_GCJ[1], abs=1e-9)


def test_reference_vector_gcj_to_bd():
    lon, lat = crs.gcj02_to_bd09(*REF_IN)
    assert lon == pytest.approx(REF_GCJ_TO_BD[0], abs=1e-9)
    assert lat == pytest.approx(REF_GCJ_TO_BD[1], abs=1e-9)


def test_bd_to_gcj_close_to_one_step_reference():
    # The published one-step inverse is approximate; the iterated one agrees to ~1e-6 deg.
    lon, lat = crs.bd09_to_gcj02(*REF_IN)
    assert lon == pytest.approx(REF_BD_TO_GCJ_1STEP[0], abs=2e-5)
    assert lat == pytest.approx(REF_BD_TO_GCJ_1STEP[1], abs=2e-5)


def test_gcj_offset_near_longgang():
    glon, glat = crs.wgs84_to_gcj02(120.6, 27.5)
    assert 0.0035 < glon - 120.6 < 0.0055
    assert -0.0035 < glat - 27.5 < -0.0015


@pytest.mark.parametrize(
    ("forward", "inverse"),
    [
        (crs.wgs84_to_gcj02, crs.gcj02_to_wgs84),
        (crs.gcj02_to_bd09, crs.bd09_to_gcj02),
        (crs.wgs84_to_bd09, crs.bd09_to_wgs84),
    ],
)
def test_round_trips(forward, inverse):
    lon, lat = inverse(*forward(LON, LAT))
    assert np.max(np.abs(lon - LON)) < 1e-7
    assert np.max(np.abs(lat - LAT)) < 1e-7
    # and the other way round
    lon, lat = forward(*inverse(LON, LAT))
    assert np.max(np.abs(lon - LON)) < 1e-7
    assert np.max(np.abs(lat - LAT)) < 1e-7


def test_gcj_inverse_is_exact_not_one_step():
    glon, glat = crs.wgs84_to_gcj02(LON, LAT)
    lon, lat = crs.gcj02_to_wgs84(glon, glat)
    # 0.01 m is about 1e-7 degrees; the iteration does far better
    assert np.max(np.abs(lon - LON)) < 1e-9
    assert np.max(np.abs(lat - LAT)) < 1e-9


def test_scalar_in_scalar_out():
    lon, lat = crs.wgs84_to_gcj02(120.6, 27.5)
    assert np.ndim(lon) == 0 and np.ndim(lat) == 0
    assert isinstance(float(lon), float)


def test_shape_preserved_and_broadcast():
    lon = np.full((2, 3), 120.6)
    out_lon, out_lat = crs.gcj02_to_wgs84(lon, 27.5)
    assert out_lon.shape == (2, 3) and out_lat.shape == (2, 3)
    out_lon, out_lat = crs.bd09_to_wgs84([120.6, 120.7], [27.5, 27.6])
    assert out_lon.shape == (2,)


def test_out_of_china_passthrough():
    for lon, lat in [(2.35, 48.86), (-74.0, 40.7), (139.7, 35.7)]:
        assert crs.out_of_china(lon, lat)
        assert crs.wgs84_to_gcj02(lon, lat) == (lon, lat)
        assert crs.gcj02_to_wgs84(lon, lat) == (lon, lat)
    assert not crs.out_of_china(120.6, 27.5)


def test_nan_passthrough():
    lon = np.array([120.6, np.nan, 120.7])
    lat = np.array([27.5, 27.5, np.nan])
    for func in (
        crs.wgs84_to_gcj02,
        crs.gcj02_to_wgs84,
        crs.gcj02_to_bd09,
        crs.bd09_to_gcj02,
        crs.wgs84_to_bd09,
        crs.bd09_to_wgs84,
    ):
        out_lon, out_lat = func(lon, lat)
        assert np.isfinite(out_lon[0]) and np.isfinite(out_lat[0])
        assert math.isnan(out_lon[1]) and math.isnan(out_lat[2])
    out_lon, out_lat = crs.gcj02_to_wgs84(np.nan, np.nan)
    assert math.isnan(out_lon) and math.isnan(out_lat)


def test_to_from_wgs84_dispatch():
    assert crs.CRS_CHOICES == ("wgs84", "gcj02", "bd09")
    for name in crs.CRS_CHOICES:
        lon, lat = crs.to_wgs84(*crs.from_wgs84(LON, LAT, name), name)
        assert np.max(np.abs(lon - LON)) < 1e-7
        assert np.max(np.abs(lat - LAT)) < 1e-7
    lon, lat = crs.to_wgs84(LON, LAT, "wgs84")
    np.testing.assert_array_equal(lon, LON)
    glon, _ = crs.from_wgs84(120.6, 27.5, "gcj02")
    assert glon == crs.wgs84_to_gcj02(120.6, 27.5)[0]


@pytest.mark.parametrize("bad", ["cgcs2000", "", "epsg:4326"])
def test_bad_crs_message(bad):
    with pytest.raises(ValueError) as err:
        crs.to_wgs84(120.6, 27.5, bad)
    assert str(err.value) == f"不支持的坐标系：{bad}（可选 wgs84 / gcj02 / bd09）"
    with pytest.raises(ValueError, match="不支持的坐标系"):
        crs.from_wgs84(120.6, 27.5, bad)


def test_transform_geojson():
    gj = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "龙港市", "coordinates": "not geometry"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [[120.5, 27.5], [120.6, 27.5], [120.6, 27.6], [120.5, 27.5]],
                        [[120.52, 27.52], [120.55, 27.52], [120.55, 27.55], [120.52, 27.52]],
                    ],
                },
            },
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "GeometryCollection",
                    "geometries": [{"type": "Point", "coordinates": [120.6, 27.5, 3.0]}],
                },
            },
        ],
    }
    out = crs.transform_geojson(gj, crs.wgs84_to_gcj02)
    assert out is not gj
    assert gj["features"][0]["geometry"]["coordinates"][0][0] == [120.5, 27.5]  # input intact
    assert out["features"][0]["properties"] == gj["features"][0]["properties"]
    ring = out["features"][0]["geometry"]["coordinates"][0]
    lon, lat = crs.wgs84_to_gcj02(120.5, 27.5)
    assert ring[0] == [round(float(lon), 6), round(float(lat), 6)]
    assert ring[0] == ring[-1]
    assert len(out["features"][0]["geometry"]["coordinates"][1]) == 4
    point = out["features"][1]["geometry"]["geometries"][0]["coordinates"]
    assert len(point) == 3 and point[2] == 3.0
    for value in ring[1]:
        assert value == round(value, 6)
    back = crs.transform_geojson(out, crs.gcj02_to_wgs84)
    assert back["features"][0]["geometry"]["coordinates"][0][2] == [120.6, 27.6]


# ------------------------------------------------------------------ the build's SQL conversion
@pytest.mark.parametrize("system", ["gcj02", "bd09"])
def test_sql_conversion_equals_numpy(system):
    """The build converts points in DuckDB (crs_sql); it must give what numpy gives, point by
    point and in the rows' order, across China, outside it, and with missing points."""
    import duckdb

    from command_center import crs_sql

    rng = np.random.default_rng(7)
    lon = np.concatenate([LON, rng.uniform(73.6, 134.7, 5000), [10.0, 150.0, np.nan, 121.0]])
    lat = np.concatenate([LAT, rng.uniform(3.9, 53.5, 5000), [50.0, -20.0, 30.0, np.nan]])
    con = duckdb.connect()
    con.register("pts", {"i": np.arange(len(lon)), "_src_lon": lon, "_src_lat": lat})
    got = con.execute(f"select i, _w_lon, _w_lat from {crs_sql.wgs84_relation('pts', system)}"
                      ).fetchnumpy()
    assert (got["i"] == np.arange(len(lon))).all()  # projections only: the order holds
    want_lon, want_lat = crs.to_wgs84(lon, lat, system)
    w_lon, w_lat = (np.ma.filled(got[c].astype(float), np.nan) for c in ("_w_lon", "_w_lat"))
    assert np.array_equal(np.isnan(w_lon), np.isnan(want_lon))
    ok = ~np.isnan(want_lon)
    assert np.max(np.abs(w_lon[ok] - want_lon[ok])) < 1e-8  # 1 mm (one round less: 3 cm)
    assert np.max(np.abs(w_lat[ok] - want_lat[ok])) < 1e-8
    assert np.abs(w_lon[5] - lon[5]) > 1e-3  # the offset was applied
    if system == "gcj02":  # GCJ-02 has no offset outside China
        assert w_lon[-4] == lon[-4] and w_lat[-3] == lat[-3]


def test_sql_conversion_of_wgs84_is_the_point_itself():
    import duckdb

    from command_center import crs_sql

    con = duckdb.connect()
    con.register("pts", {"_src_lon": LON, "_src_lat": LAT})
    got = con.execute(f"select _w_lon, _w_lat from {crs_sql.wgs84_relation('pts', 'wgs84')}"
                      ).fetchnumpy()
    assert (got["_w_lon"] == LON).all() and (got["_w_lat"] == LAT).all()
    with pytest.raises(ValueError):
        crs_sql.wgs84_relation("pts", "EPSG:4549")
