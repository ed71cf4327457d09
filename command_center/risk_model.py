"""The four-colour risk model (四色预警) of ``risk.toml``: its types, loading and validation, and
the colours and names every page takes from it. Scoring and assessment: ``command_center.risk``
(which re-exports everything here, so ``risk.load_model()`` keeps working).

The file is ``risk.toml`` at the repository root, or the path in ``CC_RISK_CONFIG``. It is
re-read when it changes. A bad value raises :class:`RiskConfigError` with a Chinese message
naming the key, e.g. ``risk.toml：indicators.incident_rate.weight 必须是 0–100 之间的数字``.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from command_center import config

DEFAULT_PATH = config.ROOT / "risk.toml"
DEFAULT_MIN_WINDOW_DAYS = 28

# The indicators the SQL measures, in display order. The file sets how each one is scored.
INDICATORS = (
    "incident_rate",
    "incident_yoy",
    "open_disputes",
    "overdue_disputes",
    "repeat_disputes",
    "floating_share",
    "evacuation_shortfall",
)
LEVEL_KEYS = ("green", "blue", "yellow", "red")  # low → high risk
METHODS = ("minmax", "cap", "rank")
DIRECTIONS = ("higher_is_worse", "lower_is_worse")
_COUNT_INDICATORS = ("open_disputes", "overdue_disputes", "repeat_disputes")


class RiskConfigError(ValueError):
    """The risk model file is invalid; the message (Chinese) names the file and the key."""


@dataclass(frozen=True)
class Level:
    key: str  # green / blue / yellow / red
    name: str  # 绿 / 蓝 / 黄 / 红
    label: str  # 绿色（低风险） …
    color: str  # "#rrggbb"
    min_score: float  # a score ≥ min_score is at least this level
    rank: int  # 0 = lowest risk


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    description: str
    weight: float
    normalize: str
    direction: str
    low: float | None = None
    high: float | None = None
    per_1000: bool = False


@dataclass(frozen=True)
class Model:
    path: Path
    name: str
    indicators: tuple[Indicator, ...]
    levels: tuple[Level, ...]
    category_weights: dict[str, float]
    other_category_weight: float
    yoy_smoothing: float
    repeat_window_days: int
    min_window_days: int = DEFAULT_MIN_WINDOW_DAYS  # the shortest window scored

    def indicator(self, key: str) -> Indicator:
        for ind in self.indicators:
            if ind.key == key:
                return ind
        raise KeyError(key)

    def level(self, which) -> Level:
        """A level by key ("red"), name ("红"), rank (3) or Level."""
        if isinstance(which, Level):
            return which
        for lv in self.levels:
            if which in (lv.key, lv.name) or (isinstance(which, int) and which == lv.rank):
                return lv
        raise KeyError(which)

    def level_of(self, score: float) -> Level:
        """The level a score falls in (the same rule as the SQL)."""
        found = self.levels[0]
        for lv in self.levels:
            if score >= lv.min_score:
                found = lv
        return found

    def params(self) -> dict:
        """The model as the $parameters of queries/risk/*.sql."""
        return {
            "risk_indicators": list(INDICATORS),
            "risk_weights": [self.indicator(k).weight for k in INDICATORS],
            "risk_methods": [self.indicator(k).normalize for k in INDICATORS],
            "risk_lows": [_num_or_zero(self.indicator(k).low) for k in INDICATORS],
            "risk_highs": [_num_or_zero(self.indicator(k).high) for k in INDICATORS],
            "risk_higher_is_worse": [self.indicator(k).direction == "higher_is_worse"
                                     for k in INDICATORS],
            "risk_per_1000": [self.indicator(k).per_1000 for k in INDICATORS],
            "risk_categories": list(self.category_weights),
            "risk_category_weights": list(self.category_weights.values()),
            "risk_other_weight": self.other_category_weight,
            "risk_yoy_smoothing": self.yoy_smoothing,
            "risk_repeat_window_days": self.repeat_window_days,
            "risk_level_names": [lv.name for lv in self.levels],
            "risk_level_colors": [lv.color for lv in self.levels],
            "risk_level_mins": [lv.min_score for lv in self.levels],
        }


def _num_or_zero(x) -> float:
    return 0.0 if x is None else float(x)


# ------------------------------------------------------------------ loading and validation
def config_path() -> Path:
    p = os.environ.get("CC_RISK_CONFIG")
    if not p:
        return DEFAULT_PATH
    path = Path(p)
    return path if path.is_absolute() else config.ROOT / path


_cache: dict[tuple[str, float, int], Model] = {}


def load_model(path: Path | str | None = None) -> Model:
    """The model in ``path`` (default: CC_RISK_CONFIG or risk.toml), re-read when it changes."""
    path = Path(path) if path else config_path()
    try:
        st_ = path.stat()
    except FileNotFoundError:
        raise RiskConfigError(f"找不到四色预警配置文件：{path}") from None
    key = (str(path), st_.st_mtime, st_.st_size)
    model = _cache.get(key)
    if model is None:
        model = parse_model(path)
        _cache.clear()
        _cache[key] = model
    return model


def parse_model(path: Path) -> Model:
    path = Path(path)
    where = path.name
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise RiskConfigError(f"{where}：不是合法的 TOML 文件（{exc}）") from None

    def fail(key: str, what: str):
        raise RiskConfigError(f"{where}：{key} {what}")

    def table(obj, key: str) -> dict:
        if not isinstance(obj, dict):
            fail(key, "必须是一个表（[section]）")
        return obj

    def number(obj: dict, key: str, full: str, lo=None, hi=None, default=None,
               required=True) -> float | None:
        v = obj.get(key, default)
        if v is None:
            if required:
                fail(full, "缺失" if lo is None else f"缺失（必须是 {lo:g}–{hi:g} 之间的数字）")
            return None
        ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
        if ok and lo is not None and not lo <= v <= hi:
            ok = False
        if not ok:
            fail(full, f"必须是 {lo:g}–{hi:g} 之间的数字" if lo is not None else "必须是数字")
        return float(v)

    def text(obj: dict, key: str, full: str, choices=None, default=None) -> str:
        v = obj.get(key, default)
        if not isinstance(v, str) or not v.strip():
            fail(full, "必须是非空文字" if not choices else "必须是 " + " / ".join(choices) + " 之一")
        if choices and v not in choices:
            fail(full, "必须是 " + " / ".join(choices) + " 之一")
        return v.strip()

    model_t = table(data.get("model", {}), "model")
    min_window = number(model_t, "min_window_days", "model.min_window_days", 1, 366,
                        default=DEFAULT_MIN_WINDOW_DAYS)
    if min_window != int(min_window):
        fail("model.min_window_days", "必须是整数天数")
    inds_t = table(data.get("indicators"), "indicators") if "indicators" in data else fail(
        "indicators", "缺失（需要 [indicators.<指标>] 各节）")
    unknown = sorted(set(inds_t) - set(INDICATORS))
    if unknown:
        fail(f"indicators.{unknown[0]}", "不是已知指标（可用：" + "、".join(INDICATORS) + "）")
    indicators = []
    for key in INDICATORS:
        full = f"indicators.{key}"
        if key not in inds_t:
            fail(full, "缺失（不用的指标请把 weight 设为 0）")
        t = table(inds_t[key], full)
        method = text(t, "normalize", f"{full}.normalize", METHODS)
        low = high = None
        if method == "cap":
            low = number(t, "low", f"{full}.low")
            high = number(t, "high", f"{full}.high")
            if high <= low:
                fail(f"{full}.high", "必须大于 low")
        per_1000 = t.get("per_1000", False)
        if not isinstance(per_1000, bool):
            fail(f"{full}.per_1000", "必须是 true 或 false")
        if per_1000 and key not in _COUNT_INDICATORS:
            fail(f"{full}.per_1000", "只适用于纠纷件数类指标")
        indicators.append(Indicator(
            key=key,
            name=text(t, "name", f"{full}.name"),
            description=str(t.get("description", "")),
            weight=number(t, "weight", f"{full}.weight", 0, 100),
            normalize=method,
            direction=text(t, "direction", f"{full}.direction", DIRECTIONS),
            low=low,
            high=high,
            per_1000=per_1000,
        ))
    if sum(i.weight for i in indicators) <= 0:
        fail("indicators.*.weight", "之和必须大于 0")

    rate = inds_t["incident_rate"]
    cw = rate.get("category_weights", {})
    if not isinstance(cw, dict):
        fail("indicators.incident_rate.category_weights", "必须是 { 类别 = 权重 } 的表")
    category_weights = {
        str(k): number(cw, k, f"indicators.incident_rate.category_weights.{k}", 0, 100)
        for k in cw
    }
    other = number(rate, "other_weight", "indicators.incident_rate.other_weight", 0, 100,
                   default=1.0)
    smoothing = number(inds_t["incident_yoy"], "smoothing", "indicators.incident_yoy.smoothing",
                       0, 1e6, default=5.0)
    window = number(inds_t["repeat_disputes"], "window_days",
                    "indicators.repeat_disputes.window_days", 1, 3650, default=180)
    if window != int(window):
        fail("indicators.repeat_disputes.window_days", "必须是整数天数")
    if "shortfall_statuses" in inds_t["evacuation_shortfall"]:
        # the shortfall is defined once, in the staging layer (is_pending): a list here would
        # look like a setting and do nothing
        fail("indicators.evacuation_shortfall.shortfall_statuses",
             "已不再使用（应转未转统一为名单上尚未转移的人员，见 queries/_staging.sql），请删除这一行")

    levels_t = table(data.get("levels"), "levels") if "levels" in data else fail(
        "levels", "缺失（需要 [levels.green] [levels.blue] [levels.yellow] [levels.red]）")
    unknown = sorted(set(levels_t) - set(LEVEL_KEYS))
    if unknown:
        fail(f"levels.{unknown[0]}", "不是已知等级（只能是 green、blue、yellow、red）")
    levels = []
    for rank, key in enumerate(LEVEL_KEYS):
        full = f"levels.{key}"
        if key not in levels_t:
            fail(full, "缺失")
        t = table(levels_t[key], full)
        color = text(t, "color", f"{full}.color")
        if not (len(color) == 7 and color[0] == "#"
                and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
            fail(f"{full}.color", "必须是 #rrggbb 形式的颜色")
        name = text(t, "name", f"{full}.name")
        levels.append(Level(key=key, name=name, label=str(t.get("label") or f"{name}色"),
                            color=color.lower(),
                            min_score=number(t, "min_score", f"{full}.min_score", 0, 100),
                            rank=rank))
    if levels[0].min_score != 0:
        fail("levels.green.min_score", "必须是 0（最低一级从 0 分开始）")
    for a, b in zip(levels, levels[1:], strict=False):
        if b.min_score <= a.min_score:
            fail(f"levels.{b.key}.min_score", f"必须大于 levels.{a.key}.min_score（{a.min_score:g}）")
    if len({lv.name for lv in levels}) != len(levels):
        fail("levels.*.name", "不能重复")

    return Model(
        path=path,
        name=str(model_t.get("name") or "社区四色预警"),
        indicators=tuple(indicators),
        levels=tuple(levels),
        category_weights=category_weights,
        other_category_weight=other,
        yoy_smoothing=smoothing,
        repeat_window_days=int(window),
        min_window_days=int(min_window),
    )


# ------------------------------------------------------------------ colours (one source of truth)
def level_color(level) -> str:
    """Hex colour of a level given by name ("红"), key ("red"), rank (3) or Level."""
    return load_model().level(level).color


def level_colors() -> dict[str, str]:
    """{"绿": "#…", "蓝": …, "黄": …, "红": …}"""
    return {lv.name: lv.color for lv in load_model().levels}


def level_of(score: float) -> Level:
    return load_model().level_of(score)


def legend_items() -> list[tuple[str, str]]:
    """(colour, label) pairs, highest risk first, for ``maps.base.legend``."""
    items = []
    levels = load_model().levels
    for i, lv in enumerate(levels):
        upper = levels[i + 1].min_score if i + 1 < len(levels) else None
        span = f"{lv.min_score:g}–{upper:g}分" if upper is not None else f"≥{lv.min_score:g}分"
        items.append((lv.color, f"{lv.label} {span}"))
    return items[::-1]


def indicator_names() -> dict[str, str]:
    """{indicator key: Chinese name}, in display order."""
    return {i.key: i.name for i in load_model().indicators}


def column_labels() -> dict[str, str]:
    """Chinese headers for the columns of ``scores`` (raw values and contributions)."""
    out = {
        "score": "风险分",
        "level": "预警等级",
        "level_rank": "等级序号",
        "color": "颜色",
        "weighted_incidents": "加权警情数",
        "weighted_incidents_yoy": "去年同期加权警情数",
        "typhoon_name": "最近台风",
        "month": "月份",
    }
    for i in load_model().indicators:
        out[i.key] = i.name
        out[f"{i.key}_points"] = f"{i.name}得分"
    return out

