"""数据探索 on the map: a question's measure per community, its records counted in grid cells,
or its located records one by one (few only)."""

from __future__ import annotations

import dataclasses

from command_center.explore.question import ExploreError, Question, dataset, time_column
from command_center.explore.sql import build, quote_ident, where_sql
from command_center.schema import Column, Dataset

POINTS_MAX = 3000  # single points on the map only up to this many records (as 警情事件's map)
CELL_DEG = 0.005  # density grid cell, about 500 m (as 警情事件's map)
CELLS_MAX = 5000  # grid cells a map may draw


def map_columns(ds: Dataset) -> tuple[Column | None, Column | None, Column | None]:
    """(community column, longitude, latitude) of ``ds``; None where it has none."""
    com = next((c for c in ds.columns if c.kind == "community"), None)
    lon = next((c for c in ds.columns if c.kind == "lon"), None)
    lat = next((c for c in ds.columns if c.kind == "lat"), None)
    return com, (lon if lat else None), (lat if lon else None)


def _located(q: Question) -> tuple[Dataset, Column, Column]:
    """The question's dataset with its longitude and latitude columns (refused without)."""
    ds = dataset(q.dataset)
    _, lon, lat = map_columns(ds)
    if lon is None:
        raise ExploreError(f"数据集“{ds.title}”没有经纬度字段")
    return ds, lon, lat


def build_by_community(q: Question, *, personal_ok: bool = False) -> tuple[str, dict]:
    """The question's measure per community (for the choropleth): ``community_code``, ``value``.
    The question's own dimensions and top-N do not apply: one value per community."""
    com = map_columns(dataset(q.dataset))[0]
    if com is None:
        raise ExploreError(f"数据集“{dataset(q.dataset).title}”没有社区字段")
    return build(dataclasses.replace(q, dims=(com.name,), top=None, keep=None),
                 personal_ok=personal_ok)


def build_cells(q: Question, *, personal_ok: bool = False, cell_deg: float = CELL_DEG,
                limit: int = CELLS_MAX) -> tuple[str, dict]:
    """Records with a location counted in square cells of ``cell_deg`` degrees (WGS-84):
    ``west, south, east, north, n``, the fullest cells first, at most ``limit``."""
    ds, lon, lat = _located(q)
    params: dict = {}
    where = where_sql(ds, q, personal_ok, params)
    params["cell_deg"] = float(cell_deg)
    params["row_limit"] = int(limit)
    x, y = quote_ident(lon.name), quote_ident(lat.name)
    sql = (f"with cells as (select cast(floor({x} / $cell_deg) as bigint) as cx, "
           f"cast(floor({y} / $cell_deg) as bigint) as cy, count(*) as n "
           f"from {quote_ident(ds.table)} where {where} and {x} is not null and {y} is not null "
           "group by 1, 2)\n"
           "select cx * $cell_deg as west, cy * $cell_deg as south, (cx + 1) * $cell_deg as east, "
           "(cy + 1) * $cell_deg as north, n from cells order by n desc, cx, cy limit $row_limit")
    return sql, params


def build_points(q: Question, *, personal_ok: bool = False,
                 limit: int = POINTS_MAX) -> tuple[str, dict]:
    """Located records for the map (few only): key, ``lon``, ``lat``, the main time and the
    first category column (for the tooltip), by key, at most ``limit``."""
    ds, lon, lat = _located(q)
    params: dict = {}
    where = where_sql(ds, q, personal_ok, params)
    extra = [c for c in (time_column(ds), next((c for c in ds.columns if c.kind == "enum"), None))
             if c is not None]
    cols = ", ".join([quote_ident(ds.key), f"{quote_ident(lon.name)} as lon", f"{quote_ident(lat.name)} as lat",
                      *(quote_ident(c.name) for c in extra)])
    params["row_limit"] = int(limit)
    sql = (f"select {cols} from {quote_ident(ds.table)} where {where} and {quote_ident(lon.name)} is not null "
           f"and {quote_ident(lat.name)} is not null order by {quote_ident(ds.key)} limit $row_limit")
    return sql, params
