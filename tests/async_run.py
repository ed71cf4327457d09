"""Run an async function to completion from a test, on its own thread.

The browser tests' session-wide Playwright (sync API) keeps an event loop running in the main
thread, so ``anyio.run`` there fails with "Already running asyncio in this thread"."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio


def run_async(main):
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, main).result()
