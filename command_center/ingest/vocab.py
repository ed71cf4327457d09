"""The vocabulary mapping: another system's values → the warehouse's canonical values.

``vocab.toml`` (``[paths] vocab`` in settings.toml, ``CC_PATHS_VOCAB`` overrides) holds one
table per ``dataset.column`` of an enum column::

    [incidents.category]
    "市容环卫" = "社会联动"
    "交通运输" = "交通"

    [incidents.source]
    "@*" = "12345"          # * matches any characters: @鹿城, @龙港 …

A value is compared like the built-in synonyms (full-width folded, trimmed, case ignored) and
the mapping wins over them. It is applied at import and at build (the archive replayed), and
by :func:`map_value` (the 数据管理 page) to rows already in the warehouse: every column kept
as imported (``schema.RAW_ENUM_COLUMNS``) holds ``<column>_raw`` beside the canonical one, so
mapping a value later needs no re-import. The shipped file carries defaults for the 12345
taxonomy; an administrator's mappings are added to it (its comments are kept).
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path

from command_center import config
from command_center.ingest import IngestError
from command_center.schema import DATASETS, RAW_ENUM_COLUMNS, raw_column

OTHER = "其他"


def path() -> Path:
    return config.path("vocab") if config.get("paths", "vocab") else config.ROOT / "vocab.toml"


def _fold(value: str) -> str:
    from command_center.ingest.values import _py_clean

    return _py_clean(str(value)).upper()


def read(file: Path | None = None) -> dict[tuple[str, str], dict[str, str]]:
    """(dataset, column) → {value as written: canonical}; IngestError (Chinese) when the file
    is malformed or names a column or a value the schema does not know."""
    file = Path(file) if file is not None else path()
    if not file.is_file():
        return {}
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise IngestError(f"类别对照文件 {file} 格式有误：{exc}") from None
    out: dict[tuple[str, str], dict[str, str]] = {}
    for dataset, columns in data.items():
        if dataset not in DATASETS or not isinstance(columns, dict):
            raise IngestError(f"类别对照文件 {file} 中 [{dataset}] 不是数据集"
                              f"（可选：{'、'.join(DATASETS)}）")
        for column, values in columns.items():
            try:
                col = DATASETS[dataset].column(column)
            except KeyError:
                col = None
            if col is None or col.kind != "enum" or not isinstance(values, dict):
                raise IngestError(f"类别对照文件 {file} 中 [{dataset}.{column}] 不是可对照的列")
            for raw, target in values.items():
                if target not in col.vocab:
                    raise IngestError(
                        f"类别对照文件 {file} 中 [{dataset}.{column}] 「{raw}」= 「{target}」："
                        f"{col.header}应为 {'、'.join(col.vocab)} 之一")
            out[(dataset, column)] = dict(values)
    return out


def lookups(dataset: str, column: str) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Exact entries (folded value → canonical) and wildcard ones (SQL LIKE pattern on the
    folded value → canonical) of one column."""
    exact, patterns = {}, []
    for raw, target in read().get((dataset, column), {}).items():
        folded = _fold(raw)
        if "*" in folded:
            like = re.sub(r"([%_\\])", r"\\\1", folded).replace("*", "%")
            patterns.append((like, target))
        else:
            exact[folded] = target
    return exact, patterns


def mapped_values() -> list[str]:
    """``dataset.column.value`` of every exact entry (folded), for the unmapped-values query:
    a value mapped to 其他 on purpose is not "unmapped"."""
    return [f"{d}.{c}.{_fold(raw)}" for (d, c), values in read().items() for raw in values
            if "*" not in raw]


# ------------------------------------------------------------------ editing
def _section_bounds(lines: list[str], header: str) -> tuple[int, int] | None:
    start = next((i for i, ln in enumerate(lines) if ln.strip() == header), None)
    if start is None:
        return None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")),
               len(lines))
    return start, end


def save(dataset: str, column: str, raw: str, canonical: str, file: Path | None = None) -> None:
    """Add (or change) ``"raw" = "canonical"`` in the file's ``[dataset.column]`` table,
    keeping everything else (comments included); written atomically."""
    file = Path(file) if file is not None else path()
    col = DATASETS[dataset].column(column)
    if canonical not in col.vocab:
        raise IngestError(f"{col.header}应为 {'、'.join(col.vocab)} 之一")
    read(file)  # refuse to edit a file that is already broken
    lines = file.read_text(encoding="utf-8").splitlines() if file.is_file() else []
    entry = f"{json.dumps(raw, ensure_ascii=False)} = {json.dumps(canonical, ensure_ascii=False)}"
    header = f"[{dataset}.{column}]"
    bounds = _section_bounds(lines, header)
    if bounds is None:
        lines += ["", header, entry]
    else:
        start, end = bounds
        for i in range(start + 1, end):
            try:
                found = tomllib.loads(lines[i])
            except tomllib.TOMLDecodeError:
                continue
            if raw in found:
                lines[i] = entry
                break
        else:
            last = max((i for i in range(start, end) if lines[i].strip()), default=start)
            lines.insert(last + 1, entry)
    text = "\n".join(lines) + "\n"
    if tomllib.loads(text).get(dataset, {}).get(column, {}).get(raw) != canonical:
        raise IngestError(f"无法写入类别对照文件 {file}")  # pragma: no cover - defensive
    tmp = file.with_name(f".{file.name}.saving")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(file)


def map_value(dataset: str, column: str, raw: str, canonical: str, *,
              warehouse: Path | None = None, file: Path | None = None) -> int:
    """Save the mapping, then set the canonical column of the warehouse's rows holding ``raw``
    as imported (same copy-and-swap, same writer lock as an import). Returns the rows changed."""
    import duckdb

    from command_center import warehouse as W

    if column not in RAW_ENUM_COLUMNS.get(dataset, ()):
        raise IngestError(f"{dataset}.{column} 不保留原始值，无法对照")
    warehouse = Path(warehouse) if warehouse is not None else config.warehouse_path()
    table, col, rawc = W._ident(dataset), W._ident(column), W._ident(raw_column(column))
    file = Path(file) if file is not None else path()
    # under the writer lock: two people mapping at once edit the file one after the other
    with W.writer_lock(warehouse):
        old = file.read_bytes() if file.is_file() else None
        save(dataset, column, raw, canonical, file)
        # rows an import put in the delta are mapped too: fold it into the base first
        from command_center.delta import compact_locked

        compact_locked(warehouse)
        tmp = W.temp_path(warehouse, "mapping")
        con = None
        try:
            shutil.copyfile(warehouse, tmp)
            con = duckdb.connect(str(tmp))
            W.create_tables(con)
            from command_center.ingest.values import _FW_FROM, _FW_TO, _TRIM, q

            folded = f"upper(trim(translate({rawc}, {q(_FW_FROM)}, {q(_FW_TO)}), {q(_TRIM)}))"
            n = con.execute(
                f"update {table} set {col} = ? where {folded} = ? "
                f"and {col} is distinct from ?", [canonical, _fold(raw), canonical]).fetchone()[0]
            W.set_meta(con, updated_at=W.now_local().isoformat(sep=" "))
            con.execute("checkpoint")
            con.close()
            con = None
            W.swap_in(tmp, warehouse)
        except BaseException:
            if con is not None:
                con.close()
            W.discard(tmp)
            if old is not None:  # the warehouse is unchanged: so is the file
                file.write_bytes(old)
            raise
    return int(n)
