"""数据探索's question form: its widget keys, the question of a link or a saved query put into
the widgets, and the filter widgets of the chosen columns."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import streamlit as st

from command_center import config
from command_center import explore as ex
from command_center.formatting import fmt_count
from command_center.periods import Period
from command_center.schema import DATASETS, Dataset
from command_center.ui import explore_url as url

OP_NAMES = {"range": "时间范围", "between": "数值范围", "in": "取值", "contains": "包含文字",
            "empty": "是否为空"}
TOPS = [0, 5, 10, 20, 50]
NONE_DIM = ""
K = "ex_"  # widget keys
MIN_DATE = dt.date(1949, 1, 1)  # the earliest date a time filter offers (schema: valid from)


def apply_question(found: dict, period: Period) -> None:
    """Put a question's parts (``explore_url.read``) into the widgets' state."""
    if found.get("ds") in DATASETS:
        st.session_state[K + "ds"] = found["ds"]
    by = found.get("by")
    if by is not None:  # [] : grouped by nothing
        st.session_state[K + "by1"] = by[0] if by else NONE_DIM
        st.session_state[K + "by2"] = by[1] if len(by) > 1 else NONE_DIM
    for key in ("m", "top", "show", "map", "win"):
        if key in found:
            st.session_state[K + key] = found[key]
    fl = found.get("f", [])
    if fl:
        st.session_state[K + "fcols"] = list(dict.fromkeys(f.column for f in fl))
        for f in fl:
            st.session_state[f"{K}fo_{f.column}"] = f.op
            if f.op == "between":
                st.session_state[f"{K}fv_{f.column}_between_lo"] = f.value[0]
                st.session_state[f"{K}fv_{f.column}_between_hi"] = f.value[1]
            elif f.op == "in":
                st.session_state[f"{K}fv_{f.column}_in"] = list(f.value)
            elif f.op == "empty":
                st.session_state[f"{K}fv_{f.column}_empty"] = "1" if f.value else "0"
            elif f.op == "range":
                lo, hi = (min(max(d, MIN_DATE), config.today())
                          for d in (f.value[0] or period.start, f.value[1] or period.end))
                st.session_state[f"{K}fv_{f.column}_range"] = (min(lo, hi), max(lo, hi))
            else:
                st.session_state[f"{K}fv_{f.column}_{f.op}"] = f.value


def seed_from_link(period: Period) -> None:
    """Once per session: the question in the link (``explore_url.read``) into the widgets."""
    if st.session_state.get("_explore_seeded"):
        return
    st.session_state["_explore_seeded"] = True
    qp = st.query_params
    apply_question(url.read(qp.get, qp.get_all), period)


def open_saved(query: str, period: Period) -> None:
    """Button callback: the saved question replaces the one on the page (before widgets)."""
    for key in [k for k in st.session_state if str(k).startswith(K)
                and not str(k).startswith(K + "sql") and not str(k).startswith(K + "saved")]:
        del st.session_state[key]
    parsed = urllib.parse.parse_qs(query)
    apply_question(url.read(lambda k: (parsed.get(k) or [None])[0], lambda k: parsed.get(k, [])),
                   period)


def keep(key: str, options: list, default) -> None:
    """A remembered choice that the (new) dataset does not offer falls back to the default."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def filter_widgets(ds: Dataset, fcols: list[str], labels: dict[str, str], base_q: ex.Question,
                   *, period: Period, personal_ok: bool, names: dict[str, str]
                   ) -> list[ex.Filter]:
    """One row of widgets per chosen column (how, and the value); the filters they make.
    A 取值 pick-list shows each value's count under the question's other filters."""
    chosen: list[ex.Filter] = []
    for name in fcols:
        col = ds.column(name)
        ops = list(ex.filter_ops(col, personal_ok))
        okey = f"{K}fo_{name}"
        keep(okey, ops, ops[0])
        a, b = st.columns([1, 4], vertical_alignment="bottom")
        op = a.selectbox(f"{labels[name]}：方式", ops, format_func=OP_NAMES.get, key=okey)
        vkey = f"{K}fv_{name}_{op}"
        if op == "range":
            if vkey not in st.session_state:
                st.session_state[vkey] = (period.start, period.end)
            got = b.date_input(f"{labels[name]}：起止日期", key=vkey, format="YYYY-MM-DD",
                               min_value=MIN_DATE, max_value=config.today())
            if isinstance(got, tuple | list) and len(got) == 2:
                chosen.append(ex.Filter(name, op, (got[0], got[1])))
        elif op == "between":
            lo_col, hi_col = b.columns(2)
            for end in ("_lo", "_hi"):  # a value from the link lives in session state
                st.session_state.setdefault(vkey + end, None)
                if col.kind == "int" and st.session_state[vkey + end] is not None:
                    st.session_state[vkey + end] = int(round(st.session_state[vkey + end]))
            step = {"step": 1} if col.kind == "int" else {}  # whole numbers read 2, not 2.00
            lo = lo_col.number_input(f"{labels[name]}：最小值", key=vkey + "_lo", placeholder="不限",
                                     **step)
            hi = hi_col.number_input(f"{labels[name]}：最大值", key=vkey + "_hi", placeholder="不限",
                                     **step)
            if lo is not None or hi is not None:
                chosen.append(ex.Filter(name, op, (lo, hi)))
        elif op == "in":
            sql, params = ex.build_values(base_q, name, personal_ok=personal_ok)
            values = ex.run(sql, params)
            counts = dict(zip(values[name].astype(str), values["n"], strict=True))
            picked = [v for v in st.session_state.get(vkey, []) if isinstance(v, str)]
            options = list(dict.fromkeys([*counts, *picked]))
            st.session_state[vkey] = picked

            def fmt(v, counts=counts, kind=col.kind):
                text = names.get(v, v) if kind == "community" else v
                return f"{text}（{fmt_count(counts.get(v, 0))}）"
            sel = b.multiselect(f"{labels[name]}：取值（括号内为记录数）", options, key=vkey,
                                format_func=fmt, placeholder="选择取值（可多选）")
            if sel:
                chosen.append(ex.Filter(name, op, tuple(sel)))
        elif op == "contains":
            text = b.text_input(f"{labels[name]}：包含文字", key=vkey, placeholder="输入要包含的文字")
            if text.strip():
                chosen.append(ex.Filter(name, op, text.strip()))
        else:
            keep(vkey, ["1", "0"], "1")
            v = b.segmented_control(f"{labels[name]}：是否为空", ["1", "0"], key=vkey, required=True,
                                    format_func={"1": "为空", "0": "不为空"}.get)
            chosen.append(ex.Filter(name, op, (v or "1") == "1"))
    return chosen
