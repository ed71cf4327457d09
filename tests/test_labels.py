"""No raw column name reaches a person: every table on every page has Chinese headers."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from command_center.labels import LABELS, chinese_columns
from command_center.pages import PAGES

# every registered page but the wall (no tables), by file
VIEWS = sorted(p.file for p in PAGES if p.url_path != "wall")
ASCII_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def test_labels_are_chinese():
    for column, text in LABELS.items():
        assert not ASCII_NAME.match(text), f"label of {column} is not Chinese: {text}"


def test_chinese_columns_renames_known_and_overrides():
    import pandas as pd

    df = chinese_columns(pd.DataFrame(columns=["incident_id", "status", "n"]), {"n": "起数"})
    assert list(df.columns) == ["事件编号", "状态", "起数"]


@pytest.mark.parametrize("view", VIEWS)
def test_every_table_has_chinese_headers(view, fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    at.switch_page(view)
    at.run()
    assert not at.exception, view
    for frame in at.dataframe:
        df = frame.value
        names = [str(c) for c in df.columns] + [str(i) for i in df.index.names if i]
        raw = [c for c in names if ASCII_NAME.match(c)]
        assert not raw, f"{view}: raw column names shown: {raw}"


def test_a_column_several_datasets_name_differently_has_an_explicit_label():
    """Its label must not depend on the order of schema.DATASETS (the build order)."""
    from command_center.labels import DERIVED
    from command_center.schema import DATASETS

    headers: dict[str, set[str]] = {}
    for ds in DATASETS.values():
        for col in ds.columns:
            headers.setdefault(col.name, set()).add(col.header)
    ambiguous = {name for name, h in headers.items() if len(h) > 1}
    assert ambiguous <= set(DERIVED), ambiguous - set(DERIVED)
    assert LABELS["address"] == "事发地址"
