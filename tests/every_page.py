"""Open every page in one AppTest session for a window of the global filters (shared by the
tests that look at every page's charts or tables)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from streamlit.testing.v1 import AppTest

from command_center.pages import PAGES

ROOT = Path(__file__).resolve().parent.parent
# every registered page (tests/test_pages.py: each file exists, each views/*.py is registered)
PAGE_FILES = sorted(p.file for p in PAGES)


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
