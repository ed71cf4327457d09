"""KPI cards with 同比 / 环比, the way leaders quote them."""

from __future__ import annotations

import streamlit as st

from command_center.formatting import change, fmt_change, fmt_count


def kpi(label: str, value, *, year_ago=None, previous=None, fmt=fmt_count,
        lower_is_better: bool = True, spark=None, help: str | None = None) -> None:
    """One metric card: the delta is 同比 (or 环比 when there is no 同比), the other one is
    written beside it. For incidents a fall is good (``lower_is_better`` colours it green)."""
    main, main_name, other, other_name = (
        (year_ago, "同比", previous, "环比") if year_ago is not None
        else (previous, "环比", None, None)
    )
    c = change(value, main) if main is not None else None
    description = None
    if c is not None:
        description = main_name
        if other is not None:
            description += f" · {other_name} {fmt_change(value, other)}"
    delta = None
    if c is not None:
        delta = 0 if fmt_change(value, main) == "持平" else fmt_change(value, main)
        if delta == 0:
            description = f"{main_name}持平" + (description[len(main_name):] if description else "")
    st.metric(
        label,
        fmt(value),
        delta=delta,
        delta_description=description,
        delta_color="inverse" if lower_is_better else "normal",
        chart_data=spark,
        chart_type="line",
        help=help,
        border=True,
    )
