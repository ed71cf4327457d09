"""Helpers for the ingest tests: small export files written into tmp_path."""

from __future__ import annotations

import csv
import json
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[2]
GEO = ROOT / "data" / "geo"

COMMUNITY_HEADERS = ["社区编码", "社区名称", "所属片区", "户籍人口", "流动人口", "户数", "网格数",
                     "中心经度", "中心纬度"]


@cache
def communities() -> list[dict]:
    data = json.loads((GEO / "communities.geojson").read_text(encoding="utf-8"))
    out = []
    for f in data["features"]:
        p = dict(f["properties"])
        pt = shapely.point_on_surface(shape(f["geometry"]))
        p["inner_lon"], p["inner_lat"] = round(pt.x, 6), round(pt.y, 6)
        out.append(p)
    return out


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def write_communities(folder: Path) -> Path:
    rows = [COMMUNITY_HEADERS]
    for p in communities():
        rows.append([p["community_code"], p["community_name"], p["area_name"], p["population"],
                     p["floating_population"], p["households"], p["grid_count"],
                     p["centroid_lon"], p["centroid_lat"]])
    return write_csv(folder / "communities.csv", rows)


def query(db: Path, sql: str, params=None):
    """Read the warehouse as the app does: the base and the imports' delta together."""
    from command_center.delta import open_snapshot

    con = open_snapshot(db)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


ORGS = [
    ("51330383MJ0000001A", "龙港市和事佬调解协会"),
    ("52330383MJ0000002B", "龙港市春风社会工作服务中心"),
]


@cache
def _base_template() -> Path:
    import atexit
    import shutil
    import tempfile

    from command_center.ingest.build import build_warehouse

    root = Path(tempfile.mkdtemp(prefix="cc-ingest-base-"))
    atexit.register(shutil.rmtree, root, True)
    exports = root / "exports"
    write_communities(exports / "communities")
    write_csv(exports / "social_orgs" / "orgs.csv",
              [["统一社会信用代码", "组织名称", "组织类型"]] + [[c, n, "社会团体"] for c, n in ORGS])
    wh = root / "warehouse.duckdb"
    build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    return wh


def base_warehouse(tmp_path: Path) -> Path:
    """A warehouse with the 102 communities and two social organizations, built for real once
    per test session and copied for each test."""
    import shutil

    wh = tmp_path / "warehouse.duckdb"
    shutil.copyfile(_base_template(), wh)
    return wh


def file_hash(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


INCIDENT_HEAD = ["事件编号", "上报时间", "事件来源", "事件类别", "处置状态", "所属社区"]


def run_import(path: Path, wh: Path, dataset: str = "incidents", **kw):
    """Import one crafted file into ``wh``; every row accounted for (read = loaded +
    quarantined, loaded = inserted + updated + unchanged)."""
    from command_center.ingest.upsert import import_file

    r = import_file(dataset, path, crs=kw.pop("crs", None), warehouse=wh, geo_dir=GEO, **kw)
    assert r.read == r.loaded + r.quarantined
    assert r.loaded == r.inserted + r.updated + r.unchanged
    return r


def community_name(i: int = 0) -> str:
    return communities()[i]["community_name"]
