"""Time 数据探索 questions through the builder (queries/explore.py) on a given warehouse.

    python scripts/bench_explore.py --warehouse data/bench/2M/warehouse.duckdb [--runs 5]

Each question is built into SQL and run on the county-wide connection (as an unscoped viewer),
uncached: the first run (cold: the first question also opens the warehouse) and the median of the
next runs (warm), in seconds, with the rows returned.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", required=True, help="DuckDB warehouse file")
    ap.add_argument("--runs", type=int, default=5, help="warm runs to time")
    args = ap.parse_args()
    warehouse = Path(args.warehouse).resolve()
    if not warehouse.exists():
        print(f"warehouse not found: {warehouse}", file=sys.stderr)
        return 2
    os.environ["CC_PATHS_WAREHOUSE"] = str(warehouse)
    sys.path.insert(0, str(ROOT))
    from queries import explore as ex

    now = dt.datetime(2026, 11, 20, 12, 30)
    year = (dt.datetime(2026, 1, 1), now)
    questions = {
        "警情 本年 按事件类别 × 事件等级 计数": ex.Question(
            "incidents", dims=("category", "severity"), window=year),
        "警情 不限时间 按社区 前10 记录数（其余合并为其他）": ex.Question(
            "incidents", dims=("community_code",), top=10),
        "警情 本年 按月 × 事件来源，描述包含“纠纷”": ex.Question(
            "incidents", dims=("reported_at.month", "source"), window=year,
            filters=(ex.Filter("summary", "contains", "纠纷"),)),
        "纠纷 不限时间 按社区 涉及金额中位数 前5": ex.Question(
            "disputes", dims=("community_code",), measure="median.amount_yuan", top=5),
    }
    maps = {  # the map view's queries (展示方式 地图)
        "地图 警情 不限时间 网格密度（约500米）": (ex.build_cells, ex.Question("incidents")),
        "地图 警情 本年 各社区已办结警情": (ex.build_by_community, ex.Question(
            "incidents", measure="fig.incidents_closed", window=year)),
        "纠纷 本年 按调解方式 调解成功率": (ex.build, ex.Question(
            "disputes", dims=("mediation_channel",), measure="fig.dispute_success_rate",
            window=year)),
    }
    print(f"warehouse: {warehouse}")
    for label, (builder, q) in [*((k, (ex.build, v)) for k, v in questions.items()),
                                *maps.items()]:
        sql, params = builder(q)
        times = []
        for _ in range(args.runs + 1):
            t0 = time.perf_counter()
            df = ex.run_uncached(sql, params, warehouse, scope=None, unmasked=True)
            times.append(time.perf_counter() - t0)
        n = ex.run_uncached(*ex.build_count(q), warehouse, scope=None, unmasked=True)["n"][0]
        print(f"{label}: cold {times[0] * 1000:.0f} ms, warm "
              f"{statistics.median(times[1:]) * 1000:.0f} ms, {n:,} records, {len(df)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
