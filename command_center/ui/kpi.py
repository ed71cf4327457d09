"""KPI cards with 同比 / 环比, the way leaders quote them: every card is a registry figure.

The label, the 口径 in the help text, how the value and its change are written, which
direction is good and the minimum sample all come from ``command_center.figures``.
"""

from __future__ import annotations

import streamlit as st

from command_center import figures


def _delta_color(key: str) -> str:
    better = figures.fig(key).better
    return {"lower": "inverse", "higher": "normal"}.get(better, "off")


def kpi(key: str, value, *, year_ago=None, previous=None, n=None, n_year_ago=None,
        n_previous=None, against: tuple[str, object] | None = None, spark=None,
        extra: str = "", label: str | None = None) -> None:
    """One metric card for the figure ``key``.

    The delta is 同比 (or 环比 when there is no 同比); the other comparison is written beside
    it; ``against=(name, value)`` compares with something else instead (今日 vs its
    baseline). ``n``/``n_year_ago``/``n_previous`` are the case counts behind a rate or duration: below
    the figure's minimum sample the value reads 样本不足 (n=…) and no change is shown.
    """
    f = figures.fig(key)
    shown_label = label or f.label
    help_text = figures.help_text(key, extra)
    if f.min_sample and not figures.enough(key, n):
        st.metric(shown_label, figures.short_sample_text(n), help=help_text, border=True,
                  chart_data=spark, chart_type="line")
        return
    pairs = [(against[0], against[1], None)] if against else [
        ("同比", year_ago, n_year_ago), ("环比", previous, n_previous)]
    comparisons = [(name, before, nb) for name, before, nb in pairs if before is not None]
    delta, description, arrow = None, None, "auto"
    if comparisons:
        name, before, nb = comparisons[0]
        text = figures.change(key, value, before, n_before=nb)
        if text is None:  # no arrow: nothing comparable (no data, a zero base, a tiny sample)
            delta, arrow, description = f"{name}无可比数据", "off", ""
        elif text == "持平":
            delta, description = 0, f"{name}持平"
        else:
            delta, description = text, name
        for other, before2, nb2 in comparisons[1:]:
            text2 = figures.change(key, value, before2, n_before=nb2)
            description += f" · {other} {text2 or '无可比数据'}"
        description = description.strip(" ·") or None
    st.metric(
        shown_label,
        figures.value_text(key, value),
        delta=delta,
        delta_description=description,
        delta_color=_delta_color(key) if arrow == "auto" else "off",
        delta_arrow=arrow,
        chart_data=spark,
        chart_type="line",
        help=help_text,
        border=True,
    )
