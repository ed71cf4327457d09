"""Soak test of the wall display: does the server's memory stay flat over hours of refreshes?

Starts the dashboard (asgi.py, behind the login gate) on a copy of a warehouse with a short
refresh interval, signs a screen in with a wall token and opens the wall in headless chromium (no request may leave the machine) and lets the wall
refresh itself ``--refreshes`` times. Every ``--import-every`` refreshes it swaps in a new
warehouse file with a few more incidents, like an import does, so refreshes do real work (new
query results, a new connection, new map layers). It samples the server's RSS at each refresh
and prints the RSS after the first 5 refreshes (= the first 5 minutes at the default 60 s)
against the end.

    .venv/bin/python scripts/soak_wall.py --refreshes 180 --interval 2
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from command_center.warehouse import now_local  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def import_rows(served: Path, batch: int, today: dt.date) -> None:
    new = served.with_name(served.name + ".new")
    shutil.copy(served, new)
    con = duckdb.connect(str(new))
    try:
        code = con.execute("select min(community_code) from communities").fetchone()[0]
        for i in range(5):
            con.execute(
                "insert into incidents (incident_id, reported_at, source, category, status, "
                "community_code, location_is_approx) values (?, ?, '110', '治安', '待受理', ?, true)",
                [f"SOAK{batch:04d}{i}", dt.datetime.combine(today, dt.time(0, 1)), code])
        con.execute("insert into import_log values (?, 'incidents', 'soak.csv', 5, 5, 0, 5, 0, 0, null)",
                    [now_local()])
    finally:
        con.close()
    os.replace(new, served)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--refreshes", type=int, default=180)
    p.add_argument("--interval", type=int, default=2, help="refresh interval, seconds")
    p.add_argument("--import-every", type=int, default=10, help="refreshes between imports")
    p.add_argument("--warehouse", type=Path,
                   default=ROOT / "test-artifacts" / "fixture" / "warehouse.duckdb")
    p.add_argument("--today", default="2026-11-20", help="the dashboard's pinned date")
    args = p.parse_args()

    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="soak_wall_"))
    served = tmp / "warehouse.duckdb"
    shutil.copy(args.warehouse, served)
    cfg = tmp / "wall.toml"
    cfg.write_text(f"[refresh]\ninterval_seconds = {args.interval}\n"
                   f"map_interval_seconds = {args.interval}\n", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "CC_PATHS_WAREHOUSE": str(served), "CC_CLOCK_NOW": args.today,
           "CC_WALL_CONFIG": str(cfg), "CC_PATHS_ACCESS": str(tmp / "access.sqlite"),
           "CC_PATHS_AUDIT": str(tmp / "audit.jsonl")}
    os.environ.update(env)  # the screen's token goes into the soak's own account file
    from command_center.access import sessions

    _token_id, token = sessions.add_token("浸泡测试大屏", by="浸泡测试")
    log = open(tmp / "server.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("streamlit")), "run", "asgi.py", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    external: list[str] = []
    samples: list[tuple[int, float]] = []
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(180):
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")

            def guard(route):
                host = urlsplit(route.request.url).hostname or ""
                if route.request.url.startswith(("data:", "blob:", "about:")) or host in (
                        "127.0.0.1", "localhost"):
                    route.continue_()
                else:
                    external.append(route.request.url)
                    route.abort()

            ctx.route("**/*", guard)
            page = ctx.new_page()
            # signed in as a wall screen is: its token, then the wall (the role's only page)
            page.goto(f"{base}/wall?token={token}")
            page.goto(base + "/?embed=true")
            page.wait_for_selector('[data-kpi="incidents_today"]', timeout=120_000)
            page.evaluate("window.__soak = 1")
            today = dt.date.fromisoformat(args.today)
            start = time.monotonic()
            for n in range(1, args.refreshes + 1):
                # wait for the n-th refresh by the clock of the fragment's timer
                target = start + n * args.interval
                time.sleep(max(0.0, target - time.monotonic()))
                if n % args.import_every == 0:
                    import_rows(served, n, today)
                samples.append((n, rss_mb(server.pid)))
                if n in (1, 5, 60) or n % 30 == 0:
                    print(f"refresh {n:4d}: server RSS {samples[-1][1]:7.1f} MB", flush=True)
            value = page.locator('[data-kpi="incidents_today"] .val').get_attribute("data-value")
            reloaded = page.evaluate("window.__soak") != 1
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
    first = samples[4][1]
    hour = samples[min(59, len(samples) - 1)][1]
    end = samples[-1][1]
    imports = args.refreshes // args.import_every
    print(f"\n{args.refreshes} refreshes every {args.interval} s ({imports} imports); "
          f"final 今日警情 {value}; page reloaded: {reloaded}; external requests: {len(external)}")
    print(f"RSS after 5 refreshes (first 5 min at 60 s): {first:.1f} MB")
    print(f"RSS after 60 refreshes (1 h at 60 s):        {hour:.1f} MB ({(hour / first - 1):+.1%})")
    print(f"RSS at the end ({args.refreshes} refreshes):          {end:.1f} MB "
          f"({(end / first - 1):+.1%})")
    print(f"server log: {tmp / 'server.log'}")
    ok = abs(hour / first - 1) <= 0.10 and not external and not reloaded
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
