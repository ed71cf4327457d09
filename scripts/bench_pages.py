"""Time a page's server-side runs with AppTest against a given warehouse, signed in.

    python scripts/bench_pages.py views/overview.py --warehouse data/bench/2M/warehouse.duckdb \
        --runs 5 [--today 2026-11-20] [--query ov_community=330383001030]

The page runs through app.py (login check, navigation, global filters) as in the browser, minus
the network, signed in as an administrator of a throw-away account file. It prints, in seconds:

- cold: the page's first run with no query result cached (connection already open);
- cached: median rerun while every result is cached (a click that changes no query);
- uncached: median rerun after the query cache is emptied (what a filter change costs: every
  query of the page runs again; a map whose data did not change comes from its cache);
- maps too: median rerun after the maps' caches are emptied as well (a change that alters every
  map's data too: every map is built and rendered again);
- queries: the same queries, with the same parameters, run directly one after another (the
  floor for ``uncached``; the rest of ``uncached`` is Python: pandas, charts, maps).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _signed_in_app(page: str, query: list[str]):
    from streamlit.testing.v1 import AppTest

    from command_center.access import accounts, current, sessions

    accounts.add("bench", "admin", password="Bench-password-1", display_name="基准测试",
                 by="基准测试", must_change=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[current.TOKEN_KEY] = sessions.start("bench", "password")
    for item in query:
        key, _, value = item.partition("=")
        at.query_params[key] = value
    return at


def _check(at, page: str) -> None:
    if at.exception:
        raise SystemExit(f"{page}: exception: {at.exception[0].value}")
    if any("重新登录" in w.value for w in at.warning):
        raise SystemExit(f"{page}: not signed in (the run only showed the login notice)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("page", help="page file, e.g. views/overview.py")
    ap.add_argument("--warehouse", required=True, help="DuckDB warehouse file")
    ap.add_argument("--runs", type=int, default=5, help="reruns to time, cached and uncached")
    ap.add_argument("--today", default=None, help="pin the dashboard's today (YYYY-MM-DD)")
    ap.add_argument("--row", action="store_true", help="print one markdown table row")
    ap.add_argument("--query", action="append", default=[], metavar="KEY=VALUE",
                    help="URL query parameter for the page (repeatable)")
    args = ap.parse_args()

    warehouse = Path(args.warehouse).resolve()
    if not warehouse.exists():
        print(f"warehouse not found: {warehouse}", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="bench-pages-"))
    os.environ.update({"CC_PATHS_WAREHOUSE": str(warehouse),
                       "CC_PATHS_ACCESS": str(scratch / "access.sqlite"),
                       "CC_PATHS_AUDIT": str(scratch / "audit.jsonl")})
    if args.today:
        os.environ["CC_CLOCK_NOW"] = args.today
    sys.path.insert(0, str(ROOT))
    import queries
    from command_center.maps import render

    calls: list[tuple] = []
    direct = queries.run_query_uncached

    def recording(name, warehouse=None, **kw):
        calls.append((name, warehouse, kw))
        return direct(name, warehouse, **kw)

    queries.run_query_uncached = recording  # the page's cache calls it by module name

    page = args.page if args.page.startswith("views/") else f"views/{args.page}"
    at = _signed_in_app(page, args.query)
    t0 = time.perf_counter()
    at.run()
    _check(at, "app.py")
    start = time.perf_counter() - t0
    at.switch_page(page)
    queries._cache().clear()
    t = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t
    _check(at, page)

    cached, uncached, maps_too = [], [], []
    for _ in range(args.runs):
        t = time.perf_counter()
        at.run()
        cached.append(time.perf_counter() - t)
    for _ in range(args.runs):
        queries._cache().clear()
        calls.clear()
        t = time.perf_counter()
        at.run()
        uncached.append(time.perf_counter() - t)
    ran = list(calls)  # one uncached rerun's queries
    for _ in range(args.runs):
        queries._cache().clear()
        render._cached.clear()
        render._cached_layers.clear()
        t = time.perf_counter()
        at.run()
        maps_too.append(time.perf_counter() - t)
    _check(at, page)
    floors = []
    for _ in range(args.runs):
        t = time.perf_counter()
        for name, wh, kw in ran:
            direct(name, wh, **kw)
        floors.append(time.perf_counter() - t)

    def med(xs):
        return f"{statistics.median(xs):.3f} s"

    if args.row:
        print(f"| {page} | {cold:.3f} s | {med(cached)} | {med(uncached)} | {med(maps_too)} | "
              f"{med(floors)} | {len(ran)} |")
        return 0
    print(f"page {page}  warehouse {warehouse}")
    print(f"  app start + first page run: {start:.2f} s")
    print(f"  cold {cold:.3f} s | cached {med(cached)} | uncached {med(uncached)} | "
          f"maps too {med(maps_too)} | queries {med(floors)} ({len(ran)} queries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
