"""One chart style for every plotly chart of the app: fonts, palette, margins, number
separators, time-axis ticks and the 四色预警 level colours.

Pages call ``style(fig, height, ...)`` instead of spelling a layout of their own, take
colours from here and draw with ``show``, so a chart reads the same on every page.
"""

from __future__ import annotations

import datetime as dt
import functools

import plotly.graph_objects as go
import streamlit as st
from plotly.basedatatypes import _str_to_dict_path_full

FONT_FAMILY = "Noto Sans CJK SC, Microsoft YaHei, sans-serif"
FONT = {"family": FONT_FAMILY}
BLUE, GREEN, GREY, RED = "#1f5fbf", "#2b8a3e", "#9aa5b1", "#c92a2a"
ORANGE, PURPLE, YELLOW, TEAL = "#f08c00", "#7048e8", "#e0a030", "#1098ad"
PALETTE = (BLUE, YELLOW, GREEN, RED, PURPLE, TEAL, GREY)  # series in order
_CONFIG = {"displayModeBar": False}  # no plotly toolbar (its tooltips are English)
DAY_MS = 86_400_000


def show(fig: go.Figure, key: str, where=None, **kwargs):
    """Draw ``fig`` in ``where`` (a column or container; default: the current one) with the
    app's chart configuration: no plotly toolbar, whose tooltips are English. ``kwargs`` are
    ``st.plotly_chart``'s (``on_select``, ``selection_mode`` …). Every chart of the app is
    drawn here."""
    return (where or st).plotly_chart(fig, key=key, config=_CONFIG, **kwargs)


def style(fig: go.Figure, height: int = 320, **layout) -> go.Figure:
    """The app's chart layout on ``fig`` (``layout`` adds to or overrides it, in plotly's
    keywords: ``xaxis_title="人数"``, ``margin=dict(l=0)`` …).

    Same result as ``fig.update_layout`` followed by the axes' thousands separators, built as
    one ``go.Layout``: plotly validates an update property by property (about 4 ms a chart,
    a tenth of a light page's rerun), a new layout from a dict in a quarter of that."""
    want = {"height": height, "margin": {"l": 10, "r": 40, "t": 40, "b": 10}, "font": FONT,
            "hoverlabel": {"font": FONT}, "dragmode": False, "separators": ".,",
            "colorway": list(PALETTE), "legend": {"title": {"text": ""}}}
    current = fig.layout.to_plotly_json()
    # the new layout takes plotly's default template again (no chart here sets another one;
    # carrying the figure's own over would cost 3 ms of validation)
    current.pop("template", None)
    merged = _merge(current, want)
    for key, value in layout.items():
        merged = _merge(merged, _nested(key, value))
    # plotly writes 4500 on an axis (separators only from five digits on): 4,500 like the text
    for name in {"xaxis", "yaxis", *(k for k in merged if k.startswith(("xaxis", "yaxis")))}:
        merged[name] = {**merged.get(name, {}), "separatethousands": True}
    fig.layout = go.Layout(merged)
    return fig


def bar(cats, values, name: str, *, color: str | None = None, horizontal: bool = False,
        unit: str = "", cat_format: str = "", value_format: str = "", customdata=None,
        more: str = "") -> go.Bar:
    """One bar series with the app's hover, in Chinese: the category, then "name value unit"
    (``more``: further hover lines, e.g. of ``customdata``). ``cat_format`` / ``value_format``:
    plotly's ``|%Y-%m-%d`` (a date: plotly's own would be English) or ``:.1f``.

    Pages draw bars with this rather than plotly express, whose figure costs about 23 ms to
    build against 1 ms (its layout defaults are validated one by one)."""
    cat, value = ("y", "x") if horizontal else ("x", "y")
    return go.Bar(**{cat: cats, value: values}, name=name, orientation="h" if horizontal else "v",
                  marker_color=color, customdata=customdata,
                  hovertemplate=f"%{{{cat}{cat_format}}}<br>{name} %{{{value}{value_format}}}"
                                f" {unit}{more}<extra></extra>")


def _nested(key: str, value) -> dict:
    """plotly's magic underscore: ``xaxis_title_text`` → ``{"xaxis": {"title": {"text": …}}}``
    (split as plotly splits it: ``plot_bgcolor`` is one property)."""
    for part in reversed(_path(key)):
        value = {part: value}
    return value


@functools.cache
def _path(key: str) -> tuple[str, ...]:
    return _str_to_dict_path_full(key)[0]


def _merge(base: dict, extra: dict) -> dict:
    """``extra`` over ``base``, nested dicts merged (plotly's update semantics)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


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
