"""The briefing's sentences per topic (警情, 纠纷, 社会组织, 巡逻, 台风, 四色预警) and the context
every section shares.
"""

from __future__ import annotations

from command_center.access import current
from command_center.briefing import periods as bp
from command_center.briefing.wording import (
    as_int,
    change_text,
    join_names,
    missing,
    num,
    pct,
    points_text,
)


class Ctx:
    """What every section needs: names of the period, its comparisons and their availability."""

    def __init__(self, d):
        self.d = d
        self.this = bp.THIS[d.kind]  # 本月
        self.prev_name = {"week": "上周", "month": "上月", "quarter": "上季度"}.get(d.kind, "上期")
        # 全县 / 全市 from the county's configured unit, or a scoped viewer's own communities
        self.where = current.whole() if not d.communities else (
            d.community_names.get(d.communities[0], d.communities[0])
            if len(d.communities) == 1 else f"所选{len(d.communities)}个社区")

        def covers(first_on, period) -> bool:
            return first_on is not None and first_on <= period.start

        self.inc_ya = covers(d.incidents_first_on, d.year_ago)
        self.inc_prev = covers(d.incidents_first_on, d.previous)
        self.dis_ya = covers(d.disputes_first_on, d.year_ago)
        self.dis_prev = covers(d.disputes_first_on, d.previous)

    def yoy(self, now, before, *, available: bool, unit="起") -> str:
        return change_text(now, before, "同比", available=available, base="上年同期", unit=unit)

    def mom(self, now, before, *, available: bool, unit="起") -> str:
        return change_text(now, before, "环比", available=available, base=self.prev_name,
                           unit=unit)


def incident_sentence(c: Ctx) -> str:
    d = c.d
    inc = d.incidents
    n = as_int(inc.get("incident_count")) or 0
    text = (f"{c.this}{c.where}共接报警情{num(n, '起')}，"
            f"{c.yoy(n, as_int(inc.get('year_ago_count')), available=c.inc_ya)}，"
            f"{c.mom(n, as_int(inc.get('previous_count')), available=c.inc_prev)}")
    cats = d.incidents_by_category.set_index("category") if len(d.incidents_by_category) else None
    parts = []
    for cat in ("刑事", "治安"):
        if cats is not None and cat in cats.index:
            r = cats.loc[cat]
            parts.append(f"{cat}警情{num(r['incident_count'], '起')}"
                         f"（{c.yoy(int(r['incident_count']), int(r['year_ago_count']), available=c.inc_ya)}）")
    if parts:
        text += "；其中" + "，".join(parts)
    return text + "。"


def dispute_sentence(c: Ctx) -> str:
    dis, back = c.d.disputes, c.d.dispute_backlog
    n = as_int(dis.get("dispute_count")) or 0
    text = (f"受理矛盾纠纷{num(n, '件')}，"
            f"{c.yoy(n, as_int(dis.get('year_ago_count')), available=c.dis_ya, unit='件')}，"
            f"{c.mom(n, as_int(dis.get('previous_count')), available=c.dis_prev, unit='件')}")
    rate = dis.get("success_rate")
    if not missing(rate):
        ya_rate = dis.get("year_ago_success_rate") if c.dis_ya else None
        text += f"；调解成功率{pct(rate)}，{points_text(rate, ya_rate, '同比')}"
    open_n, overdue = as_int(back.get("open_count")) or 0, as_int(back.get("overdue_count")) or 0
    text += f"；期末在办{num(open_n, '件')}，" + (
        f"其中超期未化解{num(overdue, '件')}" if overdue else "无超期未化解纠纷")
    return text + "。"


def org_sentence(c: Ctx) -> str:
    orgs, credit = c.d.orgs, c.d.org_credit
    new = as_int(orgs.get("new_count")) or 0
    text = (f"登记在册社会组织{num(orgs.get('org_count'), '家')}，"
            + (f"{c.this}新登记{num(new, '家')}" if new else f"{c.this}无新登记"))
    listed = (as_int(credit.get("abnormal_count")) or 0, as_int(credit.get("dishonest_count")) or 0)
    text += (f"；列入活动异常名录{num(listed[0], '家')}、严重违法失信名单{num(listed[1], '家')}")
    return text + "。"


def patrol_sentence(c: Ctx) -> str | None:
    """平安乐巡: completed tasks and participants (人次) with their 同比; None without patrol
    data."""
    d = c.d
    if d.patrols_first_on is None:
        return None
    p = d.patrols
    available = d.patrols_first_on <= d.year_ago.start
    n, people = as_int(p.get("done_count")) or 0, as_int(p.get("participant_count")) or 0
    return (f"平安乐巡完成巡逻任务{num(n, '次')}，"
            f"{c.yoy(n, as_int(p.get('year_ago_done_count')), available=available, unit='次')}；"
            f"参与群众{num(people, '人次')}，"
            f"{c.yoy(people, as_int(p.get('year_ago_participant_count')), available=available)}。")


def typhoon_progress(t) -> str:
    level = f"启动{t['response_level']}级应急响应，" if not missing(t["response_level"]) else ""
    return (f"{level}应转移{num(t['persons_planned'], '人')}，已转移{num(t['persons_moved'], '人')}，"
            f"转移率{pct(t['transfer_rate'])}"
            + (f"，应转未转{num(t['persons_pending'], '人')}" if t["persons_pending"] else "")
            + "。")


def typhoon_sentence(t) -> str:
    return f"受台风“{t['name_cn']}”（{t['typhoon_id']}号）影响，" + typhoon_progress(t)


def risk_counts(c: Ctx) -> tuple[dict[str, int], list[str]]:
    from command_center import risk

    levels = risk.load_model().levels
    df = c.d.risk_now
    counts = {lv.name: int((df["level"] == lv.name).sum()) for lv in levels}
    return counts, risk.turned_top(df)["community_name"].tolist()


def risk_prev_name(c: Ctx) -> str:
    a = c.d.risk_assessment
    return a.previous_name(c.prev_name) if a is not None else c.prev_name


def risk_compared(c: Ctx) -> bool:
    a = c.d.risk_assessment
    return a is None or a.compared


def risk_sentence(c: Ctx) -> str:
    counts, turned = risk_counts(c)
    total = sum(counts.values())
    parts = [f"{name}色{num(n, '个')}" for name, n in reversed(counts.items())]
    text = f"四色预警：{total}个社区中{join_names(parts)}"
    top = list(counts)[-1]
    prev_name = risk_prev_name(c)
    if not risk_compared(c):
        return text + f"（{c.d.risk_assessment.comparison_text(prev_name)}）。"
    text += (f"，较{prev_name}新转为{top}色{num(len(turned), '个')}（{join_names(turned)}）"
             if turned else f"，较{prev_name}无新转为{top}色的社区")
    return text + "。"

