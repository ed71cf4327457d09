"""Build on the generated sample exports, with planted bad rows."""

from __future__ import annotations

import csv
import shutil

import duckdb
import numpy as np
import pytest
from fixtures_ingest.helpers import GEO
from python_calamine import CalamineWorkbook

from command_center.crs import from_wgs84
from command_center.ingest.build import build_warehouse
from command_center.ingest.geo import load_geo
from command_center.schema import BUILD_ORDER, DATASETS, EXTRA_COLUMNS, RAW_ENUM_COLUMNS


def _csv_rows(path, encoding):
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def _source_rows(exports) -> dict[str, int]:
    out = {}
    for name in BUILD_ORDER:
        ds = DATASETS[name]
        path = exports / name / ds.sample_file
        if path.suffix == ".xlsx":
            rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
            out[name] = sum(1 for r in rows[1:] if any(v not in ("", None) for v in r))
        else:
            out[name] = len(_csv_rows(path, ds.sample_encoding)) - 1
    return out


@pytest.fixture(scope="module")
def planted(fixture_exports, tmp_path_factory):
    exports = tmp_path_factory.mktemp("sample") / "exports"
    shutil.copytree(fixture_exports, exports)
    clean_counts = _source_rows(exports)

    inc = exports / "incidents" / "incidents.csv"
    rows = _csv_rows(inc, "utf-8-sig")
    head, first = rows[0], rows[1]
    n = len(rows)  # next Excel row number is n + 1

    def row(**values):
        r = dict(zip(head, first, strict=True))
        r.update(values)
        return [r[h] for h in head]

    far_lon, far_lat = from_wgs84(120.15, 30.28, "gcj02")  # Hangzhou
    planted_rows = [
        (row(事件编号=""), "缺少编号"),
        (row(事件编号="BAD-TIME", 上报时间="昨天"), "上报时间无法识别"),
        (row(事件编号="BAD-POINT", 经度=f"{far_lon:.6f}", 纬度=f"{far_lat:.6f}"),
         "坐标不在县域范围内"),
        (row(事件编号="BAD-COMM", 所属社区="火星社区", 经度="", 纬度=""), "社区无法识别"),
        (row(), None),  # same id as row 2: this later one wins, row 2 is quarantined
    ]
    with open(inc, "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(r for r, _ in planted_rows)
    expected = {n + 1 + i: reason for i, (_, reason) in enumerate(planted_rows) if reason}
    expected[2] = "文件内编号重复"

    dis = exports / "disputes" / "disputes.csv"
    drows = _csv_rows(dis, "gbk")
    bad = list(drows[1])
    bad[0], bad[1] = "TJ-BAD", "2026-13-45 99:99"
    with open(dis, "a", encoding="gbk", newline="") as fh:
        csv.writer(fh).writerow(bad)
    d_row = len(drows) + 1

    wh = exports.parent / "warehouse.duckdb"
    lines: list[str] = []
    report = build_warehouse(exports, wh, progress=lines.append, geo_dir=GEO)
    return {"wh": wh, "report": report, "lines": lines, "clean": clean_counts,
            "expected": expected, "d_row": d_row, "first_id": first[0]}


def test_counts_per_table(planted):
    report, clean = planted["report"], planted["clean"]
    con = duckdb.connect(str(planted["wh"]), read_only=True)
    try:
        for name in BUILD_ORDER:
            d = report.datasets[name]
            assert d.read == d.loaded + d.quarantined
            extra = {"incidents": 5, "disputes": 1}.get(name, 0)
            assert d.read == clean[name] + extra, name
            assert con.execute(f"select count(*) from {name}").fetchone()[0] == d.loaded
            if name not in ("incidents", "disputes"):
                assert d.quarantined == 0, (name, d.reasons())
        assert report.datasets["incidents"].quarantined == 5
        assert report.datasets["disputes"].quarantined == 1
        assert report.datasets["communities"].loaded == 102
    finally:
        con.close()
    for name in BUILD_ORDER:
        d = report.datasets[name]
        want = f"{DATASETS[name].title}：读取 {d.read} 行 / 入库 {d.loaded} / 隔离 {d.quarantined}"
        assert want in planted["lines"]


def test_column_types(planted):
    con = duckdb.connect(str(planted["wh"]), read_only=True)
    try:
        for name in BUILD_ORDER:
            got = [(r[0], r[1]) for r in con.execute(f"describe {name}").fetchall()]
            want = [(c.name, c.type) for c in DATASETS[name].columns] + list(EXTRA_COLUMNS)
            want += [(f"{c}_raw", "VARCHAR") for c in RAW_ENUM_COLUMNS.get(name, ())]
            assert got == want
        for name, cols in {"quarantine": 6, "import_log": 10, "meta": 2}.items():
            assert len(con.execute(f"describe {name}").fetchall()) == cols
    finally:
        con.close()


def test_planted_rows_quarantined_with_reasons(planted):
    con = duckdb.connect(str(planted["wh"]), read_only=True)
    try:
        got = dict(con.execute(
            "select row_number, reason from quarantine where dataset = 'incidents'").fetchall())
        assert got == planted["expected"]
        assert con.execute(
            "select row_number, reason, file from quarantine where dataset = 'disputes'"
        ).fetchall() == [(planted["d_row"], "受理时间无法识别", "disputes.csv")]
        # the duplicate's last occurrence is the one loaded (exactly once)
        assert con.execute("select count(*) from incidents where incident_id = ?",
                           [planted["first_id"]]).fetchone()[0] == 1
    finally:
        con.close()


@pytest.mark.parametrize("table", ["incidents", "disputes", "social_orgs", "shelters"])
def test_points_are_wgs84_inside_their_community(planted, table):
    con = duckdb.connect(str(planted["wh"]), read_only=True)
    try:
        data = con.execute(
            f"select lon, lat, community_code from {table} "
            "where lon is not null and not location_is_approx").fetchnumpy()
    finally:
        con.close()
    geo = load_geo(GEO)
    found = geo.community_of(np.asarray(data["lon"]), np.asarray(data["lat"]))
    same = np.mean(found == np.asarray(data["community_code"], dtype=object))
    # GCJ-02/BD-09 points read without conversion would land ~500 m off, in a neighbour
    assert same > 0.97, same
