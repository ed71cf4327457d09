"""Best tracks of the sample typhoons (``typhoon_tracks``): a plausible path, not the real one.

Each storm comes from the Pacific south-east of its landfall place, moving north-west at about
20 km/h, reaches its landfall place at ``landfall_at`` and weakens inland. Points are 6-hourly
until a day before landfall, then 3-hourly (as 中央气象台 reports a nearing storm); the peak
wind depends on the response level. Only points up to the sample's moment are written.
Deterministic: no random draws.
"""

from __future__ import annotations

import datetime as dt
import math

import pyarrow as pa

from command_center.sample import calendar as cal
from command_center.sample.typhoons import known

# landfall places of ``typhoons.TYPHOONS`` (approximate, WGS-84)
PLACES = {
    "浙江温岭": (121.45, 28.35), "浙江乐清": (121.00, 28.10), "浙江舟山普陀": (122.30, 29.95),
    "福建晋江": (118.60, 24.80), "福建莆田": (119.05, 25.40), "上海浦东": (121.85, 31.00),
    "台湾嘉义": (120.20, 23.45),
}
LONGGANG = (120.60, 27.55)
PEAK_WIND = {"Ⅰ": 58.0, "Ⅱ": 50.0, "Ⅲ": 42.0, "Ⅳ": 35.0}


def grade_of(wind: float) -> str:
    for low, name in ((51.0, "超强台风"), (41.5, "强台风"), (32.7, "台风"), (24.5, "强热带风暴"),
                      (17.2, "热带风暴"), (10.8, "热带低压")):
        if wind >= low:
            return name
    return "其他"


def _hours(landfall: dt.datetime) -> list[int]:
    """Hours relative to landfall: 6-hourly from 96 h before, 3-hourly from 24 h before,
    6-hourly for 24 h after."""
    return [*range(-96, -24, 6), *range(-24, 0, 3), *range(0, 25, 6)]


def table(end: dt.date) -> pa.Table:
    limit = cal.cutoff_datetime(end)
    cols: dict[str, list] = {k: [] for k in ("track_id", "typhoon_id", "observed_at", "lat",
                                              "lon", "pressure_hpa", "wind_ms", "grade")}
    for k, t in enumerate(known(end)):
        if t.landfall_at is None:
            continue
        lon0, lat0 = PLACES.get(t.landfall_place, LONGGANG)
        # the landfall hour on a 3-hour grid, so the points fall on synoptic hours
        base = t.landfall_at.replace(minute=0) - dt.timedelta(hours=t.landfall_at.hour % 3)
        peak = PEAK_WIND.get(t.response_level, 40.0)
        for h in _hours(base):
            at = base + dt.timedelta(hours=h)
            if at >= limit:
                break
            if h <= 0:
                lon = lon0 - 0.15 * h + 0.25 * math.sin(h / 17 + k)
                lat = lat0 + 0.055 * h + 0.15 * math.sin(h / 23 + 2 * k)
                # strengthens to its peak a day before landfall, weakens a little on approach
                wind = peak * (0.35 + 0.65 * math.exp(-((h + 24) / 30) ** 2))
            else:
                lon = lon0 - 0.07 * h
                lat = lat0 + 0.09 * h
                wind = peak * 0.75 * math.exp(-h / 14)
            wind = round(max(wind, 8.0))
            cols["track_id"].append(f"{t.typhoon_id}-{at:%Y%m%d%H}")
            cols["typhoon_id"].append(t.typhoon_id)
            cols["observed_at"].append(at)
            cols["lat"].append(round(lat, 1))
            cols["lon"].append(round(lon, 1))
            cols["pressure_hpa"].append(int(round(1010 - 1.5 * wind)))
            cols["wind_ms"].append(float(wind))
            cols["grade"].append(grade_of(wind))
    return pa.table({**cols, "observed_at": pa.array(cols["observed_at"], pa.timestamp("s"))})
