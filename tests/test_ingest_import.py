"""``import_file``: upsert by key, atomicity, reports, coordinates, quarantine."""

from __future__ import annotations

import json

import duckdb
import numpy as np
import pytest
from fixtures_ingest.helpers import (
    GEO,
    ORGS,
    communities,
    file_hash,
    query,
    write_csv,
)

from command_center.crs import from_wgs84, to_wgs84
from command_center.ingest import IngestError
from command_center.ingest.upsert import import_file

HEAD = ["事件编号", "上报时间", "事件来源", "事件类别", "处置状态", "所属社区", "经度", "纬度"]


def run(path, wh, dataset="incidents", crs=None, **kw):
    report = import_file(dataset, path, crs=crs, warehouse=wh, geo_dir=GEO, **kw)
    # the invariants hold for every import
    assert report.read == report.loaded + report.quarantined
    assert report.loaded == report.inserted + report.updated + report.unchanged
    return report


def inc_rows(n=3):
    c = communities()
    return [[f"E{i}", f"2026-07-0{i + 1} 08:00:00", "110", "刑事", "处置中",
             c[i]["community_name"], c[i]["inner_lon"], c[i]["inner_lat"]] for i in range(n)]


def test_report_json_shape(tmp_path, base_wh):
    f = write_csv(tmp_path / "a.csv", [HEAD, *inc_rows()])
    data = run(f, base_wh).to_json()
    assert list(data) == ["dataset", "file", "read", "loaded", "quarantined", "inserted",
                          "updated", "unchanged", "reasons"]
    assert data["dataset"] == "incidents" and data["file"] == "a.csv"
    assert (data["read"], data["loaded"], data["inserted"]) == (3, 3, 3)
    json.dumps(data, ensure_ascii=False)


def test_same_file_twice_is_unchanged_and_update_replaces(tmp_path, base_wh):
    rows = inc_rows()
    f = write_csv(tmp_path / "a.csv", [HEAD, *rows])
    first = run(f, base_wh)
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    second = run(f, base_wh)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)

    rows[1][4] = "已办结"  # 处置中 → 已办结
    rows.append(["E9", "2026-07-09 08:00", "12345", "治安", "待受理", communities()[5]["community_name"],
                 communities()[5]["inner_lon"], communities()[5]["inner_lat"]])
    f2 = write_csv(tmp_path / "b.csv", [HEAD, *rows])
    third = run(f2, base_wh)
    assert (third.inserted, third.updated, third.unchanged) == (1, 1, 2)
    assert query(base_wh, "select count(*) from incidents")[0][0] == 4
    assert query(base_wh, "select status from incidents where incident_id = 'E1'")[0][0] == "已办结"
    log = query(base_wh, "select file, read, inserted, updated, unchanged from import_log "
                         "where dataset = 'incidents'")  # in import order
    assert log == [("a.csv", 3, 3, 0, 0), ("a.csv", 3, 0, 0, 3), ("b.csv", 4, 1, 1, 2)]


def test_no_key_column_raises_and_leaves_warehouse_identical(tmp_path, base_wh):
    before = file_hash(base_wh)
    f = write_csv(tmp_path / "bad.csv", [["上报时间", "事件类别"], ["2026-07-01 08:00", "刑事"]])
    with pytest.raises(IngestError, match="缺少必需的列：事件编号"):
        import_file("incidents", f, crs=None, warehouse=base_wh, geo_dir=GEO)
    assert file_hash(base_wh) == before
    leftovers = [p.name for p in base_wh.parent.iterdir() if p.name.startswith(".warehouse")]
    assert leftovers == []


def test_missing_required_column_names_the_alternatives(tmp_path, base_wh):
    f = write_csv(tmp_path / "bad.csv", [["事件编号", "事件类别"], ["E1", "刑事"]])
    with pytest.raises(IngestError) as err:
        import_file("incidents", f, crs=None, warehouse=base_wh, geo_dir=GEO)
    assert "缺少必需的列：上报时间（可用表头：上报时间/报警时间/接警时间" in str(err.value)


def test_wrong_dataset_and_unknown_format(tmp_path, base_wh):
    before = file_hash(base_wh)
    f = write_csv(tmp_path / "d.csv", [["纠纷编号", "受理时间", "纠纷类型"], ["T1", "2026-07-01", "邻里"]])
    with pytest.raises(IngestError, match="矛盾纠纷"):
        import_file("incidents", f, crs=None, warehouse=base_wh, geo_dir=GEO)
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4 nothing")
    with pytest.raises(IngestError, match="不支持的文件格式"):
        import_file("incidents", pdf, crs=None, warehouse=base_wh, geo_dir=GEO)
    zipped = tmp_path / "x.csv"
    zipped.write_bytes(b"PK\x03\x04 not a spreadsheet")
    with pytest.raises(IngestError):
        import_file("incidents", zipped, crs=None, warehouse=base_wh, geo_dir=GEO)
    with pytest.raises(IngestError, match="未知的数据集"):
        import_file("nope", f, crs=None, warehouse=base_wh, geo_dir=GEO)
    assert file_hash(base_wh) == before


def test_unreadable_encoding_raises(tmp_path, base_wh):
    f = tmp_path / "junk.csv"
    f.write_bytes(b"\x81\x30\xff\xfe\x00\x80" * 50)
    with pytest.raises(IngestError):
        import_file("incidents", f, crs=None, warehouse=base_wh, geo_dir=GEO)


def test_duplicate_keys_keep_last_occurrence(tmp_path, base_wh):
    rows = inc_rows(2)
    later = list(rows[0])
    later[4] = "已办结"
    f = write_csv(tmp_path / "dup.csv", [HEAD, rows[0], rows[1], later])
    r = run(f, base_wh)
    assert (r.read, r.loaded, r.quarantined) == (3, 2, 1)
    assert r.reasons == {"文件内编号重复": 1}
    assert query(base_wh, "select status from incidents where incident_id = 'E0'")[0][0] == "已办结"
    q = query(base_wh, "select row_number, reason, raw_json from quarantine")
    assert q[0][0] == 2 and q[0][1] == "文件内编号重复"
    assert json.loads(q[0][2])["处置状态"] == "处置中"


@pytest.mark.parametrize("crs", ["gcj02", "bd09"])
def test_declared_crs_is_converted_to_wgs84(tmp_path, base_wh, crs):
    c = communities()[10]
    lon, lat = from_wgs84(c["inner_lon"], c["inner_lat"], crs)
    f = write_csv(tmp_path / "p.csv", [HEAD, ["P1", "2026-07-01 08:00", "110", "刑事", "处置中",
                                              "", f"{lon:.7f}", f"{lat:.7f}"]])
    r = run(f, base_wh, crs=crs)
    assert r.loaded == 1 and r.warnings["社区由坐标补全"] == 1
    got = query(base_wh, "select lon, lat, community_code, location_is_approx from incidents")[0]
    want = to_wgs84(float(f"{lon:.7f}"), float(f"{lat:.7f}"), crs)
    assert got[0] == pytest.approx(float(want[0]), abs=1e-9)
    assert got[1] == pytest.approx(float(want[1]), abs=1e-9)
    # back at the WGS-84 point (within a metre) and placed in its community
    assert abs(got[0] - c["inner_lon"]) < 1e-5 and abs(got[1] - c["inner_lat"]) < 1e-5
    assert got[2] == c["community_code"] and got[3] is False
    # read as WGS-84 the same numbers are off by hundreds of metres
    assert abs(lon - c["inner_lon"]) + abs(lat - c["inner_lat"]) > 2e-3


def test_source_toml_crs_and_cli_override(tmp_path, base_wh):
    c = communities()[3]
    folder = tmp_path / "drop"
    lon, lat = from_wgs84(c["inner_lon"], c["inner_lat"], "bd09")
    f = write_csv(folder / "p.csv", [HEAD, ["P1", "2026-07-01 08:00", "110", "刑事", "处置中", "",
                                             lon, lat]])
    (folder / "_source.toml").write_text('crs = "bd09"\n', encoding="utf-8")
    run(f, base_wh)
    got = query(base_wh, "select lon, lat from incidents")[0]
    assert abs(got[0] - c["inner_lon"]) < 1e-5 and abs(got[1] - c["inner_lat"]) < 1e-5
    run(f, base_wh, crs="wgs84")  # --crs wins: the raw numbers are kept
    got = query(base_wh, "select lon, lat from incidents")[0]
    assert got == (pytest.approx(lon), pytest.approx(lat))


def test_points_outside_county_are_quarantined(tmp_path, base_wh):
    rows = inc_rows(1) + [["X1", "2026-07-01 08:00", "110", "刑事", "处置中", "", "120.1", "30.3"],
                          ["X2", "2026-07-01 08:00", "110", "刑事", "处置中", "",
                           "121.2", "27.58"]]
    f = write_csv(tmp_path / "o.csv", [HEAD, *rows])
    r = run(f, base_wh)
    assert r.reasons == {"坐标不在县域范围内": 2}
    assert [row[0] for row in query(base_wh, "select row_number from quarantine order by 1")] == [3, 4]


def test_missing_point_uses_centroid_and_missing_community_from_point(tmp_path, base_wh):
    c = communities()
    rows = [
        ["A", "2026-07-01 08:00", "110", "刑事", "处置中", c[7]["community_name"], "", ""],
        ["B", "2026-07-01 08:00", "110", "刑事", "处置中", "", c[8]["inner_lon"], c[8]["inner_lat"]],
        ["C", "2026-07-01 08:00", "110", "刑事", "处置中", "无此社区", "", ""],
        ["D", "2026-07-01 08:00", "110", "刑事", "处置中", "无此社区", c[9]["inner_lon"],
         c[9]["inner_lat"]],
        ["E", "2026-07-01 08:00", "110", "刑事", "处置中", "", "", ""],
    ]
    f = write_csv(tmp_path / "m.csv", [HEAD, *rows])
    r = run(f, base_wh)
    assert r.reasons == {"社区无法识别": 1}
    assert r.warnings["缺少坐标，已用社区中心点"] == 1
    assert r.warnings["社区由坐标补全"] == 1
    assert r.warnings["所属社区无法识别，已按坐标归属"] == 1
    got = {row[0]: row[1:] for row in query(
        base_wh, "select incident_id, community_code, lon, lat, location_is_approx from incidents")}
    assert got["A"] == (c[7]["community_code"], c[7]["centroid_lon"], c[7]["centroid_lat"], True)
    assert got["B"][0] == c[8]["community_code"] and got["B"][3] is False
    assert got["D"][0] == c[9]["community_code"]
    assert got["E"] == (None, None, None, False)  # kept: community is optional


def test_communities_by_code_name_and_short_name(tmp_path, base_wh):
    c = communities()
    short = c[4]["community_name"].removesuffix("社区")
    rows = [
        ["A", "2026-07-01 08:00", "110", "刑事", "处置中", c[1]["community_code"], "", ""],
        ["B", "2026-07-01 08:00", "110", "刑事", "处置中", f" {c[2]['community_name']} ", "", ""],
        ["C", "2026-07-01 08:00", "110", "刑事", "处置中", short, "", ""],
        ["D", "2026-07-01 08:00", "110", "刑事", "处置中", "龙港市" + c[5]["community_name"], "", ""],
        ["E", "2026-07-01 08:00", "110", "刑事", "处置中", c[6]["community_name"] + "居民委员会",
         "", ""],
    ]
    f = write_csv(tmp_path / "c.csv", [HEAD, *rows])
    assert run(f, base_wh).loaded == 5
    got = dict(query(base_wh, "select incident_id, community_code from incidents"))
    assert got == {"A": c[1]["community_code"], "B": c[2]["community_code"],
                   "C": c[4]["community_code"], "D": c[5]["community_code"],
                   "E": c[6]["community_code"]}


def test_disputes_mediator_org_by_name_or_code(tmp_path, base_wh):
    head = ["纠纷编号", "受理时间", "纠纷类型", "所属社区", "调解组织", "办理状态", "涉及金额(元)"]
    name = communities()[0]["community_name"]
    rows = [
        ["T1", "2026-07-01 08:00", "邻里纠纷", name, ORGS[0][1], "调解中", "1,200.50"],
        ["T2", "2026-07-01 08:00", "合同", name, ORGS[1][0], "成功", "３００"],
        ["T3", "2026-07-01 08:00", "怪类型", name, "不存在的调委会", "已受理", "很多"],
    ]
    f = write_csv(tmp_path / "d.csv", [head, *rows], encoding="gbk")
    r = run(f, base_wh, dataset="disputes")
    assert r.loaded == 3
    assert r.warnings == {"调解组织无法识别，已置空": 1, "纠纷类型无法识别，记为其他": 1,
                          "涉及金额(元)无法识别，已置空": 1, "缺少坐标，已用社区中心点": 3}
    got = {row[0]: row[1:] for row in query(
        base_wh, "select dispute_id, mediator_org_id, dispute_type, status, amount_yuan from disputes")}
    assert got["T1"] == (ORGS[0][0], "邻里", "调处中", 1200.5)
    assert got["T2"] == (ORGS[1][0], "合同", "调解成功", 300.0)
    assert got["T3"] == (None, "其他", "已受理", None)


def test_reader_sees_old_or_new_never_half(tmp_path, base_wh):
    f = write_csv(tmp_path / "a.csv", [HEAD, *inc_rows()])
    reader = duckdb.connect(str(base_wh), read_only=True)
    run(f, base_wh)
    assert reader.execute("select count(*) from incidents").fetchone()[0] == 0  # old file
    reader.close()
    assert query(base_wh, "select count(*) from incidents")[0][0] == 3


def test_quarantined_rows_can_be_fixed_and_reimported(tmp_path, base_wh):
    rows = inc_rows(2)
    rows[1][1] = "7月1日上午"
    f = write_csv(tmp_path / "a.csv", [HEAD, *rows])
    r = run(f, base_wh)
    assert r.reasons == {"上报时间无法识别": 1}
    raw = json.loads(query(base_wh, "select raw_json from quarantine")[0][0])
    raw["上报时间"] = "2026-07-01 10:00"
    fixed = write_csv(tmp_path / "fixed.csv", [list(raw), list(raw.values())])
    r2 = run(fixed, base_wh)
    assert (r2.loaded, r2.inserted) == (1, 1)
    assert query(base_wh, "select count(*) from incidents")[0][0] == 2


def test_import_creates_missing_warehouse(tmp_path):
    wh = tmp_path / "new" / "w.duckdb"
    f = write_csv(tmp_path / "t.csv", [["台风编号", "中文名", "预警开始时间", "应急响应等级"],
                                       ["2106", "烟花", "2021-07-23 08:00", "Ⅳ级"]])
    r = run(f, wh, dataset="typhoons")
    assert r.inserted == 1
    assert query(wh, "select response_level from typhoons")[0][0] == "Ⅳ"


def test_large_numbers_of_rows_keep_invariants(tmp_path, base_wh):
    c = communities()
    rng = np.random.default_rng(1)
    rows = []
    for i in range(3000):
        k = int(rng.integers(0, len(c)))
        bad = i % 100 == 0
        rows.append([f"N{i % 2900}", "bad" if bad else "2026-07-01 08:00", "110", "刑事", "处置中",
                     c[k]["community_name"], c[k]["inner_lon"], c[k]["inner_lat"]])
    f = write_csv(tmp_path / "n.csv", [HEAD, *rows])
    r = run(f, base_wh)
    assert r.read == 3000
    assert r.reasons["上报时间无法识别"] == 30
    assert r.reasons["文件内编号重复"] > 0
    assert query(base_wh, "select count(*) from incidents")[0][0] == r.loaded
    assert query(base_wh, "select count(distinct incident_id) from incidents")[0][0] == r.loaded
