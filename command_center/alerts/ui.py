"""Where people see alerts: the 大屏 banner, the sidebar count, the 预警 page's tables.

Everything reads the alert store (a few rows of SQLite, no warehouse query), so the wall shows
a new alert at its next refresh. Texts are data: HTML-escaped; no personal data is stored in an
alert (see ``evaluate``).
"""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from command_center import config
from command_center.alerts import store
from command_center.alerts.rules import LEVELS
from command_center.privacy import html_text

log = logging.getLogger(__name__)
PAGE = "views/alerts.py"
LEVEL_COLORS = {"紧急": "#ff4d4f", "关注": "#ff9f1a", "提示": "#4fc3ff"}
BANNER_ROWS = 1  # default of [alerts] wall_rows: alerts listed on the wall; the rest counted

BANNER_CSS = """
<style>
.st-key-wall_alerts { position: fixed !important; left: 0; right: 0; bottom: 0; z-index: 1000;
  pointer-events: none; }
.wall-alerts { margin: 0 1.1vw 1.2vh 1.1vw; border-radius: .8vh; overflow: hidden;
  font-family: 'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','Microsoft YaHei',sans-serif;
  box-shadow: 0 0 2.4vh rgba(255,77,79,.55); border: .3vh solid var(--lv); }
.wall-alerts .row { display: flex; align-items: center; gap: 1vw; padding: .7vh 1.2vw;
  background: rgba(40,6,10,.97); color: #fff; white-space: nowrap; overflow: hidden;
  font-size: clamp(18px, 3.4vh, 120px); line-height: 1.25; }
.wall-alerts .row + .row { border-top: .15vh solid rgba(255,255,255,.18); }
.wall-alerts .lv { flex: 0 0 auto; padding: .1vh .8vw; border-radius: .6vh; font-weight: 700;
  color: #111; }
.wall-alerts .name { flex: 0 0 auto; font-weight: 700; }
.wall-alerts .title { flex: 1 1 auto; overflow: hidden; text-overflow: ellipsis; }
.wall-alerts .more { flex: 0 0 auto; color: #ffd1d1; font-size: .8em; }
</style>
"""


def _safe(read, default):
    """A store that cannot be read never breaks a page (the wall keeps refreshing)."""
    try:
        return read()
    except Exception:
        log.exception("预警库读取失败")
        return default


def level_counts_text(counts: dict[str, int]) -> str:
    """``紧急 2 · 关注 5`` highest level first (levels with none left out)."""
    return " · ".join(f"{lv} {counts[lv]}" for lv in reversed(LEVELS) if counts.get(lv))


def wall_rows() -> int:
    """``[alerts] wall_rows``: how many alerts the banner lists (each row covers about 5% of
    the screen's height over the bottom of the panels)."""
    try:
        return max(1, min(5, int(config.get("alerts", "wall_rows", BANNER_ROWS))))
    except (TypeError, ValueError):
        return BANNER_ROWS


def banner_html(active: list[dict], rows: int = BANNER_ROWS) -> str:
    """The wall banner: up to ``rows`` active alerts, highest level first; '' when none."""
    if not active:
        return ""
    top = active[0]["level"]
    counts: dict[str, int] = {}
    for a in active:
        counts[a["level"]] = counts.get(a["level"], 0) + 1
    lines = []
    for i, a in enumerate(active[:rows]):
        color = LEVEL_COLORS.get(a["level"], "#ffffff")
        more = ""
        if i == 0:
            more = (f'<span class="more">当前预警 {len(active)} 条（'
                    f"{html_text(level_counts_text(counts))}）</span>")
        lines.append(
            f'<div class="row" data-level="{html_text(a["level"])}">'
            f'<span class="lv" style="background:{color}">{html_text(a["level"])}</span>'
            f'<span class="name">{html_text(a["rule_name"])}</span>'
            f'<span class="title">{html_text(a["title"])}</span>{more}</div>')
    return (f'<div class="wall-alerts" data-count="{len(active)}" '
            f'style="--lv:{LEVEL_COLORS.get(top, "#ffffff")}">' + "".join(lines) + "</div>")


def wall_banner() -> None:
    """The 大屏's alert banner (call inside the wall's refreshing fragment)."""
    active = _safe(store.active_alerts, [])
    with st.container(key="wall_alerts"):
        st.html(BANNER_CSS)
        st.markdown(banner_html(active, wall_rows()), unsafe_allow_html=True)


def sidebar_count() -> None:
    """Every page's sidebar: how many alerts are active, linking to the 预警 page."""
    counts = _safe(store.active_counts, {})
    n = sum(counts.values())
    label = f"当前预警 {n} 条（{level_counts_text(counts)}）" if n else "当前无预警"
    try:
        st.page_link(PAGE, label=label, icon="🔔")
    except Exception:  # the page is not in the navigation (a page run on its own)
        st.caption(label)


# ------------------------------------------------------------------ the 预警 page's tables
COLUMNS = {
    "level": "级别",
    "rule_name": "规则",
    "title": "预警",
    "message": "详情",
    "raised_at": "触发时间",
    "last_seen_at": "最近评估仍满足",
    "resolved_at": "解除时间",
    "acknowledged_by": "确认人",
    "acknowledged_at": "确认时间",
    "ack_note": "确认备注",
    "link": "查看",
}
EVENT_COLUMNS = {"at": "时间", "kind": "事件", "actor": "人员/渠道", "note": "备注"}
DELIVERY_COLUMNS = {"channel": "渠道", "status": "状态", "attempts": "尝试次数",
                    "last_attempt_at": "最近尝试", "sent_at": "发送时间", "last_error": "失败原因"}
CHANNEL_NAMES = {"webhook": "机器人（钉钉/企业微信）", "email": "邮件"}
DELIVERY_STATUS = {"sent": "已发送", "failed": "发送失败"}


TIME_COLUMNS = ("raised_at", "last_seen_at", "resolved_at", "acknowledged_at", "at",
                "last_attempt_at", "sent_at")


def _frame(rows: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(columns))
    for col in TIME_COLUMNS:
        if col in df:
            df[col] = [time_text(t) for t in df[col]]
    return df.rename(columns=columns).fillna("")


def alerts_frame(rows: list[dict], *, past: bool = False) -> pd.DataFrame:
    """Alerts as the page shows them (Chinese headers; links relative to the page)."""
    cols = dict(COLUMNS)
    if not past:
        cols.pop("resolved_at")
    df = _frame(rows, cols)
    df["查看"] = [str(x).lstrip("/") for x in df["查看"]]
    return df


def events_frame(rows: list[dict]) -> pd.DataFrame:
    df = _frame(rows, EVENT_COLUMNS)
    df["事件"] = df["事件"].map(lambda k: store.EVENT_NAMES.get(k, k))
    df["人员/渠道"] = df["人员/渠道"].map(lambda k: CHANNEL_NAMES.get(k, k))
    return df


def deliveries_frame(rows: list[dict]) -> pd.DataFrame:
    df = _frame(rows, DELIVERY_COLUMNS)
    df["渠道"] = df["渠道"].map(lambda k: CHANNEL_NAMES.get(k, k))
    df["状态"] = df["状态"].map(lambda k: DELIVERY_STATUS.get(k, k))
    return df


def time_text(t) -> str:
    """``11月20日 12:30`` (with the year when it is not this year); '' for none."""
    from command_center.ui.freshness import fmt_time

    return fmt_time(t) if t else ""


def option_label(a: dict) -> str:
    return f"【{a['level']}】{a['title']}（{time_text(a['raised_at'])}）"
