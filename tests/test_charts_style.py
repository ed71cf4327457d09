"""``charts.style`` builds the app's layout in one go: the same figure, property for
property, as plotly's own ``update_layout`` and ``update_xaxes``/``update_yaxes`` would give."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots

from command_center.ui import charts


def _by_plotly(fig: go.Figure, height: int = 320, **layout) -> go.Figure:
    margin = {"l": 10, "r": 40, "t": 40, "b": 10, **layout.pop("margin", {})}
    fig.update_layout(height=height, margin=margin, font=charts.FONT,
                      hoverlabel={"font": charts.FONT}, dragmode=False, separators=".,",
                      colorway=list(charts.PALETTE), legend_title_text="", **layout)
    fig.update_xaxes(separatethousands=True)
    fig.update_yaxes(separatethousands=True)
    return fig


def _bars() -> go.Figure:
    return go.Figure(go.Bar(x=["甲", "乙"], y=[4500, 12], name="警情"))


def _stacked() -> go.Figure:
    fig = _bars()
    fig.add_bar(x=["甲", "乙"], y=[1, 2], name="其他")
    fig.update_layout(barmode="stack", title_text="原标题")
    fig.update_xaxes(tickformat="%m-%d", dtick=86_400_000)
    return fig


def _two_axes() -> go.Figure:
    fig = make_subplots(rows=1, cols=2)
    fig.add_bar(x=[1, 2], y=[3, 4], row=1, col=1)
    fig.add_scatter(x=[1, 2], y=[5, 6], row=1, col=2)
    return fig


def _pie() -> go.Figure:
    return go.Figure(go.Pie(labels=["集中安置", "投亲靠友"], values=[3, 4]))


CASES = {
    "titles": (_bars, {"height": 360, "xaxis_title": "组织数（家）", "yaxis_title": ""}),
    "over an earlier layout": (_stacked, {"title": {"text": "新标题", "x": 0},
                                          "xaxis_title": "日期", "barmode": "group"}),
    "underscored properties": (_bars, {"plot_bgcolor": "#ffffff", "paper_bgcolor": "#f8f9fa",
                                       "xaxis_showgrid": False}),
    "margin and legend": (_bars, {"margin": {"l": 0, "r": 10}, "showlegend": False,
                                  "legend": {"orientation": "h", "y": -0.2}}),
    "subplots": (_two_axes, {"height": 300, "xaxis2_title_text": "第二轴"}),
    "pie": (_pie, {"height": 220, "title_text": "已转移人员安置方式"}),
    "axis dicts": (_bars, {"xaxis": {"type": "category"}, "yaxis": {"rangemode": "tozero"},
                           "hovermode": "x unified"}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_style_gives_what_plotly_updates_give(case):
    make, layout = CASES[case]
    want = _by_plotly(make(), **layout).to_plotly_json()
    got = charts.style(make(), **layout).to_plotly_json()
    assert got == want
    assert got["layout"]["font"]["family"] == charts.FONT_FAMILY
