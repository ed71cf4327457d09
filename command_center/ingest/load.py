"""One export file → ``staged`` rows (warehouse columns) + quarantine rows + counts.

Everything runs in DuckDB on the connection of the warehouse being written, in one pass over
the file: the cells are read as text through the view ``raw`` (``raw.raw_view``; a CSV is read
from the file itself), the view ``parsed`` parses every column by its schema ``kind``
(``selects.py``, ``values.py``), and one statement writes table ``_checked``: final values,
each point converted and located (``lookups.locate_function``) and the quarantine reason of
each row (``validate.py``), in file order. It is a temp table, except for a dataset with no
rows yet outside an import's delta (a build's first file): then it is written into the file
being written, and the merge makes it the dataset's table. Then :func:`merge.merge_staged`
upserts the staged rows by key. This module holds :func:`load_file` and the notes and counts
it adds to the report.
"""

from __future__ import annotations

from collections import Counter

from command_center import config
from command_center.delta import note_replaced_quarantine
from command_center.ingest import validate as R
from command_center.ingest import values as V
from command_center.ingest.geo import Geo
from command_center.ingest.lookups import (
    area_stems,
    centroid_functions,
    locate_function,
    prepare_lookups,
)
from command_center.ingest.merge import _mark_duplicates, stored_is_empty
from command_center.ingest.plan import Plan
from command_center.ingest.quarantine import _store_quarantine
from command_center.ingest.raw import RawFile, csv_error, raw_view
from command_center.ingest.report import ImportReport, _Clock
from command_center.ingest.selects import (
    _check_sql,
    _first,
    _local_tz,
    _parse_sql,
    checked_view,
)
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


def _read_and_headerless(con, raw: RawFile, report: ImportReport) -> None:
    """Rows read, and cells under a column without a header (empty header cell, or right of
    the last header), which are not loaded: count them (a warning per row, a note)."""
    report.read, x_cells, x_rows, n_cells, n_rows = con.execute(
        "select count(*) filter (where not _empty), coalesce(sum(_xf), 0), "
        "count(*) filter (where _xf > 0), coalesce(sum(_bf), 0), count(*) filter (where _bf > 0) "
        "from _checked").fetchone()
    # right of the last header: counted in the pass for a CSV, by the reader for Excel
    cells, rows = (x_cells, x_rows) if raw._arrow is None else (raw.extra_cells, raw.extra_rows)
    where = []
    if cells:
        where.append(f"第 {len(raw.headers)} 列右侧")
    if raw.blank_columns:
        if n_cells:
            cells += n_cells
            rows += n_rows  # a row may be counted twice when it has cells of both kinds
            where.insert(0, "第 " + "、".join(str(i + 1) for i in raw.blank_columns) + " 列")
    if cells:
        report.warnings[R.HEADERLESS] += rows
        report.notes.append(
            f"{'、'.join(where)}没有表头，其中 {cells:,} 个单元格有内容，未导入；"
            "如需导入，请在文件中补上表头后重新导入")


def _reading(con, raw: RawFile, step) -> None:
    """Run ``step`` (a query that reads the file); a CSV DuckDB's parallel reader can't split
    is read again in one piece, and one it can't read at all is refused with the line where
    it stopped."""
    for parallel in (True, False):
        try:
            step()
            return
        except Exception as exc:
            refused = csv_error(exc, raw)
            if refused is None:
                raise
            if not parallel:
                raise refused from None
            raw_view(con, raw, parallel=False)


def _first_rows_of_new_file(con, ds: Dataset) -> bool:
    """Whether the pass may write its table into the file being written (a build, or an
    import making a new warehouse) because the dataset has no rows yet: the merge can then
    keep that table as the dataset's table instead of copying every row into it. Never in a
    delta, which an import copies whole: a table written there and dropped would grow it."""
    from command_center.delta import is_delta

    return not is_delta(con) and stored_is_empty(con, ds)


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
    """Stage the rows of ``plan`` (temp view ``staged``) and fill the quarantine table.

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
    raw_view(con, raw)
    communities_known = con.execute("select count(*) from all_communities").fetchone()[0] > 0
    prepare_lookups(con)
    comm = _first(ds, "community")
    if comm and not communities_known:
        report.notes.append("社区表为空：社区名称无法识别，仅接受 12 位社区编码")
    parse_sql, warn1, strict = _parse_sql(plan, communities_known, now, timezone)
    if timezone and timezone != _local_tz():
        report.notes.append(f"文件中的时间按 {timezone} 时区读取，已换算为本地时间"
                            f"（{_local_tz()}）")
    con.execute(parse_sql)
    lon = _first(ds, "lon")
    if lon:  # points: converted, tested against the county and placed in the pass
        _reading(con, raw, lambda: locate_function(con, crs, geo, file_label))
        centroid_functions(con, ds, geo)
        report.notes.extend(geo.notes)
    stems = area_stems(con) if plan.areas else []
    if "street" in plan.areas and not stems:
        report.notes.append("社区表没有所属片区（街道）名称，未检查街道/乡镇列")
    check_sql, warn2 = _check_sql(plan, bool(lon), warn1, strict, stems, crs,
                                  stored=_first_rows_of_new_file(con, ds))
    clock("prepare")
    # the pass: the file read, parsed, located and checked into one table, in file order
    _reading(con, raw, lambda: con.execute(check_sql))
    checked_view(con, plan)
    _read_and_headerless(con, raw, report)
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
    unknown = [c.header for c in ds.columns if c.kind == "enum" and (
        report.warnings.get(R.other(c.header)) or report.warnings.get(R.nulled(c.header)))]
    if unknown:
        report.notes.append(
            f"{'、'.join(unknown)}中未能识别的取值已按原文保留：可在数据管理页“未对照的取值”"
            "中对照到本系统的分类，已入库的记录随即更新")
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
    names = ", ".join(ident(c) for c, _ in table_columns(ds.name))
    con.execute(
        f"create or replace temp view staged as select {names} from checked "
        "where _reason is null"
    )
    clock("stage")
    return report
