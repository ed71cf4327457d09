"""Reading real-world exports: encodings, title lines, Excel, value forms, header synonyms."""

from __future__ import annotations

import datetime as dt

import openpyxl
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
from command_center.ingest.preview import preview_file as preview
from command_center.ingest.upsert import import_file

HEAD = INCIDENT_HEAD
run, name = run_import, community_name


@pytest.mark.parametrize("encoding,expected", [
    ("gbk", "gb18030"), ("gb18030", "gb18030"), ("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8"),
    ("utf-16", "utf-16"),
])
def test_encodings_and_title_line(tmp_path, base_wh, encoding, expected):
    rows = [["龙港市社会治理中心 事件导出", "", ""], ["导出时间：2026年7月26日"], HEAD,
            ["E1", "2026-07-25 14:03:00", "110", "刑事", "处置中", name()],
            ["E2", "2026-07-25 15:00:00", "12345", "治安", "已办结", name(1)],
            ["", "", "", "", "", ""], ["", "", "", "", "", ""]]
    delimiter = "\t" if encoding == "utf-16" else ","
    path = tmp_path / "e.csv"
    import csv

    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    p = preview(path)
    assert (p.dataset, p.encoding, p.header_row) == ("incidents", expected, 3)
    r = run(path, base_wh)
    assert (r.read, r.loaded) == (2, 2)  # trailing empty rows are not rows
    got = query(base_wh, "select incident_id, reported_at, community_code from incidents order by 1")
    assert got[0] == ("E1", dt.datetime(2026, 7, 25, 14, 3), communities()[0]["community_code"])
    assert got[1][0] == "E2"


def test_row_numbers_are_excel_rows(tmp_path, base_wh):
    rows = [["标题"], HEAD, ["E1", "2026-07-25", "110", "刑事", "处置中", name()],
            ["E2", "坏时间", "110", "刑事", "处置中", name()]]
    f = write_csv(tmp_path / "r.csv", rows, encoding="gbk")
    run(f, base_wh)
    assert query(base_wh, "select file, row_number, reason from quarantine") == [
        ("r.csv", 4, "上报时间无法识别")]


TIME_FORMS = {
    "2026-07-25 14:03:00": dt.datetime(2026, 7, 25, 14, 3),
    "2026-07-25 14:03": dt.datetime(2026, 7, 25, 14, 3),
    "2026/7/25 14:03": dt.datetime(2026, 7, 25, 14, 3),
    "2026/7/25 14:03:09": dt.datetime(2026, 7, 25, 14, 3, 9),
    "2026年7月25日 14时03分": dt.datetime(2026, 7, 25, 14, 3),
    "2026年7月25日 14:03": dt.datetime(2026, 7, 25, 14, 3),
    "2026年7月25日": dt.datetime(2026, 7, 25),
    "20260725140300": dt.datetime(2026, 7, 25, 14, 3),
    "2026-07-25T14:03:00": dt.datetime(2026, 7, 25, 14, 3),
    "2026-07-25": dt.datetime(2026, 7, 25),
    "46228.58": dt.datetime(2026, 7, 25, 13, 55, 12),
    "46228": dt.datetime(2026, 7, 25),
    "２０２６－０７－２５　１４：０３": dt.datetime(2026, 7, 25, 14, 3),
    " 2026-07-25 14:03:00 ": dt.datetime(2026, 7, 25, 14, 3),
}


def test_timestamp_forms(tmp_path, base_wh):
    rows = [HEAD] + [[f"T{i}", text, "110", "刑事", "处置中", name()]
                     for i, text in enumerate(TIME_FORMS)]
    f = write_csv(tmp_path / "t.csv", rows)
    r = run(f, base_wh)
    assert r.quarantined == 0
    got = dict(query(base_wh, "select incident_id, reported_at from incidents"))
    for i, want in enumerate(TIME_FORMS.values()):
        assert got[f"T{i}"] == want, list(TIME_FORMS)[i]


def test_optional_bad_time_is_nulled_with_warning(tmp_path, base_wh):
    head = HEAD + ["办结时间"]
    f = write_csv(tmp_path / "t.csv", [head, ["A", "2026-07-25", "110", "刑事", "已办结", name(),
                                              "昨天下午"]])
    r = run(f, base_wh)
    assert r.loaded == 1 and r.warnings == {"办结时间无法识别，已置空": 1,
                                            "缺少坐标，已用社区中心点": 1}
    assert query(base_wh, "select closed_at from incidents")[0][0] is None


def test_full_width_digits_spaces_and_ids(tmp_path, base_wh):
    f = write_csv(tmp_path / "f.csv", [HEAD, ["Ｅ０１２", "２０２６年７月２５日　１４时０３分",
                                              "１１０", "刑事", "处置中", "　" + name() + "　"]])
    run(f, base_wh)
    assert query(base_wh, "select incident_id, reported_at, source, community_code from incidents") == [
        ("E012", dt.datetime(2026, 7, 25, 14, 3), "110", communities()[0]["community_code"])]


@pytest.mark.parametrize("cell,expected", [
    ("E012", "E012"), (" E012", "E012"), ("E012\t", "E012"), ("E012\r\n", "E012"),
    ("Ｅ０１２", "E012"), ("\u3000E012", "E012"), ("E012\u00a0", "E012"), ("\ufeffE012", "E012"),
    ("E 012", "E 012"), ("\x01E012", "\x01E012"), ("   ", None), ("", None),
    ("临江 ", "临江"), ("２０２６－０７－２５", "2026-07-25"),
])
def test_clean_folds_and_trims_every_cell_that_needs_it(cell, expected):
    """ASCII cells take a shortcut (their first and last character codes) past the regular
    expression: whitespace at either end is still trimmed, and what needs nothing is kept."""
    import duckdb

    from command_center.ingest.values import clean

    con = duckdb.connect()
    con.execute("create table t (c varchar)")
    con.execute("insert into t values (?)", [cell])
    assert con.execute(f"select {clean('c')} from t").fetchone()[0] == expected


def test_header_synonyms_and_enum_synonyms(tmp_path, base_wh):
    head = ["接警单编号", "报警时间", "报警方式", "警情类别", "警情细类", "办理状态", "结案时间",
            "管辖社区", "案发地址", "简要案情", "报警人", "报警电话", "回访满意度", "无关列"]
    rows = [
        ["J1", "2026-07-25 14:03", "110报警", "刑事案件", "盗窃", "已结案", "2026-07-26", name(),
         "某路", "被盗", "张三", "13800000000", "非常满意", "x"],
        ["J2", "2026-07-25 14:03", "12345热线", "火警", "", "受理中", "", name(), "", "", "", "",
         "", ""],
        ["J3", "2026-07-25 14:03", "电话报警", "群众求助", "", "退回", "", name(), "", "", "", "",
         "很离谱", ""],
    ]
    f = write_csv(tmp_path / "s.csv", [head, *rows])
    p = preview(f)
    assert p.dataset == "incidents" and p.unmapped == ["无关列"] and p.missing_required == []
    assert p.mapping["报警方式"] == "source" and p.mapping["结案时间"] == "closed_at"
    r = run(f, base_wh)
    assert r.warnings["满意度无法识别，已置空"] == 1
    got = {row[0]: row[1:] for row in query(
        base_wh, "select incident_id, source, category, status, satisfaction, reporter_name "
            "from incidents")}
    assert got["J1"] == ("110", "刑事", "已办结", "满意", "张三")
    assert got["J2"] == ("12345", "消防救援", "处置中", None, None)
    assert got["J3"] == ("110", "群众求助", "已退回", None, None)


def test_header_normalisation(tmp_path, base_wh):
    head = [" 纠纷编号 ", "受理\u3000时间", "涉及金额（元）", "ＬＮＧ", "latitude", "所属社区"]
    c = communities()[0]
    f = write_csv(tmp_path / "n.csv", [head, ["T1", "2026-07-01", "2,000", c["inner_lon"],
                                              c["inner_lat"], ""]])
    p = preview(f)
    assert p.dataset == "disputes"
    assert p.mapping == {"纠纷编号": "dispute_id", "受理 时间": "received_at",
                         "涉及金额（元）": "amount_yuan", "ＬＮＧ": "lon", "latitude": "lat",
                         "所属社区": "community_code"}
    run(f, base_wh, dataset="disputes")
    assert query(base_wh, "select amount_yuan, community_code from disputes") == [
        (2000.0, c["community_code"])]


def test_typhoon_levels_and_xlsx_serial_dates(tmp_path, base_wh):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "历史台风一览"
    ws.append([])
    ws.append(["台风编号", "中文名", "英文名", "预警开始时间", "应急响应等级", "登陆时间", None])
    ws.append([1909, "利奇马", "Lekima", 43685.5, "Ⅰ级", dt.datetime(2019, 8, 10, 1, 45)])
    ws.append([2106, "烟花", "In-Fa", "2021/7/23 8:00", "4", None])
    ws.append([2212, "梅花", "Muifa", 44816.25, "IV", None])
    ws.append(["2306", "杜苏芮", "", "2023年7月27日 08时00分", "四级", None])
    ws.append([None, None, None, None, None, None])
    ws["H10"] = None
    path = tmp_path / "typhoons.xlsx"
    wb.save(path)
    p = preview(path)
    assert (p.dataset, p.format, p.header_row) == ("typhoons", "xlsx", 3)
    r = run(path, base_wh, dataset="typhoons")
    assert (r.read, r.loaded) == (4, 4)
    got = {row[0]: row[1:] for row in query(
        base_wh, "select typhoon_id, warning_start_at, response_level, landfall_at from typhoons")}
    assert got["1909"] == (dt.datetime(2019, 8, 8, 12, 0), "Ⅰ", dt.datetime(2019, 8, 10, 1, 45))
    assert got["2106"][:2] == (dt.datetime(2021, 7, 23, 8, 0), "Ⅳ")
    assert got["2212"][:2] == (dt.datetime(2022, 9, 12, 6, 0), "Ⅳ")
    assert got["2306"][:2] == (dt.datetime(2023, 7, 27, 8, 0), "Ⅳ")


def test_xlsx_numbers_booleans_dates(tmp_path, base_wh):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "组织名称", "成立登记日期", "专职人员数", "是否党建联盟成员",
               "评估等级", "信用状态", "所在社区"])
    ws.append(["51330383MJ0000009X", "甲协会", dt.date(2015, 3, 2), 12.0, "是", "AAAA", "良好",
               name(3)])
    ws.append(["51330383MJ0000010Y", "乙协会", 42000, "1,234人", "否", "未参评", "异常名录",
               communities()[4]["community_code"]])
    ws.append(["51330383MJ0000011Z", "丙协会", "2015年3月2日", "七", "也许", "6A", "", ""])
    path = tmp_path / "orgs.xlsx"
    wb.save(path)
    r = run(path, base_wh, dataset="social_orgs")
    assert r.loaded == 3
    assert r.warnings["专职人员数无法识别，已置空"] == 1
    assert r.warnings["是否党建联盟成员无法识别，已置空"] == 1
    assert r.warnings["评估等级无法识别，已置空"] == 1
    got = {row[0]: row[1:] for row in query(
        base_wh, "select org_id, registered_on, staff_count, is_party_alliance, rating, credit_status "
            "from social_orgs where org_name like '%协会' and org_name <> '龙港市和事佬调解协会'")}
    assert got["51330383MJ0000009X"] == (dt.date(2015, 3, 2), 12, True, "4A", "正常")
    assert got["51330383MJ0000010Y"] == (dt.date(2014, 12, 27), 1234, False, "未评估",
                                         "活动异常名录")
    assert got["51330383MJ0000011Z"] == (dt.date(2015, 3, 2), None, None, None, None)


def test_csv_with_short_rows_quoted_newlines_and_semicolons(tmp_path, base_wh):
    text = ("事件编号;上报时间;事件描述;所属社区\n"
            f"A;2026-07-01 08:00;\"第一行\n第二行\";{name()}\n"
            "B;2026-07-01 09:00\n")
    f = tmp_path / "s.csv"
    f.write_text(text, encoding="utf-8")
    r = run(f, base_wh)
    assert r.read == 2
    got = dict(query(base_wh, "select incident_id, summary from incidents"))
    assert got == {"A": "第一行\n第二行", "B": None}


def test_source_toml_header_mapping_in_build(tmp_path):
    exports = tmp_path / "exports"
    from fixtures_ingest.helpers import write_communities

    write_communities(exports / "communities")
    folder = exports / "incidents"
    write_csv(folder / "x.csv", [["流水号", "发生时刻", "报警人姓名", "网格名称"],
                                 ["Z1", "2026-07-01 08:00", "李四", "一网格"]])
    (folder / "_source.toml").write_text(
        'crs = "gcj02"\n[headers]\n"流水号" = "incident_id"\n"发生时刻" = "reported_at"\n'
        '"报警人姓名" = "reporter_name"\n"网格名称" = ""\n', encoding="utf-8")
    wh = tmp_path / "w.duckdb"
    report = build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    assert report.datasets["incidents"].loaded == 1
    assert report.datasets["incidents"].files[0].crs == "gcj02"
    assert query(wh, "select incident_id, reporter_name from incidents") == [("Z1", "李四")]


def test_global_header_mapping_for_import(tmp_path, base_wh):
    mapping = tmp_path / "header_mapping.toml"
    mapping.write_text('[incidents]\n"流水号" = "incident_id"\n"发生时刻" = "reported_at"\n',
                       encoding="utf-8")
    f = write_csv(tmp_path / "in" / "x.csv", [["流水号", "发生时刻", "警情类别"],
                                              ["Z1", "2026-07-01 08:00", "刑事"]])
    with pytest.raises(IngestError):
        import_file("incidents", f, crs=None, warehouse=base_wh, geo_dir=GEO)
    r = run(f, base_wh, header_mapping=mapping)
    assert r.inserted == 1
    bad = tmp_path / "bad_mapping.toml"
    bad.write_text('[incidents]\n"流水号" = "no_such_column"\n', encoding="utf-8")
    with pytest.raises(IngestError, match="no_such_column"):
        import_file("incidents", f, crs=None, warehouse=base_wh, geo_dir=GEO, header_mapping=bad)


def test_preview_detects_each_sample_like_header(tmp_path):
    from command_center.schema import DATASETS

    for ds in DATASETS.values():
        f = write_csv(tmp_path / f"{ds.name}.csv", [[c.header for c in ds.columns]])
        p = preview(f)
        assert p.dataset == ds.name, (ds.name, p.scores)
        assert p.usable and p.unmapped == []


def test_preview_reports_missing_required_and_unknown_files(tmp_path):
    f = write_csv(tmp_path / "x.csv", [["事件编号", "事件类别"], ["E1", "刑事"]])
    p = preview(f, "incidents")
    assert not p.usable and p.missing_required == ["上报时间"]
    assert "缺少必需的列：上报时间" in p.problem
    assert p.rows == [["E1", "刑事"]]
    g = write_csv(tmp_path / "y.csv", [["甲", "乙"], ["1", "2"]])
    with pytest.raises(IngestError, match="未找到表头行"):
        preview(g)


def test_xls_that_is_really_text_and_html_xls(tmp_path, base_wh):
    f = tmp_path / "export.xls"  # many web systems save tab-separated text as .xls
    f.write_text("事件编号\t上报时间\t所属社区\nX1\t2026-07-25T14:03:00+08:00\t" + name() + "\n",
                 encoding="gbk")
    r = run(f, base_wh)
    assert r.loaded == 1
    assert query(base_wh, "select reported_at from incidents")[0][0] == dt.datetime(2026, 7, 25, 14, 3)
    h = tmp_path / "page.xls"
    h.write_text("<html><table><tr><td>事件编号</td></tr></table></html>", encoding="utf-8")
    with pytest.raises(IngestError, match="网页"):
        run(h, base_wh)


def test_amounts_in_wan(tmp_path, base_wh):
    f = write_csv(tmp_path / "d.csv", [["纠纷编号", "受理时间", "标的额", "所属社区"],
                                       ["W1", "2026-07-01", "5万元", name()],
                                       ["W2", "2026-07-01", "1.5万", name()]])
    run(f, base_wh, dataset="disputes")
    assert dict(query(base_wh, "select dispute_id, amount_yuan from disputes")) == {
        "W1": 50000.0, "W2": 15000.0}


def test_communities_import_fills_missing_centroid_from_polygon(tmp_path):
    c = communities()
    rows = [["社区编码", "社区名称", "中心经度", "中心纬度"],
            [c[0]["community_code"], c[0]["community_name"], "", ""],
            [c[1]["community_code"], c[1]["community_name"], c[1]["centroid_lon"],
             c[1]["centroid_lat"]],
            ["330383999999", "飞地社区", "121.9", "29.0"]]
    f = write_csv(tmp_path / "c.csv", rows)
    wh = tmp_path / "w.duckdb"
    r = run(f, wh, dataset="communities")
    assert r.reasons == {"坐标不在县域范围内": 1}
    got = {row[0]: row[1:] for row in query(
        wh, "select community_code, centroid_lon, centroid_lat, location_is_approx "
            "from communities")}
    assert got[c[1]["community_code"]] == (c[1]["centroid_lon"], c[1]["centroid_lat"], False)
    lon, lat, approx = got[c[0]["community_code"]]
    assert approx is True
    assert abs(lon - c[0]["inner_lon"]) < 1e-6 and abs(lat - c[0]["inner_lat"]) < 1e-6
