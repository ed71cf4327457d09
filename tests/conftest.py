"""Shared test fixtures: one small sample, built once per test session through the real path.

The dashboard's clock is pinned to 12:30 on the fixture's last day (CC_CLOCK_NOW), while the
sample's records run on to 23:59 of that day: no figure may count them. The warehouse
path points at the fixture warehouse (CC_PATHS_WAREHOUSE), for in-process AppTest runs and for
the app server the browser tests start.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest

from tests.signing_in import sign_in

# pytest imports this file as ``conftest``; a test that imports it again (``from tests.conftest
# import X``) would run it a second time: a second fixture folder, and CC_PATHS_WAREHOUSE moved
# under every later test. Refuse that at once instead of failing dozens of tests later.
_OTHER_NAME = "tests.conftest" if __name__ == "conftest" else "conftest"
if getattr(sys.modules.get(_OTHER_NAME), "FIXTURE_END", None) is not None:
    raise ImportError("tests/conftest.py was imported a second time: copy the constant you "
                      "need into the test module instead")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
# one folder per test session: parallel runs must not rebuild each other's fixture
ARTIFACTS.mkdir(exist_ok=True)
FIXTURE_DIR = Path(tempfile.mkdtemp(prefix="fixture-", dir=ARTIFACTS))
atexit.register(shutil.rmtree, FIXTURE_DIR, ignore_errors=True)
FIXTURE_END = dt.date(2026, 11, 20)
FIXTURE_SEED = 7
FIXTURE_INCIDENTS_PER_YEAR = 6000
FIXTURE_NOW = dt.datetime(2026, 11, 20, 12, 30)  # midday of FIXTURE_END: data runs past it
FIXTURE_WAREHOUSE = FIXTURE_DIR / "warehouse.duckdb"

os.environ["CC_PATHS_WAREHOUSE"] = str(FIXTURE_WAREHOUSE)
os.environ["CC_PATHS_EXPORTS"] = str(FIXTURE_DIR / "exports")
os.environ["CC_PATHS_IMPORTS"] = str(FIXTURE_DIR / "imports")
os.environ["CC_CLOCK_NOW"] = FIXTURE_NOW.isoformat(sep=" ")
# the vocabulary mapping: a copy of the shipped one (the 数据管理 page's tests add mappings)
shutil.copyfile(ROOT / "vocab.toml", FIXTURE_DIR / "vocab.toml")
os.environ["CC_PATHS_VOCAB"] = str(FIXTURE_DIR / "vocab.toml")


@pytest.fixture(scope="session")
def fixture_exports() -> Path:
    from command_center.sample import generate

    out = FIXTURE_DIR / "exports"
    generate(out, incidents_per_year=FIXTURE_INCIDENTS_PER_YEAR, end=FIXTURE_END,
             seed=FIXTURE_SEED)
    return out


@pytest.fixture(scope="session")
def fixture_warehouse(fixture_exports) -> Path:
    from command_center.ingest.build import build_warehouse

    build_warehouse(fixture_exports, FIXTURE_WAREHOUSE, progress=lambda *a, **k: None)
    return FIXTURE_WAREHOUSE


@pytest.fixture(scope="session", autouse=True)
def _apptest_signed_in():
    """Every AppTest run is signed in as an administrator unless a test sets another session
    (``at.session_state[current.TOKEN_KEY]``): AppTest has no cookies, so the app finds the
    session token where a test puts it. The session itself is a real one (access file)."""
    from streamlit.testing.v1 import AppTest

    from command_center.access import current

    made = AppTest.__dict__["from_file"].__func__

    def from_file(cls, *args, **kwargs):
        at = made(cls, *args, **kwargs)
        at.session_state[current.TOKEN_KEY] = sign_in("admin")
        return at

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AppTest, "from_file", classmethod(from_file))
        yield


@pytest.fixture()
def wh(fixture_warehouse):
    """A read-only connection to the fixture warehouse, for independent checks."""
    con = duckdb.connect(str(fixture_warehouse), read_only=True)
    yield con
    con.close()


@pytest.fixture()
def base_wh(tmp_path) -> Path:
    """A warehouse of the test's own to import into: the 102 communities and two social
    organizations (``fixtures_ingest.helpers.base_warehouse``), in ``tmp_path``."""
    from fixtures_ingest.helpers import base_warehouse

    return base_warehouse(tmp_path)
