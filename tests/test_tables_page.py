"""Every table on every page (AppTest over app.py): no cell reads None / nan / NaT / null / <NA>.

Streamlit writes a missing value in ``st.dataframe`` as "None" unless the table has a
placeholder, and ``st.table`` writes whatever the frame holds; text cells can carry "nan" or
"None" from a careless ``astype(str)``. Each page is opened for the default window (本月) and
for data-heavy ones (本年, and a custom range over last year: many records, many groups, the
medians and dates of groups with no closed case missing).
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.every_page import each_page

# every page file (app.py lists them all in its navigation)

PLACEHOLDER = "—"  # command_center.formatting.PLACEHOLDER

BAD = {"none", "nan", "nat", "null", "<na>", "undefined"}
WINDOWS = {
    "month": {},
    "year": {"period": "year"},
    "last_year": {"period": "custom", "range": (dt.date(2025, 1, 1), dt.date(2025, 12, 31))},
}


def _bad_text(df: pd.DataFrame) -> list[str]:
    found = []
    for col in df.columns:
        if str(col).strip().lower() in BAD:
            found.append(f"header {col!r}")
        for v in df[col]:
            if isinstance(v, str) and v.strip().lower() in BAD:
                found.append(f"{col}: {v!r}")
                break
    return found


PRINTF_FIXED = re.compile(r"%\.\d+f")  # "%.1f", "%.2f", "%.1f%%", "%d 天" is an int


def _mixed_precision(el) -> list[str]:
    """A fraction column must be written with one precision in every row: a fixed printf
    format (Streamlit's own "percent" and unformatted floats wrote 98.82% beside 90%, 2.3
    beside 2.14)."""
    config = json.loads(el.proto.columns or "{}")
    out = []
    for col in el.value.columns:
        values = pd.to_numeric(el.value[col], errors="coerce").dropna() \
            if pd.api.types.is_float_dtype(el.value[col]) else pd.Series(dtype=float)
        if not len(values) or (values % 1 == 0).all():
            continue
        fmt = (config.get(str(col)) or {}).get("type_config", {}).get("format") or ""
        if not PRINTF_FIXED.search(fmt):
            out.append(f"{col}: fractions shown with format {fmt or 'none'!r}")
    return out


def _problems(at: AppTest) -> list[str]:
    out = []
    for el in at.dataframe:
        df = el.value
        where = el.key or "dataframe"
        out += [f"{where} {p}" for p in _bad_text(df)]
        nulls = [str(c) for c in df.columns if df[c].isna().any()]
        if nulls and el.proto.placeholder != PLACEHOLDER:
            out.append(f"{where}: missing values in {nulls} read "
                       f"{el.proto.placeholder or 'None'!r}, not {PLACEHOLDER!r}")
        out += [f"{where} {p}" for p in _mixed_precision(el)]
    for el in at.table:
        df = el.value
        out += [f"table {p}" for p in _bad_text(df)]
        nulls = [str(c) for c in df.columns if df[c].isna().any()]
        if nulls:
            out.append(f"table: missing values in {nulls} (st.table writes them as None)")
    return out


@pytest.mark.parametrize("window", list(WINDOWS))
def test_no_table_cell_reads_none(fixture_warehouse, window):
    problems, tables = {}, 0
    for file, at in each_page(WINDOWS[window]):
        tables += len(at.dataframe) + len(at.table)
        if found := _problems(at):
            problems[file] = found
    assert tables >= 15, f"only {tables} tables seen: pages did not render"
    assert problems == {}
