"""The small-print line "数据更新于 …" every page shows: when each dataset last received a file.

One named query over ``import_log`` (a few rows), cached per warehouse version by the query
runner, so a rerun costs a dictionary lookup and a re-import is seen at once.
"""

from __future__ import annotations

import datetime as dt
import logging

import pandas as pd
import streamlit as st

from command_center import config
from command_center.schema import BUILD_ORDER, DATASETS
from queries import run_query

log = logging.getLogger(__name__)


def fmt_time(ts, today: dt.date | None = None) -> str:
    """``11月24日 13:44``; the year is written when it is not the dashboard's current year."""
    if ts is None or pd.isna(ts):
        return "—"
    ts = pd.Timestamp(ts)
    year = (today or config.today()).year
    head = f"{ts.year}年" if ts.year != year else ""
    return f"{head}{ts.month}月{ts.day}日 {ts:%H:%M}"


def freshness_text(last: dict[str, object], today: dt.date | None = None) -> str:
    """The caption text from {dataset: last import time} (datasets never imported are left out).

    Datasets updated in the same minute are written once: ``数据更新于 11月24日 13:44（全部数据）``
    when all share it, else ``数据更新于 警情事件 11月24日 13:44 · 矛盾纠纷 11月20日 09:00 · …``
    (newest first, datasets of one minute grouped with 、).
    """
    stamps = {
        name: pd.Timestamp(last[name]).floor("min")
        for name in BUILD_ORDER
        if last.get(name) is not None and not pd.isna(last[name])
    }
    if not stamps:
        return "数据更新于 —（尚未导入数据）"
    groups: dict[pd.Timestamp, list[str]] = {}
    for name, ts in stamps.items():
        groups.setdefault(ts, []).append(DATASETS[name].title)
    if len(groups) == 1 and len(stamps) == len(BUILD_ORDER):
        return f"数据更新于 {fmt_time(next(iter(groups)), today)}（全部数据）"
    parts = [f"{'、'.join(titles)} {fmt_time(ts, today)}"
             for ts, titles in sorted(groups.items(), key=lambda kv: kv[0], reverse=True)]
    return "数据更新于 " + " · ".join(parts)


def freshness_caption() -> None:
    """Draw the freshness line in small print (nothing when the warehouse can't be read)."""
    try:
        df = run_query("data/last_import_by_dataset")
    except Exception:  # decoration only: a page must not fail because of it
        log.exception("freshness caption: query failed")
        return
    st.caption(freshness_text(dict(zip(df["dataset"], df["last_imported_at"], strict=True))))
