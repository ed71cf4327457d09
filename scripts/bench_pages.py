"""Time a page's server-side rerun with AppTest against a given warehouse.

    python scripts/bench_pages.py views/overview.py --warehouse data/bench/warehouse.duckdb \
        --runs 5 [--today 2026-11-20] [--query ov_community=330383001030]

Prints the cold run (first run of the page: queries not cached) and the warm reruns (the same
page again: what a person waits for after clicking), in seconds. The page runs through app.py
(navigation, global filters), exactly as in the browser, minus the network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", help="page file, e.g. views/overview.py")
    ap.add_argument("--warehouse", required=True, help="DuckDB warehouse file")
    ap.add_argument("--runs", type=int, default=5, help="warm reruns to time")
    ap.add_argument("--today", default=None, help="pin the dashboard's today (YYYY-MM-DD)")
    ap.add_argument("--query", action="append", default=[], metavar="KEY=VALUE",
                    help="URL query parameter for the page (repeatable)")
    args = ap.parse_args()

    warehouse = Path(args.warehouse).resolve()
    if not warehouse.exists():
        print(f"warehouse not found: {warehouse}", file=sys.stderr)
        return 2
    os.environ["CC_PATHS_WAREHOUSE"] = str(warehouse)
    if args.today:
        os.environ["CC_CLOCK_NOW"] = args.today
    sys.path.insert(0, str(ROOT))
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    for item in args.query:
        key, _, value = item.partition("=")
        at.query_params[key] = value
    t0 = time.perf_counter()
    at.run()
    page = args.page if args.page.startswith("views/") else f"views/{args.page}"
    at.switch_page(page)
    t1 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t1
    if at.exception:
        print(f"{page}: exception: {at.exception[0].value}", file=sys.stderr)
        return 1
    warm = []
    for _ in range(args.runs):
        t = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - t)
    print(f"page {page}  warehouse {warehouse}")
    print(f"  app start + first page run: {t1 - t0:.2f} s")
    print(f"  cold run: {cold:.2f} s")
    print(f"  warm reruns ({args.runs}): median {statistics.median(warm):.3f} s, "
          f"min {min(warm):.3f} s, max {max(warm):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
