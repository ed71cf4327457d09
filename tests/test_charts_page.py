"""Every plotly chart on every page (AppTest over app.py): one chart style, time ticks that
never repeat, and 四色预警 colours that follow the level.

- style: every chart carries the layout of ``command_center.ui.charts.style`` (the app's font,
  thousands separators, also in 4-digit axis ticks), so no page spells a style of its own, and
  no chart shows plotly's toolbar (its tooltips are English);
- ticks: a date axis whose tick format shows days (no hour) has an explicit tick spacing of at
  least a day (plotly's automatic ticks on a two-day view fall every 6 hours: "12-01" eight
  times), and a month format at least a month;
- the briefing's 四色预警社区数 bars are coloured by level (红 red, …), not all one blue.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from streamlit.testing.v1 import AppTest

from command_center.ui import charts
from tests.every_page import each_page

TWO_DAYS = (dt.date(2026, 11, 19), dt.date(2026, 11, 20))
WINDOWS = {
    "two_days": {"period": "custom", "range": TWO_DAYS},
    "month": {},
    "year": {"period": "year"},
}


def _specs(at: AppTest) -> dict[str, dict]:
    """Each chart's figure, with its plotly config as ``spec["config"]``."""
    out = {}
    for i, el in enumerate(at.get("plotly_chart")):
        spec = json.loads(el.proto.spec)
        spec["config"] = json.loads(el.proto.config or "{}")
        out[el.proto.id.rsplit("-", 1)[-1] or str(i)] = spec
    return out


def _tick_problems(name: str, spec: dict) -> list[str]:
    out = []
    for axis_name, axis in spec["layout"].items():
        if not axis_name.startswith(("xaxis", "yaxis")) or not isinstance(axis, dict):
            continue
        fmt = axis.get("tickformat") or ""
        if "%d" in fmt and "%H" not in fmt:
            dtick = axis.get("dtick")
            if not (isinstance(dtick, (int, float)) and dtick >= charts.DAY_MS
                    or isinstance(dtick, str) and dtick.startswith("M")):
                out.append(f"{name}.{axis_name}: day ticks {fmt!r} with dtick {dtick!r}")
        elif "%m" in fmt and "%d" not in fmt:
            dtick = axis.get("dtick")
            if not (isinstance(dtick, str) and dtick.startswith("M")):
                out.append(f"{name}.{axis_name}: month ticks {fmt!r} with dtick {dtick!r}")
    return out


@pytest.mark.parametrize("window", list(WINDOWS))
def test_every_chart_has_the_app_style_and_ticks_that_do_not_repeat(fixture_warehouse, window):
    problems, seen = [], 0
    for file, at in each_page(WINDOWS[window]):
        for name, spec in _specs(at).items():
            seen += 1
            lay = spec["layout"]
            if (lay.get("font") or {}).get("family") != charts.FONT_FAMILY:
                problems.append(f"{file} {name}: font {lay.get('font')!r}, not the app's")
            if lay.get("separators") != ".,":
                problems.append(f"{file} {name}: no thousands separators")
            if spec["config"].get("displayModeBar") is not False:
                problems.append(f"{file} {name}: plotly's toolbar (English tooltips) is shown")
            for axis_name, axis in lay.items():  # 4,500 on an axis, not 4500
                if axis_name.startswith(("xaxis", "yaxis")) and isinstance(axis, dict) \
                        and axis.get("type") != "category" and not axis.get("separatethousands"):
                    problems.append(f"{file} {name}.{axis_name}: 4-digit ticks without separator")
            problems += [f"{file} {p}" for p in _tick_problems(name, spec)]
    assert seen >= 15
    assert problems == []


def test_briefing_level_bars_follow_the_level_colour(fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=180)
    at.run()
    at.switch_page("views/briefing.py")
    at.run()
    assert not at.exception
    colors = charts.level_colors()
    bars = [s for s in _specs(at).values()
            if "四色预警" in str((s["layout"].get("title") or {}).get("text", ""))]
    assert len(bars) == 1
    trace = bars[0]["data"][0]
    want = [colors[x.removesuffix("色")] for x in trace["x"]]
    assert trace["marker"]["color"] == want
    assert len(set(want)) >= 3  # several levels, several colours
