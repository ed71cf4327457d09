"""The wall display (大屏): its settings and the pure logic behind it.

Settings live in ``wall.toml`` at the repository root (``CC_WALL_CONFIG`` names another file):
refresh interval, data-freshness limits, the rotation playlist. The URL can override the
playlist and the refresh interval for one screen (``?rotate=map:60,typhoon:30``,
``?panel=typhoon``, ``?refresh=30``), so two walls can show different things from one server.

Nothing here touches Streamlit or the warehouse: the functions take values and return values,
so they are unit-tested directly.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from command_center import config

# panel id → Chinese title shown on the wall
PANELS: dict[str, str] = {
    "map": "一张图",
    "incidents": "警情",
    "disputes": "矛盾纠纷",
    "typhoon": "防台转移",
    "patrols": "平安乐巡",
}
MIN_REFRESH_SECONDS = 2
MIN_PANEL_SECONDS = 5


class WallConfigError(ValueError):
    """A wall setting is wrong; the message (Chinese) says which one."""


@dataclass(frozen=True)
class Slot:
    panel: str
    seconds: int


@dataclass(frozen=True)
class WallConfig:
    refresh_seconds: int = 60
    map_refresh_seconds: int = 300
    amber_minutes: int = 120
    red_minutes: int = 1440
    latest_rows: int = 8
    latest_pages: int = 2
    rotate: bool = False
    pause_on_typhoon: bool = True
    playlist: tuple[Slot, ...] = field(default_factory=lambda: (Slot("map", 60),))
    fixed_panel: str | None = None  # ?panel=...: one panel, no rotation

    @property
    def panels(self) -> list[str]:
        if self.fixed_panel:
            return [self.fixed_panel]
        return [s.panel for s in self.playlist] if self.rotate else ["map"]


def config_path() -> Path:
    return Path(os.environ.get("CC_WALL_CONFIG") or config.ROOT / "wall.toml")


def _positive_int(section: dict, key: str, default: int, minimum: int, where: str) -> int:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise WallConfigError(f"{where} 中 {key} 应为不小于 {minimum} 的数字，现为 {value!r}")
    return int(value)


def parse_config(data: dict, where: str = "wall.toml") -> WallConfig:
    """Build a :class:`WallConfig` from the parsed TOML, refusing wrong values loudly."""
    refresh = data.get("refresh", {})
    fresh = data.get("freshness", {})
    latest = data.get("latest", {})
    rotation = data.get("rotation", {})
    amber = _positive_int(fresh, "amber_minutes", 120, 1, where)
    red = _positive_int(fresh, "red_minutes", 1440, 1, where)
    if red <= amber:
        raise WallConfigError(f"{where} 中 red_minutes（{red}）应大于 amber_minutes（{amber}）")
    slots = []
    for i, item in enumerate(rotation.get("panels", [])):
        panel = item.get("panel") if isinstance(item, dict) else None
        if panel not in PANELS:
            raise WallConfigError(
                f"{where} 中 rotation.panels 第{i + 1}项的 panel 应为 {'/'.join(PANELS)} 之一，"
                f"现为 {panel!r}"
            )
        slots.append(Slot(panel, _positive_int(item, "seconds", 60, MIN_PANEL_SECONDS, where)))
    return WallConfig(
        refresh_seconds=_positive_int(refresh, "interval_seconds", 60, MIN_REFRESH_SECONDS, where),
        map_refresh_seconds=_positive_int(refresh, "map_interval_seconds", 300,
                                          MIN_REFRESH_SECONDS, where),
        amber_minutes=amber,
        red_minutes=red,
        latest_rows=_positive_int(latest, "rows", 8, 1, where),
        latest_pages=_positive_int(latest, "pages", 2, 1, where),
        rotate=bool(rotation.get("enabled", False)) and bool(slots),
        pause_on_typhoon=bool(rotation.get("pause_on_typhoon", True)),
        playlist=tuple(slots) or (Slot("map", 60),),
    )


def load_config(path: Path | None = None) -> WallConfig:
    path = Path(path) if path else config_path()
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        return WallConfig()
    except tomllib.TOMLDecodeError as e:
        raise WallConfigError(f"{path.name} 格式错误：{e}") from None
    return parse_config(data, path.name)


def parse_playlist(text: str) -> tuple[Slot, ...]:
    """``"map:60,incidents:30"`` → slots. Also accepts Chinese titles (``一张图:60``)."""
    by_title = {title: key for key, title in PANELS.items()}
    slots = []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        name, _, seconds = part.partition(":")
        name = by_title.get(name.strip(), name.strip())
        if name not in PANELS:
            raise WallConfigError(f"轮播面板 {name!r} 不存在（可选：{'、'.join(PANELS)}）")
        try:
            secs = int(seconds) if seconds.strip() else 60
        except ValueError:
            raise WallConfigError(f"轮播面板 {name} 的时长应为整数秒：{seconds!r}") from None
        if secs < MIN_PANEL_SECONDS:
            raise WallConfigError(f"轮播面板 {name} 的时长至少 {MIN_PANEL_SECONDS} 秒")
        slots.append(Slot(name, secs))
    if not slots:
        raise WallConfigError("轮播列表为空")
    return tuple(slots)


def apply_query(cfg: WallConfig, query: dict) -> tuple[WallConfig, list[str]]:
    """URL overrides: ``rotate`` (playlist, or ``off``), ``panel`` (one fixed panel),
    ``refresh`` (seconds). Wrong values are ignored and reported (the wall keeps running)."""
    problems: list[str] = []
    rotate = (query.get("rotate") or "").strip()
    if rotate:
        if rotate.lower() in ("off", "0", "false", "no"):
            cfg = replace(cfg, rotate=False)
        elif rotate.lower() in ("on", "1", "true", "yes"):
            cfg = replace(cfg, rotate=True)
        else:
            try:
                cfg = replace(cfg, rotate=True, playlist=parse_playlist(rotate))
            except WallConfigError as e:
                problems.append(str(e))
    panel = (query.get("panel") or "").strip()
    if panel:
        by_title = {title: key for key, title in PANELS.items()}
        panel = by_title.get(panel, panel)
        if panel in PANELS:
            cfg = replace(cfg, fixed_panel=panel)
        else:
            problems.append(f"面板 {panel!r} 不存在（可选：{'、'.join(PANELS)}）")
    refresh = (query.get("refresh") or "").strip()
    if refresh:
        try:
            secs = int(refresh)
            if secs < MIN_REFRESH_SECONDS:
                raise ValueError
            cfg = replace(cfg, refresh_seconds=secs)
        except ValueError:
            problems.append(f"刷新间隔应为不小于 {MIN_REFRESH_SECONDS} 的整数秒：{refresh!r}")
    return cfg, problems


def tick_seconds(cfg: WallConfig) -> int:
    """How often the wall's fragment reruns: the refresh interval, or finer when a rotation
    needs panel changes between refreshes (the gcd of the durations, at least 5 s)."""
    if not cfg.rotate or cfg.fixed_panel:
        return cfg.refresh_seconds
    g = cfg.refresh_seconds
    for s in cfg.playlist:
        g = math.gcd(g, s.seconds)
    return max(g, min(MIN_PANEL_SECONDS, cfg.refresh_seconds))


@dataclass(frozen=True)
class Rotation:
    index: int  # position in the playlist
    since: float  # monotonic-ish seconds when this slot started


def advance(cfg: WallConfig, state: Rotation | None, now: float,
            typhoon_active: bool = False) -> Rotation:
    """The rotation state at ``now`` (seconds). A slot lasts its ``seconds``; with
    ``pause_on_typhoon`` the rotation stays on the 防台转移 panel while a typhoon is active."""
    if not cfg.rotate or cfg.fixed_panel:
        return Rotation(0, now if state is None else state.since)
    playlist = cfg.playlist
    if state is None or state.index >= len(playlist):
        return Rotation(0, now)
    index, since = state.index, state.since
    # a few steps at most: a slot is at least MIN_PANEL_SECONDS long
    for _ in range(len(playlist) * 4):
        slot = playlist[index]
        if cfg.pause_on_typhoon and typhoon_active and slot.panel == "typhoon":
            return Rotation(index, since)
        if now - since < slot.seconds:
            return Rotation(index, since)
        since += slot.seconds
        index = (index + 1) % len(playlist)
    return Rotation(index, now)  # fell far behind (e.g. the browser slept): restart the slot


def current_panel(cfg: WallConfig, state: Rotation) -> str:
    if cfg.fixed_panel:
        return cfg.fixed_panel
    if not cfg.rotate:
        return "map"
    return cfg.playlist[state.index % len(cfg.playlist)].panel


# ------------------------------------------------------------------ freshness
@dataclass(frozen=True)
class Freshness:
    status: str  # ok / amber / red / unknown
    age_minutes: float | None
    text: str  # "数据更新于 11月20日 14:32（3小时前）"


def _age_text(minutes: float) -> str:
    if minutes < 1:
        return "刚刚"
    if minutes < 60:
        return f"{int(minutes)}分钟前"
    if minutes < 48 * 60:
        return f"{int(minutes // 60)}小时前"
    return f"{int(minutes // 1440)}天前"


def freshness(newest: dt.datetime | None, now: dt.datetime, amber_minutes: int,
              red_minutes: int) -> Freshness:
    """Status of the data given the time of the newest import: amber after ``amber_minutes``,
    red after ``red_minutes``; unknown when nothing was ever imported."""
    if newest is None or (isinstance(newest, float) and math.isnan(newest)):
        return Freshness("unknown", None, "数据更新时间未知")
    newest = newest.replace(tzinfo=None) if getattr(newest, "tzinfo", None) else newest
    age = (now - newest).total_seconds() / 60
    when = f"{newest.month}月{newest.day}日 {newest:%H:%M}"
    if newest.year != now.year:
        when = f"{newest.year}年" + when
    status = "red" if age >= red_minutes else "amber" if age >= amber_minutes else "ok"
    text = f"数据更新于 {when}"
    if status != "ok":
        text += f"（{_age_text(max(age, 0))}）"
    return Freshness(status, age, text)


def page_of(rows: int, per_page: int, pages: int, tick: int) -> tuple[int, int]:
    """(start offset, page number from 1) of the latest-incidents list on the ``tick``-th
    refresh: the list pages through ``pages`` pages of ``per_page`` rows, one per refresh."""
    available = max(1, min(pages, math.ceil(rows / per_page) if rows else 1))
    page = tick % available
    return page * per_page, page + 1


def minute_floor(t: dt.datetime, seconds: int = 60) -> dt.datetime:
    """``t`` rounded down to a multiple of ``seconds`` since midnight (stable cache keys)."""
    midnight = t.replace(hour=0, minute=0, second=0, microsecond=0)
    secs = int((t - midnight).total_seconds()) // max(seconds, 1) * max(seconds, 1)
    return midnight + dt.timedelta(seconds=secs)


def weekday_name(d: dt.date) -> str:
    return "星期" + "一二三四五六日"[d.weekday()]
