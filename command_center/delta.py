"""Imports that follow the file: a small delta beside the warehouse.

    warehouse.duckdb         the base, written whole by ``build`` (and by :func:`compact`)
    warehouse.delta.duckdb   what imports added since: the same tables holding only the rows
                             the imports inserted or replaced, their quarantine and log lines,
                             plus ``_replaced_keys`` and ``_replaced_quarantine``

An import copies the delta (small), upserts into the copy while reading the base read-only,
and renames the copy over the delta: its cost follows the file and the delta, never the base.
Readers open both (:func:`open_snapshot`) and see each table as the base rows the delta does
not replace plus the delta's rows. A delta records the ``build_id`` of the base it extends;
a writer that replaces the base (build, compaction) renames the new base in first and removes
the delta after, so a delta naming another base is stale (its rows are in the base) and is
ignored. A reader that opened the old base and then the new delta tries again.

Why a delta: DuckDB lets one process write a file or many read it, never both, so an import
cannot write the base in place while the app reads it; a file per dataset would still copy the
whole incidents file on every incidents import. The delta keeps the base read-only and each
import small; ``build`` (nightly) and ``compact`` fold it back.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from command_center.rollups import RISK_TABLE, ROLLUPS, build_rollups, rollup_select
from command_center.schema import DATASETS

REPLACED_KEYS = "_replaced_keys"  # (dataset, key): base rows an import replaced
REPLACED_QUARANTINE = "_replaced_quarantine"  # (dataset, file): quarantine re-done by an import
REPLACED_PARTS = "_replaced_parts"  # (rollup, part): roll-up partitions an import recomputed
# (name, since): stored results an import made out of date from ``since`` on (None: all of them)
STALE = "_stale_tables"
DELTA_TABLES = (
    f"create table if not exists {REPLACED_KEYS} (dataset varchar, key varchar)",
    f"create table if not exists {REPLACED_QUARANTINE} (dataset varchar, file varchar)",
    f"create table if not exists {REPLACED_PARTS} (rollup varchar, part date)",
    f"create table if not exists {STALE} (name varchar, since timestamp)",
)
# the datasets the four-color scores read: an import of one makes the stored scores stale
RISK_SOURCES = ("communities", "incidents", "disputes", "typhoons", "evacuations")


def delta_path(warehouse: Path) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(f"{warehouse.stem}.delta{warehouse.suffix or '.duckdb'}")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _build_id(con, db: str) -> str | None:
    try:
        row = con.execute(
            f"select value from {_ident(db)}.main.meta where key = 'build_id'").fetchone()
    except Exception:  # no meta table: an empty or foreign file
        return None
    return row[0] if row else None


def _base_of(con, db: str) -> str | None:
    try:
        row = con.execute(
            f"select value from {_ident(db)}.main.meta where key = 'base_build_id'").fetchone()
    except Exception:
        return None
    return row[0] if row else None


def base_build_id(warehouse: Path) -> str | None:
    """The ``build_id`` of the base file now on disk."""
    import duckdb

    with duckdb.connect() as probe:
        probe.execute(f"attach {sql_text(str(warehouse))} as b (read_only)")
        return _build_id(probe, "b")


def extends(delta_file: Path, build_id: str) -> bool:
    """Whether ``delta_file`` is a delta of the base with ``build_id``."""
    import duckdb

    with duckdb.connect() as probe:
        probe.execute(f"attach {sql_text(str(delta_file))} as d (read_only)")
        return _base_of(probe, "d") == build_id


def merged_sql(con, table: str, base: str, delta: str | None, fixed: bool = False) -> str:
    """SELECT of ``table`` as base + delta (``delta`` None: the base alone). ``fixed``: a view
    that stays right while the delta is written (a writer's); otherwise the shortest form for
    the delta as it is now (a reader's: an empty delta table costs nothing, new keys only cost
    a UNION ALL)."""
    b = f"{_ident(base)}.main.{_ident(table)}"
    if delta is not None and con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and table_name = ?",
            [delta, STALE]).fetchone()[0]:
        stale = _stale_sql(table, base, delta)
        if stale is not None:
            return stale
    if delta is None or not con.execute(
            "select count(*) from duckdb_tables() where database_name = ? and table_name = ?",
            [delta, table]).fetchone()[0]:
        return f"select * from {b}"
    dl = _ident(delta)
    d = f"{dl}.main.{_ident(table)}"
    if table in DATASETS:
        key = _ident(DATASETS[table].key)
        replaced = f"{dl}.main.{REPLACED_KEYS}"
        if not fixed:
            if not con.execute(f"select count(*) from (select 1 from {d} limit 1)").fetchone()[0]:
                return f"select * from {b}"
            if not con.execute(f"select count(*) from {replaced} where dataset = ?",
                               [table]).fetchone()[0]:
                return f"select * from {b} union all by name select * from {d}"
        return (f"select w.* from {b} w anti join (select key from {replaced} "
                f"where dataset = {sql_text(table)}) r on r.key = w.{key} "
                f"union all by name select * from {d}")
    if table in ROLLUPS:
        part = _ident(ROLLUPS[table].partition)
        return (f"select w.* from {b} w anti join (select part from {dl}.main.{REPLACED_PARTS} "
                f"where rollup = {sql_text(table)}) r on r.part = w.{part} "
                f"union all by name select * from {d}")
    if table == "quarantine":
        return (f"select q.* from {b} q anti join {dl}.main.{REPLACED_QUARANTINE} r "
                f"on r.dataset = q.dataset and r.file = q.file "
                f"union all by name select * from {d}")
    if table == "meta":
        return (f"select * from {b} where key not in (select key from {d}) "
                f"union all select * from {d}")
    if table == "import_log":
        return f"select * from {b} union all by name select * from {d}"
    return f"select * from {b}"


def _stale_sql(table: str, base: str, delta: str) -> str | None:
    """Stored four-color scores read without the windows an import made stale: a row stamped
    at ``since`` changes the scores of the windows ending after it (their users score those
    live); ``since`` None (e.g. a communities import) makes every window stale."""
    if table != RISK_TABLE:
        return None
    return (f"select * from {_ident(base)}.main.{_ident(table)} w where not exists ("
            f"select 1 from {_ident(delta)}.main.{STALE} s where s.name = {sql_text(table)} "
            "and (s.since is null or w.period_end > s.since))")


def attach_delta(con, warehouse: Path, base: str = "wh", alias: str = "dl") -> str | None:
    """ATTACH the warehouse's delta read-only as ``alias`` when it extends the base attached
    as ``base``; returns the alias, or None (no delta, or a stale one)."""
    path = delta_path(warehouse)
    if not path.is_file():
        return None
    try:
        con.execute(f"attach {sql_text(str(path))} as {alias} (read_only)")
    except Exception:  # removed between the check and the attach
        return None
    if _base_of(con, alias) != _build_id(con, base):
        con.execute(f"detach {alias}")
        return None
    return alias


def base_changed(con, warehouse: Path, base: str = "wh") -> bool:
    """True when the base file now on disk is not the one attached as ``base``."""
    return base_build_id(warehouse) != _build_id(con, base)


def read_views(con, target: str, base: str, delta: str | None, scope_where=None) -> None:
    """Views ``<target>."<table>"`` for every table of the base: base + delta.

    ``scope_where(columns) -> str``: an extra WHERE for a table (the viewer's communities)."""
    tables = con.execute(
        "select table_name, list(column_name order by column_index) from duckdb_columns() "
        "where database_name = ? and schema_name = 'main' group by table_name",
        [base]).fetchall()
    for table, columns in tables:
        where = scope_where(columns) if scope_where else ""
        sql = merged_sql(con, table, base, delta)
        con.execute(f"create or replace view {target}.{_ident(table)} as "
                    f"select * from ({sql}){where}")


def open_snapshot(warehouse: Path, scope_where=None, threads: int | None = None):
    """An in-memory DuckDB connection with the warehouse (base + delta) as views in
    ``memory.main`` and the staging macros over them: what every reader reads."""
    import duckdb

    warehouse = Path(warehouse)
    for _attempt in range(5):
        con = duckdb.connect(config={"threads": threads} if threads else {})
        con.execute(f"attach {sql_text(str(warehouse))} as wh (read_only)")
        delta = attach_delta(con, warehouse)
        if delta is None and delta_path(warehouse).is_file() and base_changed(con, warehouse):
            con.close()  # the base was replaced while we opened it: open the new one
            continue
        read_views(con, "memory.main", "wh", delta, scope_where)
        con.execute("use memory")
        from command_center.warehouse import staging_statements

        for statement in staging_statements():  # the staging macros, over these views
            con.execute(statement)
        return con
    raise RuntimeError(f"数据仓库正在更新，请稍后重试：{warehouse}")


# ------------------------------------------------------------------ writers
def writer_views(con, base: str | None) -> None:
    """Temp views ``all_<table>`` that an import reads: base + this delta (``base`` is the
    attached base's alias), or the tables themselves (a build, or a first import)."""
    db = con.execute("select current_database()").fetchone()[0]
    tables = [r[0] for r in con.execute(
        "select table_name from duckdb_tables() where database_name = ? and schema_name = "
        "'main' and not starts_with(table_name, '_')", [db]).fetchall()]
    for table in tables:
        sql = (merged_sql(con, table, base, db, fixed=True) if base is not None
               else f"select * from {_ident(db)}.main.{_ident(table)}")
        con.execute(f"create or replace temp view {_ident('all_' + table)} as {sql}")


def start_delta(con, base_build_id: str) -> None:
    for sql in DELTA_TABLES:
        con.execute(sql)
    con.execute("delete from meta where key = 'base_build_id'")
    con.execute("insert into meta values ('base_build_id', ?)", [base_build_id])


def is_delta(con) -> bool:
    db = con.execute("select current_database()").fetchone()[0]
    return bool(con.execute(
        "select count(*) from duckdb_tables() where database_name = ? and table_name = ?",
        [db, REPLACED_KEYS]).fetchone()[0])


def note_replaced_keys(con, dataset: str, keys_sql: str) -> None:
    """In a delta: the keys (a subquery's ``k``) whose stored rows an import replaced."""
    if is_delta(con):
        con.execute(f"insert into {REPLACED_KEYS} select ?, k from ({keys_sql})", [dataset])


def note_replaced_quarantine(con, dataset: str, file: str) -> None:
    if is_delta(con):
        con.execute(f"insert into {REPLACED_QUARANTINE} values (?, ?)", [dataset, file])


def touched_partitions(con, ds) -> None:
    """Before an import's merge, over the file's rows as stored now and as the file has them:
    temp table ``_touched(rollup, part)``, the partitions of the roll-ups of ``ds`` holding
    them, and ``_touched_since(since)``, the earliest of their times."""
    con.execute("create or replace temp table _touched (rollup varchar, part date)")
    key = _ident(ds.key)
    when = _ident(ds.newest_record) if ds.newest_record and ds.name != "communities" else None
    con.execute("create or replace temp table _touched_since as select " + (
        f"least((select min({when}) from {_ident('all_' + ds.name)} "
        f"where {key} in (select {key} from staged)), (select min({when}) from staged))"
        if when else "cast(null as timestamp)") + " as since")
    for r in ROLLUPS.values():
        if r.dataset != ds.name:
            continue
        con.execute(
            f"insert into _touched select distinct {sql_text(r.name)}, {r.partition_expr} "
            f"from {_ident('all_' + ds.name)} where {key} in (select {key} from staged) "
            f"union select {sql_text(r.name)}, {r.partition_expr} from staged")


def refresh_rollups(con, dataset: str) -> None:
    """After an import's merge into the delta: the touched partitions of the dataset's
    roll-ups computed again over base + delta and kept in the delta (readers take them instead
    of the base's), and the stored four-color scores of the windows ending after the file's
    earliest row marked stale when the dataset feeds them."""
    for r in ROLLUPS.values():
        if r.dataset != dataset:
            continue
        parts = f"select part from _touched where rollup = {sql_text(r.name)}"
        source = _ident("all_" + dataset)
        con.execute(f"create table if not exists {r.name} as "
                    f"{rollup_select(r.name, source, None)} limit 0")
        con.execute(f"delete from {r.name} where {_ident(r.partition)} in ({parts})")
        con.execute(f"insert into {r.name} by name {rollup_select(r.name, source, parts)}")
        con.execute(f"insert into {REPLACED_PARTS} select rollup, part from _touched "
                    f"where rollup = ?", [r.name])
    con.execute("drop table if exists _touched")
    if dataset in RISK_SOURCES:  # the stored scores of windows ending after the file's rows
        con.execute(f"insert into {STALE} select ?, cast(since as timestamp) from _touched_since",
                    [RISK_TABLE])
    con.execute("drop table if exists _touched_since")


def remove(warehouse: Path) -> None:
    for p in (delta_path(warehouse), Path(str(delta_path(warehouse)) + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def compact_locked(warehouse: Path) -> bool:
    """Fold the delta into a new base (the caller holds the writer lock). True if it did."""
    from command_center import warehouse as W

    warehouse = Path(warehouse)
    path = delta_path(warehouse)
    if not path.is_file() or not warehouse.is_file():
        remove(warehouse)
        return False
    tmp = W.temp_path(warehouse, "compacting")
    shutil.copyfile(warehouse, tmp)
    try:
        with W.writer_connection(tmp, warehouse) as con:
            db = con.execute("select current_database()").fetchone()[0]
            con.execute(f"attach {sql_text(str(path))} as dl (read_only)")
            if _base_of(con, "dl") != _build_id(con, db):  # stale: already in the base
                con.execute("detach dl")
                W.discard(tmp)
                remove(warehouse)
                return False
            for name, ds in DATASETS.items():
                t, key = _ident(name), _ident(ds.key)
                con.execute(f"delete from {t} where {key} in (select key from dl.{REPLACED_KEYS}"
                            f" where dataset = ?) or {key} in (select {key} from dl.{t})", [name])
                con.execute(f"insert into {t} by name select * from dl.{t}")
            con.execute(f"delete from quarantine q where exists (select 1 from dl."
                        f"{REPLACED_QUARANTINE} r where r.dataset = q.dataset and r.file = q.file)")
            con.execute("insert into quarantine by name select * from dl.quarantine")
            con.execute("insert into import_log by name select * from dl.import_log")
            kept = dict(con.execute(
                "select key, value from dl.meta where key <> 'base_build_id'").fetchall())
            con.execute("detach dl")
            build_rollups(con)  # over the merged tables, as a build writes them
            W.set_meta(con, **kept, build_id=W.new_build_id())
            con.execute("checkpoint")
        W.swap_in(tmp, warehouse)
    except BaseException:
        W.discard(tmp)
        raise
    remove(warehouse)
    return True


def compact(warehouse: Path) -> bool:
    from command_center.warehouse import writer_lock

    with writer_lock(warehouse):
        return compact_locked(warehouse)
