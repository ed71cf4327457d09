"""One chart style for every plotly chart of the app: fonts, palette, margins, number
separators, time-axis ticks and the 四色预警 level colours.

Pages call ``style(fig, height, ...)`` instead of spelling a layout of their own, and take
colours from here, so a chart reads the same on every page.
"""

from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go

FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"
FONT = {"family": FONT_FAMILY}
BLUE, GREEN, GREY, RED = "#1f5fbf", "#2b8a3e", "#9aa5b1", "#c92a2a"
ORANGE, PURPLE, YELLOW, TEAL = "#f08c00", "#7048e8", "#e0a030", "#1098ad"
PALETTE = (BLUE, YELLOW, GREEN, RED, PURPLE, TEAL, GREY)  # series in order
NOCFG = {"displayModeBar": False}  # no plotly toolbar (its tooltips are English)
DAY_MS = 86_400_000


def style(fig: go.Figure, height: int = 320, **layout) -> go.Figure:
    """The app's chart layout on ``fig`` (``layout`` adds to or overrides it)."""
    margin = {"l": 10, "r": 40, "t": 40, "b": 10, **layout.pop("margin", {})}
    fig.update_layout(
        height=height, margin=margin, font=FONT, hoverlabel={"font": FONT}, dragmode=False,
        separators=".,", colorway=list(PALETTE), legend_title_text="", **layout)
    # plotly writes 4500 on an axis (separators only from five digits on): 4,500 like the text
    fig.update_xaxes(separatethousands=True)
    fig.update_yaxes(separatethousands=True)
    return fig


def level_colors() -> dict[str, str]:
    """四色预警 level name (红/橙/黄/蓝/绿 …) → its colour in the model (risk.toml)."""
    from command_center import risk

    return {lv.name: lv.color for lv in risk.load_model().levels}


def time_axis(grain: str, start: dt.date, end: dt.date, tick0: dt.date | None = None) -> dict:
    """x-axis settings for buckets of ``grain`` (hour/day/week/month/year) between ``start`` and
    ``end`` (dates, inclusive): a tick label never repeats (plotly's automatic ticks on a
    two-day view fall every 6 hours and a day format wrote 12-01 eight times), and the whole
    window is shown even when only some buckets have data. ``tick0``: the first bucket's
    start (a week's Monday), when it is not ``start``."""
    days = (end - start).days + 1
    if grain == "hour":
        return {"tickformat": "%m-%d %H时", "dtick": 3_600_000 * max(1, days * 24 // 12)}
    if grain == "year":
        return {"tickformat": "%Y年", "dtick": "M12"}
    if grain == "month":
        return {"tickformat": "%Y年%m月", "dtick": "M1" if days <= 730 else "M3"}
    if grain == "week":
        return {"tickformat": "%m-%d", "dtick": 7 * DAY_MS * max(1, days // 7 // 12 + 1),
                "tick0": (tick0 or start).isoformat()}
    half = dt.timedelta(hours=12)
    return {"tickformat": "%m-%d", "dtick": DAY_MS * max(1, -(-days // 14)),
            "tick0": start.isoformat(),
            "range": [(dt.datetime.combine(start, dt.time()) - half).isoformat(),
                      (dt.datetime.combine(end, dt.time()) + half).isoformat()]}
