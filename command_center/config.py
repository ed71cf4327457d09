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


def warehouse_threads() -> int:
    """DuckDB threads per query connection: ``[warehouse] threads`` (0 or unset: one per core)."""
    threads = int(get("warehouse", "threads", 0) or 0)
    return threads if threads > 0 else (os.cpu_count() or 1)


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


def _pinned():
    """``[clock] now`` (or ``CC_CLOCK_NOW``): "YYYY-MM-DD HH:MM[:SS]" pins the moment,
    "YYYY-MM-DD" pins the date (the time of day stays real); empty: the real clock."""
    import datetime as dt

    text = str(get("clock", "now", "") or "").strip()
    if not text:
        return None
    if len(text) <= 10:
        return dt.date.fromisoformat(text)
    return dt.datetime.fromisoformat(text).replace(tzinfo=None, microsecond=0)


def now():
    """The dashboard's "now": local, naive (like every warehouse timestamp), to the second.

    Every period that includes today ends here; nothing stamped later is counted.
    """
    import datetime as dt

    real = dt.datetime.now(tz()).replace(tzinfo=None, microsecond=0)
    pinned = _pinned()
    if isinstance(pinned, dt.datetime):
        return pinned
    if isinstance(pinned, dt.date):
        return dt.datetime.combine(pinned, real.time())
    return real


def today():
    """The date of :func:`now` in the county's time zone."""
    return now().date()
