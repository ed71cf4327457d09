"""Open pages in AppTest: one page (``open_page``, the page tests) or every page in one
session for a window of the global filters (``each_page``, the tests that look at every
page's charts or tables)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

from command_center.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
# every registered page (tests/test_pages.py: each file exists, each views/*.py is registered)
PAGE_FILES = sorted(p.file for p in PAGES)


def open_page(file: str, *, state: dict | None = None, query: dict | None = None,
              timeout: float = 120) -> AppTest:
    """The page ``file`` (``views/<page>.py``) after app.py's first run, with ``state`` (widget
    values by key) and ``query`` (URL parameters) set before that run: after ``switch_page``
    AppTest's tree no longer holds the sidebar's global filters."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(file)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def each_page(state: dict, timeout: float = 180) -> Iterator[tuple[str, AppTest]]:
    """(page file, the app showing it) for every page, with ``state`` set on the filters
    (as an administrator: every page is open)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for file in PAGE_FILES:
        at.switch_page(file)
        at.run()
        assert not at.exception, (file, [e.message for e in at.exception])
        yield file, at
