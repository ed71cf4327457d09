"""统计口径 page (AppTest): every figure's 口径 is there, whole, in a table that wraps it."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from command_center import figures


def test_every_definition_is_shown_whole_in_a_wrapping_table(fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    at.switch_page("views/definitions.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    # a data grid (st.dataframe) cuts a long sentence at its column's width (the 口径 column
    # was cut off at 1920 px): the definitions go in st.table, which wraps
    assert not [el for el in at.dataframe if "口径" in el.value.columns]
    shown = {d for el in at.table if "口径" in el.value.columns for d in el.value["口径"]}
    assert {f.definition for f in figures.catalog()} <= shown
