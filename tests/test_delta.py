"""Imports that follow the file: the delta beside the warehouse (``command_center.delta``)."""

from __future__ import annotations

import os
import shutil

import pytest
from fixtures_ingest.helpers import GEO, communities, file_hash, query, write_csv

from command_center import delta
from command_center.ingest.build import build_warehouse
from command_center.ingest.upsert import import_file
from queries import cursor

HEAD = ["事件编号", "上报时间", "事件来源", "事件类别", "处置状态", "所属社区", "经度", "纬度"]


def rows(ids, status="处置中"):
    c = communities()
    return [[i, f"2026-07-0{k + 1} 08:00:00", "110", "刑事", status, c[k]["community_name"],
             c[k]["inner_lon"], c[k]["inner_lat"]] for k, i in enumerate(ids)]


@pytest.fixture()
def wh(base_wh):
    return base_wh


def imp(tmp_path, wh, name, body):
    return import_file("incidents", write_csv(tmp_path / name, [HEAD, *body]), crs=None,
                       warehouse=wh, geo_dir=GEO)


def everything(wh) -> dict:
    """Every table as readers see it, as sorted rows."""
    con = delta.open_snapshot(wh)
    try:
        tables = [r[0] for r in con.execute(
            "select view_name from duckdb_views() where database_name = 'memory' "
            "and not internal").fetchall()]
        return {t: sorted(map(repr, con.execute(f'select * from "{t}"').fetchall()))
                for t in tables}
    finally:
        con.close()


def test_import_writes_the_delta_not_the_base(tmp_path, wh):
    before = file_hash(wh), os.stat(wh).st_ino
    report = imp(tmp_path, wh, "a.csv", rows(["E1", "E2", "E3"]))
    assert report.inserted == 3
    assert (file_hash(wh), os.stat(wh).st_ino) == before  # the base was not copied or touched
    assert delta.delta_path(wh).is_file()
    assert query(wh, "select count(*) from incidents")[0][0] == 3
    # the app's query runner reads base + delta
    cur = cursor(wh, scope=None)
    try:
        assert cur.execute("select count(*) from incidents").fetchone()[0] == 3
    finally:
        cur.close()


def test_update_replaces_a_base_row_and_quarantine_is_redone(tmp_path, wh):
    imp(tmp_path, wh, "a.csv", rows(["E1", "E2", "E3"]))
    delta.compact(wh)  # E1..E3 now in the base
    assert not delta.delta_path(wh).exists()
    bad = [["", "2026-07-05 08:00:00", "110", "刑事", "处置中", "", "", ""]]
    first = imp(tmp_path, wh, "b.csv", rows(["E1", "E2"], status="已办结") + bad)
    assert (first.updated, first.quarantined) == (2, 1)
    assert query(wh, "select count(*) from incidents")[0][0] == 3
    assert query(wh, "select count(*) from incidents where status = '已办结'")[0][0] == 2
    assert query(wh, "select count(*) from quarantine where file = 'b.csv'")[0][0] == 1
    delta.compact(wh)
    # the same file again, now clean: its quarantined row in the base is replaced
    again = imp(tmp_path, wh, "b.csv", rows(["E1", "E2"], status="已办结"))
    assert (again.unchanged, again.quarantined) == (2, 0)
    assert query(wh, "select count(*) from quarantine where file = 'b.csv'")[0][0] == 0


def test_compact_changes_nothing_a_reader_sees(tmp_path, wh):
    imp(tmp_path, wh, "a.csv", rows(["E1", "E2", "E3"]))
    delta.compact(wh)
    imp(tmp_path, wh, "b.csv", rows(["E2", "E4"], status="已办结"))
    seen = everything(wh)
    # the import made the stored four-color scores stale: read as none (scored live)
    assert seen.pop("risk_scores_monthly") == []
    assert len(seen["incidents_daily"]) > 0
    seen.pop("meta")
    assert delta.compact(wh) is True
    assert not delta.delta_path(wh).exists()
    after = everything(wh)
    after.pop("meta")
    assert len(after.pop("risk_scores_monthly")) > 0  # scored again with the new base
    # the roll-up partitions the imports recomputed are the ones a full build writes
    assert after == seen
    assert query(wh, "select count(*) from incidents")[0][0] == 4


def test_a_rebuild_folds_the_delta_in_and_a_stale_delta_is_ignored(tmp_path, wh):
    exports = tmp_path / "exports"
    (exports / "incidents").mkdir(parents=True)
    imp(tmp_path, wh, "a.csv", rows(["E1", "E2", "E3"]))
    old_delta = tmp_path / "old_delta.duckdb"
    shutil.copyfile(delta.delta_path(wh), old_delta)
    # the rebuild replays the import archive, so the imported rows are in the new base
    build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    assert not delta.delta_path(wh).exists()
    assert query(wh, "select count(*) from incidents")[0][0] == 3
    # a delta of an older base (left behind, or read in the middle of a rebuild) is ignored
    shutil.copyfile(old_delta, delta.delta_path(wh))
    assert query(wh, "select count(*) from incidents")[0][0] == 3
    assert query(wh, "select count(*) from import_log where dataset = 'incidents'")[0][0] == 1
    # and the next import starts a fresh delta instead of extending the stale one
    imp(tmp_path, wh, "b.csv", rows(["E9"]))
    assert query(wh, "select count(*) from incidents")[0][0] == 4
    assert sorted(r[0] for r in query(wh, "select incident_id from incidents")) == [
        "E1", "E2", "E3", "E9"]


def test_version_changes_with_the_delta(tmp_path, wh):
    from command_center.warehouse import warehouse_version

    v0 = warehouse_version(wh)
    imp(tmp_path, wh, "a.csv", rows(["E1"]))
    v1 = warehouse_version(wh)
    imp(tmp_path, wh, "b.csv", rows(["E2"]))
    assert len({v0, v1, warehouse_version(wh)}) == 3


def test_stored_scores_stay_for_windows_before_the_imported_rows(tmp_path, wh):
    import datetime as dt

    from command_center.rollups import RISK_TABLE

    imp(tmp_path, wh, "a.csv", rows(["E1", "E2", "E3"]))
    delta.compact(wh)  # July's incidents in the base; closed months scored and stored
    stored = query(wh, f"select count(*), max(period_end) from {RISK_TABLE}")[0]
    last_end = stored[1]
    assert stored[0] > 0

    def one(key, at):
        c = communities()[0]
        return [[key, f"{at:%Y-%m-%d %H:%M:%S}", "110", "刑事", "处置中", c["community_name"],
                 c["inner_lon"], c["inner_lat"]]]

    # rows after every stored window (the running month): no stored score changes
    imp(tmp_path, wh, "now.csv", one("T1", last_end + dt.timedelta(minutes=1)))
    assert query(wh, f"select count(*), max(period_end) from {RISK_TABLE}")[0] == stored
    # a row inside the last stored month makes that window stale, and only windows after it
    inside = last_end - dt.timedelta(days=15)
    imp(tmp_path, wh, "late.csv", one("T2", inside))
    ends = {r[0] for r in query(wh, f"select distinct period_end from {RISK_TABLE}")}
    assert ends and max(ends) <= inside < last_end
    kept = query(wh, f"select * from {RISK_TABLE} order by all")
    delta.compact(wh)  # scored again over base + delta: the kept windows read the same
    again = query(wh, f"select * from {RISK_TABLE} where period_end <= ? order by all",
                  [inside])
    assert again == kept
