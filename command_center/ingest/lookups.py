"""Lookups and coordinates for one file's rows, in the warehouse connection.

Temp macro ``norm_comm``; functions ``cc_community`` / ``cc_org`` (names and codes → community
code / organization id, from tables ``_community_lookup`` / ``_org_lookup``), ``cc_place`` (a
WGS-84 point in the county or not, its community; points are converted to WGS-84 in SQL first,
:func:`wgs84_source`) and ``cc_centroid_lon``/``_lat`` (a point for each community); the
county's name as a prefix and its short form, and the county's areas (``area_stems``).
"""

from __future__ import annotations

import re

from command_center import config
from command_center.crs_sql import wgs84_relation
from command_center.ingest import values as V
from command_center.ingest.geo import Geo, check_units, epsg_to_wgs84, is_epsg, place
from command_center.schema import Dataset


def _county_prefix() -> str:
    county = re.escape(str(config.get("county", "name", "") or ""))
    return f"^(.{{2,4}}省)?(.{{2,4}}市)?{county}" if county else "^$"


def prepare_lookups(con) -> None:
    """Temp macro ``norm_comm`` and the lookup functions, from the warehouse's current tables."""
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
    from duckdb.sqltypes import VARCHAR

    _lookup_function(con, "cc_community", "_community_lookup", "k", "code", VARCHAR)
    _lookup_function(con, "cc_org", "_org_lookup", "k", "id", VARCHAR)


UNITS_SAMPLE = 500_000  # rows whose points are looked at to tell metres from degrees

# DuckDB functions a file's pass calls (Arrow UDFs: a call per vector of rows, no Python loop
# per row). Lookups are functions and not joins because the pass numbers rows by the order it
# writes them in, which a join does not keep (a scan, projections and functions do).
FUNCTIONS = ("cc_community", "cc_org", "cc_centroid_lon", "cc_centroid_lat", "cc_place",
             "cc_epsg_to_wgs84")


def _drop_function(con, name: str) -> None:
    from contextlib import suppress

    with suppress(Exception):  # DuckDB raises when there is none of that name
        con.remove_function(name)


def _register(con, name: str, fn, params: list, returns) -> None:
    _drop_function(con, name)  # one left by an earlier file of this connection
    con.create_function(name, fn, params, returns, type="arrow", null_handling="special")


def _lookup_function(con, name: str, table: str, key: str, value: str, returns) -> None:
    """``name(k)``: the ``value`` of the row of ``table`` whose ``key`` is k (keys are unique),
    NULL when there is none."""
    import pyarrow.compute as pc
    from duckdb.sqltypes import VARCHAR

    t = con.sql(f"select {key}, {value} from {table}").to_arrow_table()
    keys, values = t.column(0).combine_chunks(), t.column(1).combine_chunks()
    _register(con, name, lambda x: pc.take(values, pc.index_in(x, value_set=keys)),
              [VARCHAR], returns)


def drop_functions(con) -> None:
    for name in FUNCTIONS:
        _drop_function(con, name)


def _points_udf(fn, struct, with_flag: bool):
    """An Arrow UDF over (lon, lat[, flag]) calling ``fn`` with the rows that have a point, as
    numpy arrays; NULL (a struct of that type) for the others. DuckDB checks the Python
    function's arity, so the flag is a parameter only where it is passed."""
    import numpy as np
    import pyarrow as pa

    def udf(lon, lat, *flag):
        x = np.asarray(lon.to_numpy(zero_copy_only=False), dtype=np.float64)
        y = np.asarray(lat.to_numpy(zero_copy_only=False), dtype=np.float64)
        rest = [np.asarray(f.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
                for f in flag]
        has = ~(np.isnan(x) | np.isnan(y))
        if has.all():
            return fn(x, y, *rest)
        if not has.any():
            return pa.nulls(len(has), struct)
        found = fn(x[has], y[has], *(f[has] for f in rest))
        at = pa.array(np.where(has, np.cumsum(has) - 1, 0))
        return pa.StructArray.from_arrays([f.take(at) for f in found.flatten()],
                                          fields=list(found.type), mask=pa.array(~has))

    if with_flag:
        return lambda lon, lat, flag: udf(lon, lat, flag)
    return lambda lon, lat: udf(lon, lat)


def locate_function(con, crs: str, geo: Geo, file_label: str) -> None:
    """``cc_place(lon, lat, need_community)``: whether a WGS-84 point is in the county and
    (where asked) the community it falls in, as a struct (NULL without a point); for an EPSG
    system also ``cc_epsg_to_wgs84(x, y)`` (pyproj). Before the pass, the points of the file's
    first rows are looked at for metres given as degrees (or the reverse): an IngestError
    then, not a file of points outside the county."""
    import duckdb
    import pyarrow as pa
    from duckdb.sqltypes import BOOLEAN, DOUBLE, VARCHAR

    sample = con.execute(
        f"select _src_lon, _src_lat from (select _src_lon, _src_lat from parsed "
        f"limit {UNITS_SAMPLE}) where _src_lon is not null").fetchnumpy()
    if len(sample["_src_lon"]):
        check_units(sample["_src_lon"], sample["_src_lat"], crs, geo, file_label)
    placed = pa.struct([("in_county", pa.bool_()), ("poly_community", pa.string())])
    _register(con, "cc_place",
              _points_udf(lambda x, y, need: place(x, y, need, geo), placed, True),
              [DOUBLE, DOUBLE, BOOLEAN],
              duckdb.struct_type({"in_county": BOOLEAN, "poly_community": VARCHAR}))
    if is_epsg(crs):
        def convert(x, y):
            lon, lat = epsg_to_wgs84(x, y, crs)
            return pa.StructArray.from_arrays([pa.array(lon), pa.array(lat)],
                                              names=["lon", "lat"])

        wgs = pa.struct([("lon", pa.float64()), ("lat", pa.float64())])
        _register(con, "cc_epsg_to_wgs84", _points_udf(convert, wgs, False), [DOUBLE, DOUBLE],
                  duckdb.struct_type({"lon": DOUBLE, "lat": DOUBLE}))


def wgs84_source(source: str, crs: str) -> str:
    """``source`` (with ``_src_lon``/``_src_lat``) and ``_w_lon``/``_w_lat``, its points in
    WGS-84: converted by DuckDB (``crs_sql``), or by pyproj for an EPSG system."""
    if not is_epsg(crs):
        return wgs84_relation(source, crs)
    return (f"(select *, struct_extract(_e, 'lon') as _w_lon, struct_extract(_e, 'lat') as _w_lat "
            f"from (select *, cc_epsg_to_wgs84(_src_lon, _src_lat) as _e from {source}))")


def centroid_functions(con, dataset: Dataset, geo: Geo) -> None:
    """``cc_centroid_lon(code)``/``cc_centroid_lat(code)``: a point for each community (its
    stored centre, else a point inside its polygon)."""
    import pyarrow as pa
    from duckdb.sqltypes import DOUBLE

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
    for axis in ("lon", "lat"):
        _lookup_function(con, f"cc_centroid_{axis}",
                         "(select * from _centroids where code is not null)", "code", axis,
                         DOUBLE)


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
