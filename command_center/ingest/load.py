"""One export file → ``staged`` rows (warehouse columns) + quarantine rows + counts.

Everything runs in DuckDB on the connection of the warehouse being written: the cells are
loaded as text (``reading.load_raw``), one generated SELECT parses every column by its schema
``kind`` (``values.py``), coordinates make one vectorized round trip through numpy/shapely
(``geo.locate``), and a second SELECT assigns the quarantine reason of each row
(``validate.py``). Then :func:`merge_staged` upserts the staged rows by key.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from command_center import config
from command_center.delta import note_replaced_keys, note_replaced_quarantine
from command_center.ingest import IngestError
from command_center.ingest import validate as R
from command_center.ingest import values as V
from command_center.ingest.geo import Geo, check_units, locate
from command_center.ingest.mapping import (
    SiteMapping,
    all_known_headers,
    area_columns,
    column_headers_hint,
    detect_dataset,
    header_lookup,
    map_headers,
    no_header_message,
    norm_header,
)
from command_center.ingest.reading import NoHeaderRow, RawFile, load_raw, open_file
from command_center.ingest.report import ImportReport
from command_center.schema import DATASETS, RAW_ENUM_COLUMNS, Column, Dataset, raw_column
from command_center.warehouse import table_columns


class _Clock:
    """Wall seconds per step in ``report.timings`` (CPU seconds under ``<step>_cpu``)."""

    def __init__(self, sink: dict):
        self.sink = sink
        self.t = time.perf_counter()
        self.c = time.process_time()

    def __call__(self, step: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.sink[step] = round(self.sink.get(step, 0.0) + now - self.t, 3)
        self.sink[step + "_cpu"] = round(self.sink.get(step + "_cpu", 0.0) + cpu - self.c, 3)
        self.t, self.c = now, cpu


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Plan:
    """How the columns of one opened file map onto one dataset."""

    dataset: Dataset
    raw: RawFile
    mapping: dict[int, str]  # source column index → warehouse column
    areas: dict[str, int] = field(default_factory=dict)  # district/street column indexes

    @property
    def by_column(self) -> dict[str, int]:
        return {c: i for i, c in self.mapping.items()}


def header_predicate(dataset: Dataset | None, site: SiteMapping | None):
    known = set(header_lookup(dataset, site)) if dataset else set(all_known_headers())
    if site:
        known.update(site.headers)
    return lambda text: norm_header(text) in known


def plan_file(path: Path, dataset: Dataset, site: SiteMapping | None) -> Plan:
    """Open the file and map its headers; IngestError if it can't be used for ``dataset``."""
    try:
        raw = open_file(path, header_predicate(None, site))
    except NoHeaderRow as exc:
        raise IngestError(no_header_message(exc, dataset, site)) from None
    try:
        mapping = map_headers(dataset, raw.headers, site)
        mapped = set(mapping.values())
        missing = [c for c in dataset.columns if c.required and c.name not in mapped]
        if missing:
            parts = [f"{c.header}（可用表头：{column_headers_hint(dataset, c.name)}）"
                     for c in missing]
            msg = f"{Path(path).name} 缺少必需的列：" + "；".join(parts)
            guess, _ = detect_dataset(raw.headers)
            if guess and guess != dataset.name:
                msg += f"。此文件看起来是「{DATASETS[guess].title}」数据（--dataset {guess}）"
            raise IngestError(msg)
    except BaseException:
        raw.cleanup()
        raise
    areas = {} if dataset.name == "communities" else area_columns(raw.headers, mapping)
    return Plan(dataset, raw, mapping, areas)


def _placement(con, ds: Dataset, comm: Column, lon: Column, report: ImportReport) -> None:
    """How the loaded rows are placed on the map: by their point, by their community only
    (no coordinates), or not at all (neither; kept loaded, counted as 无社区无坐标)."""
    c, x = ident(comm.name), ident(lon.name)
    point, by_comm, none = con.execute(
        f"select count(*) filter (where {x} is not null and not location_is_approx), "
        f"count(*) filter (where {c} is not null and ({x} is null or location_is_approx)), "
        f"count(*) filter (where {c} is null and {x} is null) "
        "from checked where _reason is null").fetchone()
    report.placement = {"point": point, "community": by_comm, "none": none}
    if none:
        report.warnings[R.UNPLACED] += none


def _same_name_same_season(con, report: ImportReport) -> None:
    """A typhoon whose Chinese name is already in the warehouse (or twice in the file) for the
    same season under another number is most likely the same storm numbered twice: warn."""
    season = ("case when regexp_full_match(typhoon_id, '[0-9]{4}') then "
              "(case when left(typhoon_id, 2)::int >= 49 then 1900 else 2000 end) "
              "+ left(typhoon_id, 2)::int else year(warning_start_at) end")
    found = con.execute(
        f"""
        with s as (select typhoon_id, name_cn, warning_start_at from checked
                   where _reason is null),
        allr as (
            select typhoon_id, name_cn, warning_start_at, false as new from all_typhoons
            where typhoon_id not in (select typhoon_id from s)
            union all select typhoon_id, name_cn, warning_start_at, true from s
        )
        select name_cn, {season} as season,
               list(distinct typhoon_id order by typhoon_id) filter (where not new) as old,
               list(distinct typhoon_id order by typhoon_id) filter (where new) as fresh
        from allr where name_cn is not null
        group by 1, 2 having count(distinct typhoon_id) > 1 and bool_or(new)
        order by 2, 1
        """
    ).fetchall()
    for name, year, old, fresh in found:
        old, fresh = old or [], fresh or []
        report.warnings[R.SAME_NAME_SEASON] += len([t for t in fresh if t not in old])
        had = f"已有编号 {'、'.join(old)}，" if old else ""
        report.notes.append(
            f"台风「{name}」{year} 年{had}本次导入的编号为 {'、'.join(fresh)}：同一年同名的台风"
            "通常是同一个，请核对台风编号（201909 与 1909 视为同一编号，已统一为 1909 的写法）；"
            "确属重复时请删除多余的一条后重新导入")


def _headerless_cells(con, raw: RawFile, report: ImportReport) -> None:
    """Cells under a column without a header (empty header cell, or right of the last
    header) are not loaded: count them (a warning per row, a note with the cells)."""
    cells, rows, where = raw.extra_cells, raw.extra_rows, []
    if raw.extra_cells:
        where.append(f"第 {len(raw.headers)} 列右侧")
    if raw.blank_columns:
        filled = [f"(nullif(trim(c{i}), '') is not null)::int" for i in raw.blank_columns]
        n_cells, n_rows = con.execute(
            f"select coalesce(sum({' + '.join(filled)}), 0), "
            f"count(*) filter (where {' + '.join(filled)} > 0) from raw").fetchone()
        if n_cells:
            cells += n_cells
            rows += n_rows  # a row may be counted twice when it has cells of both kinds
            where.insert(0, "第 " + "、".join(str(i + 1) for i in raw.blank_columns) + " 列")
    if cells:
        report.warnings[R.HEADERLESS] += rows
        report.notes.append(
            f"{'、'.join(where)}没有表头，其中 {cells:,} 个单元格有内容，未导入；"
            "如需导入，请在文件中补上表头后重新导入")


# ------------------------------------------------------------------ lookups
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


# ------------------------------------------------------------------ the SELECTs
def _first(ds: Dataset, kind: str) -> Column | None:
    return next((c for c in ds.columns if c.kind == kind), None)


def _bound(value, kind: str, now) -> str:
    """SQL literal of a plausibility bound: a number, an ISO date, or now(+days)."""
    import datetime as dt

    if isinstance(value, str) and value.startswith("now"):
        days = int(value[4:] or 0) if value[3:4] == "+" else 0
        t = now + dt.timedelta(days=days or 1 / 24)  # an hour of clock drift
        return f"timestamp '{t:%Y-%m-%d %H:%M:%S}'"
    if kind in ("timestamp", "date"):
        return f"timestamp '{value}'"
    return repr(value)


def _shown_bound(value) -> str:
    if isinstance(value, str):
        return "当前时间" if value == "now" else ("当前时间后" + value[4:] + "天"
                                                   if value.startswith("now+") else value)
    return f"{value:,}"


def _range_flags(c: Column, pn: str, vn: str, now) -> list[tuple[str, str]]:
    """(condition, reason text) pairs that make a parsed value implausible."""
    low, high = c.valid
    lo, hi = _bound(low, c.kind, now), _bound(high, c.kind, now)
    value = f"cast({pn} as timestamp)" if c.kind == "date" else pn
    out = [(f"({pn} is not null and ({value} < {lo} or {value} > {hi}))",
            R.out_of_range(c.header, _shown_bound(low), _shown_bound(high), ""))]
    if c.kind == "int":
        num = f"try_cast({V._number_text(vn)} as double)"
        out.append((f"({num} is not null and {num} <> round({num}))", R.not_integer(c.header)))
    return out


def _parse_sql(plan: Plan, communities_known: bool, now=None, timezone: str | None = None
               ) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """SQL creating temp view ``parsed`` (computed once, by the check query); returns it and the warning flags."""
    ds = plan.dataset
    idx = plan.by_column
    v_cols, p_cols, out_cols = [], [], ["_row"]
    warn_flags: list[tuple[str, str]] = []  # (flag column, warning text)
    strict_flags: list[tuple[str, str]] = []  # (flag column, quarantine reason)
    joins = []
    for c in ds.columns:
        src = f"c{idx[c.name]}" if c.name in idx else "cast(null as varchar)"
        vn, pn = ident("v_" + c.name), ident("p_" + c.name)
        out = ident(c.name)
        bad = ident("bad_" + c.name)
        if c.kind == "id":
            cleaned = V.clean(V.strip_control(src))
            if c.name in V.ID_FORMS:
                cleaned = V.ID_FORMS[c.name](cleaned)
            v_cols.append(f"{cleaned} as {vn}")
            ctl = ident("ctl_" + c.name)
            out_cols.append(f"coalesce(regexp_matches(_c_{c.name}, {V.q(V._CONTROL)}), false) "
                            f"as {ctl}")
            v_cols.append(f"{src} as _c_{c.name}")
            warn_flags.append((ctl, R.control(c.header)))
        else:
            v_cols.append(f"{V.clean_text(src) if c.kind == 'text' else V.clean(src)} as {vn}")
        if c.kind in ("id", "text"):
            p_cols.append(f"{vn} as {pn}")
            parts = ds.extra.get("key_from") if c.name == ds.key else None
            if parts:  # a key made of other columns (typhoon tracks: id + hour)
                a, t = (ident("p_" + x) for x in parts)
                out_cols.append(f"coalesce({pn}, {a} || '-' || strftime({t}, '%Y%m%d%H')) "
                                f"as {out}")
            else:
                out_cols.append(f"{pn} as {out}")
            continue
        if c.kind == "timestamp":
            p_cols.append(f"{V.timestamp_expr(vn, timezone, _local_tz())} as {pn}")
        elif c.kind == "date":
            p_cols.append(f"{V.date_expr(vn)} as {pn}")
        elif c.kind == "int":
            p_cols.append(f"{V.int_expr(vn)} as {pn}")
        elif c.kind in ("float", "lon", "lat"):
            p_cols.append(f"{V.float_expr(vn)} as {pn}")
        elif c.kind == "bool":
            p_cols.append(f"{V.bool_expr(vn)} as {pn}")
        elif c.kind == "enum":
            p_cols.append(f"{V.enum_expr(ds.name, c, vn)} as {pn}")
        elif c.kind == "community":
            joins.append(
                f"left join _community_lookup _lc on _lc.k = norm_comm(_v.{vn})"
            )
            fallback = "null" if communities_known else (
                f"case when regexp_full_match(_v.{vn}, '[0-9]{{12}}') then _v.{vn} end"
            )
            p_cols.append(f"coalesce(_lc.code, {fallback}) as {pn}")
        elif c.kind == "org":
            joins.append(f"left join _org_lookup _lo on _lo.k = upper(_v.{vn})")
            p_cols.append(
                f"coalesce(_lo.id, case when regexp_full_match(upper(_v.{vn}), "
                f"'[0-9A-HJ-NPQRTUWXY]{{18}}') then upper(_v.{vn}) end) as {pn}"
            )
        else:  # pragma: no cover - schema kinds are closed
            raise ValueError(c.kind)
        if c.kind == "enum":
            out_cols.append(f"{V.enum_final(c, pn, vn)} as {out}")
            if c.name in RAW_ENUM_COLUMNS.get(ds.name, ()):  # the value as imported
                out_cols.append(f"{vn} as {ident(raw_column(c.name))}")
        elif c.valid and c.kind not in ("lon", "lat"):
            checks = _range_flags(c, pn, vn, now)
            any_bad = " or ".join(cond for cond, _ in checks)
            out_cols.append(f"case when {any_bad} then null else {pn} end as {out}")
            for k, (cond, text) in enumerate(checks):
                flag = ident(f"rng{k}_{c.name}")
                out_cols.append(f"coalesce({cond}, false) as {flag}")
                if c.strict:
                    strict_flags.append((flag, text))
                else:
                    warn_flags.append((flag, text + "，已置空"))
        elif c.kind not in ("lon", "lat"):
            out_cols.append(f"{pn} as {out}")
        out_cols.append(f"({vn} is not null and {pn} is null) as {bad}")
        if c.kind == "enum":
            warn_flags.append((bad, R.other(c.header) if "其他" in c.vocab else R.nulled(c.header)))
        elif c.kind in ("timestamp", "date") and c.required:
            pass  # a reason, not a warning
        elif c.kind == "community":
            pass  # decided with the point
        else:
            warn_flags.append((bad, R.nulled(c.header)))
    lon, lat = _first(ds, "lon"), _first(ds, "lat")
    if lon and lat:
        pl, pa_ = ident("p_" + lon.name), ident("p_" + lat.name)
        swap = f"({pa_} between 73 and 136 and {pl} between 3 and 54)"
        none = f"({pl} is null or {pa_} is null or ({pl} = 0 and {pa_} = 0))"
        out_cols += [
            f"case when {none} then null when {swap} then {pa_} else {pl} end as _src_lon",
            f"case when {none} then null when {swap} then {pl} else {pa_} end as _src_lat",
            f"(not {none} and {swap}) as _swapped",
            f"(({pl} is null) <> ({pa_} is null)) as _partial",
        ]
        warn_flags += [("_swapped", R.SWAPPED), ("_partial", R.PARTIAL_POINT)]
    for kind, i in plan.areas.items():
        v_cols.append(f"{V.clean_text(f'c{i}')} as _{kind}")
        out_cols.append(f"_{kind}")
    out_cols.append("_too_long")
    v_sel = ", ".join(["_row", "_too_long", *v_cols])
    p_sel = ", ".join(["_v.*", *p_cols])
    sql = (
        "create or replace temp view parsed as "
        f"select {', '.join(out_cols)} from ("
        f"select {p_sel} from (select {v_sel} from raw) _v {' '.join(joins)}"
        ")"
    )
    return sql, warn_flags, strict_flags


def _local_tz() -> str:
    """The zone the warehouse's timestamps are in (settings.toml [county] timezone)."""
    return str(config.get("county", "timezone", V.LOCAL_TZ) or V.LOCAL_TZ)


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


def _area_reasons(plan: Plan, stems: list[str]) -> list[tuple[str, str]]:
    """(condition, SQL reason) for rows whose district or street column names another area."""
    short = _county_short()
    if not short or not plan.areas:
        return []
    adcode = str(config.get("county", "adcode", "") or "")
    out = []
    if "district" in plan.areas:
        v = "p._district"
        ok = f"contains(replace({v}, ' ', ''), {V.q(short)})"
        if adcode:
            ok += f" or starts_with({v}, {V.q(adcode)})"
        out.append((f"({v} is not null and not ({ok}))", f"'{R.OTHER_AREA}（' || {v} || '）'"))
    if "street" in plan.areas and stems:
        v = "p._street"
        stem = (f"regexp_replace(regexp_replace(replace({v}, ' ', ''), "
                f"{V.q(_county_prefix())}, ''), {V.q(_STREET_SUFFIX)}, '')")
        known = ", ".join(V.q(x) for x in stems)
        ok = (f"contains(replace({v}, ' ', ''), {V.q(short)}) or {stem} in ({known}) "
              f"or norm_comm({v}) in (select k from _community_lookup)")
        out.append((f"({v} is not null and not ({ok}))", f"'{R.OTHER_AREA}（' || {v} || '）'"))
    return out


def _check_sql(plan: Plan, has_geo_table: bool, parse_flags: list[tuple[str, str]],
               strict_flags: list[tuple[str, str]] = (), area_stems: list[str] = ()
               ) -> tuple[str, list[tuple[str, str]]]:
    """SQL creating temp table ``checked``: final values, ``_reason`` and warning flags."""
    ds = plan.dataset
    lon, lat = _first(ds, "lon"), _first(ds, "lat")
    comm = _first(ds, "community")
    ref = comm.name if comm else (ds.key if ds.name == "communities" else None)
    cols = []
    warn_flags: list[tuple[str, str]] = []
    has_point = "(p._src_lon is not null)" if lon else "false"
    for c in ds.columns:
        name = ident(c.name)
        if comm and c.name == comm.name:
            cols.append(f"coalesce(p.{name}, g.poly_community) as {name}")
        elif lon and c.name == lon.name:
            cols.append(f"case when {has_point} then g.w_lon else ce.lon end as {name}")
        elif lat and c.name == lat.name:
            cols.append(f"case when {has_point} then g.w_lat else ce.lat end as {name}")
        else:
            cols.append(f"p.{name}")
    approx = f"(not {has_point} and ce.lon is not null)" if lon and ref else "false"
    cols.append(f"{approx} as location_is_approx")
    cols += [f"p.{ident(raw_column(c))}" for c in RAW_ENUM_COLUMNS.get(ds.name, ())]

    from command_center.ingest.limits import limits

    reasons = [("p._too_long", R.too_long(limits().max_cell_chars)),
               (f"p.{ident(ds.key)} is null", R.MISSING_KEY)]
    reasons += [(f"p.{flag}", text) for flag, text in strict_flags]
    for c in ds.columns:
        if not c.required or c.name == ds.key:
            continue
        if c.kind in ("timestamp", "date"):
            reasons.append((f"p.{ident('bad_' + c.name)}", R.unparseable(c.header)))
        reasons.append((f"p.{ident(c.name)} is null", R.missing(c.header)))
    area_reasons = _area_reasons(plan, area_stems)
    if lon and has_geo_table:
        reasons.append((f"{has_point} and not g.in_county", R.OUTSIDE))
    if comm:
        bad = f"p.{ident('bad_' + comm.name)}"
        reasons.append((f"{bad} and g.poly_community is null", R.UNKNOWN_COMMUNITY))
        warn_flags.append((f"({bad} and g.poly_community is not null)",
                           R.COMMUNITY_FROM_POINT_UNKNOWN))
        warn_flags.append((f"(not {bad} and p.{ident(comm.name)} is null "
                           "and g.poly_community is not null)", R.COMMUNITY_FROM_POINT))
    if lon and ref:
        warn_flags.append((approx, R.CENTROID_USED))
    whens = [f"when {cond} then {V.q(text)}" for cond, text in reasons]
    n_fixed = 2 + len(strict_flags) + sum(
        (2 if c.kind in ("timestamp", "date") else 1)
        for c in ds.columns if c.required and c.name != ds.key)
    # another area's rows: after the missing/unreadable reasons, before the point checks
    whens[n_fixed:n_fixed] = [f"when {cond} then {expr}" for cond, expr in area_reasons]
    reason = "case " + " ".join(whens) + " end"

    joins = ["from parsed p"]
    if lon and has_geo_table:
        joins.append("left join _geo g on g._row = p._row")
    else:
        joins.append(
            "left join (select cast(null as bigint) as _row, cast(null as double) as w_lon, "
            "cast(null as double) as w_lat, cast(null as boolean) as in_county, "
            "cast(null as varchar) as poly_community) g on false"
        )
    if lon and ref:
        ref_expr = (f"coalesce(p.{ident(ref)}, g.poly_community)" if comm
                    else f"p.{ident(ref)}")
        joins.append(f"left join _centroids ce on ce.code = {ref_expr}")
    else:
        joins.append(
            "left join (select cast(null as varchar) as code, cast(null as double) as lon, "
            "cast(null as double) as lat) ce on false"
        )
    flag_cols = [f"p.{name}" for name, _ in parse_flags]
    flag_cols += [f"{expr} as _w{i}" for i, (expr, _) in enumerate(warn_flags)]
    sql = f"""
        create or replace temp table checked as
        select p._row, {', '.join(cols)}, {reason} as _reason
               {''.join(', ' + f for f in flag_cols)}
        {' '.join(joins)}
    """
    return sql, warn_flags


# ------------------------------------------------------------------ one file
def load_file(
    con,
    plan: Plan,
    *,
    crs: str,
    geo: Geo,
    file_label: str,
    now,
    timezone: str | None = None,
) -> ImportReport:
    """Stage the rows of ``plan`` into temp table ``staged`` and the quarantine table.

    The caller then runs :func:`merge_staged`. ``file_label`` is what the quarantine and the
    import log record as the file (its name).
    """
    ds, raw = plan.dataset, plan.raw
    report = ImportReport(
        ds.name, file_label, encoding=raw.encoding, format=raw.format,
        header_row=raw.header_row, crs=crs,
        mapping={h: plan.mapping.get(i) for i, h in enumerate(raw.headers)},
    )
    clock = _Clock(report.timings)
    report.notes.extend(raw.notes)
    report.read = load_raw(con, raw, "raw")
    _headerless_cells(con, raw, report)
    clock("read")
    communities_known = con.execute("select count(*) from all_communities").fetchone()[0] > 0
    prepare_lookups(con)
    comm = _first(ds, "community")
    if comm and not communities_known:
        report.notes.append("社区表为空：社区名称无法识别，仅接受 12 位社区编码")
    # pass 1: parse
    parse_sql, warn1, strict = _parse_sql(plan, communities_known, now, timezone)
    if timezone and timezone != _local_tz():
        report.notes.append(f"文件中的时间按 {timezone} 时区读取，已换算为本地时间"
                            f"（{_local_tz()}）")
    con.execute(parse_sql)
    clock("parse")
    # pass 2: coordinates, vectorized (numpy/shapely) over chunks of rows: Python holds one
    # chunk at a time whatever the file's size
    lon = _first(ds, "lon")
    has_geo_table = False
    if lon:
        _locate_points(con, comm, crs, geo, file_label)
        has_geo_table = True
        _centroids_table(con, ds, geo)
        report.notes.extend(geo.notes)
        clock("geo")
    # pass 3: reasons, final values, duplicates
    stems = area_stems(con) if plan.areas else []
    if "street" in plan.areas and not stems:
        report.notes.append("社区表没有所属片区（街道）名称，未检查街道/乡镇列")
    check_sql, warn2 = _check_sql(plan, has_geo_table, warn1, strict, stems)
    con.execute(check_sql)
    _mark_duplicates(con, ds)
    clock("check")

    # counts
    for reason, n in con.execute(
        "select _reason, count(*) from checked where _reason is not null group by 1 order by 2 desc"
    ).fetchall():
        report.reasons[reason] = n
    report.quarantined = sum(report.reasons.values())
    if other := sum(n for r, n in report.reasons.items() if r.startswith(R.OTHER_AREA)):
        cols = "、".join(f"「{raw.headers[i]}」" for i in plan.areas.values())
        report.notes.append(
            f"不属于本县的行：{other:,} 行（{cols}列不是{config.get('county', 'name', '')}），"
            "已隔离，未按同名社区归属；请确认是否导错了文件")
    report.loaded = report.read - report.quarantined
    sums = [f"count(*) filter (where {n})" for n, _ in warn1]
    sums += [f"count(*) filter (where _w{i})" for i in range(len(warn2))]
    if sums:
        counts = con.execute(
            f"select {', '.join(sums)} from checked where _reason is null"
        ).fetchone()
        texts = [t for _, t in warn1] + [t for _, t in warn2]
        tally: Counter = Counter()
        for text, n in zip(texts, counts, strict=True):
            if n:
                tally[text] += n
        report.warnings.update(tally)
    if comm and lon:
        _placement(con, ds, comm, lon, report)
    time_headers = [c.header for c in ds.columns if c.kind in ("timestamp", "date")]
    if any(text.startswith(tuple(f"{h}无法识别" for h in time_headers))
           for text in [*report.reasons, *report.warnings]):
        report.notes.append(V.time_formats_note())

    if ds.name == "typhoons":
        _same_name_same_season(con, report)
    # quarantine rows with their cells as JSON, personal data masked; one current set per
    # file: a re-import of the same file replaces the rows it had quarantined before
    replaced = con.execute(
        "select count(*) from all_quarantine where dataset = ? and file = ?", [ds.name, file_label]
    ).fetchone()[0]
    if replaced:
        con.execute("delete from quarantine where dataset = ? and file = ?",
                    [ds.name, file_label])
        note_replaced_quarantine(con, ds.name, file_label)
        report.notes.append(f"此文件上次导入时隔离的 {replaced:,} 行已由本次结果替换")
    if report.quarantined:
        _store_quarantine(con, plan, file_label, now)
    con.execute("drop view if exists raw")
    con.execute("drop view if exists parsed")
    for t in ("_cells", "_geo"):
        con.execute(f"drop table if exists {t}")
    names = ", ".join(ident(c) for c, _ in table_columns(ds.name))
    con.execute(
        f"create or replace temp view staged as select {names} from checked "
        "where _reason is null"
    )
    clock("stage")
    return report


QUARANTINE_CELL_CHARS = 2000  # a longer cell is cut in the quarantine copy (marked …)
_BATCH = 50_000


def _store_quarantine(con, plan: Plan, file_label: str, now) -> None:
    """Append the quarantined rows of ``checked`` to ``quarantine``.

    ``raw_json`` holds the row's cells under the file's own headers, masked by column kind and
    by content (``privacy``): the warehouse never keeps a quarantined row's personal data in
    the clear (the file itself is in the import archive). Cells are cut at
    ``QUARANTINE_CELL_CHARS`` characters.
    """
    import json

    import pyarrow as pa

    from command_center import privacy

    headers = plan.raw.headers
    kinds = [privacy.header_kind(plan.mapping[i]) if i in plan.mapping
             else privacy.header_kind(h) for i, h in enumerate(headers)]
    cells = ", ".join(f"r.c{i}" for i in range(len(headers)))
    result = con.execute(
        f"select k._row, k._reason, {cells} from checked k join raw r on r._row = k._row "
        "where k._reason is not null order by k._row"
    )
    batches = []
    while rows := result.fetchmany(_BATCH):
        numbers, reasons, rows_json = [], [], []
        for row_number, reason, *values in rows:
            row = {}
            for i, (h, v) in enumerate(zip(headers, values, strict=True)):
                if v is not None:
                    if len(v) > QUARANTINE_CELL_CHARS:
                        v = v[:QUARANTINE_CELL_CHARS] + "…"
                    v = privacy.mask_value(v, kind=kinds[i])
                row[h] = v
            numbers.append(row_number)
            reasons.append(reason)
            rows_json.append(json.dumps(row, ensure_ascii=False))
        batches.append(pa.table({
            "row_number": pa.array(numbers, pa.int64()),
            "reason": pa.array(reasons, pa.string()),
            "raw_json": pa.array(rows_json, pa.string()),
        }))
    if not batches:
        return
    con.register("_q_rows", pa.concat_tables(batches))
    try:
        con.execute(
            "insert into quarantine select ?, ?, row_number, reason, raw_json, "
            "cast(? as timestamp) from _q_rows order by row_number",
            [plan.dataset.name, file_label, now],
        )
    finally:
        con.unregister("_q_rows")


def _mark_duplicates(con, ds: Dataset) -> None:
    """Keep the last occurrence of a key in the file; earlier ones get 文件内编号重复."""
    key = ident(ds.key)
    dups = con.execute(
        f"select count(*) - count(distinct {key}) from checked where _reason is null"
    ).fetchone()[0]
    if not dups:
        return
    con.execute(
        f"""
        update checked set _reason = {V.q(R.DUPLICATE)}
        where _row in (
            select _row from (
                select _row, row_number() over (partition by {key} order by _row desc) as n
                from checked where _reason is null
            ) where n > 1
        )
        """
    )


def merge_staged(con, dataset: Dataset, report: ImportReport) -> None:
    """Upsert temp table ``staged`` into the dataset table by key; fills the three counts."""
    clock = _Clock(report.timings)
    table, key = ident(dataset.table), ident(dataset.key)
    stored = ident("all_" + dataset.table)  # what is stored now (base + delta in an import)
    cols = [c for c, _ in table_columns(dataset.name)]
    if con.execute(f"select count(*) from (select 1 from {stored} limit 1)").fetchone()[0] == 0:
        report.inserted = report.loaded
        # written once, in time order: pages' time windows then skip whole row groups
        order = ", ".join(ident(c) for c in (dataset.newest_record, dataset.key) if c)
        con.execute(f"insert into {table} select * from staged order by {order}")
        _drop_staged(con)
        clock("merge")
        return
    # an update changes only the columns the file has: a column it lacks keeps the stored
    # value (filled from the file's derived value only where none is stored)
    in_file = set(v for v in report.mapping.values() if v) | {dataset.key}
    lon, lat = _first(dataset, "lon"), _first(dataset, "lat")
    if lon and lon.name in in_file:
        in_file |= {lat.name, "location_is_approx"}
    in_file |= {raw_column(c) for c in RAW_ENUM_COLUMNS.get(dataset.name, ()) if c in in_file}
    merged = ", ".join(
        f"s.{ident(c)}" if c in in_file or c == dataset.key
        else f"case when t.{key} is null then s.{ident(c)} "
             f"else coalesce(t.{ident(c)}, s.{ident(c)}) end as {ident(c)}"
        for c in cols)
    if set(cols) - in_file:
        con.execute(
            f"create or replace temp table _merged as select {merged} "
            f"from staged s left join {stored} t on t.{key} = s.{key}")
        con.execute("create or replace temp view staged as select * from _merged")
    same = " and ".join(f"s.{ident(c)} is not distinct from t.{ident(c)}" for c in cols)
    con.execute(
        f"""
        create or replace temp table _cmp as
        select s.{key} as k,
               case when t.{key} is null then 'inserted'
                    when {same} then 'unchanged' else 'updated' end as st
        from staged s left join {stored} t on t.{key} = s.{key}
        """
    )
    counts = dict(con.execute("select st, count(*) from _cmp group by st").fetchall())
    report.inserted = counts.get("inserted", 0)
    report.updated = counts.get("updated", 0)
    report.unchanged = counts.get("unchanged", 0)
    if report.updated:
        con.execute(
            f"delete from {table} where {key} in (select k from _cmp where st = 'updated')"
        )
        note_replaced_keys(con, dataset.name, "select k from _cmp where st = 'updated'")
    if report.inserted or report.updated:
        con.execute(
            f"insert into {table} select s.* from staged s "
            f"join _cmp c on c.k = s.{key} where c.st <> 'unchanged'"
        )
    con.execute("drop table if exists _cmp")
    _drop_staged(con)
    clock("merge")


def _drop_staged(con) -> None:
    con.execute("drop view if exists staged")
    con.execute("drop table if exists _merged")
    con.execute("drop table if exists checked")


def log_import(con, report: ImportReport, now, archive: str | None = None) -> None:
    con.execute(
        "insert into import_log (imported_at, dataset, file, read, loaded, quarantined, "
        "inserted, updated, unchanged, archive) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [now, report.dataset, report.file, report.read, report.loaded, report.quarantined,
         report.inserted, report.updated, report.unchanged, archive],
    )


def cleanup(con) -> None:
    """Drop every temp object a file left behind (also after an error)."""
    con.execute("drop view if exists raw")
    con.execute("drop view if exists staged")
    con.execute("drop view if exists parsed")
    for t in ("_cells", "_geo", "_geo_in", "checked", "_cmp", "_community_lookup", "_org_lookup",
              "_centroids"):
        con.execute(f"drop table if exists {t}")
