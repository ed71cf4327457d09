"""Import one export file into an existing warehouse, by the dataset's key (upsert).

* A key not in the table is inserted; a key whose row differs in any column (after parsing,
  coordinate conversion and filling) is replaced (``updated``); an identical row is
  ``unchanged``. Importing the same file twice therefore changes nothing the second time.
* Rows that fail validation are appended to ``quarantine`` (see ``validate.py``); every import
  appends one line to ``import_log``.
* Atomic, and costs the file, not the warehouse: the rows go into the small delta beside the
  warehouse (``command_center.delta``): a copy of the delta is written and renamed over it, so
  a reader sees the import whole or not at all and the base is only read.
* :class:`IngestError` (Chinese message) when the file can't be used at all — unknown format,
  unreadable, no header row, a required column (the key first) missing, wrong dataset. The
  warehouse file is then not touched.
* Kept: the file is copied into the import archive (``warehouse.archive_dir``:
  ``<archive>/<dataset>/<time>-<name>`` with a ``.json`` beside it holding the coordinate
  system and header mapping used), and ``import_log.archive`` names the copy. ``build``
  replays the archive after the exports folder, so a rebuild never loses an import.
* Coordinate system: ``crs`` argument (the ``--crs`` option: wgs84, gcj02, bd09 or an EPSG
  code), else ``crs`` of a ``_source.toml`` in the file's folder, else WGS-84. Times: the
  ``timezone`` argument (``--timezone``; the 数据管理 upload's 文件中的时间), else ``timezone``
  of that ``_source.toml`` (e.g. UTC), converts the file's times to local. Header mappings:
  see ``mapping.py``.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path

from command_center import delta
from command_center.ingest import IngestError
from command_center.ingest.geo import load_geo
from command_center.ingest.load import load_file
from command_center.ingest.mapping import (
    SiteMapping,
    check_crs,
    check_timezone,
    merge,
    read_global_mapping,
    read_source_toml,
)
from command_center.ingest.merge import cleanup, log_import, merge_staged
from command_center.ingest.plan import plan_file
from command_center.ingest.report import ImportReport
from command_center.rollups import build_rollups
from command_center.schema import DATASETS
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


def import_file(
    dataset: str,
    file: Path,
    *,
    crs: str | None,
    warehouse: Path,
    header_mapping: Path | None = None,
    geo_dir: Path | None = None,
    site: SiteMapping | None = None,
    archive: bool = True,
    label: str | None = None,
    timezone: str | None = None,
) -> ImportReport:
    """Upsert ``file`` into ``warehouse``; see the module docstring."""
    if dataset not in DATASETS:
        raise IngestError(f"未知的数据集：{dataset}（可选：{'、'.join(DATASETS)}）")
    ds = DATASETS[dataset]
    file, warehouse = Path(file), Path(warehouse)
    if not file.is_file():
        raise IngestError(f"文件不存在：{file}")
    crs = check_crs(crs)
    timezone = check_timezone(timezone, "导入时指定的时区")
    if site is None:
        site = merge(read_global_mapping(ds, header_mapping), read_source_toml(file.parent, ds))
    if timezone:
        site = dataclasses.replace(site, timezone=timezone)
    label = label or file.name
    crs = crs or site.crs or "wgs84"
    plan = plan_file(file, ds, site)  # IngestError before anything is written
    geo = load_geo(geo_dir)
    now = now_local()
    try:
        with writer_lock(warehouse):
            report = _import_locked(plan, ds, file, label, crs, site, warehouse, geo, now,
                                    archive)
    finally:
        plan.raw.cleanup()
    _after_import(warehouse)
    return report


def _import_locked(plan, ds, file: Path, label: str, crs: str, site: SiteMapping,
                   warehouse: Path, geo, now, archive: bool) -> ImportReport:
    """Upsert into the delta beside an existing warehouse (a copy of the delta, renamed over
    it: readers see the import whole or not at all, and the base is never copied), or into a
    new warehouse when there is none yet."""
    base_id = delta.base_build_id(warehouse) if warehouse.exists() else None
    target = delta.delta_path(warehouse) if base_id else warehouse
    tmp = temp_path(warehouse, "importing")
    if base_id and target.is_file() and delta.extends(target, base_id):
        shutil.copyfile(target, tmp)
    kept = None
    try:
        with writer_connection(tmp, warehouse) as con:
            create_tables(con)
            if base_id:
                delta.start_delta(con, base_id)
                con.execute(f"attach {delta.sql_text(str(warehouse))} as wh (read_only)")
            else:
                set_meta(con, build_id=new_build_id(), built_at=now.isoformat(sep=" "),
                         schema_version=SCHEMA_VERSION)
            delta.writer_views(con, "wh" if base_id else None)
            try:
                report = load_file(con, plan, crs=crs, geo=geo, file_label=label,
                                   now=now, timezone=site.timezone)
                if base_id:  # the roll-ups' partitions the file touches, old and new
                    delta.touched_partitions(con, ds)
                merge_staged(con, ds, report)
                if base_id:
                    delta.refresh_rollups(con, ds.name)
                else:
                    build_rollups(con)
            finally:
                cleanup(con)
            report.check()
            if archive:
                kept = _archive(file, label, ds.name, crs, site, warehouse, now)
            log_import(con, report, now, str(kept) if kept else None)
            set_meta(con, updated_at=now.isoformat(sep=" "))
            if base_id:
                con.execute("detach wh")
            con.execute("checkpoint")
        swap_in(tmp, target)
    except BaseException:
        discard(tmp)
        if kept is not None:
            kept.unlink(missing_ok=True)
            kept.with_name(kept.name + ".json").unlink(missing_ok=True)
        raise
    return report


def _after_import(warehouse: Path) -> None:
    """The import is done (swapped in): alerts are evaluated in the background; nothing
    about alerting may fail or hold up the import."""
    try:
        from command_center import alerts

        alerts.after_import(warehouse)
    except Exception:  # pragma: no cover - alerting must never fail an import
        logging.getLogger(__name__).exception("导入后预警评估未能启动")


def _archive(file: Path, label: str, dataset: str, crs: str, site: SiteMapping,
             warehouse: Path, now) -> Path:
    """Copy ``file`` into the import archive (with how it was read); returns the copy."""
    import json
    import uuid

    folder = archive_dir(warehouse) / dataset
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
    kept = folder / f"{stem}-{label}"
    shutil.copyfile(file, kept)
    meta = {"dataset": dataset, "file": label, "crs": crs, "timezone": site.timezone,
            "headers": site.headers,
            "imported_at": now.isoformat(sep=" ")}
    kept.with_name(kept.name + ".json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return kept


def archived_files(folder: Path) -> list[tuple[Path, dict]]:
    """The archived imports of one dataset folder, oldest first, with their settings."""
    import json

    out = []
    if not Path(folder).is_dir():
        return out
    for meta_path in sorted(Path(folder).glob("*.json")):
        data_path = meta_path.with_name(meta_path.name[: -len(".json")])
        if not data_path.is_file():
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append((data_path, meta))
    return out
