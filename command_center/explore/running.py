"""数据探索: built SQL run on the viewer's scoped connection (``queries.cursor``: a 社区 viewer
reads only their communities' rows), personal data masked exactly as ``run_query`` does before
the result is cached."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import streamlit as st

from command_center import config
from command_center.privacy import mask_frame
from command_center.warehouse import warehouse_version
from queries import _CURRENT, _scope, cursor


def run_uncached(sql: str, params: dict, warehouse: Path | None = None, *, scope=_CURRENT,
                 unmasked: bool | None = None) -> pd.DataFrame:
    """Run built SQL on the viewer's scoped connection (the runner's ``cursor``); personal data
    masked unless the viewer is unmasking (as ``run_query_uncached``)."""
    cur = cursor(warehouse, _scope(scope))
    try:
        df = cur.execute(sql, params).df()
    finally:
        cur.close()
    if unmasked is None:
        from command_center.access import current
        unmasked = current.unmasking()
    return df if unmasked else mask_frame(df)


def _freeze(v):
    if isinstance(v, list | tuple):
        return tuple(_freeze(x) for x in v)
    return v


@functools.cache
def _cache():
    @st.cache_data(ttl=config.get("cache", "ttl_seconds", 300),
                   max_entries=config.get("cache", "max_entries", 512), show_spinner=False)
    def cached(sql: str, params: tuple, version: str, warehouse: str, scope: tuple | None,
               unmasked: bool) -> pd.DataFrame:
        plain = {k: list(v) if isinstance(v, tuple) else v for k, v in params}
        return run_uncached(sql, plain, Path(warehouse), scope=scope, unmasked=unmasked)
    return cached


def run(sql: str, params: dict) -> pd.DataFrame:
    """:func:`run_uncached`, cached per (SQL, parameters, warehouse version, scope, unmasking)."""
    if not st.runtime.exists():
        return run_uncached(sql, params)
    from command_center.access import current
    path = config.warehouse_path()
    frozen = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    return _cache()(sql, frozen, warehouse_version(path), str(path), _scope(_CURRENT),
                    current.unmasking())
