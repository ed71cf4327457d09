"""Record tables: personal data masked (by column and by content), Chinese headers."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd
import streamlit as st

from command_center import config, privacy
from command_center.formatting import PLACEHOLDER, fmt_count
from command_center.labels import chinese_columns
from queries import run_query, run_query_uncached


def mask_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Personal data masked: personal columns (张*, 138****1234) and, in every text column,
    identity numbers, phone numbers and cued names (``command_center.privacy``)."""
    return privacy.mask_frame(df)


def blank_missing_text(df: pd.DataFrame) -> pd.DataFrame:
    """Empty text cells instead of 'None' (numbers keep their NaN, shown blank anyway)."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].astype(object).where(out[col].notna(), "")
    return out


TIME_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?")
TIME_WIDTH = {10: 110, 16: 150}  # px for "2026-11-20" and "2026-11-20 12:30"


def time_column_config(df: pd.DataFrame) -> dict:
    """A width for every column of date/time text: the grid sizes a column by the rows it
    first draws, so a column empty there (办结时间 of open cases) was cut off further down."""
    config = {}
    for col in df.columns:
        if df[col].dtype != object:
            continue
        texts = [v for v in df[col] if isinstance(v, str) and v]
        if texts and all(TIME_TEXT.fullmatch(v) for v in texts):
            config[col] = st.column_config.TextColumn(
                width=TIME_WIDTH[max(len(v) for v in texts)])
    return config


MAX_DECIMALS = 2  # a fraction column shows at most this many decimals, the same in every row
RATE_WIDTH = 130  # px: a progress bar and "100.0%"


def _decimals(values: pd.Series) -> int:
    """How many decimals the column's most precise value needs (up to MAX_DECIMALS)."""
    for d in range(MAX_DECIMALS):
        if ((values * 10 ** d).round(6) % 1 == 0).all():
            return d
    return MAX_DECIMALS


def uniform_numbers(df: pd.DataFrame, column_config: dict | None = None
                    ) -> tuple[pd.DataFrame, dict]:
    """One precision per column, as ``formatting`` writes numbers elsewhere: a rate column
    configured as ``format="percent"`` (a share in [0, 1]) reads 98.8% / 90.0% (one decimal,
    like ``fmt_pct``; Streamlit's own percent format wrote 98.82% beside 90%), and a fraction
    column without a format shows every value with the same number of decimals (2.30 beside
    2.14, not 2.3). Returns the frame to show (rates scaled to 0–100) and the column config."""
    out, config = df.copy(), dict(column_config or {})
    for col in out.columns:
        cfg = config.get(col)
        kind = (cfg or {}).get("type_config", {}) if isinstance(cfg, dict) else {}
        if kind.get("format") == "percent" and kind.get("type") in ("progress", "number"):
            out[col] = pd.to_numeric(out[col], errors="coerce") * 100
            scaled = {k: (v * 100 if k in ("min_value", "max_value") and v is not None else v)
                      for k, v in kind.items()}
            # a bar and "100.0%" need more than the header's width (the grid cut it to 100.0)
            config[col] = {**cfg, "width": cfg.get("width") or RATE_WIDTH,
                           "type_config": {**scaled, "format": "%.1f%%"}}
        elif cfg is None and pd.api.types.is_float_dtype(out[col]):
            values = out[col].dropna()
            if len(values) and not (values % 1 == 0).all():
                config[col] = st.column_config.NumberColumn(format=f"%.{_decimals(values)}f")
    return out, config


def records_table(df: pd.DataFrame, *, key: str, height: int = 420, column_config=None,
                  **kwargs):
    """Masked, Chinese-headed, virtualized table; returns st.dataframe's value. A missing
    number or date reads — (Streamlit would write None); date/time text columns are wide
    enough for their values; numbers have one precision per column (``uniform_numbers``)."""
    shown = chinese_columns(blank_missing_text(mask_frame(df)))
    shown, config = uniform_numbers(shown, {**time_column_config(shown), **(column_config or {})})
    return st.dataframe(shown, hide_index=True, height=height, key=key, width="stretch",
                        placeholder=PLACEHOLDER, column_config=config, **kwargs)


def paged_records(*, total: int, page_key: str, page_size: int, caption: str,
                  fetch: Callable[[int, int], pd.DataFrame],
                  fetch_all: Callable[[int], pd.DataFrame],
                  display: Callable[[pd.DataFrame], pd.DataFrame], table_key: str,
                  export_filters: dict[str, str], file_stem: str, sheet: str,
                  export_max: int) -> None:
    """A record list paged in SQL (page number in the URL under ``page_key``) with exports of
    the whole selection up to ``export_max`` rows. ``fetch(limit, offset)`` gets one page
    (cached), ``fetch_all(limit)`` the export (uncached: it can be large)."""
    from command_center.ui.export import download_buttons

    pages = max(1, -(-total // page_size))
    if int(st.session_state.get(page_key) or 1) > pages:
        st.session_state[page_key] = pages
    r1, r2, r3, r4 = st.columns([1, 2, 1, 1], vertical_alignment="bottom")
    # no value=: the default is min_value (1); a value as well as the clamp's Session State
    # write made Streamlit log "created with a default value but also set via Session State"
    page_no = r1.number_input(f"页码（共 {pages} 页）", min_value=1, max_value=pages, step=1,
                              key=page_key, bind="query-params")
    r2.caption(f"共 {fmt_count(total)} 条，每页 {page_size} 条，{caption}")
    records_table(display(fetch(page_size, (int(page_no) - 1) * page_size)), key=table_key,
                  height=420)
    too_many = total > export_max
    download_buttons(lambda: mask_frame(fetch_all(export_max)), export_filters, file_stem,
                     key=f"{table_key}_export", sheet=sheet, disabled=too_many or total == 0,
                     columns=(r3, r4))
    if too_many:
        st.warning(f"所选记录共 {fmt_count(total)} 条，超过单次导出上限 {fmt_count(export_max)} 条，"
                   "请缩小时间范围或增加筛选条件后再导出。")


RECORDS_PAGE_SIZE = 50
RECORDS_EXPORT_MAX = 200_000


def topic_records(query: str, params: dict, *, dataset: str, period, scope: str,
                  filters: dict[str, str], total: int, page_key: str, table_key: str,
                  caption: str, note: str | None = None, period_label: str = "时间范围") -> None:
    """A topic page's record list (``paged_records``) from one named records query run with
    ``params`` (the page's filters) plus ``limit``/``offset``; the export carries the dataset,
    the period, the communities, the page's own ``filters`` and the time of export, and is
    named ``<dataset>_<start>-<end>``."""
    export_filters = {
        "数据": dataset,
        period_label: period.label(),
        "社区": scope,
        **filters,
        "导出时间": config.now().strftime("%Y-%m-%d %H:%M"),
        **({"说明": note} if note else {}),
    }
    paged_records(
        total=total, page_key=page_key, page_size=RECORDS_PAGE_SIZE, caption=caption,
        fetch=lambda limit, offset: run_query(query, **params, limit=limit, offset=offset),
        fetch_all=lambda limit: run_query_uncached(query, **params, limit=limit, offset=0),
        display=for_display, table_key=table_key, export_filters=export_filters,
        file_stem=f"{dataset}_{period.start:%Y%m%d}-{period.end:%Y%m%d}", sheet=dataset,
        export_max=RECORDS_EXPORT_MAX)


def for_display(df: pd.DataFrame) -> pd.DataFrame:
    """Missing values shown as blanks, not "None"/"NaT" (English in a Chinese table);
    timestamps to the minute, dates as YYYY-MM-DD."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_datetime64_any_dtype(s):
            fmt = "%Y-%m-%d" if str(col).endswith("_on") else "%Y-%m-%d %H:%M"
            out[col] = s.dt.strftime(fmt).fillna("")
        elif not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)):
            out[col] = [
                "" if pd.isna(v) else (v.isoformat() if hasattr(v, "isoformat") else v)
                for v in s.astype(object)]
    return out
