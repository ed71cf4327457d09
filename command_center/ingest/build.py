"""Full rebuild: every export file of ``exports/<dataset>/`` → a new warehouse file, swapped in.

Datasets are read in ``schema.BUILD_ORDER`` (communities first: the others resolve community
names against it; social_orgs before disputes for the mediator organisation). Within a
dataset folder files are read in name order and later files win for a key they share (the
same upsert as ``import``). Then the import archive of the warehouse (``warehouse.archive_dir``)
is replayed per dataset, oldest import first, each file with the coordinate system and header
mapping it was imported with: a rebuild never loses an import. Files whose name starts with ``_`` or ``.`` are skipped
(``_source.toml`` lives there). A file that can't be used (format, encoding, missing required
column) is skipped with its reason; the build goes on. A missing folder gives an empty table.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from command_center import delta
from command_center.delta import writer_views
from command_center.ingest import IngestError
from command_center.ingest.geo import load_geo
from command_center.ingest.load import load_file
from command_center.ingest.mapping import SiteMapping, read_source_toml
from command_center.ingest.merge import cleanup, log_import, merge_staged
from command_center.ingest.plan import plan_file
from command_center.ingest.report import BuildReport, DatasetReport, ImportReport
from command_center.ingest.upsert import archived_files
from command_center.rollups import build_rollups
from command_center.schema import BUILD_ORDER, DATASETS
from command_center.warehouse import (
    SCHEMA_VERSION,
    archive_dir,
    create_tables,
    discard,
    new_build_id,
    now_local,
    set_meta,
    swap_in,
    temp_path,
    writer_connection,
    writer_lock,
)

EXPORT_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".xls"}


def export_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(("_", ".")) and p.suffix.lower() in EXPORT_SUFFIXES
    )


def build_warehouse(
    exports_dir: Path,
    warehouse: Path,
    *,
    progress: Callable[[str], object] | None = print,
    geo_dir: Path | None = None,
    imports_dir: Path | None = None,
) -> BuildReport:
    """Rebuild ``warehouse`` from ``exports_dir``; readers see the old file until the swap."""
    exports_dir, warehouse = Path(exports_dir), Path(warehouse)
    say = progress or (lambda _msg: None)
    # a broken vocab.toml would make every file skip: refuse before anything is written
    from command_center.ingest import vocab

    vocab.read()
    started = time.perf_counter()
    now = now_local()
    report = BuildReport(str(warehouse), new_build_id(), now.isoformat(sep=" "))
    geo = load_geo(geo_dir)
    imports_dir = Path(imports_dir) if imports_dir is not None else archive_dir(warehouse)
    if not exports_dir.is_dir():
        report.notes.append(f"导出文件目录不存在：{exports_dir}，所有表为空")
        say(report.notes[-1])
    with writer_lock(warehouse):
        tmp = temp_path(warehouse, "building")
        try:
            with writer_connection(tmp, warehouse) as con:
                create_tables(con)
                writer_views(con, None)
                for name in BUILD_ORDER:
                    report.datasets[name] = _build_dataset(con, name, exports_dir / name, geo,
                                                           now, say, imports_dir / name)
                build_rollups(con)
                set_meta(con, build_id=report.build_id, built_at=report.built_at,
                         updated_at=report.built_at, schema_version=SCHEMA_VERSION,
                         exports_dir=str(exports_dir))
                con.execute("checkpoint")
            swap_in(tmp, warehouse)
        except BaseException:
            discard(tmp)
            raise
        # the imports' delta is in the new base (the archive was replayed): the base first,
        # then the delta, so a reader never sees an import's rows vanish
        delta.remove(warehouse)
    report.seconds = time.perf_counter() - started
    for note in geo.notes:
        report.notes.append(note)
    say(f"数据仓库已生成：{warehouse}（{report.seconds:.1f} 秒；读取 {report.read} 行，"
        f"入库 {report.loaded}，隔离 {report.quarantined}）")
    return report


def _build_dataset(con, name: str, folder: Path, geo, now, say,
                   archive: Path | None = None) -> DatasetReport:
    ds = DATASETS[name]
    out = DatasetReport(name)
    files = export_files(folder)
    archived = archived_files(archive) if archive is not None else []
    if not files and not archived:
        out.notes.append(f"未找到{ds.title}导出文件（{folder}），{ds.title}表为空")
        say(f"{ds.title}：{out.notes[-1]}")
        return out
    try:
        site = read_source_toml(folder, ds)
    except IngestError as exc:
        out.notes.append(f"{exc}；按默认设置（WGS-84，内置表头）读取")
        say(f"{ds.title}：{out.notes[-1]}")
        site = SiteMapping()
    crs0 = site.crs or "wgs84"
    # the exports folder in name order, then the import archive oldest first
    jobs = [(p, site, crs0, p.name, None) for p in files]
    jobs += [(p, SiteMapping(meta.get("crs"), meta.get("timezone"),
                             dict(meta.get("headers") or {})),
              meta.get("crs") or "wgs84", str(meta.get("file") or p.name), str(p))
             for p, meta in archived]
    for path, site, crs, label, kept in jobs:
        try:
            plan = plan_file(path, ds, site)
        except IngestError as exc:
            rep = ImportReport(name, label, usable=False, notes=[str(exc)], crs=crs)
            out.files.append(rep)
            say(f"{ds.title}：跳过 {label}：{exc}")
            continue
        try:
            rep = load_file(con, plan, crs=crs, geo=geo, file_label=label, now=now,
                            timezone=site.timezone)
            merge_staged(con, ds, rep)
            rep.check()
            log_import(con, rep, now, kept)
        except IngestError as exc:
            rep = ImportReport(name, label, usable=False, notes=[str(exc)], crs=crs)
            say(f"{ds.title}：跳过 {label}：{exc}")
        finally:
            plan.raw.cleanup()
            cleanup(con)
        out.files.append(rep)
        if len(files) > 1 and rep.usable:
            say(f"  {label}：读取 {rep.read} 行 / 入库 {rep.loaded} / 隔离 {rep.quarantined}")
        if rep.usable and rep.read >= 100_000:
            steps = "，".join(f"{k} {v:.1f}s" for k, v in rep.timings.items()
                             if not k.endswith("_cpu"))
            say(f"  {label} 用时：{steps}")
    say(out.summary())
    for reason, n in out.reasons().most_common():
        say(f"  隔离 {reason}：{n} 行")
    for reason, n in out.warnings().most_common():
        say(f"  提示 {reason}：{n} 行")
    return out
