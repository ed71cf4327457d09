"""Writing the sample exports the way source systems write them.

* Header row: exactly the canonical ``header`` of each schema column, in schema order.
* Timestamps "YYYY-MM-DD HH:MM:SS" (local time), dates "YYYY-MM-DD", booleans 是/否,
  coordinates with 6 decimals, money with 2, an empty cell for null.
* ``.csv`` in the dataset's ``sample_encoding`` ("utf-8-sig" = UTF-8 with BOM, or "gbk"),
  written with pyarrow (streamed batch by batch for the big incidents file).
* ``.xlsx`` through openpyxl, one sheet, header in row 1; workbook properties and zip entry
  times are fixed, so the same input gives the same bytes.
* ``_source.toml`` beside each file declares the export's coordinate system; the WGS-84
  points of the generators are converted to it here (``command_center.crs.from_wgs84``).

Generators hand over pyarrow tables keyed by canonical column names, typed: timestamp[s]
(naive local), date32, bool, int64, float64 (lon/lat in WGS-84) or string.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from command_center import crs as crs_mod
from command_center.schema import Dataset

BOM = b"\xef\xbb\xbf"
COORD_DECIMALS = 6
MONEY_DECIMALS = 2


def fixed(values, decimals: int) -> pa.Array:
    """Floats as fixed-point text with exactly ``decimals`` places (NaN → null)."""
    x = np.asarray(values, dtype=np.float64)
    valid = np.isfinite(x)
    scale = 10 ** decimals
    v = np.round(np.where(valid, x, 0.0) * scale).astype(np.int64)
    neg = v < 0
    v = np.abs(v)
    ip = pc.cast(pa.array(v // scale), pa.string())
    fp = pc.utf8_lpad(pc.cast(pa.array(v % scale), pa.string()), decimals, "0")
    text = pc.binary_join_element_wise(ip, fp, ".")
    text = pc.if_else(pa.array(neg), pc.binary_join_element_wise("-", text, ""), text)
    return pc.if_else(pa.array(valid), text, pa.scalar(None, pa.string()))


def _coord_pairs(dataset: Dataset) -> list[tuple[str, str]]:
    lons = [c.name for c in dataset.columns if c.kind == "lon"]
    lats = [c.name for c in dataset.columns if c.kind == "lat"]
    return list(zip(lons, lats, strict=True))


def convert_coords(table: pa.Table, dataset: Dataset, crs: str) -> pa.Table:
    """WGS-84 lon/lat columns of ``table`` → ``crs``."""
    for lon_name, lat_name in _coord_pairs(dataset):
        lon = table[lon_name].to_numpy(zero_copy_only=False).astype(np.float64)
        lat = table[lat_name].to_numpy(zero_copy_only=False).astype(np.float64)
        x, y = crs_mod.from_wgs84(lon, lat, crs)
        x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
        table = table.set_column(table.schema.get_field_index(lon_name), lon_name,
                                 pa.array(x, pa.float64(), from_pandas=True))
        table = table.set_column(table.schema.get_field_index(lat_name), lat_name,
                                 pa.array(y, pa.float64(), from_pandas=True))
    return table


def _text_column(arr: pa.ChunkedArray | pa.Array, kind: str) -> pa.Array:
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    t = arr.type
    if pa.types.is_timestamp(t):
        return pc.strftime(arr, format="%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(t):
        return pc.strftime(arr, format="%Y-%m-%d")
    if pa.types.is_boolean(t):
        return pc.if_else(arr, "是", "否")
    if pa.types.is_floating(t):
        decimals = COORD_DECIMALS if kind in ("lon", "lat") else MONEY_DECIMALS
        return fixed(arr.to_numpy(zero_copy_only=False), decimals)
    if pa.types.is_integer(t):
        return pc.cast(arr, pa.string())
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return arr.cast(pa.string())
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.string())
    raise TypeError(f"unsupported column type {t}")


def as_text(table: pa.Table, dataset: Dataset) -> pa.Table:
    """Every schema column rendered as export text, headers as the canonical headers."""
    missing = [c.name for c in dataset.columns if c.name not in table.column_names]
    if missing:
        raise KeyError(f"{dataset.name}: generator did not produce {missing}")
    cols = [_text_column(table[c.name], c.kind) for c in dataset.columns]
    return pa.table(cols, names=[c.header for c in dataset.columns])


def _csv_bytes(text: pa.Table) -> bytes:
    buf = io.BytesIO()
    pcsv.write_csv(text, buf, pcsv.WriteOptions(include_header=False, quoting_style="none"))
    return buf.getvalue()


def _header_line(dataset: Dataset) -> str:
    return ",".join(c.header for c in dataset.columns) + "\n"


def _part(path: Path) -> Path:
    """A hidden, process-unique temporary name beside ``path`` (ingest skips dot files)."""
    return path.with_name(f".{path.name}.{os.getpid()}.part")


def _replace(tmp: Path, path: Path) -> None:
    os.replace(tmp, path)


def write_csv(dataset: Dataset, tables: Iterable[pa.Table], path: Path, crs: str) -> Path:
    """Stream ``tables`` (canonical columns, WGS-84) into one CSV at ``path``."""
    encoding = dataset.sample_encoding.lower().replace("_", "-")
    tmp = _part(path)
    try:
        with open(tmp, "wb") as fh:
            if encoding == "utf-8-sig":
                fh.write(BOM)
                fh.write(_header_line(dataset).encode("utf-8"))
            else:
                fh.write(_header_line(dataset).encode(encoding))
            for table in tables:
                if table.num_rows == 0:
                    continue
                data = _csv_bytes(as_text(convert_coords(table, dataset, crs), dataset))
                if encoding not in ("utf-8-sig", "utf-8", "utf8"):
                    data = data.decode("utf-8").encode(encoding)
                fh.write(data)
        _replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _cell(value, kind: str, type_: pa.DataType):
    if value is None:
        return None
    if pa.types.is_timestamp(type_):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(type_):
        return value.strftime("%Y-%m-%d")
    if pa.types.is_boolean(type_):
        return "是" if value else "否"
    if pa.types.is_floating(type_):
        if value != value:  # NaN
            return None
        return round(float(value), COORD_DECIMALS if kind in ("lon", "lat") else MONEY_DECIMALS)
    if pa.types.is_integer(type_):
        return int(value)
    return value


def write_xlsx(dataset: Dataset, table: pa.Table, path: Path, crs: str,
               stamp: dt.datetime) -> Path:
    """One sheet named after the dataset, header in row 1, values typed as an export would."""
    from openpyxl import Workbook
    from openpyxl.writer.excel import ExcelWriter

    table = convert_coords(table, dataset, crs)
    wb = Workbook(write_only=True)
    wb.properties.creator = "平安治理一张图 样例数据"
    wb.properties.title = f"{dataset.title}（样例数据）"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    ws = wb.create_sheet(dataset.title)
    ws.append([c.header for c in dataset.columns])
    cols = [(table[c.name].to_pylist(), c.kind, table.schema.field(c.name).type)
            for c in dataset.columns]
    for i in range(table.num_rows):
        ws.append([_cell(values[i], kind, type_) for values, kind, type_ in cols])

    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not save_workbook: it stamps "modified" with now
    # Rewrite the zip with fixed entry times so the same input gives the same bytes.
    tmp = _part(path)
    zstamp = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    try:
        with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src, \
                zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                entry = zipfile.ZipInfo(info.filename, date_time=zstamp)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = info.external_attr
                dst.writestr(entry, src.read(info.filename))
        _replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_source_toml(directory: Path, crs: str) -> Path:
    path = directory / "_source.toml"
    path.write_text(
        "# 样例数据导出说明（command_center.sample 生成）\n"
        "# crs: 本导出文件经纬度所用坐标系 wgs84 / gcj02（高德、腾讯）/ bd09（百度）\n"
        f'crs = "{crs}"\n',
        encoding="utf-8",
    )
    return path
