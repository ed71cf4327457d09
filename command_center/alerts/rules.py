"""The alert rules: ``alerts.toml`` at the repository root (``CC_ALERTS_CONFIG`` for another).

Validated like ``risk.toml``: a bad value raises :class:`AlertConfigError` with a Chinese message
naming the file and the key, e.g. ``alerts.toml：rules.shelter_full.level 必须是 提示 / 关注 / 紧急 之一``.
Each rule has a kind (the condition the SQL measures, fixed) and the parameters of that kind.
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from command_center import config
from command_center.schema import DATASETS

DEFAULT_PATH = config.ROOT / "alerts.toml"
LEVELS = ("提示", "关注", "紧急")  # low → high; the rank is the index
CHANNELS = ("webhook", "email")
PERIODS = ("today", "7d", "month", "year")


class AlertConfigError(ValueError):
    """The rules file is invalid; the message (Chinese) names the file and the key."""


# kind → {parameter: (type, low, high, default)}; type "num", "int", "text:<a|b>", "list", "hours"
KINDS: dict[str, dict[str, tuple]] = {
    "risk_level": {"levels": ("list", None, None, None), "period": ("text:" + "|".join(PERIODS),
                                                                    None, None, "month")},
    "shelter_occupancy": {"min_share": ("num", 0.01, 10, None),
                          "max_share": ("num", 0.01, 100, 100.0)},
    "evacuation_pending": {"after_hours": ("num", 0, 720, None),
                           "min_persons": ("int", 1, 1_000_000, 1)},
    "dispute_overdue": {"min_days_overdue": ("int", 1, 3650, 1),
                        "min_count": ("int", 1, 100_000, 1),
                        "risk_levels": ("list", None, None, [])},
    "incident_surge": {"group_by": ("text:community|category", None, None, None),
                       "window_minutes": ("int", 10, 1440, 60),
                       "weeks": ("int", 2, 52, 8),
                       "k": ("num", 0, 20, 3.0),
                       "min_count": ("int", 1, 100_000, 5)},
    "data_stale": {"max_hours": ("hours", 0.1, 24 * 366, None)},
}
KIND_NAMES = {
    "risk_level": "社区四色预警等级",
    "shelter_occupancy": "安置点入住率",
    "evacuation_pending": "应转未转",
    "dispute_overdue": "纠纷超过化解时限",
    "incident_surge": "警情异常增多",
    "data_stale": "数据未更新",
}


@dataclass(frozen=True)
class Rule:
    key: str
    name: str
    level: str  # 提示 / 关注 / 紧急
    kind: str
    condition: dict
    scope: tuple[str, ...] = ()  # community codes; empty: 全县
    cooldown_minutes: int = 0
    recipients: tuple[str, ...] = ()  # "webhook", "email" or e-mail addresses
    enabled: bool = True

    @property
    def level_rank(self) -> int:
        return LEVELS.index(self.level)

    @property
    def scope_text(self) -> str:
        return "全县" if not self.scope else "、".join(self.scope)

    def channels(self) -> list[str]:
        """The channels this rule sends to ("webhook", "email")."""
        out = [c for c in CHANNELS if c in self.recipients]
        if "email" not in out and any("@" in r for r in self.recipients):
            out.append("email")
        return out

    def email_addresses(self) -> list[str]:
        return [r for r in self.recipients if "@" in r]


@dataclass(frozen=True)
class RuleSet:
    path: Path
    rules: tuple[Rule, ...] = field(default_factory=tuple)

    def rule(self, key: str) -> Rule:
        for r in self.rules:
            if r.key == key:
                return r
        raise KeyError(key)


def config_path() -> Path:
    p = os.environ.get("CC_ALERTS_CONFIG")
    if not p:
        return DEFAULT_PATH
    path = Path(p)
    return path if path.is_absolute() else config.ROOT / path


def load_rules(path: Path | str | None = None) -> RuleSet:
    path = Path(path) if path else config_path()
    if not path.is_file():
        raise AlertConfigError(f"找不到预警规则文件：{path}")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise AlertConfigError(f"{path.name}：不是合法的 TOML 文件（{exc}）") from None
    return parse_rules(data, path)


def parse_rules(data: dict, path: Path | str = DEFAULT_PATH) -> RuleSet:
    path = Path(path)
    where = path.name

    def fail(key: str, what: str):
        raise AlertConfigError(f"{where}：{key} {what}")

    rules_t = data.get("rules")
    if not isinstance(rules_t, dict) or not rules_t:
        fail("rules", "缺失（需要 [rules.<键名>] 各节）")
    unknown_top = sorted(set(data) - {"rules"})
    if unknown_top:
        fail(unknown_top[0], "不是已知的设置（只能有 [rules.<键名>]）")
    rules = []
    for key, t in rules_t.items():
        full = f"rules.{key}"
        if not key.replace("_", "").isascii() or not key.replace("_", "").isalnum():
            fail(full, "键名只能用英文字母、数字和下划线")
        if not isinstance(t, dict):
            fail(full, "必须是一个表（[rules.<键名>]）")
        allowed = {"name", "level", "kind", "condition", "scope", "cooldown_minutes",
                   "recipients", "enabled"}
        extra = sorted(set(t) - allowed)
        if extra:
            fail(f"{full}.{extra[0]}", "不是已知的设置（可用：" + "、".join(sorted(allowed)) + "）")
        name = t.get("name")
        if not isinstance(name, str) or not name.strip():
            fail(f"{full}.name", "必须是非空文字（规则的中文名）")
        level = t.get("level")
        if level not in LEVELS:
            fail(f"{full}.level", "必须是 " + " / ".join(LEVELS) + " 之一")
        kind = t.get("kind")
        if kind not in KINDS:
            fail(f"{full}.kind", "必须是 " + " / ".join(KINDS) + " 之一")
        condition = _condition(t.get("condition", {}), kind, f"{full}.condition", fail)
        scope = t.get("scope", "全县")
        if scope == "全县":
            scope = []
        if not isinstance(scope, list) or not all(isinstance(s, str) and s.strip()
                                                  for s in scope):
            fail(f"{full}.scope", "必须是 \"全县\" 或社区编码的列表")
        cooldown = t.get("cooldown_minutes", 0)
        if isinstance(cooldown, bool) or not isinstance(cooldown, int) or not \
                0 <= cooldown <= 525_600:
            fail(f"{full}.cooldown_minutes", "必须是 0–525600 之间的整数（分钟）")
        recipients = t.get("recipients", [])
        if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
            fail(f"{full}.recipients", "必须是文字列表，如 [\"webhook\", \"email\"]")
        for r in recipients:
            if r not in CHANNELS and not _is_address(r):
                fail(f"{full}.recipients", f"中的 {r!r} 既不是 webhook / email，也不是邮箱地址")
        enabled = t.get("enabled", True)
        if not isinstance(enabled, bool):
            fail(f"{full}.enabled", "必须是 true 或 false")
        rules.append(Rule(key=key, name=name.strip(), level=level, kind=kind,
                          condition=condition, scope=tuple(s.strip() for s in scope),
                          cooldown_minutes=cooldown, recipients=tuple(recipients),
                          enabled=enabled))
    return RuleSet(path=path, rules=tuple(rules))


def _is_address(text: str) -> bool:
    local, _, domain = text.partition("@")
    return bool(local) and "." in domain and " " not in text


def _condition(obj, kind: str, full: str, fail) -> dict:
    if not isinstance(obj, dict):
        fail(full, "必须是一个表（[" + full + "]）")
    spec = KINDS[kind]
    extra = sorted(set(obj) - set(spec))
    if extra:
        fail(f"{full}.{extra[0]}", f"不是 {kind} 的条件参数（可用：" + "、".join(spec) + "）")
    out = {}
    for param, (typ, lo, hi, default) in spec.items():
        key = f"{full}.{param}"
        v = obj.get(param, default)
        if v is None:
            fail(key, "缺失")
        if typ in ("num", "int"):
            ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            if typ == "int" and ok and v != int(v):
                ok = False
            if not ok or not lo <= v <= hi:
                what = "整数" if typ == "int" else "数字"
                fail(key, f"必须是 {lo:g}–{hi:g} 之间的{what}")
            v = int(v) if typ == "int" else float(v)
        elif typ.startswith("text:"):
            choices = typ[5:].split("|")
            if v not in choices:
                fail(key, "必须是 " + " / ".join(choices) + " 之一")
        elif typ == "list":
            if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
                fail(key, "必须是文字列表")
            v = list(v)
        elif typ == "hours":
            if not isinstance(v, dict) or not v:
                fail(key, "必须是 { 数据集 = 小时 } 的表，如 { incidents = 6 }")
            for ds, hours in v.items():
                if ds not in DATASETS:
                    fail(f"{key}.{ds}", "不是已知数据集（可用：" + "、".join(DATASETS) + "）")
                if isinstance(hours, bool) or not isinstance(hours, int | float) or \
                        not lo <= hours <= hi:
                    fail(f"{key}.{ds}", f"必须是 {lo:g}–{hi:g} 之间的小时数")
            v = {ds: float(h) for ds, h in v.items()}
        out[param] = v
    if kind == "risk_level" and not out["levels"]:
        fail(f"{full}.levels", "不能为空（如 [\"红\"]）")
    if kind == "risk_level":
        from command_center import risk

        names = [lv.name for lv in risk.load_model().levels]
        for lv in out["levels"]:
            if lv not in names:
                fail(f"{full}.levels", f"中的 {lv!r} 不是四色预警等级（可用：" + "、".join(names) + "）")
    if kind == "dispute_overdue":
        from command_center.schema import RISK_LEVELS

        for lv in out["risk_levels"]:
            if lv not in RISK_LEVELS:
                fail(f"{full}.risk_levels", f"中的 {lv!r} 不是纠纷风险等级（可用："
                     + "、".join(RISK_LEVELS) + "）")
    if kind == "shelter_occupancy" and out["max_share"] <= out["min_share"]:
        fail(f"{full}.max_share", "必须大于 min_share")
    return out
