"""What the 数据管理 page shows before importing a file: dataset, encoding, header mapping.

Reads only the head of a CSV file (an Excel file is read whole: that is how Excel files are
stored). Raises :class:`IngestError` when the file can't be read at all (format, encoding, no
header row); a file that reads but lacks columns gives a Preview with ``usable = False`` and
``problem`` saying what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from command_center import config
from command_center.ingest import IngestError
from command_center.ingest.header_row import NoHeaderRow
from command_center.ingest.mapping import (
    SiteMapping,
    all_known_headers,
    area_columns,
    column_headers_hint,
    detect_dataset,
    header_score,
    map_headers,
    merge,
    no_header_message,
    norm_header,
    read_global_mapping,
    read_source_toml,
)
from command_center.ingest.reading import open_file
from command_center.schema import BUILD_ORDER, DATASETS


@dataclass
class Preview:
    file: str
    format: str  # csv | xlsx | xls
    encoding: str | None  # csv only: utf-8, utf-8-sig, gb18030, utf-16, ...
    sheet: str | None  # Excel only
    header_row: int  # 1-based row number of the header row (title lines above are skipped)
    headers: list[str]
    dataset: str | None  # given, or detected (None when nothing fits)
    dataset_title: str | None
    detected: bool  # True when the dataset was detected rather than given
    scores: dict[str, float]  # header fit per dataset (higher is better)
    mapping: dict[str, str | None]  # source header → warehouse column (None: not used)
    labels: dict[str, str]  # warehouse column → its Chinese header
    unmapped: list[str]  # source headers that map to nothing
    missing_required: list[str]  # Chinese headers of required columns not found
    rows: list[list[str | None]]  # first rows (cells as text), aligned with headers
    crs: str | None  # from _source.toml next to the file, if any
    usable: bool
    problem: str | None = None
    notes: list[str] = field(default_factory=list)


def preview_file(
    file: Path, dataset: str | None = None, *, header_mapping: Path | None = None,
    rows: int = 10,
) -> Preview:
    file = Path(file)
    if dataset is not None and dataset not in DATASETS:
        raise IngestError(f"未知的数据集：{dataset}")
    sites: dict[str, SiteMapping] = {}
    for name in BUILD_ORDER:
        sites[name] = merge(read_global_mapping(DATASETS[name], header_mapping),
                            read_source_toml(file.parent, DATASETS[name]))
    known = set(all_known_headers())
    for s in sites.values():
        known.update(s.headers)
    try:
        raw = open_file(file, lambda text: norm_header(text) in known)
    except NoHeaderRow as exc:
        ds = DATASETS[dataset] if dataset else None
        raise IngestError(no_header_message(exc, ds, sites[dataset] if dataset else None)
                          ) from None
    try:
        headers = raw.headers
        scores = {n: header_score(DATASETS[n], headers, sites[n]) for n in BUILD_ORDER}
        detected = dataset is None
        if detected:
            dataset, _ = detect_dataset(headers)
        notes: list[str] = list(raw.notes)
        if dataset is None:
            best = max(scores, key=lambda n: scores[n])
            return Preview(
                file.name, raw.format, raw.encoding, raw.sheet, raw.header_row, headers, None,
                None, True, scores, dict.fromkeys(headers), {}, list(headers), [],
                raw.head[:rows], None, False,
                problem=f"无法判断数据类型：表头与任何数据集都不匹配（最接近：{DATASETS[best].title}）",
            )
        ds = DATASETS[dataset]
        site = sites[dataset]
        mapping_idx = map_headers(ds, headers, site)
        mapping = {h: mapping_idx.get(i) for i, h in enumerate(headers)}
        mapped = set(mapping_idx.values())
        areas = {} if ds.name == "communities" else area_columns(headers, mapping_idx)
        if areas:
            county = config.get("county", "name", "") or "本县"
            notes.append("、".join(f"「{headers[i]}」" for i in areas.values())
                         + f"列用于核对是否属于{county}：写着其他区县或街道的行将被隔离"
                         "（不属于本县）")
        missing = [c for c in ds.columns if c.required and c.name not in mapped]
        problem = None
        if missing:
            problem = "缺少必需的列：" + "；".join(
                f"{c.header}（可用表头：{column_headers_hint(ds, c.name)}）" for c in missing)
        if not detected:
            guess, _ = detect_dataset(headers)
            if guess and guess != dataset:
                notes.append(f"表头更像「{DATASETS[guess].title}」数据")
        return Preview(
            file=file.name,
            format=raw.format,
            encoding=raw.encoding,
            sheet=raw.sheet,
            header_row=raw.header_row,
            headers=headers,
            dataset=dataset,
            dataset_title=ds.title,
            detected=detected,
            scores=scores,
            mapping=mapping,
            labels={c.name: c.header for c in ds.columns},
            unmapped=[h for i, (h, c) in enumerate(mapping.items())
                      if c is None and i not in areas.values()],
            missing_required=[c.header for c in missing],
            rows=raw.head[:rows],
            crs=site.crs,
            usable=not missing,
            problem=problem,
            notes=notes,
        )
    finally:
        raw.cleanup()
