"""Lookups and coordinates for one file's rows, in the warehouse connection.

Temp macro ``norm_comm`` and tables ``_community_lookup`` / ``_org_lookup`` (names and codes
→ community code / organization id), the county's name as a prefix and its short form, the
county's areas (``area_stems``), temp table ``_geo`` (each point converted to WGS-84, in the
county or not, its community) and ``_centroids`` (a point for each community).
"""

from __future__ import annotations

import re

from command_center import config
from command_center.ingest import values as V
from command_center.ingest.geo import Geo, check_units, locate
from command_center.ingest.values import ident
from command_center.schema import Column, Dataset


def _county_prefix() -> str:
    county = re.escape(str(config.get("county", "name", "") or ""))
    return f"^(.{{2,4}}省)?(.{{2,4}}市)?{county}" if county else "^$"


def prepare_lookups(con) -> None:
    """Temp macro ``norm_comm`` and lookup tables built from the warehouse's current tables."""
    prefix = V.q(_county_prefix())
    con.execute(
        "create or replace temp macro norm_comm(x) as "
        f"regexp_replace(regexp_replace(replace(x, ' ', ''), {prefix}, ''), "
        "'(社区居民委员会|社区居委会|居委会|社区)$', '')"
    )
    name = V.clean("community_name")
    con.execute(
        f"""
        create or replace temp table _community_lookup as
        select k, min(code) as code from (
            select community_code as k, community_code as code from all_communities
            union all select norm_comm({name}), community_code from all_communities
            union all select {name}, community_code from all_communities
        ) where k is not null and k <> '' group by k
        """
    )
    org_name = V.clean("org_name")
    con.execute(
        f"""
        create or replace temp table _org_lookup as
        select k, min(id) as id from (
            select upper(org_id) as k, org_id as id from all_social_orgs
            union all select {org_name}, org_id from all_social_orgs
        ) where k is not null group by k
        """
    )


GEO_CHUNK = 500_000  # rows converted and located per round trip


def _locate_points(con, comm: Column | None, crs: str, geo: Geo, file_label: str) -> None:
    """Temp table ``_geo`` (_row, w_lon, w_lat, in_county, poly_community) for the rows of
    ``parsed`` with a point, made chunk by chunk (rows in file order, one chunk in Python)."""
    need = f"p.{ident(comm.name)} is null" if comm else "false"
    con.execute(
        "create or replace temp table _geo_in as "
        f"select _row, _src_lon, _src_lat, {need} as need from parsed p "
        "where _src_lon is not null")
    con.execute("create or replace temp table _geo (_row bigint, w_lon double, w_lat double, "
                "in_county boolean, poly_community varchar)")
    low, high = con.execute("select min(_row), max(_row) from _geo_in").fetchall()[0]
    if low is None:
        return
    checked_units = False
    start = low
    while start <= high:
        arrays = con.execute(
            "select _row, _src_lon, _src_lat, need from _geo_in "
            "where _row >= $a and _row < $b", {"a": start, "b": start + GEO_CHUNK}).fetchnumpy()
        start += GEO_CHUNK
        if not len(arrays["_row"]):
            continue
        if not checked_units:  # metres given as degrees (or the reverse): one look suffices
            check_units(arrays["_src_lon"], arrays["_src_lat"], crs, geo, file_label)
            checked_units = True
        table = locate(arrays["_row"], arrays["_src_lon"], arrays["_src_lat"],
                       arrays["need"], crs, geo)
        con.register("_geo_arrow", table)
        try:
            con.execute("insert into _geo select * from _geo_arrow")
        finally:
            con.unregister("_geo_arrow")
    con.execute("drop table _geo_in")


def _centroids_table(con, dataset: Dataset, geo: Geo) -> None:
    import pyarrow as pa

    rep = geo.representative_points()
    con.register(
        "_rep_points",
        pa.table({
            "code": pa.array(list(rep), pa.string()),
            "lon": pa.array([p[0] for p in rep.values()], pa.float64()),
            "lat": pa.array([p[1] for p in rep.values()], pa.float64()),
        }),
    )
    try:
        if dataset.name == "communities":
            con.execute("create or replace temp table _centroids as select * from _rep_points")
        else:
            con.execute(
                """
                create or replace temp table _centroids as
                select coalesce(c.community_code, r.code) as code,
                       case when c.centroid_lon is not null and c.centroid_lat is not null
                            then c.centroid_lon else r.lon end as lon,
                       case when c.centroid_lon is not null and c.centroid_lat is not null
                            then c.centroid_lat else r.lat end as lat
                from all_communities c full outer join _rep_points r on r.code = c.community_code
                """
            )
    finally:
        con.unregister("_rep_points")


def _county_short() -> str:
    """龙港市 → 龙港 (the name as it appears inside longer names), '' without a county."""
    name = str(config.get("county", "name", "") or "").strip()
    short = re.sub(r"(自治县|县|市|区)$", "", name)
    return short if len(short) >= 2 else name


_STREET_SUFFIX = "(街道办事处|街道办|街道|镇人民政府|镇|乡|片区)$"


def area_stems(con) -> list[str]:
    """The county's areas (communities' area_name) without their suffix: 宜山片区 → 宜山."""
    names = [r[0] for r in con.execute(
        "select distinct trim(area_name) from all_communities where nullif(trim(area_name), '') "
        "is not null").fetchall()]
    return sorted({re.sub(_STREET_SUFFIX, "", n.replace(" ", "")) or n for n in names})
