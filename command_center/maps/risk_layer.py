"""The 四色预警 map layer: communities filled with their level's colour (risk.toml), the score
in the tooltip. Used by the 四色预警 page; the overview and the wall can add it as is::

    from command_center import risk
    from command_center.maps.risk_layer import risk_layer
    layer, items = risk_layer(risk.scores(period))
    layer.add_to(m); m.add_child(legend("四色预警", items))
"""

from __future__ import annotations

from html import escape

import folium
import pandas as pd

from command_center import risk
from command_center.formatting import fixed
from command_center.maps.base import (
    NO_DATA,
    communities_geojson,
    community_layer,
    county_map,
    legend,
)


def risk_tooltip(row: dict, names: dict[str, str] | None = None) -> str:
    """Chinese HTML: name first (read back on click), level, score and the top contributions."""
    names = names or risk.indicator_names()
    parts = sorted(
        ((row.get(f"{k}_points") or 0.0, n) for k, n in names.items()), reverse=True)
    top = "、".join(f"{n} {fixed(p)}" for p, n in parts[:3] if p and p > 0.05) or "—"
    return (
        f"<b>{escape(str(row['community_name']))}</b><br>"
        f"预警等级 <b style=\"color:{row['color']}\">{escape(str(row['level']))}</b>"
        f" · 风险分 <b>{fixed(row['score'])}</b><br>"
        f"主要得分项：{escape(top)}"
    )


def risk_layer(scores: pd.DataFrame, *, name: str = "四色预警", show: bool = True,
               dark: bool = False) -> tuple[folium.FeatureGroup, list[tuple[str, str]]]:
    """Communities coloured by level (rows of ``risk.scores``); communities not in ``scores``
    (outside a community filter) are grey. Returns the layer and the legend items (colour,
    label), red first, plus grey when some community is not scored."""
    rows = {r["community_code"]: r for r in scores.to_dict("records")}
    names = risk.indicator_names()
    colors = {code: r["color"] for code, r in rows.items()}

    def tooltip(props: dict) -> str:
        r = rows.get(props["community_code"])
        if r is None:
            return f"<b>{escape(str(props.get('community_name', '')))}</b><br>未在筛选范围内"
        return risk_tooltip(r, names)

    layer = community_layer(
        {code: float(r["score"]) for code, r in rows.items()},
        name=name,
        tooltip=tooltip,
        colors=colors,
        breaks=[],  # every scored community has an explicit colour; the others are NO_DATA
        show=show,
        opacity=0.75,
        line_color="#0b1626" if dark else "#ffffff",
    )
    items = risk.legend_items()
    if len(rows) < len(communities_geojson()["features"]):
        items.append((NO_DATA, "未在筛选范围内"))
    return layer, items


def risk_map(scores: pd.DataFrame, *, legend_title: str = "四色预警") -> folium.Map:
    """The 四色预警 page's map: the county, communities by level, one legend (a builder for
    ``cached_payload``: everything it draws comes from its arguments)."""
    m = county_map()
    layer, items = risk_layer(scores)
    layer.add_to(m)
    m.add_child(legend(legend_title, items))
    return m


def map_frame(scores: pd.DataFrame) -> pd.DataFrame:
    """The columns of ``scores`` the map draws, floats to 6 decimals: scores as of now move by
    a last bit from one rerun to the next, and the map (1 decimal) should not be rebuilt for
    that (``cached_payload`` keys on the data)."""
    keep = [c for c in scores.columns
            if c in ("community_code", "community_name", "level", "color", "score")
            or c.endswith("_points")]
    return scores[keep].round(6)
