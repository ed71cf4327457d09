"""Benchmark the data path at scale: sample exports + warehouse build.

    python scripts/bench_build.py [--incidents-per-year 1000000] [--out data/bench]

Runs each step in a child process and reports wall time and peak memory (max RSS of the
child, from getrusage) and the warehouse size. The warehouse it writes
(data/bench/warehouse.duckdb) is the one the page benchmarks use.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


_CHILD = (
    "import resource, sys\n"
    "from command_center.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "raise SystemExit(rc)\n"
)


def run(args: list[str]) -> tuple[float, float]:
    """Run one CLI command in a child; (wall seconds, the child's own peak RSS in MiB)."""
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, *args], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    elapsed = time.perf_counter() - t0
    peak = 0.0
    for line in out.splitlines():
        if line.startswith("PEAK_RSS_KB"):
            peak = int(line.split()[1]) / 1024
        else:
            print(line)
    return elapsed, peak


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--incidents-per-year", type=int, default=1_000_000)
    p.add_argument("--out", type=Path, default=ROOT / "data" / "bench")
    p.add_argument("--end", default="2026-11-20")
    a = p.parse_args()
    exports, warehouse = a.out / "exports", a.out / "warehouse.duckdb"
    t_sample, m_sample = run(["sample", "--out", str(exports), "--end", a.end,
                              "--incidents-per-year", str(a.incidents_per_year)])
    t_build, m_build = run(["build", "--exports", str(exports), "--warehouse", str(warehouse)])
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    n = con.execute("select count(*) from incidents").fetchone()[0]
    con.close()
    size = warehouse.stat().st_size / 2**20
    export_size = sum(f.stat().st_size for f in exports.rglob("*") if f.is_file()) / 2**20
    print()
    print(f"benchmark {dt.datetime.now():%Y-%m-%d %H:%M}, incidents/yr {a.incidents_per_year:,}")
    print(f"  sample: {t_sample:7.1f} s  peak RSS {m_sample:7.0f} MiB  exports {export_size:.0f} MiB")
    print(f"  build:  {t_build:7.1f} s  peak RSS {m_build:7.0f} MiB  "
          f"({n / t_build:,.0f} incident rows/s)")
    print(f"  warehouse: {n:,} incidents, {size:.0f} MiB")


if __name__ == "__main__":
    main()
