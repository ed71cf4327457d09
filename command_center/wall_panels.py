"""大屏: the panels (一张图, 警情, 矛盾纠纷, 防台转移, 平安乐巡) the wall rotates through."""

from __future__ import annotations

import datetime as dt
from html import escape

import streamlit as st

from command_center import figures, headline
from command_center.formatting import fmt_count, fmt_pct
from command_center.maps.layers import SHELTER_COLOR
from command_center.periods import Period
from command_center.wall_css import ACCENT, DISPUTE_COLOR, PATROL_COLOR
from command_center.wall_map import legend_bar, map_layers, show_map
from command_center.wall_render import (
    change_span,
    hbars,
    hour_columns,
    html,
    latest_list,
    num,
    side_box,
    tile,
    today_start,
)
from queries import run_query


def _kpi_tiles(now: dt.datetime, typhoon: dict | None, risk: tuple) -> None:
    """The figures of the registry, from the same queries as 一张图 (command_center.headline):
    今日警情 against its one baseline, 在办警情 now, 调解成功率 of this year so far."""
    today = headline.today(run_query, now)
    today_n, base = today.get("today_count") or 0, today.get("baseline_mean")
    year = Period(dt.date(now.year, 1, 1), now.date()).cut(now)
    dis = headline.disputes(run_query, year)
    open_n = headline.open_incidents(run_query, now)
    rate, concluded = dis.get("success_rate"), dis.get("concluded_count")
    rate_text = (figures.value_text("dispute_success_rate", rate)
                 if figures.enough("dispute_success_rate", concluded)
                 else figures.short_sample_text(concluded))
    levels, _colors = risk
    f = figures.fig
    with st.container(key="wall_kpis"):
        tile("incidents_today", f("incidents_today").label,
              figures.value_text("incidents_today", today_n), unit="起",
              sub=f"{f('incidents_today_baseline').label} "
                  f"{figures.value_text('incidents_today_baseline', base)} · "
                  + change_span("incidents_today", today_n, base))
        tile("incidents_open", f("incidents_open_now").label,
              figures.value_text("incidents_open_now", open_n), unit="起",
              sub="待受理 + 处置中，截至此刻")
        tile("dispute_success", f"矛盾纠纷{f('dispute_success_rate').label}（本年）", rate_text,
              sub=f"本年受理已办结 {fmt_count(concluded)} 件 · {f('disputes_open').label} "
                  f"{fmt_count(dis.get('open_at_end_count'))} 件")
        if levels:
            red = sum(1 for v in levels.values() if v == "红")
            yellow = sum(1 for v in levels.values() if v == "黄")
            tile("risk_red_yellow", "红色 / 黄色社区", f"{red} / {yellow}", unit="个",
                  sub=f"共 {len(levels)} 个社区参与四色预警")
        else:
            tile("risk_red_yellow", "红色 / 黄色社区", "—", sub="四色预警模型未就绪")
        if typhoon:
            planned = num(typhoon.get("persons_planned"))
            moved = num(typhoon.get("persons_moved"))
            rate_t = moved / planned if planned else None
            tile("evacuation", f"防台转移 · {typhoon.get('name_cn', '')}",
                  figures.value_text("evac_rate", rate_t),
                  sub=f"{f('evac_moved').label} {figures.value_text('evac_moved', moved)} / "
                      f"{f('evac_planned').label} {figures.value_text('evac_planned', planned)} 人",
                  bar=rate_t or 0, alert=True)



def _map_panel(now, cfg, tick, typhoon, risk) -> None:
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left:
        _kpi_tiles(now, typhoon, risk)
    with center:
        layers, legend = map_layers(now, cfg, typhoon, risk)
        show_map(layers)
        legend_bar(legend)
    with right:
        latest_list(now, cfg, tick)


def _incidents_panel(now, cfg, tick, typhoon, risk) -> None:
    start = today_start(now)
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left:
        _kpi_tiles(now, None, risk)
    with center, st.container(key="wall_bars"):
        hour_columns("by_hour", "今日警情时段分布", "起",
                     run_query("wall/incidents_by_hour", start=start, now=now), "incident_count")
        by_cat = run_query("wall/incidents_by_category", start=start, now=now)
        items = [(str(r.category), float(r.incident_count), f"{int(r.incident_count)} 起")
                 for r in by_cat.head(9).itertuples()]
        html(f'<div class="wall-box" data-box="by_category"><h3>今日警情类别构成</h3>'
              f"{hbars(items, ACCENT) if items else '暂无警情'}</div>")
    with right:
        latest_list(now, cfg, tick)


def _disputes_panel(now, cfg, tick, typhoon, risk) -> None:
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left:
        _kpi_tiles(now, None, risk)
    by_type = run_query("wall/open_disputes_by_type", now=now)
    with center, st.container(key="wall_bars"):
        items = [(str(r.dispute_type), float(r.open_count), f"{int(r.open_count)} 件")
                 for r in by_type.head(15).itertuples()]
        html(f'<div class="wall-box" data-box="dispute_types"><h3>在办矛盾纠纷（按类型）'
              f" <small>已受理 + 调处中</small></h3>"
              f"{hbars(items, DISPUTE_COLOR) if items else '暂无在办纠纷'}</div>")
    with right:
        overdue = by_type[by_type["overdue_count"] > 0].sort_values("overdue_count",
                                                                    ascending=False)
        rows = "".join(
            f'<tr><td class="c">{escape(str(r.dispute_type))}</td>'
            f"<td>超期 {int(r.overdue_count)} 件</td></tr>"
            for r in overdue.head(15).itertuples()
        ) or '<tr><td colspan="2">暂无超期纠纷</td></tr>'
        side_box("overdue", "超期未结纠纷", rows, "超过化解时限")


def _typhoon_standby(now: dt.datetime) -> None:
    """No warning in force: the season so far, the last typhoon and the shelters ready."""
    shelters = run_query("wall/shelters_by_site")
    past = run_query("typhoon/typhoon_comparison", communities=[])
    past = past[past["warning_start_at"] < now]
    season = past[past["warning_start_at"].dt.year == now.year]
    by_level = shelters.groupby("level", sort=False)["capacity"].agg(["count", "sum"])
    levels = [lv for lv in ("县级", "乡镇级", "村级") if lv in by_level.index] + [
        lv for lv in by_level.index if lv not in ("县级", "乡镇级", "村级")]
    tiles = [
        ("本年台风", f"{len(season)}", "个",
         f"累计转移 {fmt_count(num(season['persons_moved'].sum()))} 人"),
        ("避灾安置场所", fmt_count(len(shelters)), "处",
         f"可容纳 {fmt_count(num(shelters['capacity'].sum()))} 人"),
    ]
    if len(past):
        last = past.iloc[0]
        tiles.append((f"最近一次：{last['name_cn']}（{last['typhoon_id']}）",
                      f"{last['response_level'] or '—'}级", "响应",
                      f"{last['warning_start_at']:%Y年%m月%d日} · 转移 "
                      f"{fmt_count(num(last['persons_moved']))} 人 · 转移率 "
                      f"{figures.value_text('evac_rate', last['transfer_rate'])}"))
    tiles_html = "".join(
        f'<div class="wall-tile" data-kpi="standby_{i}"><div class="lbl">{escape(lbl)}</div>'
        f'<div class="val">{escape(val)}<span class="unit">{escape(unit)}</span></div>'
        f'<div class="sub">{escape(sub)}</div></div>'
        for i, (lbl, val, unit, sub) in enumerate(tiles))
    bars = hbars([(f"{lv}场所 {int(by_level.loc[lv, 'count'])} 处", num(by_level.loc[lv, "sum"]),
                    f"{fmt_count(num(by_level.loc[lv, 'sum']))} 人") for lv in levels],
                  SHELTER_COLOR)
    html(f'<div class="wall-box wall-standby" data-box="typhoon">'
          f'<h3>当前无生效的台风预警 <small>防台准备</small></h3>'
          f'<div class="wall-standby-tiles">{tiles_html}</div>'
          f'<h3 style="margin-top:2vh">避灾安置场所容量（按级别）</h3>{bars}</div>')


def _typhoon_panel(now, cfg, tick, typhoon, risk) -> None:
    if not typhoon:
        left, center = st.columns([1.05, 3.85], gap=None)
        with left:
            _kpi_tiles(now, None, risk)
        with center, st.container(key="wall_bars"):
            _typhoon_standby(now)
        return
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    planned = num(typhoon.get("persons_planned"))
    moved = num(typhoon.get("persons_moved"))
    with left, st.container(key="wall_kpis"):
        tile("typhoon_level", f"{typhoon.get('name_cn', '')} 应急响应",
              f"{typhoon.get('response_level') or '—'}级",
              sub=f"台风编号 {escape(str(typhoon['typhoon_id']))}", alert=True)
        tile("typhoon_planned", figures.fig("evac_planned").label,
              figures.value_text("evac_planned", planned), unit="人")
        tile("typhoon_moved", figures.fig("evac_moved").label,
              figures.value_text("evac_moved", moved), unit="人",
              sub=f"{figures.fig('evac_rate').label} "
                  f"{figures.value_text('evac_rate', moved / planned if planned else None)}",
              bar=moved / planned if planned else 0)
        tile("typhoon_pending", figures.fig("evac_pending").label,
              figures.value_text("evac_pending", num(typhoon.get("persons_pending"))), unit="人",
              sub=f"其中拒绝转移 {figures.value_text('evac_refused', num(typhoon.get('persons_refused')))} 人")
    evac = run_query("wall/evacuations_by_community", typhoon_id=typhoon["typhoon_id"])
    with center:
        layers, legend = map_layers(now, cfg, typhoon, risk)
        show_map(layers)
        legend_bar(legend)
    with right:
        rows = "".join(
            f'<tr><td class="c">{escape(str(r.community_name))}</td>'
            f"<td>未转 {int(num(r.persons_pending))} 人</td>"
            f"<td>{fmt_pct(r.transfer_rate, 0)}</td></tr>"
            for r in evac.head(15).itertuples()
        ) or '<tr><td colspan="3">暂无转移任务</td></tr>'
        side_box("evacuation", "应转未转最多的社区", rows)


def _patrols_panel(now, cfg, tick, typhoon, risk) -> None:
    """平安乐巡: today's completed tasks and people on patrol now (registry figures, the same
    queries as the 平安乐巡 page), check-ins by hour, this month's communities, tasks under way."""
    f = figures.fig
    today = Period(now.date(), now.date()).cut(now)
    month = Period(dt.date(now.year, now.month, 1), now.date()).cut(now)
    done_today, done_ya, done_month = headline.figures(
        "patrols", run_query, [today, today.year_ago(), month])
    active = headline.patrols_active(run_query, now)
    left, center, right = st.columns([1.05, 2.7, 1.15], gap=None)
    with left, st.container(key="wall_kpis"):
        n = done_today.get("done_count") or 0
        tile("patrols_done_today", f"今日{f('patrols_done').label}",
              figures.value_text("patrols_done", n), unit="次",
              sub="同比 " + change_span("patrols_done", n, done_ya.get("done_count")))
        tile("patrol_people_now", f("patrol_people_now").label,
              figures.value_text("patrol_people_now", active.get("people_on_patrol") or 0),
              unit="人", sub=f"进行中任务 {fmt_count(active.get('active_count') or 0)} 个")
        tile("patrol_participants_today", f"今日{f('patrol_participants').label}",
              figures.value_text("patrol_participants", done_today.get("participant_count") or 0),
              unit="人次", sub=f"{f('patrol_hours').label} "
                              f"{fmt_count(done_today.get('patrol_hours') or 0)} 小时")
        tile("patrol_communities_month", f"本月{f('patrol_communities').label}",
              figures.value_text("patrol_communities", done_month.get("community_count") or 0),
              unit="个", sub=f"本月{f('patrols_done').label} "
                            f"{fmt_count(done_month.get('done_count') or 0)} 次")
    with center, st.container(key="wall_bars"):
        hour_columns("patrols_by_hour", "今日签到巡逻任务时段分布", "次",
                     run_query("wall/patrols_by_hour", start=today_start(now), now=now),
                     "task_count")
        cov = run_query("patrols/coverage_by_community", **month.params(), communities=[],
                        patrol_types=[])
        items = [(str(r.community_name), float(r.patrol_hours),
                  f"{fmt_count(r.patrol_hours)} 小时")
                 for r in cov[cov["patrol_hours"] > 0].head(10).itertuples()]
        html(f'<div class="wall-box" data-box="patrol_communities"><h3>本月巡逻时长前10社区</h3>'
              f"{hbars(items, PATROL_COLOR) if items else '本月暂无巡逻'}</div>")
    with right:
        under_way = run_query("wall/active_patrols_by_task", now=now)
        rows = "".join(
            f'<tr><td class="t">{r.started_at:%H:%M}</td>'
            f"<td>{escape(str(r.team_name))}</td>"
            f"<td>{escape(str(r.community_name or ''))} · {int(r.participant_count)}人</td></tr>"
            for r in under_way.head(15).itertuples()
        ) or '<tr><td colspan="3">此刻没有进行中的巡逻任务</td></tr>'
        side_box("patrols_active", "正在巡逻", rows, "签到时间 · 队伍 · 社区")


PANEL_VIEWS = {"map": _map_panel, "incidents": _incidents_panel, "disputes": _disputes_panel,
               "typhoon": _typhoon_panel, "patrols": _patrols_panel}

