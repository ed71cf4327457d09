"""Source headers → warehouse columns, and the two site mapping files.

A header is compared after normalisation: Unicode NFKC (full-width letters, digits and
brackets folded), traditional characters folded to simplified (OpenCC ``t2s``: 經度 → 经度,
事件編號 → 事件编号), all whitespace removed, case ignored. ``涉及金额（元）`` therefore matches
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
       # or an EPSG code: "EPSG:4490" (CGCS2000), "EPSG:4549" (its Gauss-Krüger zone, metres)
       crs = "gcj02"
       # time zone the times are written in (default: local Asia/Shanghai); converted to local
       timezone = "UTC"

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


@functools.cache
def _t2s():
    """OpenCC's traditional → simplified converter (the ``opencc`` wheel: BYVoid's OpenCC
    itself, its C++ core and phrase dictionaries bundled; no download at run time)."""
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters folded to simplified (經度 → 经度); ASCII is returned as is."""
    return text if text.isascii() else _t2s().convert(text)


@functools.lru_cache(maxsize=1 << 16)
def norm_header(text) -> str:
    """Normalised form used to compare headers (NFKC, traditional → simplified, no
    whitespace, lower case)."""
    if text is None:
        return ""
    return _SPACE.sub("", to_simplified(unicodedata.normalize("NFKC", str(text)))).lower()


@dataclass
class SiteMapping:
    """Site-specific settings for a file: coordinate system and extra header mappings."""

    crs: str | None = None
    timezone: str | None = None  # IANA zone of the file's times (None: local Asia/Shanghai)
    headers: dict[str, str] = field(default_factory=dict)  # normalised header → column ('' = ignore)
    sources: list[str] = field(default_factory=list)  # files it came from (for messages)


def check_crs(value, where: str = "") -> str | None:
    """``wgs84`` | ``gcj02`` | ``bd09``, or an EPSG code (``EPSG:4490`` CGCS2000, ``EPSG:4549``
    its 3-degree Gauss-Krüger zone at 120°E, X/Y in metres) checked with pyproj; None if empty."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    if text.lower() in CRS_CHOICES:
        return text.lower()
    code = text.upper().replace("：", ":").replace(" ", "")
    if code.isdigit():
        code = "EPSG:" + code
    if code.startswith("EPSG:") and code[5:].isdigit():
        try:
            from pyproj import CRS

            CRS.from_user_input(code)
            return code
        except Exception:
            pass
    prefix = f"{where} 中" if where else ""
    raise IngestError(
        f"{prefix}坐标系 {text} 无法识别：应为 wgs84、gcj02、bd09，或 EPSG 代码，如 EPSG:4490"
        "（CGCS2000 经纬度）、EPSG:4549（CGCS2000 3度带 中央经线120°E，单位米）")


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
    crs = check_crs(data.get("crs"), str(path))
    headers = data.get("headers", {})
    if not isinstance(headers, dict):
        raise IngestError(f"{path} 中 [headers] 应为「源表头 = 列名」的表")
    tz = check_timezone(data.get("timezone"), str(path))
    return SiteMapping(crs, tz, _check_columns(dataset, headers, str(path)), [str(path)])


def check_timezone(tz, where: str) -> str | None:
    """An IANA time zone name (``UTC``, ``Asia/Shanghai``…) or None; IngestError otherwise."""
    if tz is None or str(tz).strip() == "":
        return None
    tz = str(tz).strip()
    if tz.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    import zoneinfo

    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise IngestError(
            f"{where} 中 timezone = \"{tz}\" 无法识别；请写时区名称，如 \"UTC\"（世界时，"
            "台风最佳路径常用）或 \"Asia/Shanghai\"（北京时间，默认）") from None
    return tz


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
    return SiteMapping(None, None, _check_columns(dataset, data, str(path)), [str(path)])


def merge(*mappings: SiteMapping) -> SiteMapping:
    """Later mappings win."""
    out = SiteMapping()
    for m in mappings:
        out.crs = m.crs or out.crs
        out.timezone = m.timezone or out.timezone
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
    mapped = set(map_headers(ds, headers).values())
    # a key made at ingest from other columns (typhoon tracks) counts when those are there
    if ds.key not in mapped and not (ds.extra.get("key_from")
                                     and set(ds.extra["key_from"]) <= mapped):
        return None, scores
    return best, scores


def column_headers_hint(dataset: Dataset, column: str, limit: int = 6) -> str:
    c = dataset.column(column)
    return "/".join(c.headers[:limit]) + ("/…" if len(c.headers) > limit else "")


def no_header_message(exc, dataset: Dataset | None, site: SiteMapping | None = None) -> str:
    """The refusal for a file without a recognisable header row (``header_row.NoHeaderRow``):
    the row most like a header, what of it was recognised, the required columns missing, and
    the ``_source.toml`` lines that would map the other cells, with the field names."""
    lines = [str(exc)]
    cells = list(exc.cells)
    if exc.row is None or not cells:
        lines.append("文件前几行都是空的；请确认表头在前 30 行内")
        return "\n".join(lines)
    where = f"工作表「{exc.sheet}」" if exc.sheet else ""
    lines.append(f"最像表头的是{where}第 {exc.row} 行：" + "".join(f"「{c}」" for c in cells))
    if dataset is None:
        scores = {n: header_score(DATASETS[n], cells, site) for n in BUILD_ORDER}
        best = max(scores, key=lambda n: scores[n])
        dataset = DATASETS[best] if scores[best] > 0 else None
        if dataset is not None:
            lines.append(f"按表头推测为「{dataset.title}」数据；如不是，请选择数据集"
                         "（--dataset）后重新导入")
    if dataset is None:
        lines.append("无法判断这是哪类数据；请选择数据集（--dataset）后重新导入，"
                     "以便列出可用的字段名")
        return "\n".join(lines)
    mapping = map_headers(dataset, cells, site)
    if mapping:
        lines.append(f"已识别的列（{dataset.title}）：" + "、".join(
            f"{cells[i]} → {c}" for i, c in mapping.items()))
    else:
        lines.append(f"已识别的列（{dataset.title}）：无")
    mapped = set(mapping.values())
    missing = [c for c in dataset.columns if c.required and c.name not in mapped]
    if missing:
        lines.append("缺少必需的列：" + "；".join(
            f"{c.header}（可用表头：{column_headers_hint(dataset, c.name)}）" for c in missing))
    unknown = [c for i, c in enumerate(cells) if i not in mapping]
    if unknown:
        lines.append(f"请在文件所在文件夹的 {SOURCE_FILE} 中加入下面几行，在引号里填上每列对应的"
                     "字段名（不需要的列留空即忽略），然后重新导入：")
        lines.append("[headers]")
        lines += [f'"{c}" = ""  # 请填写对应的字段名' for c in unknown]
    lines.append(f"{dataset.title}可用的字段名：" + "、".join(
        f"{c.name}（{c.header}）" for c in dataset.columns))
    return "\n".join(lines)


# Columns that name the district (区/县/县级市) or the street/town (街道/乡镇/片区) of a row.
# They are no warehouse column: ``selects.py`` checks them against the county (settings.toml
# [county] name, the communities' area_name) and quarantines rows of another area.
AREA_HEADERS = {
    "district": ("所属区县", "区县", "所属县区", "县区", "行政区划", "所属行政区划", "县(市、区)",
                 "所属县(市、区)", "县市区", "所属县市区", "区县名称", "所属区县名称", "所属县市"),
    "street": ("所属街道", "街道", "乡镇", "所属乡镇", "乡镇街道", "所属乡镇街道", "乡镇(街道)",
               "街道(乡镇)", "镇街", "所属镇街", "街镇", "所属街镇", "所属片区", "片区"),
}


def area_columns(headers: list[str], mapping: dict[int, str]) -> dict[str, int]:
    """'district' / 'street' → index of the first unmapped column naming it."""
    out: dict[str, int] = {}
    for kind, names in AREA_HEADERS.items():
        keys = {norm_header(n) for n in names}
        for i, h in enumerate(headers):
            if i not in mapping and norm_header(h) in keys:
                out.setdefault(kind, i)
    return out
