"""Issue 16: real exports, round 2. Each test writes its own file; every row is accounted for
(read = loaded + quarantined) and every refusal says in Chinese what to do next."""

from __future__ import annotations

import datetime as dt

import pytest
from fixtures_ingest.helpers import (
    GEO,
    INCIDENT_HEAD,
    communities,
    community_name,
    query,
    run_import,
    write_csv,
)

from command_center.ingest import IngestError
from command_center.ingest.build import build_warehouse

HEAD = INCIDENT_HEAD
run, name = run_import, community_name


# ------------------------------------------------------------------ 1. times
def test_hour_and_minute_compact_times(tmp_path, base_wh):
    rows = [HEAD, ["H1", "2026072514", "110", "刑事", "处置中", name()],
            ["H2", "202607251403", "110", "刑事", "处置中", name()],
            ["H3", "20260725140309", "110", "刑事", "处置中", name()]]
    r = run(write_csv(tmp_path / "t.csv", rows), base_wh)
    assert r.quarantined == 0
    assert dict(query(base_wh, "select incident_id, reported_at from incidents")) == {
        "H1": dt.datetime(2026, 7, 25, 14), "H2": dt.datetime(2026, 7, 25, 14, 3),
        "H3": dt.datetime(2026, 7, 25, 14, 3, 9)}


def test_unparseable_time_message_lists_the_accepted_formats(tmp_path, base_wh):
    rows = [HEAD, ["B1", "7月25日下午", "110", "刑事", "处置中", name()],
            ["B2", "2026-07-25 14:03", "110", "刑事", "处置中", name()]]
    r = run(write_csv(tmp_path / "t.csv", rows), base_wh)
    assert r.reasons == {"上报时间无法识别": 1}
    note = next(n for n in r.notes if n.startswith("可识别的时间格式"))
    for form in ("2026-07-25 14:03:00", "2026年7月25日 14时03分", "2026072514", "202607251403",
                 "Excel"):
        assert form in note
    assert "可识别的时间格式" in r.summary()


def test_source_timezone_utc_is_converted_to_local(tmp_path):
    from fixtures_ingest.helpers import write_communities

    exports = tmp_path / "exports"
    write_communities(exports / "communities")
    folder = exports / "typhoons"
    write_csv(folder / "best.csv", [["台风编号", "中文名", "预警开始时间", "登陆时间"],
                                    ["1909", "利奇马", "2019080800", "2019-08-09T17:45:00"],
                                    ["2106", "烟花", "2021-07-22T01:00:00+08:00", ""]])
    (folder / "_source.toml").write_text('timezone = "UTC"\n', encoding="utf-8")
    wh = tmp_path / "w.duckdb"
    report = build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    rep = report.datasets["typhoons"].files[0]
    assert rep.loaded == 2 and any("UTC" in n for n in rep.notes)
    got = {r[0]: r[1:] for r in query(
        wh, "select typhoon_id, warning_start_at, landfall_at from typhoons")}
    assert got["1909"] == (dt.datetime(2019, 8, 8, 8), dt.datetime(2019, 8, 10, 1, 45))
    assert got["2106"] == (dt.datetime(2021, 7, 22, 1), None)  # explicit +08:00 is local


def test_import_keeps_the_timezone_for_rebuilds_and_refuses_unknown_zones(tmp_path, base_wh):
    folder = tmp_path / "in"
    f = write_csv(folder / "t.csv", [["台风编号", "中文名", "预警开始时间"],
                                     ["2212", "梅花", "2022-09-12 00:00"]])
    (folder / "_source.toml").write_text('timezone = "UTC"\n', encoding="utf-8")
    run(f, base_wh, dataset="typhoons")
    assert query(base_wh, "select warning_start_at from typhoons") == [(dt.datetime(2022, 9, 12, 8),)]
    build_warehouse(tmp_path / "none", base_wh, progress=None, geo_dir=GEO)
    assert query(base_wh, "select warning_start_at from typhoons") == [(dt.datetime(2022, 9, 12, 8),)]
    (folder / "_source.toml").write_text('timezone = "火星时间"\n', encoding="utf-8")
    with pytest.raises(IngestError, match="timezone.*UTC"):
        run(f, base_wh, dataset="typhoons")


# ------------------------------------------------------------------ 2. quarantine per file
def test_reimport_replaces_the_files_quarantined_rows(tmp_path, base_wh):
    bad = [HEAD, ["Q1", "坏时间", "110", "刑事", "处置中", name()],
           ["Q2", "2026-07-25 14:03", "110", "刑事", "处置中", name()]]
    f = write_csv(tmp_path / "a.csv", bad)
    other = write_csv(tmp_path / "b.csv", [HEAD, ["Q9", "", "110", "刑事", "处置中", name()]])
    run(other, base_wh)
    for _ in range(3):
        run(f, base_wh)
    assert query(base_wh, "select file, row_number, reason from quarantine order by file") == [
        ("a.csv", 2, "上报时间无法识别"), ("b.csv", 2, "缺少必填字段：上报时间")]
    bad[1][1] = "2026-07-25 15:00"
    r = run(write_csv(tmp_path / "a.csv", bad), base_wh)
    assert r.quarantined == 0 and any("已由本次结果替换" in n for n in r.notes)
    assert query(base_wh, "select file from quarantine") == [("b.csv",)]
    assert query(base_wh, "select count(*) from incidents")[0][0] == 2


# ------------------------------------------------------------------ 3. traditional headers
def test_traditional_character_headers_match(tmp_path, base_wh):
    from command_center.ingest.preview import preview_file

    c = communities()[0]
    f = write_csv(tmp_path / "t.csv", [
        ["事件編號", "報警時間", "處置狀態", "所屬社區", "經度", "緯度", "報警人"],
        ["T1", "2026-07-25 14:03", "已辦結", c["community_name"], c["inner_lon"], c["inner_lat"],
         "陳大文"]])
    p = preview_file(f)
    assert p.dataset == "incidents" and p.unmapped == []
    assert p.mapping["經度"] == "lon" and p.mapping["事件編號"] == "incident_id"
    r = run(f, base_wh)
    assert r.loaded == 1
    assert query(base_wh, "select incident_id, community_code, reporter_name from incidents") == [
        ("T1", c["community_code"], "陳大文")]  # values are kept as written
    s = write_csv(tmp_path / "s.csv", [["場所編號", "場所名稱", "收容人數", "所屬社區"],
                                       ["S1", "體育館", "300", c["community_name"]]])
    assert run(s, base_wh, dataset="shelters").loaded == 1
    assert query(base_wh, "select shelter_id, capacity from shelters") == [("S1", 300)]


# ------------------------------------------------------------------ 4. no header row
def test_no_header_row_says_which_line_and_what_to_add(tmp_path, base_wh):
    f = write_csv(tmp_path / "x.csv", [["某系统导出"], ["编号", "报警人姓名", "时间点", "地点"],
                                       ["1", "张三", "2026-07-25", "某路"]])
    with pytest.raises(IngestError) as e:
        run(f, base_wh)
    msg = str(e.value)
    assert msg.startswith("未找到表头行：x.csv")
    assert "第 2 行：「编号」「报警人姓名」「时间点」「地点」" in msg
    assert "已识别的列（警情事件）：编号 → incident_id" in msg
    assert "缺少必需的列：上报时间" in msg
    assert '"报警人姓名" = ""  # 请填写对应的字段名' in msg and '"编号" = ""' not in msg
    assert "reported_at（上报时间）" in msg and "reporter_name（上报人）" in msg
    # the printed lines, filled in, make the file importable
    lines = [ln.split("  #")[0] for ln in msg.splitlines() if ln.startswith('"')]
    fill = {"报警人姓名": "reporter_name", "时间点": "reported_at", "地点": "address"}
    toml = "[headers]\n" + "\n".join(
        ln.replace('= ""', f'= "{fill[ln.split(chr(34))[1]]}"') for ln in lines) + "\n"
    (tmp_path / "_source.toml").write_text(toml, encoding="utf-8")
    r = run(f, base_wh)
    assert r.loaded == 1
    assert query(base_wh, "select incident_id, reporter_name, address from incidents") == [
        ("1", "张三", "某路")]


def test_no_header_row_in_xlsx_and_preview(tmp_path):
    import openpyxl

    from command_center.ingest.preview import preview_file

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    ws.append([1, 2, 3])
    ws.append(["安置点代码", "安置点名字", "容纳人数"])
    ws.append(["S1", "体育馆", 300])
    path = tmp_path / "s.xlsx"
    wb.save(path)
    with pytest.raises(IngestError) as e:
        preview_file(path)
    msg = str(e.value)
    assert "工作表「数据」第 2 行：「安置点代码」「安置点名字」「容纳人数」" in msg
    assert "按表头推测为「避灾安置场所」数据" in msg
    assert "已识别的列（避灾安置场所）：容纳人数 → capacity" in msg
    assert '"安置点代码" = ""  # 请填写对应的字段名' in msg and "shelter_id（场所编号）" in msg


def test_cells_under_columns_without_header_are_reported(tmp_path, base_wh):
    import openpyxl

    rows = [HEAD + ["", "备注"],
            ["N1", "2026-07-25 14:03", "110", "刑事", "处置中", name(), "孤儿值", "x", "多出"],
            ["N2", "2026-07-25 14:03", "110", "刑事", "处置中", name()]]
    r = run(write_csv(tmp_path / "n.csv", rows), base_wh)
    assert r.loaded == 2 and r.warnings["无表头的列中有内容，未导入"] == 2
    note = next(n for n in r.notes if "没有表头" in n)
    assert "第 7 列" in note and "第 8 列右侧" in note and "2 个单元格" in note
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(tmp_path / "n.xlsx")
    r = run(tmp_path / "n.xlsx", base_wh)
    assert r.warnings["无表头的列中有内容，未导入"] == 2 and r.unchanged == 2


# ------------------------------------------------------------------ 5. typhoon numbers
def test_typhoon_numbers_fold_to_four_digits_and_same_name_warns(tmp_path, base_wh):
    t = write_csv(tmp_path / "t.csv", [["台风编号", "中文名", "预警开始时间"],
                                       ["201909", "利奇马", "2019-08-08 08:00"],
                                       ["第2106号", "烟花", "2021-07-22 09:00"]])
    r = run(t, base_wh, dataset="typhoons")
    assert r.loaded == 2 and "同一年已有同名台风，请核对编号" not in r.warnings
    again = write_csv(tmp_path / "t2.csv", [["台风编号", "中文名", "预警开始时间"],
                                            ["1909", "利奇马", "2019-08-08 08:00"]])
    assert run(again, base_wh, dataset="typhoons").unchanged == 1  # 201909 and 1909: one storm
    assert query(base_wh, "select typhoon_id from typhoons order by 1") == [("1909",), ("2106",)]
    e = write_csv(tmp_path / "e.csv", [["转移记录编号", "台风编号", "转移人数", "所属社区"],
                                       ["R1", "201909", "3", name()]])
    run(e, base_wh, dataset="evacuations")
    assert query(base_wh, "select typhoon_id from evacuations") == [("1909",)]
    second = write_csv(tmp_path / "t3.csv", [["台风编号", "中文名", "预警开始时间"],
                                             ["201910", "利奇马", "2019-08-08 08:00"]])
    r = run(second, base_wh, dataset="typhoons")
    assert r.loaded == 1 and r.warnings["同一年已有同名台风，请核对编号"] == 1
    note = next(n for n in r.notes if n.startswith("台风「利奇马」"))
    assert "2019 年已有编号 1909" in note and "1910" in note


# ------------------------------------------------------------------ 6. placement counts
def test_rows_without_community_or_point_are_loaded_and_counted(tmp_path, base_wh):
    c = communities()[0]
    head = HEAD + ["经度", "纬度"]
    rows = [head,
            ["P1", "2026-07-25 14:03", "110", "刑事", "处置中", "", c["inner_lon"], c["inner_lat"]],
            ["P2", "2026-07-25 14:03", "110", "刑事", "处置中", name(), "", ""],
            ["P3", "2026-07-25 14:03", "110", "刑事", "处置中", name(1), "", ""],
            ["P4", "2026-07-25 14:03", "110", "刑事", "处置中", "", "", ""]]
    r = run(write_csv(tmp_path / "p.csv", rows), base_wh)
    assert r.loaded == 4 and r.quarantined == 0
    assert r.placement == {"point": 1, "community": 2, "none": 1}
    assert r.warnings["无社区无坐标"] == 1
    assert "定位：按坐标 1 行，仅按社区（无坐标）2 行，无社区无坐标 1 行" in r.summary()
    assert "提示 无社区无坐标：1 行" in r.summary()
    assert query(base_wh, "select community_code, lon from incidents where incident_id = 'P4'") == [
        (None, None)]


# ------------------------------------------------------------------ 7. rows of another area
def test_rows_naming_another_district_or_street_are_quarantined(tmp_path, base_wh):
    shared = name()  # a community name that another county might have too
    head = ["事件编号", "上报时间", "所属区县", "所属街道", "所属社区"]
    rows = [head,
            ["A1", "2026-07-25 14:03", "龙港市", "龙港片区", shared],
            ["A2", "2026-07-25 14:03", "浙江省温州市龙港市", "宜山镇", shared],
            ["A3", "2026-07-25 14:03", "苍南县", "灵溪镇", shared],
            ["A4", "2026-07-25 14:03", "", "钱库镇", shared],
            ["A5", "2026-07-25 14:03", "330383", "", shared],
            ["A6", "2026-07-25 14:03", "", "", shared]]
    r = run(write_csv(tmp_path / "a.csv", rows), base_wh)
    assert (r.read, r.loaded, r.quarantined) == (6, 4, 2)
    assert r.reasons == {"不属于本县（苍南县）": 1, "不属于本县（钱库镇）": 1}
    note = next(n for n in r.notes if n.startswith("不属于本县的行"))
    assert "2 行" in note and "「所属区县」" in note and "龙港市" in note
    assert query(base_wh, "select incident_id from incidents order by 1") == [
        ("A1",), ("A2",), ("A5",), ("A6",)]
    from command_center.ingest.preview import preview_file

    p = preview_file(tmp_path / "a.csv")
    assert p.unmapped == [] and any("「所属区县」、「所属街道」列用于核对是否属于龙港市" in n
                                    for n in p.notes)
    assert query(base_wh, "select row_number, reason from quarantine order by 1") == [
        (4, "不属于本县（苍南县）"), (5, "不属于本县（钱库镇）")]
    other = write_csv(tmp_path / "b.csv", [["纠纷编号", "受理时间", "行政区划", "所属社区"],
                                           ["D1", "2026-07-01", "平阳县", shared]])
    r = run(other, base_wh, dataset="disputes")
    assert r.reasons == {"不属于本县（平阳县）": 1} and r.loaded == 0


# ------------------------------------------------------------------ 8. projected coordinates
def _gk(i: int) -> tuple[float, float]:
    from pyproj import Transformer

    c = communities()[i]
    t = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
    return t.transform(c["inner_lon"], c["inner_lat"])


def test_cgcs2000_gauss_kruger_metres_by_epsg_code(tmp_path, base_wh):
    e0, n0 = _gk(5)
    e1, n1 = _gk(6)
    folder = tmp_path / "drop"
    head = ["事件编号", "上报时间", "所属社区", "X坐标", "Y坐标"]
    f = write_csv(folder / "g.csv", [head,
                                     ["G1", "2026-07-25 14:03", "", f"{e0:.3f}", f"{n0:.3f}"],
                                     ["G2", "2026-07-25 14:03", "", f"{n1:.3f}", f"{e1:.3f}"]])
    (folder / "_source.toml").write_text('crs = "EPSG:4549"\n', encoding="utf-8")
    r = run(f, base_wh)
    assert r.loaded == 2 and r.crs == "EPSG:4549" and r.warnings["社区由坐标补全"] == 2
    got = {row[0]: row[1:] for row in query(
        base_wh, "select incident_id, lon, lat, community_code from incidents")}
    for key, i in (("G1", 5), ("G2", 6)):  # northing in the X column (survey practice) too
        c = communities()[i]
        lon, lat, code = got[key]
        assert abs(lon - c["inner_lon"]) < 1e-6 and abs(lat - c["inner_lat"]) < 1e-6
        assert code == c["community_code"]
    assert run(f, base_wh, crs="epsg:4549").unchanged == 2  # --crs takes the code too


def test_metres_under_degrees_and_degrees_under_metres_are_refused(tmp_path, base_wh):
    e0, n0 = _gk(5)
    head = ["事件编号", "上报时间", "所属社区", "经度", "纬度"]
    f = write_csv(tmp_path / "m.csv", [head, ["M1", "2026-07-25 14:03", "", e0, n0]])
    with pytest.raises(IngestError) as e:
        run(f, base_wh)
    msg = str(e.value)
    assert "以米为单位的投影坐标" in msg and 'crs = "EPSG:4549"' in msg and "--crs EPSG:4549" in msg
    c = communities()[5]
    d = write_csv(tmp_path / "d.csv", [head, ["M2", "2026-07-25 14:03", "", c["inner_lon"],
                                              c["inner_lat"]]])
    with pytest.raises(IngestError, match="看起来是经纬度.*EPSG:4490"):
        run(d, base_wh, crs="EPSG:4549")
    assert run(d, base_wh, crs="EPSG:4490").loaded == 1  # CGCS2000 degrees: as WGS-84 within cm
    with pytest.raises(IngestError, match="坐标系 EPSG:99999 无法识别"):
        run(d, base_wh, crs="EPSG:99999")
    assert query(base_wh, "select incident_id from incidents") == [("M2",)]
