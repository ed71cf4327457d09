"""CMA (中国气象局) best-track text files → a track table the normal import reads.

The format (CMA Tropical Cyclone Data Center, ``CH*BST.txt``): a header line per storm

    66666 0000 nn nnnn nnnn 0 6 NAME  yyyymmdd
          |    |  |    |    international number (YYNN, e.g. 1909) is the 5th field

then one line per point ``YYYYMMDDHH I LAT LON PRES WND`` (I: grade digit 0–6 or 9, LAT/LON
in 0.1°, PRES hPa, WND m/s 2-min mean), times in UTC. :func:`to_csv` writes the points as a
CSV with the dataset's Chinese headers, times converted to local time (with ``+08:00``); a line it cannot read
keeps its text in 时间 so the import quarantines it (时间无法识别) instead of dropping it.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

HEADERS = ("路径点编号", "台风编号", "时间", "纬度", "经度", "中心气压", "最大风速", "强度等级")


def is_cma(path: Path, encoding: str = "latin-1") -> bool:
    """A text file whose first non-blank line is a ``66666`` storm header."""
    try:
        with open(path, "rb") as fh:
            for line in fh:
                if line.strip():
                    return line.lstrip(b"\xef\xbb\xbf").split()[:1] == [b"66666"]
    except OSError:
        return False
    return False


def _storm_id(fields: list[str]) -> str:
    # 66666 0000 nn nnnn nnnn ...: the 5th field is the international number (0000 if none:
    # fall back to the Chinese number, the 4th)
    for f in (fields[4:5] + fields[3:4]):
        if f.isdigit() and int(f) > 0:
            return f.zfill(4)
    return ""


def rows(text: str, local_tz: str) -> list[list[str]]:
    zone = ZoneInfo(local_tz)
    out: list[list[str]] = []
    storm = ""
    for n, line in enumerate(text.splitlines(), 1):
        f = line.split()
        if not f:
            continue
        if f[0] == "66666":
            storm = _storm_id(f)
            continue
        try:
            t = datetime.strptime(f[0], "%Y%m%d%H").replace(tzinfo=UTC)
            grade, lat, lon = f[1], int(f[2]) / 10, int(f[3]) / 10
            pres, wind = f[4], f[5]
            int(pres), float(wind)
            if grade not in "01234569" or len(grade) != 1:
                raise ValueError(grade)
        except (ValueError, IndexError):
            out.append([f"{storm}-第{n}行", storm, line.strip()[:60] or "?", "", "", "", "", ""])
            continue
        aware = t.astimezone(zone)
        local = aware.replace(tzinfo=None)
        # an explicit +08:00 keeps a folder's `timezone = "UTC"` from converting twice
        when = f"{local:%Y-%m-%dT%H:%M:%S}" + ("+08:00" if aware.utcoffset().total_seconds()
                                                 == 8 * 3600 else "")
        out.append([f"{storm}-{local:%Y%m%d%H}", storm, when,
                    f"{lat:.1f}", f"{lon:.1f}", pres, wind, grade])
    return out


def to_csv(path: Path, out: Path, local_tz: str) -> int:
    text = Path(path).read_bytes().decode("utf-8", errors="replace")
    data = rows(text, local_tz)
    with open(out, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADERS)
        w.writerows(data)
    return len(data)
