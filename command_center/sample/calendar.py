"""Time rhythm of the sample data: the generated window, daily and hourly intensity.

Times are carried as int64 seconds of *local* (Asia/Shanghai) wall-clock time since
1970-01-01 00:00, i.e. naive local timestamps, which is how the source systems export them.

Calibration (DOMAIN.md "Incidents": calls peak in the evening and dip before dawn):
  * hourly profile: peak 19–22 h (≈1.5× the daily mean), trough 3–6 h (≈0.35×);
    traffic adds the 7–8 h and 17–18 h rush hours; disputes are received in office hours.
  * weekday: Friday +6 %, Saturday +8 %, Tuesday/Wednesday about −4 %.
  * season: ±10 % cosine peaking late July (summer nights, tourism, typhoon season).
  * Spring Festival (春节): 龙港 has a large floating population that goes home, so activity
    falls up to 35 % on the festival, starting about 10 days before and recovering over
    about 20 days after (dates of 春节 tabulated below).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np

DAY = 86_400
HOUR = 3_600

# 春节 (Lunar New Year's day), Gregorian dates.
SPRING_FESTIVAL = {
    2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1), 2004: (1, 22), 2005: (2, 9),
    2006: (1, 29), 2007: (2, 18), 2008: (2, 7), 2009: (1, 26), 2010: (2, 14), 2011: (2, 3),
    2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28),
    2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22),
    2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13),
    2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31), 2034: (2, 19), 2035: (2, 8),
}

# Share of the daily mean falling in each hour (mean 1.0 after normalization).
HOURLY_DEFAULT = np.array([
    0.95, 0.75, 0.55, 0.42, 0.35, 0.36, 0.50, 0.75, 0.95, 1.02, 1.05, 1.05,
    1.00, 0.95, 1.00, 1.05, 1.10, 1.18, 1.30, 1.48, 1.58, 1.55, 1.40, 1.15,
])
HOURLY_TRAFFIC = np.array([
    0.55, 0.40, 0.30, 0.25, 0.25, 0.35, 0.70, 1.45, 1.55, 1.15, 1.00, 1.05,
    1.10, 1.00, 1.00, 1.10, 1.30, 1.60, 1.65, 1.45, 1.30, 1.10, 0.90, 0.70,
])
HOURLY_OFFICE = np.array([
    0.05, 0.03, 0.02, 0.02, 0.02, 0.03, 0.10, 0.45, 1.60, 2.40, 2.40, 1.70,
    0.60, 1.20, 2.20, 2.30, 2.20, 1.40, 0.50, 0.30, 0.20, 0.15, 0.10, 0.07,
])
HOURLY_DEFAULT = HOURLY_DEFAULT / HOURLY_DEFAULT.mean()
HOURLY_TRAFFIC = HOURLY_TRAFFIC / HOURLY_TRAFFIC.mean()
HOURLY_OFFICE = HOURLY_OFFICE / HOURLY_OFFICE.mean()

# Monday .. Sunday
WEEKDAY_DEFAULT = np.array([0.97, 0.96, 0.96, 0.99, 1.06, 1.08, 0.98])
WEEKDAY_OFFICE = np.array([1.18, 1.12, 1.10, 1.08, 1.05, 0.30, 0.17])

SEASON_AMPLITUDE = 0.10
SEASON_PEAK_DOY = 205  # about 24 July
SPRING_FESTIVAL_DEPTH = 0.35
SPRING_FESTIVAL_BEFORE = 10  # days of decline before 春节
SPRING_FESTIVAL_AFTER = 20  # days of recovery after 春节

EPOCH = dt.date(1970, 1, 1)


def window(end: dt.date) -> tuple[dt.date, dt.date]:
    """1 January two years before ``end``'s year up to ``end`` inclusive."""
    return dt.date(end.year - 2, 1, 1), end


def cutoff(end: dt.date) -> int:
    """Local seconds of the moment the sample stops: midnight after ``end``, or the moment the
    generator runs if that is earlier (a sample made today writes nothing after now)."""
    from command_center import config

    now = dt.datetime.now(config.tz()).replace(tzinfo=None, microsecond=0)
    return min(seconds(end + dt.timedelta(days=1)), seconds(now))


def cutoff_datetime(end: dt.date) -> dt.datetime:
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=cutoff(end))


def months(start: dt.date, end: dt.date) -> Iterator[tuple[int, int, dt.date, dt.date]]:
    """(year, month, first day, last day) of every month from ``start``'s to ``end``'s, the
    last one cut at ``end``."""
    y, m = start.year, start.month
    while dt.date(y, m, 1) <= end:
        first = dt.date(y, m, 1)
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        yield y, m, first, min(nxt - dt.timedelta(days=1), end)
        y, m = nxt.year, nxt.month


def days(start: dt.date, end: dt.date) -> np.ndarray:
    """Every date from start to end inclusive (datetime64[D])."""
    return np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)


def seconds(value: dt.date | dt.datetime) -> int:
    """Local seconds since 1970-01-01 for a date (midnight) or naive local datetime."""
    if isinstance(value, dt.datetime):
        return int((value - dt.datetime(1970, 1, 1)).total_seconds())
    return (value - EPOCH).days * DAY


def as_datetime64(secs: np.ndarray, valid: np.ndarray | None = None) -> np.ndarray:
    """int64 local seconds → datetime64[s], NaT where ``valid`` is False."""
    out = np.asarray(secs, dtype=np.int64).astype("datetime64[s]")
    if valid is not None:
        out = np.where(valid, out, np.datetime64("NaT", "s"))
    return out


def spring_festival(year: int) -> np.datetime64:
    month, day = SPRING_FESTIVAL.get(year, (2, 5))
    return np.datetime64(dt.date(year, month, day), "D")


def spring_festival_factor(ds: np.ndarray, depth: float = SPRING_FESTIVAL_DEPTH) -> np.ndarray:
    """1 − depth on 春节, linear decline before it and linear recovery after it."""
    factor = np.ones(len(ds))
    years = ds.astype("datetime64[Y]").astype(int) + 1970
    for year in np.unique(years):
        for y in (year - 1, year, year + 1):
            offset = (ds - spring_festival(int(y))).astype(np.int64)
            before = (offset >= -SPRING_FESTIVAL_BEFORE) & (offset <= 0)
            after = (offset > 0) & (offset <= SPRING_FESTIVAL_AFTER)
            dip = np.zeros(len(ds))
            dip[before] = depth * (1 + offset[before] / SPRING_FESTIVAL_BEFORE)
            dip[after] = depth * (1 - offset[after] / SPRING_FESTIVAL_AFTER)
            factor = np.minimum(factor, 1 - dip)
    return factor


def season_factor(ds: np.ndarray, amplitude: float = SEASON_AMPLITUDE,
                  peak_doy: int = SEASON_PEAK_DOY) -> np.ndarray:
    doy = (ds - ds.astype("datetime64[Y]")).astype(np.int64) + 1
    return 1 + amplitude * np.cos(2 * np.pi * (doy - peak_doy) / 365.25)


def weekday(ds: np.ndarray) -> np.ndarray:
    """0 = Monday … 6 = Sunday."""
    return (ds.astype(np.int64) + 3) % 7


def day_factor(ds: np.ndarray, weekday_weights: np.ndarray = WEEKDAY_DEFAULT,
               season_amplitude: float = SEASON_AMPLITUDE,
               festival_depth: float = SPRING_FESTIVAL_DEPTH) -> np.ndarray:
    """Relative intensity of each day: weekday × season × Spring Festival."""
    return (weekday_weights[weekday(ds)] * season_factor(ds, season_amplitude)
            * spring_festival_factor(ds, festival_depth))
