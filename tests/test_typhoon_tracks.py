"""台风路径 (typhoon_tracks): CMA best-track text files and track tables through the normal
import (read = loaded + quarantined, a bad line quarantined with its Chinese reason, UTC
converted to local time), the sample's tracks, the map layer and the hours-to-landfall reading."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from fixtures_ingest.helpers import GEO, query, write_csv

from command_center import typhoon as ty
from command_center.ingest import cma
from command_center.ingest.upsert import import_file
from command_center.maps import layers

CMA_TEXT = """66666 0000 3 0009 1909 0 6 Lekima  20190815
2019080900 5 240 1260 925 55
2019080912 6 255 1240 915 62
2019081000 4 27O 1215 935 48
2019081018 4 283 1213 950 38
66666 0000 2 0011 0000 0 6 Krosa   20190815
2019081500 2 320 1330 990 20
2019081506 9 340 1335 995 15
"""


def run(path, wh):
    report = import_file("typhoon_tracks", path, crs=None, warehouse=wh, geo_dir=GEO)
    assert report.read == report.loaded + report.quarantined
    return report


def test_cma_best_track_file(tmp_path, base_wh):
    f = tmp_path / "CH2019BST.txt"
    f.write_text(CMA_TEXT, encoding="ascii")
    assert cma.is_cma(f)
    r = run(f, base_wh)
    assert (r.read, r.loaded, r.quarantined) == (6, 5, 1)
    assert dict(r.reasons) == {"时间无法识别": 1}  # the line with a letter O in its latitude
    got = {x[0]: x[1:] for x in query(
        base_wh, "select track_id, typhoon_id, observed_at, lat, lon, pressure_hpa, wind_ms, grade "
            "from typhoon_tracks")}
    # 2019-08-09 00 UTC is 08:00 in 龙港; 0.1° units; the CMA grade digits
    assert got["1909-2019080908"] == ("1909", dt.datetime(2019, 8, 9, 8), 24.0, 126.0, 925,
                                      55.0, "强台风")
    assert got["1909-2019080920"][-1] == "超强台风"
    assert got["1909-2019081102"][1] == dt.datetime(2019, 8, 11, 2)  # crosses midnight
    # a storm without an international number keeps its Chinese number; grade 9 → 其他
    assert got["0011-2019081514"][-1] == "其他"
    assert got["0011-2019081508"][-1] == "热带风暴"
    q = query(base_wh, "select reason, row_number from quarantine where dataset = 'typhoon_tracks'")
    assert q == [("时间无法识别", 4)]


def test_track_table_with_chinese_headers(tmp_path, base_wh):
    f = write_csv(tmp_path / "路径.csv", [
        ["台风编号", "时间", "纬度", "经度", "中心气压", "最大风速", "强度等级"],
        ["201909", "2019-08-09 20:00", "25.5", "124.0", "915", "62", "超强台风"],
        ["1909", "2019/8/10 2:00", "27.0", "121.5", "935", "48", "STY"],
        ["1909", "2019-08-10 08:00", "28.3", "121.3", "950", "38", "TY"],
        ["1909", "", "28.3", "121.3", "950", "38", "TY"],  # no time
    ])
    r = run(f, base_wh)
    assert (r.read, r.loaded, r.quarantined) == (4, 3, 1)
    got = dict(query(base_wh, "select track_id, grade from typhoon_tracks"))
    # the key is made from the number (201909 → 1909) and the hour
    assert got == {"1909-2019080920": "超强台风", "1909-2019081002": "强台风",
                   "1909-2019081008": "台风"}
    # far outside the county: no county check, no community, no centroid
    assert query(base_wh, "select count(*) from typhoon_tracks where location_is_approx") == [(0,)]


def test_sample_writes_tracks(fixture_warehouse):
    import duckdb

    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    try:
        per = dict(con.execute("select typhoon_id, count(*) from typhoon_tracks group by 1")
                   .fetchall())
        typhoons = {r[0] for r in con.execute("select typhoon_id from typhoons").fetchall()}
        assert set(per) == typhoons and min(per.values()) >= 20
        # each track reaches its landfall place at the typhoon's landfall time
        rows = con.execute("""
            select t.typhoon_id, min(abs(epoch(k.observed_at) - epoch(t.landfall_at))) / 3600
            from typhoons t join typhoon_tracks k using (typhoon_id) group by 1""").fetchall()
        assert all(h <= 3 for _, h in rows)
        lon, lat = con.execute("select min(lon), min(lat) from typhoon_tracks").fetchone()
        assert lon > 110 and lat > 10
    finally:
        con.close()


def test_sample_tracks_are_deterministic():
    from command_center.sample import tracks

    a, b = tracks.table(dt.date(2025, 12, 1)), tracks.table(dt.date(2025, 12, 1))
    assert a.equals(b) and a.num_rows > 100


def test_track_layer_features_and_colours():
    t0 = dt.datetime(2019, 8, 9, 8)
    track = pd.DataFrame({
        "observed_at": [t0 + dt.timedelta(hours=6 * i) for i in range(5)],
        "lat": [24.0, 25.0, 26.0, 27.0, 28.0], "lon": [126.0, 125.0, 124.0, 123.0, 122.0],
        "pressure_hpa": [990, 960, 930, 915, 950], "wind_ms": [20.0, 30.0, 45.0, 55.0, 38.0],
        "grade": ["热带风暴", "强热带风暴", "强台风", "超强台风", "台风"],
    })
    group, legend = layers.typhoon_track_layer(track, landfall_at=t0 + dt.timedelta(hours=24))
    gj = next(c for c in group._children.values() if hasattr(c, "data")).data
    kinds = [f["properties"]["kind"] for f in gj["features"]]
    assert kinds == ["line"] + ["point"] * 5
    assert len(gj["features"][0]["geometry"]["coordinates"]) == 5
    fills = [f["properties"]["fill"] for f in gj["features"][1:]]
    assert fills == [layers.GRADE_COLORS[g] for g in track["grade"]]
    assert "登陆前 24 小时" in gj["features"][1]["properties"]["tip"]
    assert "登陆时" in gj["features"][5]["properties"]["tip"]
    # time labels every 12 h: 0 h, 12 h, 24 h
    labels = [c for c in group._children.values() if c.__class__.__name__ == "Marker"]
    assert len(labels) == 3
    # the grades present, weakest first, each with its colour
    assert legend == [(layers.GRADE_COLORS[g], g)
                      for g in ("热带风暴", "强热带风暴", "台风", "强台风", "超强台风")]
    assert layers.typhoon_track_layer(track.iloc[:0])[1] == []


def test_progress_before_landfall():
    landfall = dt.datetime(2019, 8, 10, 2)
    hours = [landfall - dt.timedelta(hours=h) for h in range(60, -1, -1)]
    moved = [10 * (60 - h) for h in range(60, -1, -1)]  # 10 people an hour
    got = dict(ty.progress_before_landfall(hours, moved, 600, landfall))
    assert list(got) == [48, 24, 12, 6, 0]
    assert got[24] == pytest.approx(360 / 600) and got[0] == 1.0
    assert ty.landfall_text(24) == "登陆前 24 小时" and ty.landfall_text(-6) == "登陆后 6 小时"
    assert ty.progress_before_landfall(hours, moved, 600, None) == []


def test_track_table_is_recognised_by_its_headers():
    from command_center.ingest.mapping import detect_dataset

    assert detect_dataset(["台风编号", "时间", "纬度", "经度", "中心气压", "最大风速",
                           "强度等级"])[0] == "typhoon_tracks"
    assert detect_dataset(list(cma.HEADERS))[0] == "typhoon_tracks"
    assert detect_dataset(["台风编号", "中文名", "预警开始时间"])[0] == "typhoons"


def test_where_the_storm_is_at_a_moment():
    """The last observation at or before the moment, not one after it nor a stale one; the
    distance and direction from the county as a leader would say them."""
    import datetime as dt

    import pandas as pd

    from command_center import typhoon as ty

    t0 = dt.datetime(2025, 7, 6, 0)
    track = pd.DataFrame({"observed_at": [t0, t0 + dt.timedelta(hours=6),
                                          t0 + dt.timedelta(hours=12)],
                          "lon": [122.0, 121.5, float("nan")], "lat": [25.0, 26.0, 27.0],
                          "grade": ["台风", "强台风", "台风"]})
    at = t0 + dt.timedelta(hours=13)
    got = ty.storm_at(track, at)  # the 12 h point has no position: the 6 h one
    assert (got["observed_at"], got["lon"], got["grade"]) == (t0 + dt.timedelta(hours=6),
                                                              121.5, "强台风")
    assert ty.storm_at(track, t0 - dt.timedelta(hours=1)) is None  # not yet observed
    assert ty.storm_at(track, t0 + dt.timedelta(hours=19)) is None  # 13 h old: stale
    km, direction = ty.distance_and_direction(120.6, 26.5, 120.6, 27.5)  # one degree south
    assert direction == "南" and 110 < km < 112
    assert ty.distance_and_direction(121.6, 28.4, 120.6, 27.5)[1] == "东北"
    assert ty.storm_text(got, (120.6, 27.5)) == (
        "台风中心位于县域东南约 189 公里（7月6日 06时观测，强台风）")  # 1.5° S, 0.9° E
    near = dict(got, lon=120.61, lat=27.51)
    assert ty.storm_text(near, (120.6, 27.5)).startswith("台风中心位于县域附近")
