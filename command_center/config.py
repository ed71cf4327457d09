"""Site configuration: ``settings.toml`` at the repository root, overridable by environment.

``CC_SETTINGS`` names another settings file; ``CC_<SECTION>_<KEY>`` overrides one value
(e.g. ``CC_PATHS_WAREHOUSE``). Values are read once per process.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def settings() -> dict:
    path = Path(os.environ.get("CC_SETTINGS", ROOT / "settings.toml"))
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    for section, values in data.items():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            env = os.environ.get(f"CC_{section}_{key}".upper())
            if env is None:
                continue
            if isinstance(value, bool):
                values[key] = env.strip().lower() in ("1", "true", "yes", "on")
            elif isinstance(value, int):
                values[key] = int(env)
            elif isinstance(value, float):
                values[key] = float(env)
            else:
                values[key] = env
    return data


def get(section: str, key: str, default=None):
    return settings().get(section, {}).get(key, default)


def path(key: str) -> Path:
    p = Path(get("paths", key))
    return p if p.is_absolute() else ROOT / p


def warehouse_path() -> Path:
    return path("warehouse")


def exports_dir() -> Path:
    return path("exports")


def geo_dir() -> Path:
    return path("geo")


def county_unit() -> str:
    """县 / 市 / 区 from ``[county] unit`` (default: the last character of the name)."""
    unit = (get("county", "unit", "") or "").strip()
    if not unit:
        name = get("county", "name", "") or ""
        unit = name[-1] if name[-1:] in ("县", "市", "区", "旗") else "县"
    return unit


def county_whole() -> str:
    """The word for the whole county: 全县 / 全市 / 全区."""
    return "全" + county_unit()


def tz() -> ZoneInfo:
    return ZoneInfo(get("county", "timezone", "Asia/Shanghai"))


def today():
    """The dashboard's 'today' in the county's time zone.

    ``[clock] today = "YYYY-MM-DD"`` (or ``CC_CLOCK_TODAY``) pins it, for demos on old data and
    for tests; empty means the real date.
    """
    import datetime as dt

    pinned = get("clock", "today", "")
    if pinned:
        return dt.date.fromisoformat(pinned)
    return dt.datetime.now(tz()).date()


def now():
    """Local naive datetime matching ``today()`` (warehouse timestamps are local and naive)."""
    import datetime as dt

    real = dt.datetime.now(tz()).replace(tzinfo=None)
    pinned = get("clock", "today", "")
    if pinned:
        return dt.datetime.combine(dt.date.fromisoformat(pinned), real.time())
    return real
