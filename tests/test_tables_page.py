"""Every table on every page (AppTest over app.py): no cell reads None / nan / NaT / null / <NA>.

Streamlit writes a missing value in ``st.dataframe`` as "None" unless the table has a
placeholder, and ``st.table`` writes whatever the frame holds; text cells can carry "nan" or
"None" from a careless ``astype(str)``. Each page is opened for the default window (本月) and
for data-heavy ones (本年, and a custom range over last year: many records, many groups, the
medians and dates of groups with no closed case missing).
"""

from __future__ import annotations

import datetime as dt

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
