"""An export file's columns → a :class:`Plan`: which source column fills which warehouse column
of one dataset (and which columns name the district/street), or an IngestError saying why the
file can't be used for that dataset."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from command_center.ingest import IngestError
from command_center.ingest.header_row import NoHeaderRow
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
from command_center.ingest.raw import RawFile
from command_center.ingest.reading import open_file
from command_center.schema import DATASETS, Dataset


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
