"""Typhoons that hit or threatened 龙港 (Wenzhou), with their 防台 emergency-response windows.

Real typhoons (DOMAIN.md "Default county": 利奇马 1909, 烟花 2106, 梅花 2212), plus recent
ones so the current two years have data: 格美 2403, 贝碧嘉 2413, 普拉桑 2414 (2024) and
丹娜丝 2504 (2025, in Wenzhou 24,433 people evacuated). Numbers, names and landfall places
are the real ones; the response windows (预警开始/结束) and levels are plausible for a
Wenzhou coastal county, not official records. ``landfall_at`` is the first landfall in
China (the place is noted); 丹娜丝's is its Taiwan landfall, as it never made landfall in
Zhejiang.

Only typhoons whose warning started on or before ``end`` are exported (no future ones and
never an invented "active" one). ``people`` is the number of people 龙港 moves for it
(DOMAIN.md: a few thousand to a few tens of thousands per typhoon for a county this size).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from command_center.sample import calendar as cal


@dataclass(frozen=True)
class Typhoon:
    typhoon_id: str
    name_cn: str
    name_en: str
    warning_start_at: dt.datetime
    warning_end_at: dt.datetime
    response_level: str
    landfall_at: dt.datetime | None
    landfall_place: str
    people: int  # people 龙港 moves (evacuation sample size)

    @property
    def critical_at(self) -> dt.datetime:
        """When transfers must be done: landfall if inside the window, else 60 % through it."""
        if self.landfall_at and self.warning_start_at < self.landfall_at < self.warning_end_at:
            return self.landfall_at
        return self.warning_start_at + (self.warning_end_at - self.warning_start_at) * 0.6


def _t(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


TYPHOONS: tuple[Typhoon, ...] = (
    Typhoon("1909", "利奇马", "Lekima", _t("2019-08-08 08:00"), _t("2019-08-11 18:00"), "Ⅰ",
            _t("2019-08-10 01:45"), "浙江温岭", 15_000),
    Typhoon("2004", "黑格比", "Hagupit", _t("2020-08-02 12:00"), _t("2020-08-05 12:00"), "Ⅱ",
            _t("2020-08-04 03:30"), "浙江乐清", 11_000),
    Typhoon("2106", "烟花", "In-Fa", _t("2021-07-22 09:00"), _t("2021-07-27 17:00"), "Ⅰ",
            _t("2021-07-25 12:30"), "浙江舟山普陀", 14_000),
    Typhoon("2212", "梅花", "Muifa", _t("2022-09-12 10:00"), _t("2022-09-16 12:00"), "Ⅰ",
            _t("2022-09-14 20:30"), "浙江舟山普陀", 12_000),
    Typhoon("2305", "杜苏芮", "Doksuri", _t("2023-07-26 12:00"), _t("2023-07-29 18:00"), "Ⅲ",
            _t("2023-07-28 09:55"), "福建晋江", 4_000),
    Typhoon("2403", "格美", "Gaemi", _t("2024-07-24 08:00"), _t("2024-07-27 12:00"), "Ⅲ",
            _t("2024-07-25 19:50"), "福建莆田", 5_000),
    Typhoon("2413", "贝碧嘉", "Bebinca", _t("2024-09-14 12:00"), _t("2024-09-17 12:00"), "Ⅱ",
            _t("2024-09-16 07:30"), "上海浦东", 6_500),
    Typhoon("2414", "普拉桑", "Pulasan", _t("2024-09-18 18:00"), _t("2024-09-21 08:00"), "Ⅲ",
            _t("2024-09-19 18:00"), "浙江舟山普陀", 3_000),
    Typhoon("2504", "丹娜丝", "Danas", _t("2025-07-06 08:00"), _t("2025-07-09 12:00"), "Ⅱ",
            _t("2025-07-06 23:40"), "台湾嘉义", 4_500),
)


def known(end: dt.date) -> list[Typhoon]:
    """Typhoons whose warning had started by the sample's moment (``calendar.cutoff``)."""
    limit = cal.cutoff_datetime(end)
    return [t for t in TYPHOONS if t.warning_start_at < limit]


def _ts(values: list[dt.datetime | None]) -> pa.Array:
    return pa.array(values, pa.timestamp("s"))


def table(end: dt.date) -> pa.Table:
    rows = known(end)
    limit = cal.cutoff_datetime(end)

    def past(v: dt.datetime | None) -> dt.datetime | None:
        return v if v is not None and v < limit else None  # a warning still in force: no end

    return pa.table({
        "typhoon_id": [t.typhoon_id for t in rows],
        "name_cn": [t.name_cn for t in rows],
        "name_en": [t.name_en for t in rows],
        "warning_start_at": _ts([t.warning_start_at for t in rows]),
        "warning_end_at": _ts([past(t.warning_end_at) for t in rows]),
        "response_level": [t.response_level for t in rows],
        "landfall_at": _ts([past(t.landfall_at) for t in rows]),
    })


def hour_mask(start: dt.date, n_hours: int, typhoons: list[Typhoon] | None = None) -> np.ndarray:
    """True for each hour (from ``start`` 00:00) inside some typhoon's warning window."""
    mask = np.zeros(n_hours, dtype=bool)
    base = cal.seconds(start)
    for t in typhoons if typhoons is not None else TYPHOONS:
        h0 = (cal.seconds(t.warning_start_at) - base) // cal.HOUR
        h1 = (cal.seconds(t.warning_end_at) - base) // cal.HOUR + 1
        h0, h1 = max(h0, 0), min(h1, n_hours)
        if h0 < h1:
            mask[h0:h1] = True
    return mask
