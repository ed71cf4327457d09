"""The briefing's sections (总体情况, 警情, 矛盾纠纷, 社会组织, 防台, 四色预警, 需关注事项)."""

from __future__ import annotations

import pandas as pd

from command_center.briefing.document import MIN_RISE, NUMERALS, Column, Figure, Section, Table
from command_center.briefing.sentences import (
    Ctx,
    dispute_sentence,
    incident_sentence,
    org_sentence,
    patrol_sentence,
    risk_compared,
    risk_counts,
    risk_prev_name,
    risk_sentence,
    typhoon_progress,
    typhoon_sentence,
)
from command_center.briefing.wording import (
    as_int,
    join_names,
    missing,
    month_day,
    num,
    pct,
    points_text,
    rel_change,
)
from command_center.figures import value_text


def overview_section(c: Ctx) -> Section:
    s = Section("overview", "总体情况")
    s.paragraphs.append(incident_sentence(c))
    s.paragraphs.append(dispute_sentence(c))
    s.paragraphs.append(org_sentence(c))
    patrols = patrol_sentence(c)
    if patrols:
        s.paragraphs.append(patrols)
    for t in c.d.typhoons.to_dict("records"):
        s.paragraphs.append(typhoon_sentence(t))
    if c.d.risk_now is not None:
        s.paragraphs.append(risk_sentence(c))
    return s


def incidents_section(c: Ctx) -> Section:
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
                bits.append("同比上升的类别：" + join_names(
                    f"{r.category}（{c.yoy(r.incident_count, r.year_ago_count, available=True)}）"
                    for r in ups.head(3).itertuples()))
            if len(downs):
                bits.append("同比下降的类别：" + join_names(
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
        s.paragraphs.append("警情数居前的社区：" + join_names(
            f"{r.community_name}（{num(r.incident_count, '起')}，每千人{value_text('incident_rate_per_1000', r.rate_per_1000)}起）"
            if not missing(r.rate_per_1000) else f"{r.community_name}（{num(r.incident_count, '起')}）"
            for r in comm.head(5).itertuples()) + "。")
    open_n = as_int(d.incidents.get("open_count")) or 0
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
            [month_day(pd.Timestamp(x)) for x in d.incidents_by_day["day"]],  # not date-like: plotly
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


def disputes_section(c: Ctx) -> Section:
    d = c.d
    s = Section("disputes", "矛盾纠纷")
    dis, back = d.disputes, d.dispute_backlog
    n = as_int(dis.get("dispute_count")) or 0
    concluded, success = as_int(dis.get("concluded_count")) or 0, as_int(dis.get("success_count")) or 0
    text = (f"{c.this}共受理矛盾纠纷{num(n, '件')}，"
            f"{c.yoy(n, as_int(dis.get('year_ago_count')), available=c.dis_ya, unit='件')}，"
            f"{c.mom(n, as_int(dis.get('previous_count')), available=c.dis_prev, unit='件')}。")
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
        rest = join_names(f"{r.dispute_type}（{num(r.dispute_count, '件')}）"
                     for r in types.iloc[1:3].itertuples())
        s.paragraphs.append(f"按类型分，{first['dispute_type']}纠纷最多（{num(first['dispute_count'], '件')}）"
                            + (f"，其次是{rest}" if rest else "") + "。")
    open_n, overdue = as_int(back.get("open_count")) or 0, as_int(back.get("overdue_count")) or 0
    s.paragraphs.append(
        f"截至{month_day(d.period.end)}，在办纠纷{num(open_n, '件')}，"
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


def orgs_section(c: Ctx) -> Section:
    d = c.d
    s = Section("social_orgs", "社会组织")
    orgs, credit = d.orgs, d.org_credit
    new = as_int(orgs.get("new_count")) or 0
    s.paragraphs.append(
        f"截至{month_day(d.period.end)}，登记在册（登记状态正常）社会组织{num(orgs.get('org_count'), '家')}，"
        + (f"{c.this}新登记{num(new, '家')}。" if new else f"{c.this}无新登记。"))
    abnormal = as_int(credit.get("abnormal_count")) or 0
    dishonest = as_int(credit.get("dishonest_count")) or 0
    newly = d.credit_listings
    text = f"列入活动异常名录{num(abnormal, '家')}、严重违法失信名单{num(dishonest, '家')}；"
    if len(newly):
        text += f"{c.this}新列入{num(len(newly), '家')}：" + join_names(
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
        [["登记在册", as_int(orgs.get("org_count"))], [f"{c.this}新登记", new],
         ["活动异常名录", abnormal], ["严重违法失信名单", dishonest],
         [f"{c.this}新列入信用名单", len(newly)]],
    ))
    return s


def typhoon_section(c: Ctx) -> Section | None:
    d = c.d
    if d.typhoons.empty:
        return None
    s = Section("typhoon", "防台转移")
    for t in d.typhoons.to_dict("records"):
        start, end = pd.Timestamp(t["warning_start_at"]), t["warning_end_at"]
        window = (f"{start.month}月{start.day}日{start.hour}时至"
                  + (f"{pd.Timestamp(end).month}月{pd.Timestamp(end).day}日{pd.Timestamp(end).hour}时"
                     if not missing(end) and end is not pd.NaT else "今"))
        s.paragraphs.append(f"台风“{t['name_cn']}”（{t['typhoon_id']}号）预警期{window}，"
                            + typhoon_progress(t))
        comm = d.typhoon_communities.get(str(t["typhoon_id"]))
        if comm is not None and len(comm):
            short = comm[comm["shortfall"] > 0]
            if len(short):
                s.paragraphs.append("转移缺口较大的社区：" + join_names(
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


def risk_section(c: Ctx) -> Section | None:
    d = c.d
    if d.risk_now is None:
        if d.risk_error:
            return Section("risk", "风险社区", [f"四色预警配置有误，本节未生成：{d.risk_error}"])
        return None
    from command_center import risk

    s = Section("risk", "风险社区")
    counts, turned = risk_counts(c)
    df = d.risk_now
    s.paragraphs.append(
        f"按四色预警模型，{c.this}{len(df)}个社区中，"
        + join_names(f"{name}色{num(n, '个')}" for name, n in reversed(counts.items())) + "。")
    a = d.risk_assessment
    if a is not None and a.note:
        s.paragraphs.append(a.note + "。")
    worse, better = int((df["change"] == "worse").sum()), int((df["change"] == "better").sum())
    top = list(counts)[-1]
    prev_name = risk_prev_name(c)
    if not risk_compared(c):
        text = a.comparison_text(prev_name) + "。"
    else:
        text = (f"较{prev_name}，预警等级上升的社区{num(worse, '个')}、下降的{num(better, '个')}；"
                if worse or better else f"较{prev_name}，各社区预警等级均无变化；")
        text += (f"新转为{top}色的社区：{join_names(turned)}。" if turned
                 else f"无新转为{top}色的社区。")
    s.paragraphs.append(text)
    levels = risk.load_model().levels
    shown = df[df["level_rank"] >= levels[-2].rank].sort_values("score", ascending=False)
    change_names = {"worse": "上升", "better": "下降", "same": "不变"}
    s.tables.append(Table(
        f"{levels[-1].name}色、{levels[-2].name}色预警社区",
        [Column("社区"), Column("片区"), Column("风险分", "score"), Column("预警等级"),
         Column(f"{risk_prev_name(c)}等级"), Column("变化")],
        [[r.community_name, r.area_name, float(r.score), f"{r.level}色",
          f"{r.previous_level}色" if not missing(r.previous_level) else "—",
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


def attention_section(c: Ctx) -> Section:
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
                   else f"（上升{pct(rel_change(r.incident_count, getattr(r, base_col)))}）")
                for r in ch.itertuples()) + "。")
        else:
            items.append(f"各社区各类警情{base_name}" + (
                f"增加均不超过{MIN_RISE - 1}起。" if any_rise else "均未增加。"))
    overdue = as_int(d.dispute_backlog.get("overdue_count")) or 0
    if overdue:
        od = d.overdue_disputes.head(3)
        items.append(f"超过化解时限未化解的纠纷{num(overdue, '件')}，超期最久的："
                     + join_names(f"{r.dispute_id}（{r.community_name}，{r.dispute_type}纠纷，"
                             f"超期{int(r.days_overdue)}天）" for r in od.itertuples())
                     + "，请督促办理。")
    if d.risk_now is not None:
        counts, turned = risk_counts(c)
        top = list(counts)[-1]
        if turned:
            items.append(f"新转为{top}色预警的社区：{join_names(turned)}，请重点关注。")
    for t in d.typhoons.to_dict("records"):
        if t["persons_pending"]:
            items.append(f"台风“{t['name_cn']}”仍有应转未转{num(t['persons_pending'], '人')}，"
                         "请核实落实。")
    if not items:
        items.append("本期无需特别关注的事项。")
    s.paragraphs = [f"（{NUMERALS[i]}）{text}" for i, text in enumerate(items)]
    return s


