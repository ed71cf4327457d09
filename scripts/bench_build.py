"""Benchmark the data path at a scale: sample exports, the build, DuckDB's own read of the same
files (the floor), that read with the points converted to WGS-84 and nothing checked (the floor
of any build that converts), and a 1,000-row import into the built warehouse.

    python scripts/bench_build.py --scale 2M      (or 20M; make bench-build SCALE=20M)

Each step runs in a child process; wall time and the child's peak memory (max RSS, from
getrusage) are printed as a table. ``--scale`` sets the incidents of the sample (2M ≈ 0.7M a
year over the sample's span; patrols grow with them). The warehouse it writes
(``<out>/warehouse.duckdb``; make uses data/bench/<scale>) is the one ``make bench-pages`` uses.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# incidents a year that give about the named number of incidents over the sample's span
SCALES = {"sample": 80_000, "2M": 700_000, "20M": 7_000_000}

_CHILD = (
    "import resource, sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from command_center.cli import main\n"
    "rc = main(sys.argv[2:])\n"
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "raise SystemExit(rc)\n"
)

# DuckDB alone: every export CSV into a table of its own (types detected), one connection; an
# argument "path|crs" (a GCJ-02 or BD-09 export) has its 经度/纬度 converted to WGS-84 on the
# way in, as the build does (command_center.crs_sql), and nothing else
_FLOOR = (
    "import resource, sys, duckdb\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from command_center.crs_sql import wgs84_relation\n"
    "con = duckdb.connect(sys.argv[2])\n"
    "rows = 0\n"
    "for i, arg in enumerate(sys.argv[3:]):\n"
    "    path, _, crs = arg.partition('|')\n"
    "    src = f\"read_csv('{path}')\"\n"
    "    if crs:\n"
    "        pts = f'(select *, 经度::double as _src_lon, 纬度::double as _src_lat from {src})'\n"
    "        cols = ', '.join(f'\"{c}\"' for c in con.sql(f'select * from {src} limit 0').columns\n"
    "                         if c not in ('经度', '纬度'))\n"
    "        src = f'(select {cols}, _w_lon as 经度, _w_lat as 纬度 from {wgs84_relation(pts, crs)})'\n"
    "    con.execute(f\"create table t{i} as select * from {src}\")\n"
    "    rows += con.execute(f'select count(*) from t{i}').fetchone()[0]\n"
    "con.execute('checkpoint')\n"
    "print('ROWS', rows)\n"
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
)


def _child(code: str, args: list[str], env: dict) -> tuple[float, float, list[str]]:
    """(wall seconds, peak RSS MiB, other output lines) of one child process."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, check=True, env=env,
                         capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - t0
    peak, lines = 0.0, []
    for line in out.splitlines():
        if line.startswith("PEAK_RSS_KB"):
            peak = int(line.split()[1]) / 1024
        else:
            lines.append(line)
    return elapsed, peak, lines


def _import_file(exports: Path, out: Path, n: int = 1000) -> Path:
    """The newest ``n`` incidents of the export with new ids: the day's file from the 110
    system (an import of recent records, as every day brings)."""
    from collections import deque

    src = exports / "incidents" / "incidents.csv"
    path = out / f"import_{n}.csv"
    with open(src, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        last = deque(reader, maxlen=n)
    with open(path, "w", encoding="utf-8-sig", newline="") as dst:
        writer = csv.writer(dst)
        writer.writerow(header)
        for i, row in enumerate(last):
            row[0] = f"BENCH{i:06d}"
            writer.writerow(row)
    return path


def _utf8_copies(files: list[Path], scratch: Path) -> list[str]:
    """The CSVs as DuckDB can read them: GBK exports (small ones: 纠纷, 防台转移) transcoded to
    UTF-8 first, outside the timed read (DuckDB reads UTF-8 and UTF-16 only)."""
    sys.path.insert(0, str(ROOT))
    from command_center.ingest.detect import detect_encoding

    out = []
    for f in files:
        enc = detect_encoding(f)
        if enc.startswith("utf-8"):
            out.append(str(f))
            continue
        scratch.mkdir(parents=True, exist_ok=True)
        copy = scratch / f.name
        copy.write_text(f.read_text(encoding=enc), encoding="utf-8")
        out.append(str(copy))
    return out


def _with_crs(csvs: list[str], files: list[Path]) -> list[str]:
    """The floor's arguments (``csvs``: the UTF-8 copies of ``files``) with "|crs" after each
    CSV whose export's ``_source.toml`` says its points are GCJ-02 or BD-09 and that has
    经度/纬度 columns."""
    out = []
    for path, original in zip(csvs, files, strict=True):
        source = original.parent / "_source.toml"
        crs = tomllib.loads(source.read_text(encoding="utf-8")).get("crs", "wgs84") \
            if source.is_file() else "wgs84"
        with open(path, encoding="utf-8-sig") as f:
            header = f.readline()
        points = crs in ("gcj02", "bd09") and "经度" in header and "纬度" in header
        out.append(f"{path}|{crs}" if points else path)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scale", choices=sorted(SCALES), default="2M")
    p.add_argument("--out", type=Path, default=ROOT / "data" / "bench")
    p.add_argument("--end", default="2026-11-20")
    p.add_argument("--keep-exports", action="store_true",
                   help="reuse <out>/exports when it is there (same scale)")
    a = p.parse_args()
    exports, warehouse = a.out / "exports", a.out / "warehouse.duckdb"
    env = dict(os.environ)
    # one export file holds all the incidents of the sample: lift the per-file row limit
    env.setdefault("CC_LIMITS_MAX_ROWS", "1000000000")
    env.setdefault("CC_LIMITS_MAX_FILE_MB", "100000")
    root = str(ROOT)
    if a.keep_exports and (exports / "incidents" / "incidents.csv").is_file():
        t_sample = m_sample = float("nan")
    else:
        t_sample, m_sample, _ = _child(_CHILD, [root, "sample", "--out", str(exports), "--end",
                                                a.end, "--incidents-per-year",
                                                str(SCALES[a.scale])], env)
    for old in a.out.glob("warehouse*"):
        old.unlink()
    # the last run's 1,000-row import was archived beside the warehouse: a rebuild would replay it
    shutil.rmtree(a.out / "imports", ignore_errors=True)
    t_build, m_build, lines = _child(_CHILD, [root, "build", "--exports", str(exports),
                                              "--warehouse", str(warehouse)], env)
    print("\n".join(line for line in lines if "用时" in line or "仓库" in line))
    files = sorted(f for f in exports.rglob("*.csv") if not f.name.startswith("_"))
    csvs = _utf8_copies(files, a.out / "floor_csv")
    floor_db = a.out / "floor.duckdb"
    floor_db.unlink(missing_ok=True)
    t_floor, m_floor, floor_out = _child(_FLOOR, [root, str(floor_db), *csvs], env)
    floor_db.unlink(missing_ok=True)
    t_conv, m_conv, _ = _child(_FLOOR, [root, str(floor_db), *_with_crs(csvs, files)], env)
    floor_db.unlink(missing_ok=True)
    floor_rows = int(next(x.split()[1] for x in floor_out if x.startswith("ROWS")))

    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    n = con.execute("select count(*) from incidents").fetchone()[0]
    from command_center.schema import DATASETS

    rows = sum(con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in DATASETS)
    con.close()
    base_stat = os.stat(warehouse)
    t_import, m_import, _ = _child(_CHILD, [root, "import", "--dataset", "incidents",
                                            str(_import_file(exports, a.out)),
                                            "--warehouse", str(warehouse)], env)
    after = os.stat(warehouse)
    untouched = (after.st_ino, after.st_mtime_ns) == (base_stat.st_ino, base_stat.st_mtime_ns)
    size = base_stat.st_size / 2**20
    gib = 2**10

    print()
    print(f"benchmark {dt.datetime.now():%Y-%m-%d %H:%M}, scale {a.scale}: {n:,} incidents, "
          f"{rows:,} rows in all datasets, warehouse {size:,.0f} MiB, {os.cpu_count()} cores")
    print("| step | wall | rows/s | peak RSS |")
    print("|---|---|---|---|")
    print(f"| sample | {t_sample:.1f} s | | {m_sample / gib:.2f} GiB |")
    print(f"| `build` | {t_build:.1f} s | {rows / t_build:,.0f} | {m_build / gib:.2f} GiB |")
    print(f"| DuckDB `read_csv` of the same CSVs | {t_floor:.1f} s | "
          f"{floor_rows / t_floor:,.0f} | {m_floor / gib:.2f} GiB |")
    print(f"| DuckDB `read_csv` + points to WGS-84, nothing checked | {t_conv:.1f} s | "
          f"{floor_rows / t_conv:,.0f} | {m_conv / gib:.2f} GiB |")
    print(f"| build ÷ DuckDB | {t_build / t_floor:.2f}× | | |")
    print(f"| (read + points) ÷ DuckDB | {t_conv / t_floor:.2f}× | | |")
    print(f"| `import` of 1,000 incidents | {t_import:.1f} s | | {m_import / gib:.2f} GiB |")
    print(f"base file {'untouched' if untouched else 'REWRITTEN'} by the import")


if __name__ == "__main__":
    main()
