"""The briefing's content: sentences, tables and figures built from query results (pure).

``build(data)`` takes a ``BriefingData`` (``data.fetch``) and returns a ``Briefing``; every
renderer (the page, Word, PDF, Excel) shows the same object. All wording lives here: counts as
``1,234起``, shares as ``5.2%``, changes as 同比上升/下降 …%、持平, and a comparison window
without data as 上年同期无数据 / 上月无数据 (never as a fall to zero).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from command_center.access import current
from command_center.briefing import periods as bp

# ------------------------------------------------------------------ the document
CELL_KINDS = ("text", "count", "rate", "pct", "change", "score", "date")


@dataclass(frozen=True)
class Column:
    title: str  # Chinese header
    kind: str = "text"  # one of CELL_KINDS: how a raw value is written


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list]  # raw values (numbers stay numbers: Excel keeps them)
    note: str = ""

    def text_rows(self) -> list[list[str]]:
        return [[cell_text(v, c.kind) for v, c in zip(row, self.columns, strict=True)]
                for row in self.rows]

    @property
    def headers(self) -> list[str]:
        return [c.title for c in self.columns]


@dataclass
class Figure:
    key: str
    title: str
    kind: str  # "bar" (grouped when several series), "barh", "line"
    x: list
    series: dict[str, list]  # legend name → values
    x_title: str
    y_title: str


@dataclass
class Section:
    key: str
    title: str  # 总体情况 … (numbered when rendered: 一、二、…)
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class Briefing:
    kind: str
    title: str  # 龙港市平安治理工作月报
    period_label: str  # 2026年10月
    date_range: str  # 统计时间：2026年10月1日至2026年10月31日
    scope: str  # 全市 / 所选 3 个社区
    generated: str  # 生成时间：…
    sections: list[Section]
    community_table: Table

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    @property
    def section_titles(self) -> list[str]:
        return [f"{NUMERALS[i]}、{s.title}" for i, s in enumerate(self.sections)]


MIN_RISE = 2  # a community's category is named in 需关注事项 from this many more incidents on
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")


# ------------------------------------------------------------------ wording (one place)
def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def num(n, unit: str = "") -> str:
    """1234 → '1,234起' (exact: a briefing is quoted)."""
    if _missing(n):
        return "—"
    n = float(n)
    text = f"{int(n):,}" if n == int(n) else f"{n:,.1f}"
    return text + unit


def pct(x, digits: int = 1) -> str:
    """A share 0.052 → '5.2%'."""
    if _missing(x):
        return "—"
    return f"{x * 100:.{digits}f}%"


def rel_change(now, before) -> float | None:
    if _missing(now) or _missing(before) or before == 0:
        return None
    return (now - before) / before


def change_text(now, before, name: str, *, available: bool = True, base: str = "上年同期",
                unit: str = "起", up: str = "上升", down: str = "下降") -> str:
    """One comparison: '同比上升5.2%' / '同比下降5.2%' / '同比持平' / '上年同期无数据' /
    '上年同期为0' (a rise from nothing has no percentage)."""
    if not available or _missing(before) or _missing(now):
        return f"{base}无数据"
    if before == 0:
        return f"{name}持平" if now == 0 else f"{base}为0"
    c = (now - before) / before
    if round(c * 100, 1) == 0:
        return f"{name}持平"
    return f"{name}{up if c > 0 else down}{abs(c) * 100:.1f}%"


def points_text(now, before, name: str, *, base: str = "上年同期") -> str:
    """A change of a rate: '同比提高1.2个百分点' / '同比降低…' / '同比持平' / '上年同期无数据'."""
    if _missing(now) or _missing(before):
        return f"{base}无数据"
    d = (now - before) * 100
    if round(d, 1) == 0:
        return f"{name}持平"
    return f"{name}{'提高' if d > 0 else '降低'}{abs(d):.1f}个百分点"


def cell_text(v, kind: str) -> str:
    """How a table cell is written in the page, Word and PDF."""
    if _missing(v):
        return "—" if kind in ("change", "pct", "rate", "score", "count") else ""
    if kind == "count":
        return num(v)
    if kind == "rate":
        return f"{v:.2f}"
    if kind == "pct":
        return pct(v)
    if kind == "change":
        return "持平" if round(v * 100, 1) == 0 else f"{v * 100:+.1f}%"
    if kind == "score":
        return f"{v:.1f}"
    if kind == "date":
        return pd.Timestamp(v).strftime("%Y-%m-%d")
    return str(v)


def _md(d) -> str:
    return f"{d.month}月{d.day}日"


def _join(items: list[str]) -> str:
    return "、".join(items)


# ------------------------------------------------------------------ building
def _i(v) -> int | None:
    return None if _missing(v) else int(v)


class _Ctx:
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


def _incident_sentence(c: _Ctx) -> str:
    d = c.d
    inc = d.incidents
    n = _i(inc.get("incident_count")) or 0
    text = (f"{c.this}{c.where}共接报警情{num(n, '起')}，"
            f"{c.yoy(n, _i(inc.get('year_ago_count')), available=c.inc_ya)}，"
            f"{c.mom(n, _i(inc.get('previous_count')), available=c.inc_prev)}")
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


def _dispute_sentence(c: _Ctx) -> str:
    dis, back = c.d.disputes, c.d.dispute_backlog
    n = _i(dis.get("dispute_count")) or 0
    text = (f"受理矛盾纠纷{num(n, '件')}，"
            f"{c.yoy(n, _i(dis.get('year_ago_count')), available=c.dis_ya, unit='件')}，"
            f"{c.mom(n, _i(dis.get('previous_count')), available=c.dis_prev, unit='件')}")
    rate = dis.get("success_rate")
    if not _missing(rate):
        ya_rate = dis.get("year_ago_success_rate") if c.dis_ya else None
        text += f"；调解成功率{pct(rate)}，{points_text(rate, ya_rate, '同比')}"
    open_n, overdue = _i(back.get("open_count")) or 0, _i(back.get("overdue_count")) or 0
    text += f"；期末在办{num(open_n, '件')}，" + (
        f"其中超期未化解{num(overdue, '件')}" if overdue else "无超期未化解纠纷")
    return text + "。"


def _org_sentence(c: _Ctx) -> str:
    orgs, credit = c.d.orgs, c.d.org_credit
    new = _i(orgs.get("new_count")) or 0
    text = (f"登记在册社会组织{num(orgs.get('org_count'), '家')}，"
            + (f"{c.this}新登记{num(new, '家')}" if new else f"{c.this}无新登记"))
    listed = (_i(credit.get("abnormal_count")) or 0, _i(credit.get("dishonest_count")) or 0)
    text += (f"；列入活动异常名录{num(listed[0], '家')}、严重违法失信名单{num(listed[1], '家')}")
    return text + "。"


def _patrol_sentence(c: _Ctx) -> str | None:
    """平安乐巡: completed tasks and participants (人次) with their 同比; None without patrol
    data."""
    d = c.d
    if d.patrols_first_on is None:
        return None
    p = d.patrols
    available = d.patrols_first_on <= d.year_ago.start
    n, people = _i(p.get("done_count")) or 0, _i(p.get("participant_count")) or 0
    return (f"平安乐巡完成巡逻任务{num(n, '次')}，"
            f"{c.yoy(n, _i(p.get('year_ago_done_count')), available=available, unit='次')}；"
            f"参与群众{num(people, '人次')}，"
            f"{c.yoy(people, _i(p.get('year_ago_participant_count')), available=available)}。")


def _typhoon_progress(t) -> str:
    level = f"启动{t['response_level']}级应急响应，" if not _missing(t["response_level"]) else ""
    return (f"{level}应转移{num(t['persons_planned'], '人')}，已转移{num(t['persons_moved'], '人')}，"
            f"转移率{pct(t['transfer_rate'])}"
            + (f"，应转未转{num(t['persons_pending'], '人')}" if t["persons_pending"] else "")
            + "。")


def _typhoon_sentence(t) -> str:
    return f"受台风“{t['name_cn']}”（{t['typhoon_id']}号）影响，" + _typhoon_progress(t)


def _risk_counts(c: _Ctx) -> tuple[dict[str, int], list[str]]:
    from command_center import risk

    levels = risk.load_model().levels
    df = c.d.risk_now
    counts = {lv.name: int((df["level"] == lv.name).sum()) for lv in levels}
    return counts, risk.turned_top(df)["community_name"].tolist()


def _risk_prev_name(c: _Ctx) -> str:
    a = c.d.risk_assessment
    return a.previous_name(c.prev_name) if a is not None else c.prev_name


def _risk_compared(c: _Ctx) -> bool:
    a = c.d.risk_assessment
    return a is None or a.compared


def _risk_sentence(c: _Ctx) -> str:
    counts, turned = _risk_counts(c)
    total = sum(counts.values())
    parts = [f"{name}色{num(n, '个')}" for name, n in reversed(counts.items())]
    text = f"四色预警：{total}个社区中{_join(parts)}"
    top = list(counts)[-1]
    prev_name = _risk_prev_name(c)
    if not _risk_compared(c):
        return text + f"（{c.d.risk_assessment.comparison_text(prev_name)}）。"
    text += (f"，较{prev_name}新转为{top}色{num(len(turned), '个')}（{_join(turned)}）"
             if turned else f"，较{prev_name}无新转为{top}色的社区")
    return text + "。"


def _overview(c: _Ctx) -> Section:
    s = Section("overview", "总体情况")
    s.paragraphs.append(_incident_sentence(c))
    s.paragraphs.append(_dispute_sentence(c))
    s.paragraphs.append(_org_sentence(c))
    patrols = _patrol_sentence(c)
    if patrols:
        s.paragraphs.append(patrols)
    for t in c.d.typhoons.to_dict("records"):
        s.paragraphs.append(_typhoon_sentence(t))
    if c.d.risk_now is not None:
        s.paragraphs.append(_risk_sentence(c))
    return s


def _incidents(c: _Ctx) -> Section:
    d = c.d
    s = Section("incidents", "警情")
    cats = d.incidents_by_category
    total = int(cats["incident_count"].sum()) if len(cats) else 0
    if total:
        top = cats.iloc[0]
        rest = cats.iloc[1:][cats.iloc[1:]["incident_count"] > 0]
        s.paragraphs.append(
            f"按类别分，{top['category']}警情最多，{num(top['incident_count'], '起')}，"
            f"占{pct(top['incident_count'] / total)}"
            + ("；其余依次为" + "、".join(f"{r.category}{num(r.incident_count, '起')}"
                                      for r in rest.itertuples()) if len(rest) else "") + "。")
        if c.inc_ya:
            ch = cats.assign(diff=cats["incident_count"] - cats["year_ago_count"])
            ups = ch[ch["diff"] > 0].sort_values(["diff", "category"], ascending=[False, True])
            downs = ch[ch["diff"] < 0].sort_values(["diff", "category"])
            bits = []
            if len(ups):
                bits.append("同比上升的类别：" + _join(
                    f"{r.category}（{c.yoy(r.incident_count, r.year_ago_count, available=True)}）"
                    for r in ups.head(3).itertuples()))
            if len(downs):
                bits.append("同比下降的类别：" + _join(
                    f"{r.category}（{c.yoy(r.incident_count, r.year_ago_count, available=True)}）"
                    for r in downs.head(3).itertuples()))
            if bits:
                s.paragraphs.append("；".join(bits) + "。")
        else:
            s.paragraphs.append("上年同期无数据，不作同比分析。")
    else:
        s.paragraphs.append(f"{c.this}无警情记录。")
    comm = d.by_community.sort_values(["incident_count", "community_code"],
                                      ascending=[False, True])
    comm = comm[comm["incident_count"] > 0]
    if len(comm):
        s.paragraphs.append("警情数居前的社区：" + _join(
            f"{r.community_name}（{num(r.incident_count, '起')}，每千人{r.rate_per_1000:.2f}起）"
            if not _missing(r.rate_per_1000) else f"{r.community_name}（{num(r.incident_count, '起')}）"
            for r in comm.head(5).itertuples()) + "。")
    open_n = _i(d.incidents.get("open_count")) or 0
    if total:
        s.paragraphs.append(
            f"{c.this}上报的警情中，目前仍未办结（待受理、处置中）{num(open_n, '起')}。" if open_n
            else f"{c.this}上报的警情目前均已办结或退回。")
    s.tables.append(Table(
        "警情分类统计",
        [Column("类别"), Column(f"{c.this}", "count"), Column("上年同期", "count"),
         Column("同比", "change"), Column(c.prev_name, "count"), Column("环比", "change"),
         Column("占比", "pct")],
        [[r.category, int(r.incident_count), int(r.year_ago_count) if c.inc_ya else None,
          rel_change(r.incident_count, r.year_ago_count) if c.inc_ya else None,
          int(r.previous_count) if c.inc_prev else None,
          rel_change(r.incident_count, r.previous_count) if c.inc_prev else None,
          r.incident_count / total if total else None]
         for r in cats.itertuples()],
    ))
    if len(cats):
        series = {c.this: cats["incident_count"].astype(int).tolist()}
        if c.inc_ya:
            series["上年同期"] = cats["year_ago_count"].astype(int).tolist()
        if c.inc_prev:
            series[c.prev_name] = cats["previous_count"].astype(int).tolist()
        s.figures.append(Figure("incidents_by_category", "警情分类对比", "bar",
                                cats["category"].tolist(), series, "类别", "警情数（起）"))
    if len(d.incidents_by_day) > 1:
        s.figures.append(Figure(
            "incidents_by_day", "每日警情", "line",
            [_md(pd.Timestamp(x)) for x in d.incidents_by_day["day"]],  # not date-like: plotly
            # would turn "07-01" into an English month axis
            {"警情数": d.incidents_by_day["incident_count"].astype(int).tolist()},
            "日期", "警情数（起）"))
    if len(comm):
        top10 = comm.head(10).iloc[::-1]
        s.figures.append(Figure("incidents_by_community", "警情数居前10位的社区", "barh",
                                top10["community_name"].tolist(),
                                {"警情数": top10["incident_count"].astype(int).tolist()},
                                "警情数（起）", "社区"))
    return s


def _disputes(c: _Ctx) -> Section:
    d = c.d
    s = Section("disputes", "矛盾纠纷")
    dis, back = d.disputes, d.dispute_backlog
    n = _i(dis.get("dispute_count")) or 0
    concluded, success = _i(dis.get("concluded_count")) or 0, _i(dis.get("success_count")) or 0
    text = (f"{c.this}共受理矛盾纠纷{num(n, '件')}，"
            f"{c.yoy(n, _i(dis.get('year_ago_count')), available=c.dis_ya, unit='件')}，"
            f"{c.mom(n, _i(dis.get('previous_count')), available=c.dis_prev, unit='件')}。")
    if concluded:
        ya_rate = dis.get("year_ago_success_rate") if c.dis_ya else None
        text += (f"已办结（调解成功、调解不成功、已转诉讼）{num(concluded, '件')}，其中调解成功"
                 f"{num(success, '件')}，调解成功率{pct(dis.get('success_rate'))}，"
                 f"{points_text(dis.get('success_rate'), ya_rate, '同比')}。")
    elif n:
        text += "受理的纠纷尚无办结。"
    s.paragraphs.append(text)
    types = d.disputes_by_type[d.disputes_by_type["dispute_count"] > 0]
    if len(types):
        first = types.iloc[0]
        rest = _join(f"{r.dispute_type}（{num(r.dispute_count, '件')}）"
                     for r in types.iloc[1:3].itertuples())
        s.paragraphs.append(f"按类型分，{first['dispute_type']}纠纷最多（{num(first['dispute_count'], '件')}）"
                            + (f"，其次是{rest}" if rest else "") + "。")
    open_n, overdue = _i(back.get("open_count")) or 0, _i(back.get("overdue_count")) or 0
    s.paragraphs.append(
        f"截至{_md(d.period.end)}，在办纠纷{num(open_n, '件')}，"
        + (f"其中超过化解时限未化解{num(overdue, '件')}。" if overdue else "无超过化解时限未化解的纠纷。"))
    s.tables.append(Table(
        "纠纷类型统计",
        [Column("纠纷类型"), Column(c.this, "count"), Column("上年同期", "count"),
         Column("同比", "change"), Column("调解成功", "count")],
        [[r.dispute_type, int(r.dispute_count), int(r.year_ago_count) if c.dis_ya else None,
          rel_change(r.dispute_count, r.year_ago_count) if c.dis_ya else None,
          int(r.success_count)] for r in d.disputes_by_type.itertuples()],
    ))
    if len(d.overdue_disputes):
        s.tables.append(Table(
            "超期未化解纠纷（超期最久的前10件）",
            [Column("纠纷编号"), Column("受理日期", "date"), Column("纠纷类型"), Column("社区"),
             Column("调解方式"), Column("风险等级"), Column("化解时限", "date"),
             Column("超期天数", "count")],
            [[r.dispute_id, r.received_on, r.dispute_type, r.community_name,
              r.mediation_channel, r.risk_level, r.deadline_on, int(r.days_overdue)]
             for r in d.overdue_disputes.itertuples()],
            note=f"共{num(overdue, '件')}，按超期天数排列。",
        ))
    if len(types):
        s.figures.append(Figure("disputes_by_type", "纠纷类型分布", "bar",
                                types["dispute_type"].tolist(),
                                {c.this: types["dispute_count"].astype(int).tolist()},
                                "纠纷类型", "纠纷数（件）"))
    return s


def _orgs(c: _Ctx) -> Section:
    d = c.d
    s = Section("social_orgs", "社会组织")
    orgs, credit = d.orgs, d.org_credit
    new = _i(orgs.get("new_count")) or 0
    s.paragraphs.append(
        f"截至{_md(d.period.end)}，登记在册（登记状态正常）社会组织{num(orgs.get('org_count'), '家')}，"
        + (f"{c.this}新登记{num(new, '家')}。" if new else f"{c.this}无新登记。"))
    abnormal = _i(credit.get("abnormal_count")) or 0
    dishonest = _i(credit.get("dishonest_count")) or 0
    newly = d.credit_listings
    text = f"列入活动异常名录{num(abnormal, '家')}、严重违法失信名单{num(dishonest, '家')}；"
    if len(newly):
        text += f"{c.this}新列入{num(len(newly), '家')}：" + _join(
            f"{r.org_name}（{r.credit_status}）" for r in newly.head(5).itertuples())
        text += "等。" if len(newly) > 5 else "。"
    else:
        text += f"{c.this}无新列入信用名单的组织。"
    s.paragraphs.append(text)
    if len(newly):
        s.tables.append(Table(
            f"{c.this}新列入信用名单的社会组织",
            [Column("组织名称"), Column("信用状态"), Column("列入日期", "date"),
             Column("组织类型"), Column("社区")],
            [[r.org_name, r.credit_status, r.credit_listed_on, r.legal_form, r.community_name]
             for r in newly.itertuples()],
        ))
    s.tables.append(Table(
        "社会组织概况",
        [Column("项目"), Column("数量（家）", "count")],
        [["登记在册", _i(orgs.get("org_count"))], [f"{c.this}新登记", new],
         ["活动异常名录", abnormal], ["严重违法失信名单", dishonest],
         [f"{c.this}新列入信用名单", len(newly)]],
    ))
    return s


def _typhoon(c: _Ctx) -> Section | None:
    d = c.d
    if d.typhoons.empty:
        return None
    s = Section("typhoon", "防台转移")
    for t in d.typhoons.to_dict("records"):
        start, end = pd.Timestamp(t["warning_start_at"]), t["warning_end_at"]
        window = (f"{start.month}月{start.day}日{start.hour}时至"
                  + (f"{pd.Timestamp(end).month}月{pd.Timestamp(end).day}日{pd.Timestamp(end).hour}时"
                     if not _missing(end) and end is not pd.NaT else "今"))
        s.paragraphs.append(f"台风“{t['name_cn']}”（{t['typhoon_id']}号）预警期{window}，"
                            + _typhoon_progress(t))
        comm = d.typhoon_communities.get(str(t["typhoon_id"]))
        if comm is not None and len(comm):
            short = comm[comm["shortfall"] > 0]
            if len(short):
                s.paragraphs.append("转移缺口较大的社区：" + _join(
                    f"{r.community_name}（缺口{num(r.shortfall, '人')}）"
                    for r in short.head(5).itertuples()) + "。")
            s.tables.append(Table(
                f"台风“{t['name_cn']}”各社区转移情况（缺口最大的前10个）",
                [Column("社区"), Column("应转移人数", "count"), Column("已转移人数", "count"),
                 Column("应转未转人数", "count"), Column("拒绝转移人数", "count"),
                 Column("转移率", "pct")],
                [[r.community_name, int(r.persons_planned), int(r.persons_moved),
                  int(r.persons_pending), int(r.persons_refused), r.transfer_rate]
                 for r in comm.head(10).itertuples()],
            ))
    return s


def _risk(c: _Ctx) -> Section | None:
    d = c.d
    if d.risk_now is None:
        if d.risk_error:
            return Section("risk", "风险社区", [f"四色预警配置有误，本节未生成：{d.risk_error}"])
        return None
    from command_center import risk

    s = Section("risk", "风险社区")
    counts, turned = _risk_counts(c)
    df = d.risk_now
    s.paragraphs.append(
        f"按四色预警模型，{c.this}{len(df)}个社区中，"
        + _join(f"{name}色{num(n, '个')}" for name, n in reversed(counts.items())) + "。")
    a = d.risk_assessment
    if a is not None and a.note:
        s.paragraphs.append(a.note + "。")
    worse, better = int((df["change"] == "worse").sum()), int((df["change"] == "better").sum())
    top = list(counts)[-1]
    prev_name = _risk_prev_name(c)
    if not _risk_compared(c):
        text = a.comparison_text(prev_name) + "。"
    else:
        text = (f"较{prev_name}，预警等级上升的社区{num(worse, '个')}、下降的{num(better, '个')}；"
                if worse or better else f"较{prev_name}，各社区预警等级均无变化；")
        text += (f"新转为{top}色的社区：{_join(turned)}。" if turned
                 else f"无新转为{top}色的社区。")
    s.paragraphs.append(text)
    levels = risk.load_model().levels
    shown = df[df["level_rank"] >= levels[-2].rank].sort_values("score", ascending=False)
    change_names = {"worse": "上升", "better": "下降", "same": "不变"}
    s.tables.append(Table(
        f"{levels[-1].name}色、{levels[-2].name}色预警社区",
        [Column("社区"), Column("片区"), Column("风险分", "score"), Column("预警等级"),
         Column(f"{_risk_prev_name(c)}等级"), Column("变化")],
        [[r.community_name, r.area_name, float(r.score), f"{r.level}色",
          f"{r.previous_level}色" if not _missing(r.previous_level) else "—",
          change_names.get(r.change, "")] for r in shown.itertuples()],
    ))
    s.tables.append(Table(
        "四色预警社区数",
        [Column("预警等级"), Column(f"{c.this}（个）", "count")],
        [[f"{name}色", n] for name, n in reversed(counts.items())],
    ))
    s.figures.append(Figure("risk_levels", "四色预警社区数", "bar",
                            [f"{name}色" for name in reversed(counts)],
                            {"社区数": list(reversed(counts.values()))}, "预警等级", "社区数（个）"))
    return s


def _attention(c: _Ctx) -> Section:
    d = c.d
    s = Section("attention", "需关注事项")
    items = []
    # largest increases by community and category: against 上年同期 when there is data, else
    # against the previous period
    cc = d.community_category
    base_col, base_name, available = (("year_ago_count", "同比", c.inc_ya) if c.inc_ya
                                      else ("previous_count", "环比", c.inc_prev))
    if available and len(cc):
        ch = cc.assign(diff=cc["incident_count"] - cc[base_col])
        any_rise = bool((ch["diff"] > 0).any())
        ch = ch[ch["diff"] >= MIN_RISE].sort_values(["diff", "incident_count", "community_code"],
                                            ascending=[False, False, True]).head(5)
        if len(ch):
            items.append(f"警情{base_name}增加较多的社区和类别：" + "；".join(
                f"{r.community_name}{r.category}警情{num(r.incident_count, '起')}，"
                f"{base_name}增加{num(r.diff, '起')}"
                + (f"（{'上年同期' if base_name == '同比' else c.prev_name}为0）"
                   if getattr(r, base_col) == 0
                   else f"（上升{rel_change(r.incident_count, getattr(r, base_col)) * 100:.1f}%）")
                for r in ch.itertuples()) + "。")
        else:
            items.append(f"各社区各类警情{base_name}" + (
                f"增加均不超过{MIN_RISE - 1}起。" if any_rise else "均未增加。"))
    overdue = _i(d.dispute_backlog.get("overdue_count")) or 0
    if overdue:
        od = d.overdue_disputes.head(3)
        items.append(f"超过化解时限未化解的纠纷{num(overdue, '件')}，超期最久的："
                     + _join(f"{r.dispute_id}（{r.community_name}，{r.dispute_type}纠纷，"
                             f"超期{int(r.days_overdue)}天）" for r in od.itertuples())
                     + "，请督促办理。")
    if d.risk_now is not None:
        counts, turned = _risk_counts(c)
        top = list(counts)[-1]
        if turned:
            items.append(f"新转为{top}色预警的社区：{_join(turned)}，请重点关注。")
    for t in d.typhoons.to_dict("records"):
        if t["persons_pending"]:
            items.append(f"台风“{t['name_cn']}”仍有应转未转{num(t['persons_pending'], '人')}，"
                         "请核实落实。")
    if not items:
        items.append("本期无需特别关注的事项。")
    s.paragraphs = [f"（{NUMERALS[i]}）{text}" for i, text in enumerate(items)]
    return s


# the registry figures a briefing quotes (its appendix 统计口径说明 gives their 口径)
BRIEFING_FIGURES = ("incidents", "incidents_unclosed", "disputes", "dispute_success_rate",
                    "disputes_open_at_end", "disputes_overdue_at_end", "orgs_registered",
                    "orgs_new", "orgs_abnormal", "orgs_dishonest", "evac_planned", "evac_moved",
                    "evac_rate", "evac_pending", "patrols_done", "patrol_participants", "risk_red",
                    "incident_rate_per_1000")


def _definitions(c: _Ctx) -> Section:
    """附：统计口径说明, from the registry (the same sentences as the pages' help texts)."""
    from command_center import figures

    s = Section("definitions", "统计口径说明")
    s.paragraphs = [f"{figures.fig(k).label}：{figures.fig(k).definition}"
                    for k in BRIEFING_FIGURES]
    s.paragraphs.append(f"统计时段含今日的，截至生成时刻（{c.d.generated_at:%H:%M}）；同比与上年同期"
                        "同一时段比较，环比与上一周期的相同天数比较；比较时段早于数据起始日的，注明无数据。")
    return s


def _community_table(c: _Ctx) -> Table:
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
        row = [r.community_name, r.area_name, _i(r.population), int(r.incident_count),
               None if _missing(r.rate_per_1000) else float(r.rate_per_1000),
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
    return _join(names[:5]) + (f"等{len(names)}个社区" if len(names) > 5 else "")


def build(d) -> Briefing:
    """The briefing for the fetched data ``d`` (a ``data.BriefingData``)."""
    c = _Ctx(d)
    kind_name = bp.KINDS[d.kind] if d.kind != "custom" else "简报"
    sections = [_overview(c), _incidents(c), _disputes(c), _orgs(c)]
    for extra in (_typhoon(c), _risk(c)):
        if extra is not None:
            sections.append(extra)
    sections.append(_attention(c))
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
