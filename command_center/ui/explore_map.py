"""数据探索 shown on the county map (the builder's per-community, grid and point SQL)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pandas as pd
import streamlit as st

from command_center import explore as ex
from command_center.figures import short_sample_text
from command_center.formatting import fmt_count
from command_center.maps import base, layers
from command_center.ui import charts
from command_center.ui.maps import show_map


def draw_map(q: ex.Question, *, map_mode: str, m_label: str, whole: bool, total: int,
             personal_ok: bool, value_text: Callable[[float], str]) -> None:
    """The question on the county map: its measure per community (choropleth) or its located
    records counted in a grid; single points on top when there are few. Everything is computed
    in SQL by the builder and bounded (communities, at most CELLS_MAX cells, POINTS_MAX points)."""
    ds = ex.dataset(q.dataset)
    tc = ex.time_column(ds)
    com, lon, _ = ex.map_columns(ds)
    if com is None and lon is None:
        st.info(f"“{ds.title}”没有社区或位置字段，不能以地图显示，请选择其他展示方式。")
        return
    mode = map_mode if (com is not None and lon is not None) else (
        "community" if com is not None else "grid")
    fmap = base.county_map()
    legend: list = []
    notes: list[str] = []
    if mode == "community":
        by_com = ex.run(*ex.build_by_community(q, personal_ok=personal_ok))
        need = ex.min_sample(q.measure)  # below it a community's value is 样本不足: uncoloured
        short = {str(c): int(n) for c, n in zip(by_com[com.name], by_com["n"], strict=True)
                 if n < need} if need else {}
        values = {str(c): float(v) for c, v in zip(by_com[com.name], by_com["value"], strict=True)
                  if pd.notna(v) and str(c) not in short}
        digits = 0 if whole else 2
        breaks = base.class_breaks(list(values.values()), digits=digits)

        def tip(p: dict) -> str:
            v, code = p.get("value"), str(p.get("community_code"))
            text = (short_sample_text(short[code]) if code in short
                    else "无记录" if v is None else value_text(v))
            return f"<b>{escape(str(p['community_name']))}</b><br>{escape(m_label)}：{escape(text)}"
        base.community_layer(values, name=f"社区{m_label}", tooltip=tip,
                             breaks=breaks).add_to(fmap)
        legend.append((f"各社区{m_label}", [
            (c, "无记录" if t == "无数据" else t)
            for c, t in base.breaks_legend_items(breaks, digits=digits)], "square"))
        notes.append(f"社区按“{m_label}”着色（按所属社区汇总，不按分组维度）")
        if short:
            notes.append(f"{len(short)} 个社区少于 {need} 件，样本不足，不着色")
    if lon is not None and mode == "grid":
        cells = ex.run(*ex.build_cells(q, personal_ok=personal_ok))
        layer, items = layers.density_layer(
            cells, name="网格密度（约500米）", show=True, palette=base.SEQUENTIAL,
            count_col="n", tip="该网格记录 {n} 条")
        layer.add_to(fmap)
        legend.append(("网格记录数（条）", items, "square"))
        notes.append("网格约500米见方，按有经纬度的记录计数")
    if lon is not None and total <= ex.POINTS_MAX:
        pts = ex.run(*ex.build_points(q, personal_ok=personal_ok))
        enum = next((c for c in ds.columns if c.kind == "enum"), None)

        def point_tip(r: dict) -> str:
            parts = [f"<b>{escape(ds.column(ds.key).header)}：{escape(str(r[ds.key]))}</b>"]
            if tc is not None and pd.notna(r.get(tc.name)):
                parts.append(f"{escape(tc.header)}：{pd.Timestamp(r[tc.name]):%Y-%m-%d %H:%M}")
            if enum is not None:
                v = r.get(enum.name)
                parts.append(f"{escape(enum.header)}：{escape(str(v)) if pd.notna(v) else '—'}")
            return "<br>".join(parts)
        layers.points_layer(pts, name="单条记录", color=charts.BLUE, radius=4,
                            line_color="#ffffff", tooltip=point_tip).add_to(fmap)
        legend.append(("点位", [(charts.BLUE, "单条记录")], "circle"))
        notes.append(f"记录不超过 {fmt_count(ex.POINTS_MAX)} 条，叠加显示单条点位")
    elif lon is not None:
        notes.append(f"记录超过 {fmt_count(ex.POINTS_MAX)} 条，不显示单条点位")
    fmap.get_root().add_child(layers.legend_panel(legend))
    st.caption("；".join(notes) + "。")
    show_map(fmap, key="ex_map_view", height=560, returned_objects=())
