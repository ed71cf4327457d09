"""大屏: the wall's data look-ups and HTML building blocks (title bar, tiles, boxes, bars)."""

from __future__ import annotations

import datetime as dt
import math
from html import escape

import pandas as pd
import streamlit as st

from command_center import config, figures, risk
from command_center import wall as w
from command_center.periods import Period
from queries import run_query


# ------------------------------------------------------------------ data
def current_time() -> dt.datetime:
    return w.minute_floor(config.now(), 60)


def today_start(now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(now.date(), dt.time())


def one_row(df: pd.DataFrame) -> dict:
    return df.iloc[0].to_dict() if len(df) else {}


def num(x, default=0.0) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return default
    return default if math.isnan(v) else v


def risk_levels(now: dt.datetime) -> tuple[dict[str, str], dict[str, str]]:
    """(community code → level name, level name → colour) from the four-colour model
    (``command_center.risk``) for the current month, as the 四色预警 page shows by default."""
    today = now.date()
    try:
        df = risk.assess(Period(today.replace(day=1), today, step="month").cut(now)).scores
        colors = risk.level_colors()
    except Exception:  # a bad risk.toml must not take the wall down; the tile then shows —
        return {}, {}
    return dict(zip(df["community_code"], df["level"], strict=True)), colors


def data_freshness(cfg: w.WallConfig) -> w.Freshness:
    f = one_row(run_query("wall/data_freshness"))
    newest = f.get("newest_import_at")
    if newest is None or pd.isna(newest):
        newest = f.get("built_at")
    newest = None if newest is None or pd.isna(newest) else pd.Timestamp(newest).to_pydatetime()
    # import times are written with the real wall clock (not the demo clock of config.now())
    real_now = dt.datetime.now(config.tz()).replace(tzinfo=None)
    return w.freshness(newest, real_now, cfg.amber_minutes, cfg.red_minutes)


def current_typhoon(now: dt.datetime) -> dict:
    return one_row(run_query("wall/typhoon_progress_by_typhoon", now=now))


# ------------------------------------------------------------------ rendering helpers
def html(markup: str) -> None:
    st.markdown(markup, unsafe_allow_html=True)


def tile(kpi: str, label: str, value: str, sub: str = "", unit: str = "", bar: float | None = None,
          alert: bool = False) -> None:
    bar_html = ""
    if bar is not None:
        bar_html = f'<div class="bar"><div style="width:{max(0, min(bar, 1)) * 100:.1f}%"></div></div>'
    unit_html = f'<span class="unit">{escape(unit)}</span>' if unit else ""
    html(
        f'<div class="wall-tile{" alert" if alert else ""}" data-kpi="{kpi}">'
        f'<div class="lbl">{escape(label)}</div>'
        f'<div class="val" data-value="{escape(value)}">{escape(value)}{unit_html}</div>'
        f'<div class="sub">{sub or "&nbsp;"}</div>{bar_html}</div>'
    )


def title_bar(now: dt.datetime, fresh: w.Freshness, panel: str, problems: list[str]) -> None:
    county = escape(config.get("county", "name", ""))
    note = ""
    if problems:
        note = f'<span class="wall-note">设置有误已忽略：{escape("；".join(problems))}</span>'
    html(
        f'<div class="wall-title" data-panel="{panel}"><div class="name">{county}社会治理中心'
        f"<small>平安治理一张图</small></div>"
        f'<div class="right">{note}<span class="wall-panel-name">{escape(w.PANELS[panel])}</span>'
        f'<span class="clock">{now.year}年{now.month}月{now.day}日 {w.weekday_name(now.date())} '
        f"{now:%H:%M}</span>"
        f'<span class="wall-badge {fresh.status}" data-status="{fresh.status}">'
        f"{escape(fresh.text)}</span></div></div>"
    )


def latest_list(now: dt.datetime, cfg: w.WallConfig, tick: int) -> None:
    df = run_query("wall/latest_incidents_by_incident", now=now,
                   limit=cfg.latest_rows * cfg.latest_pages)
    offset, page = w.page_of(len(df), cfg.latest_rows, cfg.latest_pages, tick)
    pages = max(1, min(cfg.latest_pages, math.ceil(len(df) / cfg.latest_rows) if len(df) else 1))
    rows = df.iloc[offset:offset + cfg.latest_rows]
    body = "".join(
        f'<tr><td class="t">{pd.Timestamp(r.reported_at):%H:%M}</td>'
        f'<td class="c">{escape(str(r.category))}</td><td>{escape(str(r.community_name))}</td></tr>'
        for r in rows.itertuples()
    ) or '<tr><td colspan="3">暂无警情</td></tr>'
    side_box("latest", "最新警情", body, f"第{page}/{pages}页")


def change_span(key: str, now_value, before) -> str:
    text = figures.change(key, now_value, before) or "无可比数据"
    cls = "up" if text.startswith("+") else "down" if text.startswith("-") else ""
    return f'<span class="{cls}">{escape(text)}</span>'



def side_box(box: str, title: str, rows_html: str, note: str = "") -> None:
    with st.container(key="wall_side"):
        # a space before the note: its text must not run into the title (最新警情 第1/2页)
        small = f" <small>{escape(note)}</small>" if note else ""
        html(f'<div class="wall-box" data-box="{box}"><h3>{escape(title)}{small}</h3>'
              f'<table class="wall-list">{rows_html}</table></div>')


def hbars(items: list[tuple[str, float, str]], color: str) -> str:
    """Horizontal bars as HTML (they scale with the viewport and stay crisp on any wall)."""
    top = max((v for _, v, _ in items), default=0) or 1
    return '<div class="wall-bars">' + "".join(
        f'<div class="row"><span class="k">{escape(k)}</span><span class="b">'
        f'<div style="width:{v / top * 100:.1f}%;background:{color}"></div></span>'
        f'<span class="v">{escape(text)}</span></div>'
        for k, v, text in items
    ) + "</div>"



def hour_columns(box: str, title: str, unit: str, by_hour: pd.DataFrame, count_col: str) -> None:
    """Today's counts by hour as HTML columns, each as high as its share of the busiest hour."""
    top = max(int(by_hour[count_col].max() or 0), 1)
    cols = "".join(
        f'<div class="c"><span class="n">{int(n) or ""}</span>'
        f'<div style="height:{n / top * 85:.1f}%"></div>'
        f"<span>{int(hour)}</span></div>"
        for n, hour in zip(by_hour[count_col], by_hour["hour"], strict=True)
    )
    html(f'<div class="wall-box" data-box="{box}"><h3>{title} '
         f'<small>单位：{unit} · 横轴：时</small></h3><div class="wall-cols">{cols}</div></div>')
