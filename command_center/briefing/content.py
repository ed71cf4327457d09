"""The briefing's content: sentences, tables and figures built from query results (pure).

``build(data)`` takes a ``BriefingData`` (``data.fetch``) and returns a ``Briefing``; every
renderer (the page, Word, PDF, Excel) shows the same object. The parts live beside this module:
the document's types in ``document``, all wording in ``wording`` (counts as ``1,234起``, shares
as ``5.2%``, changes as 同比上升/下降 …%、持平, a comparison window without data as 上年同期无数据 /
上月无数据, never as a fall to zero), the sentences per topic in ``sentences`` and the sections
in ``sections``; here the appendix, the community table and the assembly.
"""

from __future__ import annotations

from command_center.access import current
from command_center.briefing import periods as bp
from command_center.briefing.document import (
    CELL_KINDS,
    MIN_RISE,
    NUMERALS,
    Briefing,
    Column,
    Figure,
    Section,
    Table,
)
from command_center.briefing.sections import (
    attention_section,
    disputes_section,
    incidents_section,
    orgs_section,
    overview_section,
    risk_section,
    typhoon_section,
)
from command_center.briefing.sentences import Ctx
from command_center.briefing.wording import (
    as_int,
    cell_text,
    change_text,
    join_names,
    missing,
    num,
    pct,
    points_text,
    rel_change,
)

__all__ = ["BRIEFING_FIGURES", "CELL_KINDS", "MIN_RISE", "NUMERALS", "Briefing", "Column",
           "Figure", "Section", "Table", "build", "cell_text", "change_text", "num", "pct",
           "points_text", "rel_change"]

# the registry figures a briefing quotes (its appendix 统计口径说明 gives their 口径)
BRIEFING_FIGURES = ("incidents", "incidents_unclosed", "disputes", "dispute_success_rate",
                    "disputes_open_at_end", "disputes_overdue_at_end", "orgs_registered",
                    "orgs_new", "orgs_abnormal", "orgs_dishonest", "evac_planned", "evac_moved",
                    "evac_rate", "evac_pending", "patrols_done", "patrol_participants", "risk_red",
                    "incident_rate_per_1000")


def _definitions(c: Ctx) -> Section:
    """附：统计口径说明, from the registry (the same sentences as the pages' help texts)."""
    from command_center import figures

    s = Section("definitions", "统计口径说明")
    s.paragraphs = [f"{figures.fig(k).label}：{figures.fig(k).definition}"
                    for k in BRIEFING_FIGURES]
    s.paragraphs.append(f"统计时段含今日的，截至生成时刻（{c.d.generated_at:%H:%M}）；同比与上年同期"
                        "同一时段比较，环比与上一周期的相同天数比较；比较时段早于数据起始日的，注明无数据。")
    return s


def _community_table(c: Ctx) -> Table:
    d = c.d
    df = d.by_community.sort_values(["incident_count", "community_code"], ascending=[False, True])
    levels = {}
    if d.risk_now is not None:
        levels = dict(zip(d.risk_now["community_code"], d.risk_now["level"], strict=True))
    cols = [Column("社区"), Column("片区"), Column("人口", "count"), Column("警情数", "count"),
            Column("每千人警情", "rate"), Column("同比", "change"), Column("环比", "change"),
            Column("纠纷受理", "count"), Column("在办纠纷", "count"), Column("超期纠纷", "count")]
    if levels:
        cols.append(Column("预警等级"))
    rows = []
    for r in df.itertuples():
        row = [r.community_name, r.area_name, as_int(r.population), int(r.incident_count),
               None if missing(r.rate_per_1000) else float(r.rate_per_1000),
               rel_change(r.incident_count, r.year_ago_count) if c.inc_ya else None,
               rel_change(r.incident_count, r.previous_count) if c.inc_prev else None,
               int(r.dispute_count), int(r.open_dispute_count), int(r.overdue_count)]
        if levels:
            lv = levels.get(r.community_code)
            row.append(f"{lv}色" if lv else "—")
        rows.append(row)
    return Table("各社区情况", cols, rows,
                 note="每千人警情按户籍人口计；同比、环比为警情数的变化；在办、超期纠纷为期末数。")


def _scope(d) -> str:
    if not d.communities:
        return current.whole()
    names = [d.community_names.get(x, x) for x in d.communities]
    return join_names(names[:5]) + (f"等{len(names)}个社区" if len(names) > 5 else "")


def build(d) -> Briefing:
    """The briefing for the fetched data ``d`` (a ``data.BriefingData``)."""
    c = Ctx(d)
    kind_name = bp.KINDS[d.kind] if d.kind != "custom" else "简报"
    sections = [overview_section(c), incidents_section(c), disputes_section(c), orgs_section(c)]
    for extra in (typhoon_section(c), risk_section(c)):
        if extra is not None:
            sections.append(extra)
    sections.append(attention_section(c))
    sections.append(_definitions(c))
    return Briefing(
        kind=d.kind,
        title=f"{d.county}平安治理工作{kind_name}",
        period_label=bp.label(d.kind, d.period),
        date_range=f"统计时间：{bp.date_range_text(d.period)}",
        scope="统计范围：" + _scope(d),
        generated=f"生成时间：{d.generated_at:%Y年%m月%d日 %H:%M}",
        sections=sections,
        community_table=_community_table(c),
    )
