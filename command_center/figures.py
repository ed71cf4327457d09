"""The registry of figures (统计口径): every figure a person reads, defined once.

Each entry says what the figure is called on every surface, its 口径 in one Chinese sentence,
its unit, which direction is better, the smallest sample it may be quoted from, and the named
query (and column) it comes from. Pages (``ui.kpi``), the 大屏, the 工作简报 and its appendix
统计口径说明, and the page 统计口径 all read it; the derived facts behind it (closed, open at a
moment, success ...) live in the staging layer, ``queries/_staging.sql``.

How a change is written follows the kind: counts and durations change in %, rates in 个百分点.
A rate or duration from fewer cases than ``min_sample`` shows 样本不足 (n=…) and no arrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from command_center.formatting import fixed, fmt_count, is_zero

KINDS = ("count", "exact", "rate", "hours", "days", "yuan", "per_1000")  # exact: 14,203 not 1.4万


@dataclass(frozen=True)
class Figure:
    key: str
    label: str  # the same on every surface
    definition: str  # 口径, one sentence
    unit: str  # 起 / 件 / 家 / 人 / 个 / % / 小时 / 天 / 元
    kind: str  # one of KINDS
    query: str  # the named query it comes from (queries/<query>.sql)
    column: str  # the column of that query
    better: str | None = None  # "lower" / "higher" / None (no colour)
    min_sample: int = 0  # rates and durations: fewest cases to quote it from
    topic: str = ""  # 警情 / 矛盾纠纷 / 社会组织 / 防台转移 / 平安乐巡 / 四色预警 (统计口径 groups)

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    @property
    def sql_path(self) -> str:
        return f"queries/{self.query}.sql"


_STAGING = "queries/_staging.sql"
_AS_OF = "含今日的时段截至此刻"
_F = Figure
FIGURES: dict[str, Figure] = {f.key: f for f in (
    # ------------------------------------------------------------------ 警情
    _F("incidents_today", "今日警情", "今日0时至此刻上报的警情、事件数。", "起", "count",
       "incidents/today_vs_baseline", "today_count", "lower", topic="警情"),
    _F("incidents_today_baseline", "近4周同日均值",
       "前4周同一星期几、0时至与此刻相同时刻上报的警情数的平均值（今日警情的对照基线）。",
       "起", "count", "incidents/today_vs_baseline", "baseline_mean", topic="警情"),
    _F("incidents", "本期警情",
       f"所选时段内上报的警情、事件数（{_AS_OF}）；同比为上年同期同一时段，环比为上一同长时段。",
       "起", "count", "incidents/totals_by_period", "incident_count", "lower", topic="警情"),
    _F("incidents_unclosed", "未办结警情",
       "本期上报、截至期末仍未办结（待受理、处置中）的警情数；同比按上年同期上报、截至上年同期末计。",
       "起", "count", "incidents/totals_by_period", "unclosed_count", "lower", topic="警情"),
    _F("incidents_closed", "已办结警情",
       "本期上报、截至期末已办结的警情数；同比为上年同期上报、截至上年同期末已办结的（同样的办结时间）。",
       "起", "count", "incidents/totals_by_period", "closed_count", "higher", topic="警情"),
    _F("incidents_open_now", "在办警情",
       "截至此刻仍在办（待受理、处置中）的全部警情，不论何时上报。",
       "起", "count", "incidents/open_count", "open_count", "lower", topic="警情"),
    _F("close_hours_median", "办结时长中位数",
       "本期上报、截至期末已办结的警情从上报到办结的时长中位数；同比对象为上年同期上报、截至上年同期末已办结的警情。",
       "小时", "hours", "incidents/totals_by_period", "median_close_hours", "lower", 20, topic="警情"),
    _F("close_hours_p90", "办结时长90分位",
       "本期上报、截至期末已办结的警情中，90%在此时长内办结；同比对象同上。",
       "小时", "hours", "incidents/totals_by_period", "p90_close_hours", "lower", 50, topic="警情"),
    _F("closed_24h_rate", "24小时办结率",
       "本期上报的警情中，上报后24小时内办结的比例（尚不满24小时的也计入分母，同比同样计算）。",
       "%", "rate", "incidents/totals_by_period", "closed_24h_rate", "higher", 20, topic="警情"),
    _F("incident_rate_per_1000", "每千人警情", "本期警情数 ÷ 户籍人口 × 1000。",
       "起/千人", "per_1000", "overview/figures_by_community", "rate_per_1000", "lower",
       topic="警情"),
    # ------------------------------------------------------------------ 矛盾纠纷
    _F("disputes", "纠纷受理", f"所选时段内受理的矛盾纠纷件数（{_AS_OF}）。", "件", "count",
       "disputes/totals", "dispute_count", topic="矛盾纠纷"),
    _F("disputes_closed", "纠纷结案",
       "本期受理、截至期末已结案（调解成功、调解不成功、已转诉讼、已撤回）的件数；同比按上年同期受理、截至上年同期末计。",
       "件", "count", "disputes/totals", "closed_count", "higher", topic="矛盾纠纷"),
    _F("dispute_success_rate", "调解成功率",
       "本期受理、截至期末已办结（调解成功、调解不成功、已转诉讼）的纠纷中调解成功的比例；已撤回和在办的不计入；同比按上年同期受理、截至上年同期末计。",
       "%", "rate", "disputes/totals", "success_rate", "higher", 20, topic="矛盾纠纷"),
    _F("disputes_open", "在办纠纷",
       "截至此刻未结案（已受理、调处中）的全部纠纷，不论何时受理。",
       "件", "count", "disputes/totals", "open_at_end_count", "lower", topic="矛盾纠纷"),
    _F("disputes_open_at_end", "期末在办纠纷",
       "截至期末未结案的全部纠纷，不论何时受理（期末为此刻时与“在办纠纷”相同）。",
       "件", "count", "disputes/totals", "open_at_end_count", "lower", topic="矛盾纠纷"),
    _F("disputes_overdue", "超期纠纷",
       "在办且已过化解时限的纠纷（截至此刻），不论何时受理。",
       "件", "count", "disputes/totals", "overdue_at_end_count", "lower", topic="矛盾纠纷"),
    _F("disputes_overdue_at_end", "期末超期纠纷",
       "截至期末在办且已过化解时限的纠纷，不论何时受理。",
       "件", "count", "disputes/totals", "overdue_at_end_count", "lower", topic="矛盾纠纷"),
    _F("dispute_amount", "涉及金额", "本期受理的纠纷登记的涉及金额合计。", "元", "yuan",
       "disputes/totals", "amount_total", topic="矛盾纠纷"),
    # ------------------------------------------------------------------ 社会组织
    _F("orgs_registered", "在册社会组织",
       "登记状态正常、期末前已登记的社会组织数（已注销、已撤销的不计）。",
       "家", "count", "social_orgs/org_summary", "registered_count", topic="社会组织"),
    _F("orgs_new", "新登记组织", "本期登记、目前登记状态正常的社会组织数。", "家", "count",
       "social_orgs/org_summary", "new_count", topic="社会组织"),
    _F("orgs_abnormal", "活动异常名录", "在册社会组织中列入活动异常名录的数量（截至期末）。",
       "家", "count", "social_orgs/org_summary", "abnormal_count", "lower", topic="社会组织"),
    _F("orgs_dishonest", "严重违法失信",
       "在册社会组织中列入严重违法失信名单的数量（截至期末；已撤销登记的不计）。",
       "家", "count", "social_orgs/org_summary", "dishonest_count", "lower",
       topic="社会组织"),
    _F("orgs_rated_3a_share", "3A及以上", "在册社会组织中评估等级为3A、4A、5A的比例。", "%",
       "rate", "social_orgs/org_summary", "rated_3a_count", "higher", topic="社会组织"),
    _F("orgs_staff", "专职人员", "在册社会组织登记的专职人员合计。", "人", "count",
       "social_orgs/org_summary", "staff_total", topic="社会组织"),
    _F("orgs_volunteers", "志愿者", "在册社会组织登记的志愿者合计。", "人", "count",
       "social_orgs/org_summary", "volunteer_total", topic="社会组织"),
    _F("org_mediated_disputes", "组织调解纠纷",
       "本期受理、由社会组织（调解组织）调解的纠纷件数。", "件", "count",
       "social_orgs/mediation_by_org", "dispute_count", topic="社会组织"),
    _F("org_mediation_success_rate", "组织调解成功率",
       "由社会组织调解、本期受理且截至期末已办结（调解成功、调解不成功、已转诉讼）的纠纷中调解成功的比例（与调解成功率同一口径，范围限于社会组织调解的）。",
       "%", "rate", "social_orgs/mediation_by_org", "success_rate", "higher", 20,
       topic="社会组织"),
    _F("orgs_mediating", "参与调解组织", "本期有受理纠纷的调解组织数。", "家", "count",
       "social_orgs/mediation_by_org", "org_id", "higher", topic="社会组织"),
    _F("brand_room_disputes", "品牌调解室案件", "本期受理、由品牌调解室调解的纠纷件数。", "件",
       "count", "social_orgs/mediation_by_org", "brand_count", topic="社会组织"),
    # ------------------------------------------------------------------ 防台转移
    _F("evac_planned", "应转移", "转移名单上的全部人员（含拒绝转移）。", "人", "exact",
       "typhoon/progress_summary", "persons_planned", topic="防台转移"),
    _F("evac_moved", "已转移", "状态为已转移或已返回的人员。", "人", "exact",
       "typhoon/progress_summary", "persons_moved", "higher", topic="防台转移"),
    _F("evac_rate", "转移率", "已转移 ÷ 应转移（人数）。", "%", "rate",
       "typhoon/progress_summary", "transfer_rate", "higher", topic="防台转移"),
    _F("evac_pending", "应转未转",
       "应转移而尚未转移的人员：待转移与拒绝转移之和（= 应转移 − 已转移）。",
       "人", "exact", "typhoon/progress_summary", "persons_pending", "lower", topic="防台转移"),
    _F("evac_refused", "拒绝转移", "状态为拒绝转移的人员（计入应转未转）。", "人", "exact",
       "typhoon/progress_summary", "persons_refused", "lower", topic="防台转移"),
    _F("evac_central", "集中安置", "已转移人员中集中安置的人数（其余为投亲靠友）。", "人",
       "count", "typhoon/progress_summary", "persons_central", topic="防台转移"),
    _F("shelters", "避灾场所", "登记的避灾安置场所数。", "处", "count",
       "overview/figures_by_community", "shelter_count", topic="防台转移"),
    _F("shelters_in_use", "启用场所", "所选时刻有人在场（集中安置、已转移且未返回）的场所数。", "处",
       "count", "typhoon/shelter_occupancy", "occupancy", topic="防台转移"),
    _F("shelter_occupants", "在场人数", "所选时刻集中安置到各场所、已转移且尚未返回的人数。", "人",
       "count", "typhoon/shelter_occupancy", "occupancy", topic="防台转移"),
    _F("shelter_use_rate", "启用场所使用率", "启用场所的在场人数 ÷ 其容量。", "%", "rate",
       "typhoon/shelter_occupancy", "occupancy", topic="防台转移"),
    _F("shelters_near_full", "将满场所", "在场人数达到容量90%（未满）的场所数。", "处", "count",
       "typhoon/shelter_occupancy", "occupancy", "lower", topic="防台转移"),
    _F("shelters_full", "已满场所", "在场人数达到或超过容量的场所数。", "处", "count",
       "typhoon/shelter_occupancy", "occupancy", "lower", topic="防台转移"),
    # ------------------------------------------------------------------ 平安乐巡
    _F("patrols_done", "已完成巡逻任务",
       f"所选时段内计划开始、截至期末已签退完成的平安乐巡任务数（{_AS_OF}，已取消的不计）；同比按上年同期、截至上年同期末计。",
       "次", "count", "patrols/totals", "done_count", "higher", topic="平安乐巡"),
    _F("patrol_participants", "参与人次",
       "已完成巡逻任务的参与人数之和（一人参加两次计两人次）。",
       "人次", "count", "patrols/totals", "participant_count", "higher", topic="平安乐巡"),
    _F("patrol_hours", "巡逻时长",
       "已完成巡逻任务从签到到签退的时长之和（按任务计，不乘人数），单位小时。",
       "小时", "count", "patrols/totals", "patrol_hours", "higher", topic="平安乐巡"),
    _F("patrol_communities", "覆盖社区数", "本期有已完成巡逻任务的社区数。", "个", "count",
       "patrols/totals", "community_count", "higher", topic="平安乐巡"),
    _F("patrol_points", "发放积分", "已完成巡逻任务发放的积分合计。", "分", "count",
       "patrols/totals", "points_total", topic="平安乐巡"),
    _F("patrol_people_now", "在岗巡逻人数",
       "此刻已签到、尚未签退的巡逻任务的参与人数之和，不论计划何时开始。",
       "人", "count", "patrols/active_now", "people_on_patrol", topic="平安乐巡"),
    _F("patrol_hours_per_incident", "每起警情巡逻时长",
       "社区本期巡逻时长 ÷ 本期警情数（均截至期末）；数值越小，巡逻相对警情越少。",
       "小时", "count", "patrols/coverage_by_community", "hours_per_incident", "higher",
       topic="平安乐巡"),
    # ------------------------------------------------------------------ 四色预警
    _F("risk_red", "红色社区", "四色预警评分为红色（高风险）的社区数。", "个", "count",
       "risk/scores_by_community", "level", "lower", topic="四色预警"),
    _F("risk_yellow", "黄色社区", "四色预警评分为黄色的社区数。", "个", "count",
       "risk/scores_by_community", "level", "lower", topic="四色预警"),
)}


def fig(key: str) -> Figure:
    return FIGURES[key]


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def value_text(key: str, value, *, unit: bool = False) -> str:
    """A figure's value as people read it: 1,234 · 98.0% · 12.5 小时 · 3.2 天 · 1.2万元."""
    f = FIGURES[key]
    if _missing(value):
        return "—"
    if f.kind == "rate":
        return f"{fixed(value * 100)}%"
    if f.kind == "hours":
        return f"{fixed(value)}小时" if value < 48 else f"{fixed(value / 24)}天"
    if f.kind == "days":
        return f"{fixed(value)}天"
    if f.kind == "exact":
        return f"{int(value):,}" + (f.unit if unit else "")
    if f.kind == "yuan":
        return fmt_count(value) + "元"
    if f.kind == "per_1000":
        return fixed(value, 2)
    text = fmt_count(value)
    # a total of hours (巡逻时长 558.1) is not a count of things: it always says its unit
    return text + (f.unit if unit or f.unit == "小时" else "")


def enough(key: str, n) -> bool:
    """Whether ``n`` cases are enough to quote the figure (and compare it)."""
    f = FIGURES[key]
    return f.min_sample == 0 or (n is not None and not _missing(n) and n >= f.min_sample)


def short_sample_text(n) -> str:
    return f"样本不足（n={0 if _missing(n) else int(n)}）"


def change(key: str, now, before, *, n_before=None) -> str | None:
    """The change from ``before`` to ``now`` as the figure's kind writes it: '+5.2%' / '−3.0%'
    for counts and durations, '+0.9个百分点' for rates, '持平'; None when it cannot be said
    (nothing to compare, a zero base, or a comparison sample below the minimum)."""
    f = FIGURES[key]
    if _missing(now) or _missing(before) or not enough(key, n_before if f.min_sample else None):
        return None
    if f.is_rate:
        d = (now - before) * 100
        return "持平" if is_zero(d) else f"{fixed(d, 1, '+')}个百分点"
    return relative_change(now, before)


def relative_change(now, before) -> str | None:
    """'+5.2%' / '−3.0%' / '持平' from ``before`` to ``now``; None without both or from 0."""
    if _missing(now) or _missing(before) or before == 0:
        return None
    c = (now - before) / before * 100
    return "持平" if is_zero(c) else f"{fixed(c, 1, '+')}%"


def help_text(key: str, extra: str = "") -> str:
    """The metric's help: its 口径, what it comes from, where all of them are listed."""
    f = FIGURES[key]
    sample = f"；样本少于 {f.min_sample} 件时显示“样本不足”" if f.min_sample else ""
    tail = f"\n\n口径来源：`{f.sql_path}`（派生字段见 `{_STAGING}`）；全部口径见“统计口径”页。"
    return f"**{f.label}**：{f.definition}{sample}" + (f"\n\n{extra}" if extra else "") + tail


def catalog() -> list[Figure]:
    """Every figure, grouped by topic in registry order (the 统计口径 page, the appendix)."""
    return list(FIGURES.values())
