"""Each rule's condition over the warehouse, as of the dashboard's clock (``config.now()``).

A rule kind is one function: it runs its named query (``queries/alerts/*.sql``; the four-color
model through ``risk.assess``) and returns the :class:`Finding` s that hold now, one per event
(a community, a shelter, a typhoon, a dataset …). The event key says which event it is: while
the same key keeps coming back the alert stays active; when it stops, the alert is resolved.
Messages carry names of places and counts only, never a person (and pass ``mask_text``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd

from command_center.alerts.rules import Rule
from command_center.formatting import fixed, fmt_pct
from command_center.privacy import mask_text
from command_center.schema import DATASETS


@dataclass(frozen=True)
class Finding:
    event_key: str  # "<rule>:<what>", stable while the condition holds
    title: str  # one line for the wall banner: place + what
    message: str  # the detail (figures) for the page and the messages
    link: str  # page path + query parameters the page understands


def link(path: str, **params) -> str:
    """``/risk?risk_community=…``: list values become repeated parameters."""
    pairs = [(k, x) for k, v in params.items() if v not in (None, "", [])
             for x in (v if isinstance(v, list | tuple) else [v])]
    return f"/{path}" + (f"?{urlencode(pairs)}" if pairs else "")


def _q(name: str, warehouse: Path | None, **params) -> pd.DataFrame:
    from queries import run_query_uncached

    return run_query_uncached(name, warehouse, **params)


def _fmt_num(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _typhoon_link(typhoon_id, name_cn) -> str:
    """The 防台转移 page on that typhoon: its bound selectbox keeps the option's label in the
    URL (``?ty_id=2106+烟花``)."""
    from command_center.typhoon import option_label

    return link("typhoon", ty_id=option_label({"typhoon_id": typhoon_id, "name_cn": name_cn}))


# ------------------------------------------------------------------ one function per kind
def _risk_level(rule: Rule, now: dt.datetime, warehouse) -> list[Finding]:
    from command_center import risk
    from command_center.periods import resolve

    c = rule.condition
    period = resolve(c["period"], now)
    a = risk.assess(period, list(rule.scope) or None, warehouse=warehouse)
    df = a.scores[a.scores["level"].isin(c["levels"])]
    out = []
    for r in df.itertuples():
        out.append(Finding(
            event_key=f"{rule.key}:{r.community_code}",
            title=f"{r.community_name} {r.level}色预警",
            message=f"{r.community_name}四色预警为{r.level}色，风险分 {fixed(r.score)}"
                    f"（{a.window.label()}）",
            # the page's community selectbox keeps its label (the name) in the URL
            link=link("risk", period=c["period"], risk_community=r.community_name),
        ))
    return out


def _shelter_occupancy(rule: Rule, now, warehouse) -> list[Finding]:
    from queries import run_query_uncached

    c = rule.condition
    out = []
    for t in _q("alerts/active_typhoons", warehouse, now=now).itertuples():
        df = run_query_uncached("typhoon/shelter_occupancy", warehouse, typhoon_id=t.typhoon_id,
                                ref_at=now, communities=list(rule.scope))
        rate = df["occupancy_rate"].astype(float)
        hit = df[(rate >= c["min_share"]) & (rate < c["max_share"])]
        for r in hit.itertuples():
            full = r.occupancy >= r.capacity
            out.append(Finding(
                event_key=f"{rule.key}:{t.typhoon_id}:{r.shelter_id}",
                title=f"{r.shelter_name}{'已满员' if full else '接近满员'}",
                message=f"台风{t.name_cn}：{r.shelter_name}（{r.community_name or '社区不明'}）"
                        f"已安置 {r.occupancy} 人，容量 {r.capacity} 人，"
                        f"入住率 {fmt_pct(r.occupancy_rate, 0)}",
                link=_typhoon_link(t.typhoon_id, t.name_cn),
            ))
    return out


def _evacuation_pending(rule: Rule, now, warehouse) -> list[Finding]:
    c = rule.condition
    df = _q("alerts/pending_by_typhoon", warehouse, now=now, after_hours=c["after_hours"],
            communities=list(rule.scope))
    out = []
    for r in df[df["pending_persons"] >= c["min_persons"]].itertuples():
        hours = (now - pd.Timestamp(r.warning_start_at).to_pydatetime()).total_seconds() / 3600
        out.append(Finding(
            event_key=f"{rule.key}:{r.typhoon_id}",
            title=f"台风{r.name_cn}应转未转 {r.pending_persons} 人",
            message=f"台风{r.name_cn}预警已 {fixed(hours, 0)} 小时，仍有 {r.pending_persons} 人"
                    f"（{r.pending_records} 户）应转未转",
            link=_typhoon_link(r.typhoon_id, r.name_cn),
        ))
    return out


def _dispute_overdue(rule: Rule, now, warehouse) -> list[Finding]:
    c = rule.condition
    df = _q("alerts/overdue_disputes_by_community", warehouse, now=now,
            min_days_overdue=c["min_days_overdue"], risk_levels=c["risk_levels"],
            min_count=c["min_count"], communities=list(rule.scope))
    what = ("、".join(c["risk_levels"]) + "色风险") if c["risk_levels"] else ""
    out = []
    for r in df.itertuples():
        out.append(Finding(
            event_key=f"{rule.key}:{r.community_code}",
            title=f"{r.community_name} {r.overdue_count} 件{what}纠纷超期",
            message=f"{r.community_name}有 {r.overdue_count} 件{what}矛盾纠纷超过化解时限仍未办结，"
                    f"最长超期 {r.max_days_overdue} 天",
            # the page's risk multiselect keeps its labels (红色 …) in the URL
            link=link("disputes", communities=r.community_code,
                      dsp_risk=[f"{lv}色" for lv in c["risk_levels"]]),
        ))
    return out


def _incident_surge(rule: Rule, now, warehouse) -> list[Finding]:
    c = rule.condition
    df = _q("alerts/incident_surge", warehouse, now=now, group_by=c["group_by"],
            window_minutes=c["window_minutes"], weeks=c["weeks"], k=c["k"],
            min_count=c["min_count"], communities=list(rule.scope))
    out = []
    for r in df.itertuples():
        by_community = c["group_by"] == "community"
        params = ({"communities": r.group_code} if by_community else {"inc_category": r.group_code})
        out.append(Finding(
            event_key=f"{rule.key}:{r.group_code}",
            title=f"{r.group_name}{'' if by_community else '类'}警情异常增多",
            message=f"近 {c['window_minutes']} 分钟{r.group_name}{'' if by_community else '类'}"
                    f"警情 {r.current_count} 起，往周同期平均 {fixed(r.baseline_mean)} 起"
                    f"（前 {r.baseline_weeks} 周同一星期、同一时段）",
            link=link("incidents", period="today", **params),
        ))
    return out


def _data_stale(rule: Rule, now, warehouse) -> list[Finding]:
    limits = rule.condition["max_hours"]
    df = _q("alerts/stale_datasets", warehouse, now=now, datasets=list(limits),
            max_hours=list(limits.values()))
    out = []
    for r in df.itertuples():
        title = DATASETS[r.dataset].title
        if pd.isna(r.last_imported_at):
            since = "尚未导入过"
        else:
            since = f"已 {fixed(r.hours_since, 0)} 小时未导入（应不超过 {_fmt_num(r.max_hours)} 小时）"
        out.append(Finding(
            event_key=f"{rule.key}:{r.dataset}",
            title=f"{title}数据长时间未更新",
            message=f"{title}{since}，请检查源系统导出",
            link=link("data"),
        ))
    return out


KIND_FUNCTIONS = {
    "risk_level": _risk_level,
    "shelter_occupancy": _shelter_occupancy,
    "evacuation_pending": _evacuation_pending,
    "dispute_overdue": _dispute_overdue,
    "incident_surge": _incident_surge,
    "data_stale": _data_stale,
}


def findings(rule: Rule, now: dt.datetime, warehouse: Path | None = None) -> list[Finding]:
    """What holds for ``rule`` at ``now``; texts masked (no personal data leaves)."""
    found = KIND_FUNCTIONS[rule.kind](rule, now, warehouse)
    return [Finding(f.event_key, mask_text(f.title), mask_text(f.message), f.link)
            for f in found]
