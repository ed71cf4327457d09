"""数据探索's question in the URL: short stable codes, read once per session, written back.

    ?ds=disputes&by=received_at.month&by=mediation_channel&m=median.amount_yuan&top=5
     &show=stack&win=0&f=status~in~调解成功|调解不成功&f=parties_count~between~2..

``ds`` dataset, ``by`` up to two dimensions (``by=-``: none), ``m`` measure, ``top`` top-N (0 = all), ``show``
table|bar|line|stack|pivot|map, ``map`` community|grid (a map's shading), ``win=0`` the sidebar's period not applied, ``f`` one filter each:
``<column>~<op>~<value>`` (range ``2026-01-01..2026-03-31``, between ``2..10``, in values
joined by ``|``, contains the text, empty ``1``/``0``). Defaults are left out. Whatever a link
holds is checked against the schema by the page and the builder; a bad part is dropped.
"""

from __future__ import annotations

import datetime as dt

from command_center.explore import OPS, Filter

NO_BY = "-"  # by=- : grouped by nothing (no ``by`` at all is the dataset's default grouping)
URL_KEYS = ("ds", "by", "m", "top", "show", "map", "win", "f")
SHOWS = {"table": "表格", "bar": "柱状图", "line": "折线图", "stack": "堆叠柱状图", "pivot": "透视表",
         "map": "地图"}
MAPS = {"community": "社区着色", "grid": "网格密度"}  # a map: communities shaded, or a grid
DEFAULTS = {"m": "count", "top": 10, "show": "bar", "map": "community", "win": True}


def _num(s: str):
    s = s.strip()
    if not s:
        return None
    v = float(s)
    return int(v) if v.is_integer() else v


def _date(s: str):
    s = s.strip()
    return dt.date.fromisoformat(s) if s else None


def encode_filter(f: Filter) -> str:
    v = f.value
    if f.op == "range":
        text = "..".join("" if x is None else str(x) for x in v)
    elif f.op == "between":
        text = "..".join("" if x is None else (str(int(x)) if float(x).is_integer() else str(x))
                         for x in v)
    elif f.op == "in":
        text = "|".join(str(x) for x in v)
    elif f.op == "empty":
        text = "1" if v else "0"
    else:
        text = str(v)
    return f"{f.column}~{f.op}~{text}"


def decode_filter(text: str) -> Filter | None:
    """A filter from its URL form; None when it cannot be read."""
    parts = text.split("~", 2)
    if len(parts) != 3 or parts[1] not in OPS:
        return None
    col, op, raw = parts
    try:
        if op == "range":
            lo, hi = raw.split("..")
            value = (_date(lo), _date(hi))
        elif op == "between":
            lo, hi = raw.split("..")
            value = (_num(lo), _num(hi))
        elif op == "in":
            value = tuple(x for x in raw.split("|") if x)
        elif op == "empty":
            value = raw == "1"
        else:
            value = raw
    except ValueError:
        return None
    return Filter(col, op, value)


def read(get, get_all) -> dict:
    """The question's parts found in a link (``get``/``get_all`` of st.query_params)."""
    out: dict = {}
    if get("ds"):
        out["ds"] = get("ds")
    by = [b for b in get_all("by") if b][:2]
    if by == [NO_BY]:
        out["by"] = []
    elif by:
        out["by"] = [b for b in by if b != NO_BY]
    if get("m"):
        out["m"] = get("m")
    if get("top") is not None:
        try:
            out["top"] = max(0, min(int(get("top")), 100))
        except ValueError:
            pass
    if get("show") in SHOWS:
        out["show"] = get("show")
    if get("map") in MAPS:
        out["map"] = get("map")
    if get("win") == "0":
        out["win"] = False
    filters = [f for f in (decode_filter(t) for t in get_all("f")) if f is not None]
    if filters:
        out["f"] = filters
    return out


def want(ds: str, by: list[str], m: str, top: int, show: str, win: bool,
         filters: list[Filter], map_mode: str = "community") -> dict[str, str | list[str]]:
    """The URL parameters of a question (defaults left out)."""
    out: dict[str, str | list[str]] = {"ds": ds}
    out["by"] = list(by) if by else NO_BY
    if m != DEFAULTS["m"]:
        out["m"] = m
    if top != DEFAULTS["top"]:
        out["top"] = str(top)
    if show != DEFAULTS["show"]:
        out["show"] = show
    if show == "map" and map_mode != DEFAULTS["map"]:
        out["map"] = map_mode
    if not win:
        out["win"] = "0"
    if filters:
        out["f"] = [encode_filter(f) for f in filters]
    return out
