"""One export file → ``staged`` rows (warehouse columns) + quarantine rows + counts.

Everything runs in DuckDB on the connection of the warehouse being written: the cells are
loaded as text (``raw.load_raw``), one generated SELECT parses every column by its schema
``kind`` (``selects.py``, ``values.py``), coordinates make one vectorized round trip through
numpy/shapely (``lookups.py``, ``geo.locate``), and a second SELECT assigns the quarantine
reason of each row (``validate.py``). Then :func:`merge.merge_staged` upserts the staged rows
by key. This module holds :func:`load_file` and the notes and counts it adds to the report.
"""

from __future__ import annotations

from collections import Counter

from command_center import config
from command_center.delta import note_replaced_quarantine
from command_center.ingest import validate as R
from command_center.ingest import values as V
from command_center.ingest.geo import Geo
from command_center.ingest.lookups import (
    _centroids_table,
    _locate_points,
    area_stems,
    prepare_lookups,
)
from command_center.ingest.merge import _mark_duplicates
from command_center.ingest.plan import Plan
from command_center.ingest.quarantine import _store_quarantine
from command_center.ingest.raw import RawFile, load_raw
from command_center.ingest.report import ImportReport, _Clock
from command_center.ingest.selects import _check_sql, _first, _local_tz, _parse_sql
from command_center.ingest.values import ident
from command_center.schema import Column, Dataset
from command_center.warehouse import table_columns


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
