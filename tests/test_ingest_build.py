"""Full warehouse build from an exports folder of small hand-made files."""

from __future__ import annotations

import os

import duckdb
import pytest
from fixtures_ingest.helpers import GEO, communities, query, write_communities, write_csv

from command_center.delta import open_snapshot
from command_center.ingest.build import build_warehouse
from command_center.schema import BUILD_ORDER, DATASETS, EXTRA_COLUMNS, RAW_ENUM_COLUMNS
from command_center.warehouse import dataset_freshness, warehouse_version

HEADERS = ["接警单编号", "报警时间", "报警方式", "警情类别", "警情细类", "处置状态", "所属社区",
           "经度", "纬度", "案发地址"]


@pytest.fixture()
def exports(tmp_path):
    out = tmp_path / "exports"
    write_communities(out / "communities")
    c = communities()
    rows = [
        ["龙港市公安局警情导出（2026年7月）"],
        HEADERS,
        ["J1", "2026/7/25 14:03", "110报警", "刑事案件", "盗窃", "已结案", c[0]["community_name"],
         c[0]["inner_lon"], c[0]["inner_lat"], "某路1号"],
        ["J2", "20260725140300", "12345", "治安", "", "受理中", "",
         c[1]["inner_lon"], c[1]["inner_lat"], ""],
        ["J3", "2026年7月25日 14时03分", "xx", "未知", "", "处置中", c[2]["community_code"], "", "", ""],
        ["J4", "不是时间", "110", "刑事", "", "处置中", "", "", "", ""],
        ["J5", "2026-07-25", "110", "刑事", "", "处置中", "", "121.9", "28.9", ""],
        ["", "2026-07-25", "110", "刑事", "", "处置中", "", "", "", ""],
    ]
    write_csv(out / "incidents" / "incidents.csv", rows, encoding="gbk")
    return out


def test_build_counts_types_and_quarantine(exports, tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    lines: list[str] = []
    report = build_warehouse(exports, wh, progress=lines.append, geo_dir=GEO)

    inc = report.datasets["incidents"]
    assert (inc.read, inc.loaded, inc.quarantined) == (6, 3, 3)
    for d in report.datasets.values():
        assert d.read == d.loaded + d.quarantined
    assert report.datasets["communities"].loaded == len(communities())
    assert any(line.startswith("警情事件：读取 6 行 / 入库 3 / 隔离 3") for line in lines)
    # missing folders: empty tables and a Chinese note
    assert report.datasets["disputes"].loaded == 0
    assert "矛盾纠纷表为空" in report.datasets["disputes"].notes[0]

    assert query(wh, "select count(*) from incidents")[0][0] == 3
    reasons = dict(query(wh, "select row_number, reason from quarantine order by 1"))
    assert reasons == {6: "上报时间无法识别", 7: "坐标不在县域范围内", 8: "缺少编号"}

    con = duckdb.connect(str(wh), read_only=True)
    try:
        for name in BUILD_ORDER:
            described = con.execute(f"describe {name}").fetchall()
            expected = [(c.name, c.type) for c in DATASETS[name].columns] + list(EXTRA_COLUMNS)
            # then the enum values as imported (category_raw …)
            expected += [(f"{c}_raw", "VARCHAR") for c in RAW_ENUM_COLUMNS.get(name, ())]
            assert [(r[0], r[1]) for r in described] == expected
        meta = dict(con.execute("select key, value from meta").fetchall())
        assert meta["build_id"] == report.build_id
        fresh = {r["dataset"]: r for r in dataset_freshness(con)}
        assert fresh["incidents"]["rows"] == 3
        assert fresh["incidents"]["updated_at"] is not None
        row = con.execute(
            "select source, category, status, community_code, location_is_approx "
            "from incidents where incident_id = 'J1'").fetchone()
        assert row == ("110", "刑事", "已办结", communities()[0]["community_code"], False)
        # J2: community filled from the point; J3: centroid used, flagged approximate
        assert con.execute("select community_code from incidents where incident_id = 'J2'"
                           ).fetchone()[0] == communities()[1]["community_code"]
        j3 = con.execute("select source, category, lon, lat, location_is_approx "
                         "from incidents where incident_id = 'J3'").fetchone()
        assert j3 == ("其他", "其他", communities()[2]["centroid_lon"],
                      communities()[2]["centroid_lat"], True)
    finally:
        con.close()


def test_rebuild_swaps_atomically_and_skips_unusable_files(exports, tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    v1 = warehouse_version(wh)
    reader = duckdb.connect(str(wh), read_only=True)
    # a file without the key column is skipped with its reason, the build goes on
    write_csv(exports / "incidents" / "other.csv", [["报警时间", "警情类别"], ["2026-07-25", "刑事"]])
    (exports / "incidents" / "_notes.csv").write_text("ignored", encoding="utf-8")
    report = build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    inc = report.datasets["incidents"]
    assert [f.file for f in inc.unusable] == ["other.csv"]
    assert "缺少必需的列：事件编号" in inc.unusable[0].notes[0]
    assert inc.loaded == 3
    # the old reader still sees a complete (old) file; the version changed
    assert reader.execute("select count(*) from incidents").fetchone()[0] == 3
    reader.close()
    assert warehouse_version(wh) != v1
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".warehouse")]
    assert leftovers == []
    assert not os.path.exists(str(wh) + ".wal")


def test_missing_exports_dir_gives_empty_tables(tmp_path):
    wh = tmp_path / "w.duckdb"
    report = build_warehouse(tmp_path / "nothing", wh, progress=None, geo_dir=GEO)
    assert report.read == 0
    assert query(wh, "select count(*) from incidents")[0][0] == 0


def test_later_files_of_a_dataset_win_for_shared_keys(exports, tmp_path):
    c = communities()[0]
    write_csv(exports / "incidents" / "zz_update.csv", [
        ["事件编号", "上报时间", "处置状态", "所属社区"],
        ["J1", "2026/7/25 14:03", "待受理", c["community_name"]],
        ["J9", "2026/7/26 08:00", "待受理", c["community_name"]],
    ])
    wh = tmp_path / "w.duckdb"
    report = build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    files = {f.file: f for f in report.datasets["incidents"].files}
    second = files["zz_update.csv"]
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 0)
    assert query(wh, "select count(*) from incidents")[0][0] == 4
    # J1 takes the second file's status; the columns that file lacks (address, point) keep
    # the first file's values: an update changes only the columns the file has
    status, address, approx = query(wh, "select status, address, location_is_approx "
                                        "from incidents where incident_id = 'J1'")[0]
    assert status == "待受理" and address is not None and approx is False
    log = query(wh, "select file, inserted, updated from import_log "
                    "where dataset = 'incidents'")  # in import order
    assert log == [("incidents.csv", 3, 0), ("zz_update.csv", 1, 1)]


def test_import_changes_version_and_freshness(exports, tmp_path):
    from command_center.ingest.upsert import import_file

    wh = tmp_path / "w.duckdb"
    build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    v1 = warehouse_version(wh)
    c = communities()[0]
    f = write_csv(tmp_path / "new.csv", [["事件编号", "上报时间", "所属社区"],
                                         ["N1", "2026-07-27 08:00", c["community_code"]]])
    import_file("incidents", f, crs=None, warehouse=wh, geo_dir=GEO)
    assert warehouse_version(wh) != v1
    con = open_snapshot(wh)
    try:
        fresh = {r["dataset"]: r for r in dataset_freshness(con)}
        assert fresh["incidents"]["rows"] == 4
        assert con.execute("select count(*) from import_log where file = 'new.csv'"
                           ).fetchone()[0] == 1
    finally:
        con.close()


def test_stale_temp_files_of_a_crashed_writer_are_removed(exports, tmp_path):
    wh = tmp_path / "warehouse.duckdb"
    stale = tmp_path / ".warehouse.duckdb.building-99999-abcdef"
    stale.write_bytes(b"half a warehouse")
    other = tmp_path / ".other.duckdb.building-1-x"
    other.write_bytes(b"not ours")
    build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    assert not stale.exists() and other.exists()


def _big_incidents(path, n: int, *, shuffled: bool) -> tuple[dict[int, str], list[str]]:
    """An incidents CSV of ``n`` rows, large enough for DuckDB to read it in parallel pieces:
    bad times at known lines, one key three times. Returns {line: reason} and the ids."""
    import datetime as dt
    import random

    c = communities()
    start = dt.datetime(2026, 1, 1)
    order = list(range(n))
    if shuffled:
        random.Random(7).shuffle(order)
    rows, bad, ids = [["事件编号", "上报时间", "处置状态", "所属社区", "经度", "纬度", "事发地址"]], {}, []
    for line_index, i in enumerate(order):
        line = line_index + 2  # the header is line 1
        comm = c[i % len(c)]
        when = f"{start + dt.timedelta(seconds=37 * i):%Y-%m-%d %H:%M:%S}"
        key = f"R{i:07d}"
        if line_index in (n // 5, n // 2, n - 3):  # the same key three times: the last wins
            key = "DUP"
            bad[line] = "文件内编号重复"
        elif line_index % 37_813 == 11:
            when = "不是时间"
            bad[line] = "上报时间无法识别"
        rows.append([key, when, "处置中", comm["community_name"], comm["inner_lon"],
                     comm["inner_lat"], f"第{line}行"])
        ids.append(key)
    bad.pop(max(k for k, v in bad.items() if v == "文件内编号重复"))
    write_csv(path, rows)
    return bad, ids


@pytest.mark.parametrize("shuffled", [False, True])
def test_a_large_file_keeps_row_numbers_and_is_stored_in_time_order(tmp_path, shuffled,
                                                                    monkeypatch):
    """A file DuckDB reads in parallel pieces: each quarantined row is named by its own line,
    the last of a repeated key wins, and the table is written in (time, key) order whether
    the file came in that order or not. In order, the pass's own table becomes the dataset's
    table (its rows written once); out of order, they are copied sorted."""
    from command_center.ingest import merge

    adopted = []
    real = merge._adopt_checked
    monkeypatch.setattr(merge, "_adopt_checked",
                        lambda con, ds: adopted.append((ds.name, r := real(con, ds))) or r)
    exports = tmp_path / "exports"
    write_communities(exports / "communities")
    bad, ids = _big_incidents(exports / "incidents" / "incidents.csv", 400_000,
                              shuffled=shuffled)
    assert (exports / "incidents" / "incidents.csv").stat().st_size > 24 << 20
    wh = tmp_path / "w.duckdb"
    report = build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    inc = report.datasets["incidents"]
    assert (inc.read, inc.quarantined) == (400_000, len(bad))
    assert dict(query(wh, "select row_number, reason from quarantine")) == bad
    # the last DUP line's row is the one kept
    last_dup = max(line for line, key in enumerate(ids, start=2) if key == "DUP")
    assert query(wh, "select address from incidents where incident_id = 'DUP'") == [
        (f"第{last_dup}行",)]
    con = duckdb.connect(str(wh), read_only=True)  # the table itself, in its stored order
    try:
        stored = con.execute("select reported_at, incident_id from incidents order by rowid"
                             ).fetchall()
    finally:
        con.close()
    assert stored == sorted(stored)
    assert (("incidents", True) in adopted) is not shuffled
    # every row's point was located in the pass: its community is the one it was written with
    assert query(wh, "select count(*) from incidents where lon is null or community_code is null"
                 ) == [(0,)]
