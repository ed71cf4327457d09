"""The page registry (command_center/pages.py): every row's file exists, every page file is
registered, paths and titles are unique, and the roles name only registered pages."""

from __future__ import annotations

from pathlib import Path

from command_center import config, pages
from command_center.access import roles

ROOT = Path(__file__).resolve().parent.parent


def test_every_registered_page_file_exists():
    missing = [p.file for p in pages.PAGES if not (ROOT / p.file).is_file()]
    assert not missing, f"registered in command_center/pages.py but missing: {missing}"


def test_every_page_file_is_registered():
    files = {f"views/{f.name}" for f in (ROOT / "views").glob("*.py")}
    assert files == {p.file for p in pages.PAGES}


def test_rows_are_unique():
    for field in ("file", "title", "url_path"):
        values = [getattr(p, field) for p in pages.PAGES]
        assert len(values) == len(set(values)), field
    assert pages.by_url_path("social-orgs").file == "views/social_orgs.py"
    assert pages.admin_pages() == {"data", "users", "audit"}


def test_roles_name_registered_pages():
    known = {p.url_path for p in pages.PAGES}
    for code, spec in config.settings()["roles"].items():
        listed = spec.get("pages", "*")
        if listed != "*":
            assert set(listed) <= known, (code, set(listed) - known)
    assert roles.ADMIN_PAGES == pages.admin_pages()
