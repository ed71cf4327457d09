"""Typhoon evacuation logic that needs no Streamlit: which typhoon to show, which moment to
look at, how full a shelter is.

A typhoon is *active* when its warning window contains the reference time (``start ≤ now ≤
end``; a window without an end is open). The page shows the latest active typhoon first, else
the most recent one that has started.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping

NEARLY_FULL = 0.9  # occupancy rate from which a shelter is flagged 将满
FULL = 1.0  # … and 已满

FILL_COLORS = {  # map and table colours by fill status
    "已满": "#bd0026",
    "将满": "#f03b20",
    "使用中": "#fd8d3c",
    "未使用": "#9e9e9e",
    "容量不详": "#d9d9d9",
}


def _ts(value) -> dt.datetime | None:
    """A naive datetime from a datetime / pandas Timestamp / NaT / None."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
        if isinstance(value, pd.Timestamp):
            return value.to_pydatetime()
    except ImportError:  # pragma: no cover
        pass
    return value


def is_active(typhoon: Mapping, now: dt.datetime) -> bool:
    start, end = _ts(typhoon.get("warning_start_at")), _ts(typhoon.get("warning_end_at"))
    return start is not None and start <= now and (end is None or now <= end)


def ordered(typhoons: Iterable[Mapping], now: dt.datetime) -> list[Mapping]:
    """Active typhoons first (latest start first), then the others, most recent first;
    typhoons whose warning has not started yet come last."""
    rows = list(typhoons)

    def key(t):
        start = _ts(t.get("warning_start_at")) or dt.datetime.min
        group = 0 if is_active(t, now) else (1 if start <= now else 2)
        return (group, -start.timestamp() if start != dt.datetime.min else math.inf,
                str(t.get("typhoon_id")))

    return sorted(rows, key=key)


def pick_default(typhoons: Iterable[Mapping], now: dt.datetime) -> str | None:
    """The typhoon to show first: the latest active one, else the most recent one."""
    rows = ordered(typhoons, now)
    return str(rows[0]["typhoon_id"]) if rows else None


def window(typhoon: Mapping, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The warning window; an open window (no end yet) runs until ``now``."""
    start = _ts(typhoon["warning_start_at"])
    end = _ts(typhoon.get("warning_end_at")) or max(now, start)
    return start, end


def hour_floor(t: dt.datetime) -> dt.datetime:
    return t.replace(minute=0, second=0, microsecond=0)


def default_moment(typhoon: Mapping, now: dt.datetime, peak_hour: dt.datetime | None,
                   first: dt.datetime, last: dt.datetime) -> dt.datetime:
    """The moment the shelter figures start at: now (on the hour) for an active typhoon, the
    peak of shelter use for a past one (else the end of its window), kept in [first, last]."""
    if is_active(typhoon, now):
        moment = hour_floor(now)
    elif peak_hour is not None:
        moment = peak_hour
    else:
        moment = window(typhoon, now)[1]
    return min(max(moment, first), last)


STORM_STALE_HOURS = 12  # an observation older than this does not say where the storm is
DIRECTIONS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")


def storm_at(track, at) -> dict | None:
    """The storm's last observed position at or before ``at`` (observed_at, lon, lat, grade),
    None when it was not observed in the ``STORM_STALE_HOURS`` before."""
    import pandas as pd

    at = _ts(at)
    if track is None or len(track) == 0 or at is None:
        return None
    t = pd.to_datetime(track["observed_at"])
    seen = track[(t <= at) & (t >= at - dt.timedelta(hours=STORM_STALE_HOURS))
                 & track["lon"].notna() & track["lat"].notna()]
    if seen.empty:
        return None
    last = seen.loc[t[seen.index].idxmax()]
    return {"observed_at": _ts(last["observed_at"]), "lon": float(last["lon"]),
            "lat": float(last["lat"]),
            "grade": last.get("grade") if isinstance(last.get("grade"), str) else None}


def distance_and_direction(lon: float, lat: float, from_lon: float, from_lat: float
                           ) -> tuple[float, str]:
    """Great-circle kilometres from (from_lon, from_lat) to (lon, lat) and the direction it
    lies in, one of eight (北 东北 … 西北)."""
    p1, p2 = math.radians(from_lat), math.radians(lat)
    dl = math.radians(lon - from_lon)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * 6371.0 * math.asin(math.sqrt(a))
    bearing = math.degrees(math.atan2(math.sin(dl) * math.cos(p2),
                                      math.cos(p1) * math.sin(p2)
                                      - math.sin(p1) * math.cos(p2) * math.cos(dl)))
    return km, DIRECTIONS[round((bearing % 360) / 45) % 8]


def storm_text(storm: dict, centre: tuple[float, float]) -> str:
    """Where the storm is, seen from the county: 台风中心位于县域东南约 280 公里（7月6日 21时
    观测，强台风）."""
    km, direction = distance_and_direction(storm["lon"], storm["lat"], *centre)
    t = storm["observed_at"]
    seen = f"{t.month}月{t.day}日 {t.hour:02d}时观测" + (
        f"，{storm['grade']}" if storm.get("grade") else "")
    side = "以" + direction if len(direction) == 1 else direction  # 以南, 东南
    where = "县域附近" if km < 20 else f"县域{side}约 {km:,.0f} 公里"
    return f"台风中心位于{where}（{seen}）"


def fill_status(occupancy, capacity) -> str:
    """已满 (≥ 100 %), 将满 (≥ 90 %), 使用中, 未使用, or 容量不详 without a capacity."""
    occupancy = 0 if occupancy is None or (isinstance(occupancy, float) and
                                           math.isnan(occupancy)) else occupancy
    if capacity is None or (isinstance(capacity, float) and math.isnan(capacity)) \
            or capacity <= 0:
        return "使用中" if occupancy > 0 else "容量不详"
    rate = occupancy / capacity
    if rate >= FULL:
        return "已满"
    if rate >= NEARLY_FULL:
        return "将满"
    return "使用中" if occupancy > 0 else "未使用"


def option_label(typhoon: Mapping) -> str:
    """'2106 烟花' for the typhoon selectbox. Kept stable (no date, no 进行中): a bound
    selectbox writes this text into the URL (``?ty_id=2106+烟花``), so a shared link must
    keep meaning the same typhoon."""
    return f"{typhoon['typhoon_id']} {typhoon.get('name_cn') or ''}".strip()


def status_text(typhoon: Mapping, now: dt.datetime) -> str:
    return "预警中" if is_active(typhoon, now) else "已解除"


def fmt_moment(t) -> str:
    t = _ts(t)
    if t is None:
        return "—"
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}"


# ------------------------------------------------------------------ track time
TRACK_MARKS = (72, 48, 24, 12, 6, 0)  # hours before landfall the progress is read at


def hours_to_landfall(t, landfall) -> float | None:
    """Hours from ``t`` to landfall (negative after it); None without a landfall time."""
    t, landfall = _ts(t), _ts(landfall)
    if t is None or landfall is None:
        return None
    return (landfall - t).total_seconds() / 3600


def landfall_text(hours: float) -> str:
    """登陆前 24 小时 / 登陆时 / 登陆后 6 小时."""
    h = round(hours)
    return "登陆时" if h == 0 else (f"登陆前 {h} 小时" if h > 0 else f"登陆后 {-h} 小时")


def progress_before_landfall(hours: Iterable, transferred: Iterable, planned: int,
                             landfall, marks: Iterable[int] = TRACK_MARKS
                             ) -> list[tuple[int, float]]:
    """(hours before landfall, 转移率) at each mark the timeline covers: the cumulative
    transferred count at the last timeline hour on or before the mark, over ``planned``."""
    landfall = _ts(landfall)
    if landfall is None or not planned:
        return []
    pts = sorted((_ts(h), float(v)) for h, v in zip(hours, transferred, strict=True))
    if not pts:
        return []
    out = []
    for m in marks:
        at = landfall - dt.timedelta(hours=m)
        if at < pts[0][0] or at > pts[-1][0]:
            continue
        done = max((v for h, v in pts if h <= at), default=0.0)
        out.append((m, done / planned))
    return out
