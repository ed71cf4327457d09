"""Ingest: export files (csv/xlsx/xls) → validated rows in the DuckDB warehouse.

Modules, in the order a file goes through them:

    reading.py   format, encoding and header-row detection; loads the cells as text into DuckDB
    mapping.py   source header → warehouse column (schema headers, synonyms, site mapping files)
    values.py    SQL expressions that parse each schema ``kind``; enum synonym tables
    geo.py       coordinate conversion to WGS-84, point-in-county, point → community
    validate.py  quarantine reasons and warnings (one SELECT per file, see ``load.py``)
    load.py      one file → staged rows + quarantine rows + counts
    build.py     full rebuild of the warehouse from an exports folder (atomic swap)
    upsert.py    import one file into an existing warehouse by key (atomic swap)
    preview.py   what the 数据管理 page shows before an import
    report.py    the reports returned to the CLI and the page

Public entry points: :func:`command_center.ingest.build.build_warehouse`,
:func:`command_center.ingest.upsert.import_file`,
:func:`command_center.ingest.preview.preview_file` and :class:`IngestError`.
"""

from __future__ import annotations


class IngestError(Exception):
    """The file can't be used at all (format, encoding, headers, wrong dataset).

    The message is Chinese and names the problem; nothing in the warehouse was changed.
    """


__all__ = ["IngestError"]
