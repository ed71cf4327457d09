"""Import one export file into an existing warehouse, by the dataset's key (upsert).

* A key not in the table is inserted; a key whose row differs in any column (after parsing,
  coordinate conversion and filling) is replaced (``updated``); an identical row is
  ``unchanged``. Importing the same file twice therefore changes nothing the second time.
* Rows that fail validation are appended to ``quarantine`` (see ``validate.py``); every import
  appends one line to ``import_log``.
* Atomic: the warehouse is copied to a temporary file next to it, the import runs on the copy,
  and the copy is renamed over the original. A reader sees the old or the new warehouse.
* :class:`IngestError` (Chinese message) when the file can't be used at all — unknown format,
  unreadable, no header row, a required column (the key first) missing, wrong dataset. The
  warehouse file is then not touched.
* Coordinate system: ``crs`` argument (the ``--crs`` option), else ``crs`` of a
  ``_source.toml`` in the file's folder, else WGS-84. Header mappings: see ``mapping.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from command_center.ingest import IngestError
from command_center.ingest.geo import load_geo
from command_center.ingest.load import cleanup, load_file, log_import, merge_staged, plan_file
from command_center.ingest.mapping import (
    CRS_CHOICES,
    merge,
    read_global_mapping,
    read_source_toml,
)
from command_center.ingest.report import ImportReport
from command_center.schema import DATASETS
from command_center.warehouse import (
    SCHEMA_VERSION,
    create_tables,
    discard,
    new_build_id,
    now_local,
    set_meta,
    swap_in,
    temp_path,
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
) -> ImportReport:
    """Upsert ``file`` into ``warehouse``; see the module docstring."""
    if dataset not in DATASETS:
        raise IngestError(f"未知的数据集：{dataset}（可选：{'、'.join(DATASETS)}）")
    ds = DATASETS[dataset]
    file, warehouse = Path(file), Path(warehouse)
    if not file.is_file():
        raise IngestError(f"文件不存在：{file}")
    if crs is not None and crs not in CRS_CHOICES:
        raise IngestError(f"坐标系 {crs} 无法识别，应为 wgs84、gcj02 或 bd09")
    site = merge(read_global_mapping(ds, header_mapping), read_source_toml(file.parent, ds))
    crs = crs or site.crs or "wgs84"
    plan = plan_file(file, ds, site)  # IngestError before anything is written
    geo = load_geo(geo_dir)
    now = now_local()
    try:
        with writer_lock(warehouse):
            tmp = temp_path(warehouse, "importing")
            con = None
            try:
                if warehouse.exists():
                    shutil.copyfile(warehouse, tmp)
                con = duckdb.connect(str(tmp))
                con.execute("set enable_progress_bar = false")
                create_tables(con)
                if not warehouse.exists():
                    set_meta(con, build_id=new_build_id(), built_at=now.isoformat(sep=" "),
                             schema_version=SCHEMA_VERSION)
                try:
                    report = load_file(con, plan, crs=crs, geo=geo, file_label=file.name,
                                       now=now)
                    merge_staged(con, ds, report)
                finally:
                    cleanup(con)
                report.check()
                log_import(con, report, now)
                set_meta(con, updated_at=now.isoformat(sep=" "))
                con.execute("checkpoint")
                con.close()
                con = None
                swap_in(tmp, warehouse)
            except BaseException:
                if con is not None:
                    con.close()
                discard(tmp)
                raise
    finally:
        plan.raw.cleanup()
    return report
