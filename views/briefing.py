"""工作简报: a 周报 / 月报 / 季报 / 自定义 briefing in the usual official style — title, period,
numbered sections of generated sentences, tables and a few charts — printable, and exported to
Word, PDF and Excel (the same content as ``python -m command_center briefing``).

The briefing type and date live in the URL (``brf_kind``, ``brf_date``); 自定义 uses the global
period of the sidebar. UI only: the content comes from command_center.briefing (named queries).
"""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from command_center import briefing, config
from command_center.briefing import periods as bp
from command_center.briefing.content import Figure, Table
from command_center.briefing.pdf import BriefingFontError, find_font
from command_center.formatting import PLACEHOLDER
from command_center.ui import charts, filters
from command_center.ui.export import audited

KIND_KEY, DATE_KEY = "brf_kind", "brf_date"
MIN_DATE = dt.date(2000, 1, 1)
DEFAULT_KIND = "month"
MIMES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PREVIOUS = {"week": "上周", "month": "上月", "quarter": "上季度", "custom": "上一个等长时段"}

PRINT_CSS = """
<style>
.st-key-brf_doc h1 { text-align: center; color: #b00000; letter-spacing: 0.1em; }
.st-key-brf_doc .brf-sub { text-align: center; font-size: 1.15rem; margin: -0.4rem 0 0.2rem; }
.st-key-brf_doc .brf-meta { text-align: center; color: #555; font-size: 0.85rem;
  border-bottom: 2px solid #b00000; padding-bottom: 0.6rem; margin-bottom: 0.6rem; }
.st-key-brf_doc .brf-p { text-indent: 2em; line-height: 1.9; margin: 0 0 0.35rem; }
@media print {
  @page { size: A4; margin: 14mm 12mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stStatusWidget"], .st-key-brf_controls, .st-key-brf_exports,
  [data-testid="stDownloadButton"] { display: none !important; }
  [data-testid="stMain"] { margin-left: 0 !important; }
  .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"],
  [data-testid="stMainBlockContainer"] { height: auto !important; min-height: 0 !important;
    overflow: visible !important; position: static !important; }
  [data-testid="stElementContainer"]:has(> .stHtml), .st-key-brf_controls,
  .st-key-brf_exports { margin: 0 !important; height: 0 !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  .st-key-brf_doc { border: none !important; padding: 0 !important; }
  /* Streamlit keeps blocks unbroken: the whole document would move to page 2 */
  .stApp div { break-inside: auto !important; }
  .st-key-brf_doc h3 { break-after: avoid; }
  .st-key-brf_doc tr { break-inside: avoid; }
  /* charts keep their screen width and would be cut off: their numbers are in the tables */
  .st-key-brf_doc [data-testid="stHorizontalBlock"]:has(.stPlotlyChart) { display: none !important; }
}
</style>
"""

f = filters.current()
today = config.today()


def _default_date(kind: str) -> dt.date:
    return bp.last_complete(kind if kind != "custom" else DEFAULT_KIND, today).end


def _seed_from_url() -> None:
    """Once per session: the link's type and date into the widgets' state."""
    if st.session_state.get("_brf_seeded"):
        return
    st.session_state["_brf_seeded"] = True
    kind = st.query_params.get(KIND_KEY)
    st.session_state[KIND_KEY] = kind if kind in bp.KINDS else DEFAULT_KIND
    text = st.query_params.get(DATE_KEY, "")
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        date = _default_date(st.session_state[KIND_KEY])
        if text:
            st.session_state["_brf_notice"] = "链接中的简报日期无法识别，已使用最近一期"
    # out of range: the nearest valid date, said so
    if not MIN_DATE <= date <= today:
        near = min(max(date, MIN_DATE), today)
        st.session_state["_brf_notice"] = (f"链接中的简报日期 {date} 超出可选范围（{MIN_DATE} 至 "
                                           f"{today}），已调整为 {near}")
        date = near
    st.session_state[DATE_KEY] = date


def _kind_changed() -> None:
    # a new type starts at its last complete period, not at the old type's date
    st.session_state[DATE_KEY] = _default_date(st.session_state[KIND_KEY] or DEFAULT_KIND)


def _write_url(kind: str, date: dt.date | None) -> None:
    want = {}
    if kind != DEFAULT_KIND:
        want[KIND_KEY] = kind
    if date is not None and date != _default_date(kind):
        want[DATE_KEY] = date.isoformat()
    for key in (KIND_KEY, DATE_KEY):
        if key not in want and key in st.query_params:
            del st.query_params[key]
        elif key in want and st.query_params.get(key) != want[key]:
            st.query_params[key] = want[key]


def _figure(fig_spec: Figure) -> go.Figure:
    fig = go.Figure()
    levels = charts.level_colors()
    # bars per 四色预警 level (红色, 黄色 …) take the level's colour
    by_level = bool(fig_spec.x) and all(str(x).removesuffix("色") in levels for x in fig_spec.x)
    for i, (name, values) in enumerate(fig_spec.series.items()):
        color = ([levels[str(x).removesuffix("色")] for x in fig_spec.x] if by_level
                 else charts.PALETTE[i % len(charts.PALETTE)])
        if fig_spec.kind == "line":
            fig.add_scatter(x=fig_spec.x, y=values, name=name, mode="lines",
                            line={"color": color},
                            hovertemplate=f"%{{x}}<br>{name}：%{{y:,}}<extra></extra>")
        elif fig_spec.kind == "barh":
            fig.add_bar(y=fig_spec.x, x=values, name=name, orientation="h",
                        marker_color=color,
                        hovertemplate=f"%{{y}}<br>{name}：%{{x:,}}<extra></extra>")
        else:
            fig.add_bar(x=fig_spec.x, y=values, name=name, marker_color=color,
                        hovertemplate=f"%{{x}}<br>{name}：%{{y:,}}<extra></extra>")
    charts.style(
        fig, title={"text": fig_spec.title, "font": {"size": 15}}, barmode="group", height=320,
        margin={"r": 10, "t": 45},
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        showlegend=len(fig_spec.series) > 1,
        xaxis_title=fig_spec.x_title, yaxis_title=fig_spec.y_title,
    )
    return fig


def _table(table: Table) -> None:
    st.markdown(f"**{html.escape(table.title)}**")
    df = pd.DataFrame(table.text_rows(), columns=table.headers)
    if df.empty:
        st.caption("无数据")
        return
    st.table(df.fillna(PLACEHOLDER), hide_index=True)
    if table.note:
        st.caption(table.note)


def _paragraph(text: str) -> None:
    st.markdown(f'<p class="brf-p">{html.escape(text)}</p>', unsafe_allow_html=True)


st.html(PRINT_CSS)
_seed_from_url()
if notice := st.session_state.pop("_brf_notice", None):
    st.warning(notice, icon="⚠️")

with st.container(key="brf_controls"):
    st.markdown("## 工作简报")
    c1, c2, c3 = st.columns([2, 2, 3], vertical_alignment="bottom")
    with c1:
        kind = st.segmented_control("简报类型", options=list(bp.KINDS), format_func=bp.KINDS.get,
                                    key=KIND_KEY, required=True, on_change=_kind_changed)
    kind = kind or DEFAULT_KIND
    date = None
    with c2:
        if kind == "custom":
            period = f.period
            st.caption(f"自定义：使用左侧筛选的时间范围（{period.label()}）")
        else:
            date = st.date_input("简报所在的日期", key=DATE_KEY, max_value=today,
                                 min_value=MIN_DATE, format="YYYY-MM-DD",
                                 help="周报为该日所在的周（周一至周日），月报为该日所在的月，"
                                      "季报为该日所在的季度；未结束的周期统计到此刻")
            date = date or _default_date(kind)
            period = bp.resolve(kind, date, config.now())
    with c3:
        st.caption(f"统计时间：{period.label()}；同比与上年同期比较，环比与{PREVIOUS[kind]}比较。"
                   "打印：浏览器菜单“打印”（Ctrl+P），侧栏和按钮不会打印。")
_write_url(kind, date)

with st.spinner("正在生成简报…"):
    b = briefing.make(kind, period, f.communities)
stem = briefing.file_stem(kind, period)

font_error = None
try:
    find_font()
except BriefingFontError as exc:
    font_error = str(exc)

with st.container(key="brf_exports", horizontal=True):
    for fmt, label in (("docx", "导出 Word"), ("pdf", "导出 PDF"), ("xlsx", "导出 Excel")):
        st.download_button(
            label, data=audited("download", f"{stem}.{fmt}", {"简报": b.title, "范围": b.scope},
                                lambda fmt=fmt: briefing.render(b, fmt)),
            file_name=f"{stem}.{fmt}",
            mime=MIMES[fmt], key=f"brf_export_{fmt}", on_click="ignore",
            disabled=fmt == "pdf" and font_error is not None, icon="📄")
if font_error:
    st.error(f"无法导出 PDF：{font_error}")

with st.container(border=True, key="brf_doc"):
    st.markdown(f"# {html.escape(b.title)}")
    st.markdown(f'<div class="brf-sub">{html.escape(b.period_label)}</div>'
                f'<div class="brf-meta">{html.escape(b.date_range)}　{html.escape(b.scope)}　'
                f"{html.escape(b.generated)}</div>", unsafe_allow_html=True)
    for heading, section in zip(b.section_titles, b.sections, strict=True):
        st.markdown(f"### {heading}")
        for text in section.paragraphs:
            _paragraph(text)
        if section.figures:
            cols = st.columns(min(max(len(section.figures), 2), 3))
            for i, fig in enumerate(section.figures):
                with cols[i % len(cols)]:
                    charts.show(_figure(fig), key=f"brf_fig_{fig.key}")
        for table in section.tables:
            _table(table)
    st.markdown(f"### 附表：{b.community_table.title}")
    _table(b.community_table)
