"""The generated SQL of one file: ``_parse_sql`` (temp view ``parsed``: every column parsed by
its schema ``kind``, range checks, warning flags) and ``_check_sql`` (table ``_checked``:
final values, points converted to WGS-84 and placed (``lookups.wgs84_source``, ``cc_place``)
or the community's centre, the quarantine ``_reason`` of each row, rows naming another district
or street), with their bounds and helpers. Both read the file once: ``parsed`` is a view,
``_checked`` the one table a file's rows are written to.
"""

from __future__ import annotations

from command_center import config
from command_center.ingest import validate as R
from command_center.ingest import values as V
from command_center.ingest.lookups import (
    _STREET_SUFFIX,
    _county_prefix,
    _county_short,
    wgs84_source,
)
from command_center.ingest.plan import Plan
from command_center.ingest.values import ident
from command_center.schema import RAW_ENUM_COLUMNS, Column, Dataset, raw_column

# raw's columns every row carries through the pass (see raw.raw_view)
_PASSED = ("_src_row", "_empty", "_xf", "_bf")


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
        num = V.number(vn)
        out.append((f"({num} is not null and {num} <> round({num}))", R.not_integer(c.header)))
    return out


def _parse_sql(plan: Plan, communities_known: bool, now=None, timezone: str | None = None
               ) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """SQL creating temp view ``parsed`` (computed once, by the check query); returns it and the warning flags."""
    ds = plan.dataset
    idx = plan.by_column
    v_cols, p_cols, out_cols = [], [], [*_PASSED]
    warn_flags: list[tuple[str, str]] = []  # (flag column, warning text)
    strict_flags: list[tuple[str, str]] = []  # (flag column, quarantine reason)
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
            fallback = "null" if communities_known else (
                f"case when regexp_full_match(_v.{vn}, '[0-9]{{12}}') then _v.{vn} end"
            )
            # the name or code as written first (nearly every cell); the normalised name only
            # for the rest, whose two regular expressions cost more than the lookup
            p_cols.append(f"coalesce(cc_community(_v.{vn}), cc_community(norm_comm(_v.{vn})), "
                          f"{fallback}) as {pn}")
        elif c.kind == "org":
            p_cols.append(
                f"coalesce(cc_org(upper(_v.{vn})), case when regexp_full_match(upper(_v.{vn}), "
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
    v_sel = ", ".join([*_PASSED, "_too_long", *v_cols])
    p_sel = ", ".join(["_v.*", *p_cols])
    sql = (
        "create or replace temp view parsed as "
        f"select {', '.join(out_cols)} from ("
        f"select {p_sel} from (select {v_sel} from raw) _v"
        ")"
    )
    return sql, warn_flags, strict_flags


def _local_tz() -> str:
    """The zone the warehouse's timestamps are in (settings.toml [county] timezone)."""
    return str(config.get("county", "timezone", V.LOCAL_TZ) or V.LOCAL_TZ)


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
              f"or cc_community(norm_comm({v})) is not null")
        out.append((f"({v} is not null and not ({ok}))", f"'{R.OTHER_AREA}（' || {v} || '）'"))
    return out


def _check_sql(plan: Plan, has_geo_table: bool, parse_flags: list[tuple[str, str]],
               strict_flags: list[tuple[str, str]] = (), area_stems: list[str] = (),
               crs: str = "wgs84", *, stored: bool = False) -> tuple[str, list[tuple[str, str]]]:
    """SQL creating table ``_checked`` (the file's rows in file order: final values,
    ``_reason`` and warning flags) from ``parsed``, in one pass over the file. A temp table,
    or with ``stored`` one in the file being written, which the merge may then make the
    dataset's table itself (``merge._adopt_checked``) instead of copying its rows."""
    ds = plan.dataset
    lon, lat = _first(ds, "lon"), _first(ds, "lat")
    comm = _first(ds, "community")
    ref = comm.name if comm else (ds.key if ds.name == "communities" else None)
    located = bool(lon and has_geo_table)
    typed = {"w_lon": "double", "w_lat": "double", "in_county": "boolean",
             "poly_community": "varchar"}

    def g(field: str, row: str = "p.") -> str:  # the point in WGS-84, placed (cc_place)
        if not located:
            return f"cast(null as {typed[field]})"
        return f"{row}_{field}" if field in ("w_lon", "w_lat") else \
            f"struct_extract({row}_g, '{field}')"

    source = "parsed"
    if located:
        need = f"{ident(comm.name)} is null" if comm else "false"
        source = (f"(select *, cc_place(_w_lon, _w_lat, {need}) as _g "
                  f"from {wgs84_source('parsed', crs)})")
    if lon and ref:
        ref_expr = f"coalesce({ident(ref)}, {g('poly_community', '')})" if comm else ident(ref)
        source = (f"(select *, cc_centroid_lon({ref_expr}) as _ce_lon, "
                  f"cc_centroid_lat({ref_expr}) as _ce_lat from {source})")
        ce_lon, ce_lat = "p._ce_lon", "p._ce_lat"
    else:
        ce_lon = ce_lat = "cast(null as double)"
    cols = []
    warn_flags: list[tuple[str, str]] = []
    has_point = "(p._src_lon is not null)" if lon else "false"
    for c in ds.columns:
        name = ident(c.name)
        if comm and c.name == comm.name:
            cols.append(f"coalesce(p.{name}, {g('poly_community')}) as {name}")
        elif lon and c.name == lon.name:
            cols.append(f"case when {has_point} then {g('w_lon')} else {ce_lon} end as {name}")
        elif lat and c.name == lat.name:
            cols.append(f"case when {has_point} then {g('w_lat')} else {ce_lat} end as {name}")
        else:
            cols.append(f"p.{name}")
    approx = f"(not {has_point} and {ce_lon} is not null)" if lon and ref else "false"
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
    if located:
        reasons.append((f"{has_point} and not {g('in_county')}", R.OUTSIDE))
    if comm:
        bad = f"p.{ident('bad_' + comm.name)}"
        found = g("poly_community")
        reasons.append((f"{bad} and {found} is null", R.UNKNOWN_COMMUNITY))
        warn_flags.append((f"({bad} and {found} is not null)", R.COMMUNITY_FROM_POINT_UNKNOWN))
        warn_flags.append((f"(not {bad} and p.{ident(comm.name)} is null "
                           f"and {found} is not null)", R.COMMUNITY_FROM_POINT))
    if lon and ref:
        warn_flags.append((approx, R.CENTROID_USED))
    whens = [f"when {cond} then {V.q(text)}" for cond, text in reasons]
    n_fixed = 2 + len(strict_flags) + sum(
        (2 if c.kind in ("timestamp", "date") else 1)
        for c in ds.columns if c.required and c.name != ds.key)
    # another area's rows: after the missing/unreadable reasons, before the point checks
    whens[n_fixed:n_fixed] = [f"when {cond} then {expr}" for cond, expr in area_reasons]
    reason = "case " + " ".join(whens) + " end"
    flag_cols = [f"p.{name}" for name, _ in parse_flags]
    flag_cols += [f"{expr} as _w{i}" for i, (expr, _) in enumerate(warn_flags)]
    sql = f"""
        create or replace {'' if stored else 'temp '}table _checked as
        select {', '.join('p.' + c for c in _PASSED)}, {', '.join(cols)}, {reason} as _reason
               {''.join(', ' + f for f in flag_cols)}
        from {source} p
    """
    return sql, warn_flags


def checked_view(con, plan: Plan) -> None:
    """Temp view ``checked``: the loaded file's rows (not the empty ones) with their numbers
    ``_row`` and the ``_checked`` rowid ``_rid`` (what an update of ``_checked`` names)."""
    from command_center.ingest.raw import row_number_sql

    con.execute(
        f"create or replace temp view checked as select {row_number_sql(plan.raw)} as _row, "
        f"rowid as _rid, * exclude ({', '.join(_PASSED)}) from _checked where not _empty")
