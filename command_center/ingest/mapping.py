"""Source headers → warehouse columns, and the two site mapping files.

A header is compared after normalisation: Unicode NFKC (full-width letters, digits and
brackets folded), all whitespace removed, case ignored. ``涉及金额（元）`` therefore matches
``涉及金额(元)`` and ``Ｌｎｇ`` matches ``lng``. Per dataset, a header matches, in this order:
the site mapping, the canonical header of ``schema.py``, then its synonyms. When two source
columns would map to the same warehouse column, the first one (left to right) wins and the
other is reported as unmapped.

Site mapping files (for headers nobody foresaw)
-----------------------------------------------

1. ``_source.toml`` in a dataset folder of the exports (``data/exports/incidents/_source.toml``),
   read by ``build`` for every file of that folder and by ``import`` for a file lying in that
   folder::

       # coordinate system of the points in these files: wgs84 | gcj02 | bd09 (default wgs84)
       crs = "gcj02"

       [headers]
       # "源表头" = "warehouse column" (column names as in schema.py)
       "报警人姓名" = "reporter_name"
       "网格名称" = ""        # empty: ignore this column

2. ``data/header_mapping.toml`` (global, read by ``import``; path overridable by the setting
   ``[paths] header_mapping``), one table per dataset::

       [incidents]
       "报警人姓名" = "reporter_name"
       "事发社区" = "community_code"

       [disputes]
       "调委会" = "mediator_org_id"

``_source.toml`` wins over ``header_mapping.toml``; both win over the built-in headers. The
``--crs`` option of ``import`` wins over ``crs`` in ``_source.toml``.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from command_center import config
from command_center.ingest import IngestError
from command_center.schema import BUILD_ORDER, DATASETS, Dataset

SOURCE_FILE = "_source.toml"
CRS_CHOICES = ("wgs84", "gcj02", "bd09")

_SPACE = re.compile(r"\s+")


def norm_header(text) -> str:
    """Normalised form used to compare headers (NFKC, no whitespace, lower case)."""
    if text is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text))).lower()


@dataclass
class SiteMapping:
    """Site-specific settings for a file: coordinate system and extra header mappings."""

    crs: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # normalised header → column ('' = ignore)
    sources: list[str] = field(default_factory=list)  # files it came from (for messages)


def _check_columns(dataset: Dataset, mapping: dict, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    names = set(dataset.column_names)
    for header, column in mapping.items():
        column = str(column).strip()
        if column and column not in names:
            raise IngestError(
                f"{where} 中表头「{header}」对应的列 {column} 不存在；"
                f"{dataset.title}的列有：{'、'.join(dataset.column_names)}"
            )
        out[norm_header(header)] = column
    return out


def _read_toml(path: Path) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise IngestError(f"映射文件 {path} 格式有误：{exc}") from None


def read_source_toml(folder: Path, dataset: Dataset) -> SiteMapping:
    """``_source.toml`` of a dataset folder (empty mapping when there is none)."""
    path = Path(folder) / SOURCE_FILE
    if not path.is_file():
        return SiteMapping()
    data = _read_toml(path)
    crs = data.get("crs")
    if crs is not None:
        crs = str(crs).strip().lower()
        if crs not in CRS_CHOICES:
            raise IngestError(f"{path} 中 crs = \"{crs}\" 无法识别，应为 wgs84、gcj02 或 bd09")
    headers = data.get("headers", {})
    if not isinstance(headers, dict):
        raise IngestError(f"{path} 中 [headers] 应为「源表头 = 列名」的表")
    return SiteMapping(crs, _check_columns(dataset, headers, str(path)), [str(path)])


def global_mapping_path() -> Path:
    p = Path(config.get("paths", "header_mapping", "data/header_mapping.toml"))
    return p if p.is_absolute() else config.ROOT / p


def read_global_mapping(dataset: Dataset, path: Path | None = None) -> SiteMapping:
    """The dataset's table of the global ``header_mapping.toml`` (empty when missing)."""
    path = Path(path) if path is not None else global_mapping_path()
    if not path.is_file():
        return SiteMapping()
    data = _read_toml(path).get(dataset.name, {})
    if not isinstance(data, dict):
        raise IngestError(f"{path} 中 [{dataset.name}] 应为「源表头 = 列名」的表")
    return SiteMapping(None, _check_columns(dataset, data, str(path)), [str(path)])


def merge(*mappings: SiteMapping) -> SiteMapping:
    """Later mappings win."""
    out = SiteMapping()
    for m in mappings:
        out.crs = m.crs or out.crs
        out.headers.update(m.headers)
        out.sources.extend(m.sources)
    return out


@functools.cache
def _builtin(dataset_name: str) -> dict[str, str]:
    """Normalised header → column; canonical headers first, then synonyms in order."""
    ds = DATASETS[dataset_name]
    out: dict[str, str] = {}
    for c in ds.columns:
        out.setdefault(norm_header(c.header), c.name)
    for c in ds.columns:
        for s in c.synonyms:
            out.setdefault(norm_header(s), c.name)
    out.setdefault(norm_header(ds.key), ds.key)
    for c in ds.columns:  # the English column names themselves (re-import of our own exports)
        out.setdefault(norm_header(c.name), c.name)
    return out


@functools.cache
def all_known_headers() -> frozenset[str]:
    known: set[str] = set()
    for name in DATASETS:
        known.update(_builtin(name))
    return frozenset(known)


def header_lookup(dataset: Dataset, site: SiteMapping | None = None) -> dict[str, str]:
    lookup = dict(_builtin(dataset.name))
    if site:
        lookup.update(site.headers)
    return lookup


def map_headers(
    dataset: Dataset, headers: list[str], site: SiteMapping | None = None
) -> dict[int, str]:
    """Column index → warehouse column for the headers that map (first one wins)."""
    lookup = header_lookup(dataset, site)
    site_keys = set(site.headers) if site else set()
    taken: dict[str, int] = {}
    # site-mapped headers first, then canonical/synonym order, then left to right
    rank = {h: i for i, h in enumerate(_builtin(dataset.name))}
    order = sorted(
        range(len(headers)),
        key=lambda i: (
            0 if norm_header(headers[i]) in site_keys else 1,
            rank.get(norm_header(headers[i]), 10**6),
            i,
        ),
    )
    for i in order:
        column = lookup.get(norm_header(headers[i]))
        if column and column not in taken:
            taken[column] = i
    return {i: c for c, i in sorted(taken.items(), key=lambda kv: kv[1])}


def header_score(dataset: Dataset, headers: list[str], site: SiteMapping | None = None) -> float:
    """How well headers fit a dataset: mapped columns, key and required columns weigh more."""
    mapped = set(map_headers(dataset, headers, site).values())
    score = float(len(mapped))
    if dataset.key in mapped:
        score += 3
    score += sum(1 for c in dataset.columns if c.required and c.name in mapped)
    # a header that maps only through a generic synonym (编号, 名称, 状态) counts less than one
    # naming the dataset's own things; penalise headers unknown to this dataset but known to others
    known_elsewhere = all_known_headers() - set(header_lookup(dataset, site))
    score -= 0.5 * sum(1 for h in headers if norm_header(h) in known_elsewhere)
    return score


def detect_dataset(headers: list[str]) -> tuple[str | None, dict[str, float]]:
    scores = {name: header_score(DATASETS[name], headers) for name in BUILD_ORDER}
    best = max(scores, key=lambda n: scores[n])
    ds = DATASETS[best]
    if ds.key not in map_headers(ds, headers).values():
        return None, scores
    return best, scores


def column_headers_hint(dataset: Dataset, column: str, limit: int = 6) -> str:
    c = dataset.column(column)
    return "/".join(c.headers[:limit]) + ("/…" if len(c.headers) > limit else "")
