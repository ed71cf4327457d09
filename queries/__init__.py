"""Named queries: ``queries/<topic>/<name>.sql``, run by name with DuckDB ``$named`` parameters.

    from queries import run_query
    df = run_query("incidents/incidents_by_day", start=..., end=..., communities=[...])

- One read-only connection per process and warehouse version (the file ATTACHed, so a swapped-in
  rebuild is really opened); each query runs on its own ``cursor()`` (a shared connection fails
  under concurrent Streamlit sessions).
- A name must resolve to a file inside this folder; unknown names, names escaping the folder,
  and missing or extra parameters are refused with ``QueryError`` before anything runs.
- Results are cached (``st.cache_data``) keyed by name, parameters and the warehouse version,
  so a rebuilt or re-imported warehouse is seen at once.
- Every result is masked (``command_center.privacy.mask_frame``: personal columns, and identity
  numbers, phone numbers and cued names in any text) before it is returned or cached.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from command_center import config
from command_center.privacy import mask_frame
from command_center.warehouse import warehouse_version

QUERY_DIR = Path(__file__).resolve().parent
_NAME_RE = re.compile(r"^[a-z0-9_]+(/[a-z0-9_]+)*$")
# $name outside string literals and comments
_PARAM_RE = re.compile(r"'(?:[^']|'')*'|--[^\n]*|\$([A-Za-z_][A-Za-z0-9_]*)")


class QueryError(ValueError):
    """A query was asked for wrongly (bad name, parameters): a programming error."""


_INCLUDE_RE = re.compile(r"^[ \t]*-- @include ([a-z0-9_/]+)[ \t]*$", re.MULTILINE)


def _read(name: str) -> str:
    if not _NAME_RE.match(name):
        raise QueryError(f"查询名称不合法：{name!r}（只允许 queries/ 下的 小写字母/数字/下划线 路径）")
    path = (QUERY_DIR / f"{name}.sql").resolve()
    if QUERY_DIR not in path.parents or not path.is_file():
        raise QueryError(f"未知查询：{name}")
    return path.read_text(encoding="utf-8")


_IDENT_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _dataset_rows() -> str:
    """Fragment ``data/_dataset_rows``: one row per dataset of the registry (``schema.DATASETS``,
    in build order) with its row count and newest record time, so no query lists the datasets
    by hand. Table and column names are the schema's own (checked), never a person's."""
    from command_center.schema import DATASETS

    selects = []
    for ds in DATASETS.values():
        names = [ds.table] + ([ds.newest_record] if ds.newest_record else [])
        if not all(_IDENT_RE.match(n) for n in names) or (
                ds.newest_record and ds.newest_record not in ds.column_names):
            raise QueryError(f"schema: 数据集 {ds.name} 的表名或 newest_record 不合法")
        newest = f"max({ds.newest_record})" if ds.newest_record else "null"
        selects.append(f"    select '{ds.name}' as dataset, count(*) as row_count,\n"
                       f"           cast({newest} as timestamp) as newest_record_at from {ds.table}")
    return "\n    union all\n".join(selects)


# fragments written from a registry rather than a file (included like any other)
GENERATED_FRAGMENTS = {"data/_dataset_rows": _dataset_rows}


def _is_fragment(name: str) -> bool:
    return name.rsplit("/", 1)[-1].startswith("_")


@functools.cache
def _sql_text(name: str) -> str:
    """The query's SQL with its fragments in place.

    A line ``-- @include <topic>/_<fragment>`` is replaced by that file's text (its own
    includes expanded): the CTE or the filter lines that several queries of a topic share
    (e.g. the page's filtered selection) are written once.
    Fragments (names starting with ``_``) cannot be run on their own.
    """
    if _is_fragment(name):
        raise QueryError(f"{name} 是查询片段，不能单独运行")

    def expand(text: str, seen: tuple[str, ...]) -> str:
        def include(m: re.Match) -> str:
            fragment = m.group(1)
            if not _is_fragment(fragment):
                raise QueryError(f"{name}：只能引用以 _ 开头的查询片段，不能引用 {fragment}")
            if fragment in seen:
                raise QueryError(f"{name}：查询片段循环引用 {fragment}")
            if fragment in GENERATED_FRAGMENTS:
                return GENERATED_FRAGMENTS[fragment]()
            # a fragment may include fragments itself
            return expand(_read(fragment).rstrip("\n"), (*seen, fragment))

        return _INCLUDE_RE.sub(include, text)

    return expand(_read(name), ())


def sql_text(name: str) -> str:
    """A named query's SQL as it runs (fragments included): the 统计口径 page shows it."""
    return _sql_text(name)


def staging_text() -> str:
    """The staging layer's SQL (queries/_staging.sql)."""
    return (QUERY_DIR / "_staging.sql").read_text(encoding="utf-8")


def query_params(name: str) -> set[str]:
    """The ``$parameters`` a named query expects, read from its text."""
    return {m.group(1) for m in _PARAM_RE.finditer(_sql_text(name)) if m.group(1)}


def list_queries() -> list[str]:
    names = (p.relative_to(QUERY_DIR).with_suffix("").as_posix() for p in QUERY_DIR.rglob("*.sql"))
    return sorted(n for n in names if not _is_fragment(n))


_lock = threading.Lock()
_connections: dict[tuple[str, str, tuple | None], duckdb.DuckDBPyConnection] = {}
MAX_SCOPES = 64  # connections kept per warehouse version (one per distinct community scope)
COMMUNITY_COLUMN = "community_code"
# a query holding this line is computed over every community (e.g. four-color scores normalised
# across the county); a scoped viewer still gets only their communities' rows of its result
COUNTY_WIDE = "-- @county-wide"


def _scope_sql(scope: tuple[str, ...]) -> str:
    codes = ", ".join("'" + c.replace("'", "''") + "'" for c in scope)
    return f"{COMMUNITY_COLUMN} in ({codes})" if codes else "false"


def _open(path: Path, scope: tuple[str, ...] | None) -> duckdb.DuckDBPyConnection:
    """An in-memory database over the warehouse ATTACHed read-only as ``wh`` (and its delta
    as ``dl``), scoped.

    Every warehouse table is seen through a view of the same name in the in-memory catalog,
    limited to the viewer's communities when it has a community column (``scope``; None = the
    whole county), and the staging macros are created again over those views. Queries run with
    ``use memory``: whatever a page, a URL or a new query asks, it can only read the scope's
    rows (the role scope lives here, below the pages).

    ATTACH, not ``duckdb.connect(path)``: DuckDB caches database instances by path inside a
    process, so after a rebuild swapped a new file in, a plain connect hands back the old file
    for as long as any connection to it is open. ATTACH always opens the file that is there now.
    """
    from command_center.delta import open_snapshot

    def where(columns) -> str:
        return (f" where {_scope_sql(scope)}"
                if scope is not None and COMMUNITY_COLUMN in columns else "")

    # the base and the imports' delta (command_center.delta), seen as one table each
    con = open_snapshot(path, where, config.warehouse_threads())
    # after the attach: no SQL may read other files or URLs
    con.execute("set enable_external_access = false")
    return con


def _connection(path: Path, version: str, scope: tuple | None) -> duckdb.DuckDBPyConnection:
    key = (str(path), version, scope)
    with _lock:
        con = _connections.get(key)
        if con is None:
            # an older version's connections are dropped, not closed: a query of another
            # session may still be running on one of their cursors
            for old_key in [k for k in _connections
                            if k[0] == str(path) and (k[1] != version or
                                                      len(_connections) >= MAX_SCOPES)]:
                del _connections[old_key]
            con = _open(path, scope)
            _connections[key] = con
        return con


_CURRENT = object()  # scope argument default: the signed-in viewer's (command_center.access)


def _scope(scope) -> tuple[str, ...] | None:
    if scope is _CURRENT:
        from command_center.access import current
        scope = current.scope()
    return None if scope is None else tuple(sorted(scope))


def cursor(warehouse: Path | None = None, scope=_CURRENT) -> duckdb.DuckDBPyConnection:
    """A fresh cursor on the current warehouse as the viewer may see it (tables unqualified)."""
    path = Path(warehouse) if warehouse else config.warehouse_path()
    cur = _connection(path, warehouse_version(path), _scope(scope)).cursor()
    cur.execute("use memory")
    return cur


def _check_params(name: str, params: dict) -> None:
    expected = query_params(name)
    missing = expected - params.keys()
    extra = params.keys() - expected
    if missing or extra:
        parts = []
        if missing:
            parts.append("缺少参数 " + ", ".join(sorted(missing)))
        if extra:
            parts.append("多余参数 " + ", ".join(sorted(extra)))
        raise QueryError(f"查询 {name}：" + "；".join(parts))


def run_query_uncached(name: str, warehouse: Path | None = None, *, scope=_CURRENT,
                       unmasked: bool | None = None, **params) -> pd.DataFrame:
    """Run a named query now (CLI, briefing, tests). Pages use ``run_query``.

    ``scope``: the communities to read (default: the signed-in viewer's; outside the app the
    whole county). ``unmasked``: skip masking (default: the viewer is unmasking, audited).
    """
    sql = _sql_text(name)
    _check_params(name, params)
    scope = _scope(scope)
    county_wide = COUNTY_WIDE in sql
    cur = cursor(warehouse, None if county_wide else scope)
    try:
        df = cur.execute(sql, _normalize(params)).df()
    finally:
        cur.close()
    if county_wide and scope is not None:
        # scored across the whole county (one community's level is the same for every viewer),
        # but only the viewer's own communities' rows leave the runner
        if COMMUNITY_COLUMN not in df.columns:
            raise QueryError(f"{name}：{COUNTY_WIDE} 查询的结果须有 {COMMUNITY_COLUMN} 列")
        df = df[df[COMMUNITY_COLUMN].isin(scope)].reset_index(drop=True)
    if unmasked is None:
        from command_center.access import current
        unmasked = current.unmasking()
    # personal data (by column and by content) is masked before a result reaches the cache,
    # a page or a file, unless the viewer's role allows it and they gave a reason (audited)
    return df if unmasked else mask_frame(df)


def _normalize(params: dict) -> dict:
    # tuples (hashable, for the cache key) go to DuckDB as lists
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}


@functools.cache
def _cache():
    """The Streamlit-cached runner, made on first use inside a running app (made at import
    time, outside one, Streamlit logs a 'No runtime found' warning in every CLI run)."""

    @st.cache_data(
        ttl=config.get("cache", "ttl_seconds", 300),
        max_entries=config.get("cache", "max_entries", 512),
        show_spinner=False,
    )
    def cached(name: str, version: str, warehouse: str, scope: tuple | None, unmasked: bool,
               params: tuple) -> pd.DataFrame:
        return run_query_uncached(name, Path(warehouse), scope=scope, unmasked=unmasked,
                                  **dict(params))

    return cached


_seen_versions: dict[str, str] = {}


def run_query(name: str, **params) -> pd.DataFrame:
    """Run a named query, cached per (name, parameters, warehouse version).

    List parameters are passed as tuples so they can be hashed for the cache.
    """
    _sql_text(name)
    _check_params(name, params)
    if not st.runtime.exists():  # CLI, scheduled briefing: no Streamlit cache to keep
        return run_query_uncached(name, **params)
    path = config.warehouse_path()
    version = warehouse_version(path)
    if _seen_versions.get(str(path)) != version:
        # results of an older warehouse can never be asked for again: free them now rather
        # than when their TTL runs out (a wall refreshing across imports stays flat)
        if str(path) in _seen_versions:
            _cache().clear()
        _seen_versions[str(path)] = version
    frozen = tuple(
        sorted((k, tuple(v) if isinstance(v, list | set) else v) for k, v in params.items())
    )
    from command_center.access import current
    return _cache()(name, version, str(path), _scope(_CURRENT), current.unmasking(), frozen)
