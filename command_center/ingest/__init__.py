"""Ingest: export files (csv/xlsx/xls) → validated rows in the DuckDB warehouse.

Modules, in the order a file goes through them:

    reading.py    opens a file: limits, format, header row and first rows (CSV, CMA text)
    detect.py     format and encoding detection, decoding text files
    header_row.py finding the header row; cleaning the headers
    excel.py      reading Excel sheets into Arrow tables of text cells
    raw.py        the opened file (RawFile); loads its cells as text into DuckDB
    mapping.py    source header → warehouse column (schema headers, synonyms, site mapping files)
    plan.py       a file's columns → a Plan for one dataset
    values.py     SQL expressions that parse each schema ``kind``; enum synonym tables
    geo.py        coordinate conversion to WGS-84, point-in-county, point → community
    lookups.py    community/organization lookups, the county's names and areas, points → _geo
    selects.py    the generated SELECTs: parse every column, then check each row
    validate.py   quarantine reasons and warnings (one SELECT per file, see ``selects.py``)
    load.py       one file → staged rows + quarantine rows + counts
    quarantine.py the quarantine store (cells as JSON, personal data masked)
    merge.py      staged rows → the dataset's table by key; import log; temp cleanup
    build.py      full rebuild of the warehouse from an exports folder (atomic swap)
    upsert.py     import one file by key into the delta beside the warehouse
                  (command_center/delta.py; a copy of the delta renamed over it)
    preview.py    what the 数据管理 page shows before an import
    report.py     the reports returned to the CLI and the page

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
