"""The warehouse file: tables from the schema, atomic replacement, version, freshness.

Tables: one per dataset (``schema.DATASETS``: the canonical columns in order, then
``schema.EXTRA_COLUMNS``, then ``<column>_raw`` of ``schema.RAW_ENUM_COLUMNS``), plus

    quarantine(dataset, file, row_number, reason, raw_json, quarantined_at)
    import_log(imported_at, dataset, file, read, loaded, quarantined, inserted, updated, unchanged)
    meta(key, value)      build_id, built_at, updated_at (last import), schema_version

Writers never modify the live file in place: they write a new file next to it (same
directory, so ``os.replace`` is an atomic rename), fsync it, and rename it over the old one.
A reader that opened the old file keeps reading the old inode; the query runner notices the
change through :func:`warehouse_version` and reconnects. Writers serialise on an exclusive
``flock`` of ``<warehouse>.writer.lock``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import shutil
import uuid
from pathlib import Path

from command_center import config
from command_center.schema import BUILD_ORDER, DATASETS, EXTRA_COLUMNS, RAW_ENUM_COLUMNS, raw_column

# 2: the staging layer; 3: <enum>_raw columns (values as imported); 4: roll-ups (rollups.py);
# 5: every enum column's value as imported (not only category, source, dispute_type)
SCHEMA_VERSION_BASE = "5"

SYSTEM_TABLES = {
    "quarantine": (
        ("dataset", "VARCHAR"),
        ("file", "VARCHAR"),
        ("row_number", "BIGINT"),
        ("reason", "VARCHAR"),
        ("raw_json", "VARCHAR"),
        ("quarantined_at", "TIMESTAMP"),
    ),
    "import_log": (
        ("imported_at", "TIMESTAMP"),
        ("dataset", "VARCHAR"),
        ("file", "VARCHAR"),
        ("read", "BIGINT"),
        ("loaded", "BIGINT"),
        ("quarantined", "BIGINT"),
        ("inserted", "BIGINT"),
        ("updated", "BIGINT"),
        ("unchanged", "BIGINT"),
        ("archive", "VARCHAR"),  # the archived copy replayed by `build` (None: exports folder)
    ),
    "meta": (("key", "VARCHAR"), ("value", "VARCHAR")),
}


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_columns(dataset: str) -> list[tuple[str, str]]:
    ds = DATASETS[dataset]
    raw = [(raw_column(c), "VARCHAR") for c in RAW_ENUM_COLUMNS.get(dataset, ())]
    return [(c.name, c.type) for c in ds.columns] + list(EXTRA_COLUMNS) + raw


def ddl() -> list[str]:
    statements = []
    for name in BUILD_ORDER:
        cols = ", ".join(f"{_ident(c)} {t}" for c, t in table_columns(name))
        statements.append(f"create table if not exists {_ident(name)} ({cols})")
    for name, columns in SYSTEM_TABLES.items():
        cols = ", ".join(f"{_ident(c)} {t}" for c, t in columns)
        statements.append(f"create table if not exists {_ident(name)} ({cols})")
    return statements


STAGING_SQL = config.ROOT / "queries" / "_staging.sql"
# the tables' version and a digest of the staging layer: a warehouse written before the staging
# definitions changed is brought up to date by ``upgrade`` at start (``ensure``)
SCHEMA_VERSION = (f"{SCHEMA_VERSION_BASE}-"
                  f"{hashlib.sha256(STAGING_SQL.read_bytes()).hexdigest()[:12]}")


def staging_statements() -> list[str]:
    """The staging layer's ``create or replace macro`` statements (queries/_staging.sql)."""
    text = STAGING_SQL.read_text(encoding="utf-8")
    return [s.strip() for s in text.split("\n;;\n") if s.strip()]


def create_tables(con) -> None:
    """The tables (if missing), then the staging layer over them (always replaced, so every
    write leaves the current definitions in the file) and the schema version."""
    for sql in ddl():
        con.execute(sql)
    # warehouses made before the import archive existed
    con.execute("alter table import_log add column if not exists archive varchar")
    # warehouses made before the values as imported were kept (appended last, as in the DDL)
    for name, columns in RAW_ENUM_COLUMNS.items():
        for c in columns:
            con.execute(f"alter table {_ident(name)} add column if not exists "
                        f"{_ident(raw_column(c))} varchar")
    # the roll-ups' tables, empty until ``rollups.build_rollups`` fills them (queries may name
    # them whatever the warehouse: without ``rollups_built_at`` they read the records)
    from command_center.rollups import ROLLUPS, rollup_select

    for r in ROLLUPS.values():
        con.execute(f"create table if not exists {_ident(r.name)} as "
                    f"{rollup_select(r.name, _ident(r.dataset), None)} limit 0")
    for sql in staging_statements():
        con.execute(sql)
    set_meta(con, schema_version=SCHEMA_VERSION)


def upgrade(warehouse: Path) -> bool:
    """Bring a warehouse written by an older version up to ``SCHEMA_VERSION`` (new tables, the
    staging layer and the roll-ups; no row of a dataset is touched), by the same copy-and-swap as every writer. Returns
    True when it had to."""
    import duckdb

    warehouse = Path(warehouse)
    # ATTACHed in a fresh in-memory database: works whatever other connections to the file
    # this process holds (a plain connect refuses one with a different configuration)
    with duckdb.connect() as probe:
        escaped = str(warehouse).replace("'", "''")
        probe.execute(f"attach '{escaped}' as wh (read_only)")
        try:
            row = probe.execute(
                "select value from wh.meta where key = 'schema_version'").fetchone()
        except duckdb.CatalogException:  # no meta table: older than any version
            row = None
        if row is not None and row[0] == SCHEMA_VERSION:
            return False
    with writer_lock(warehouse):
        # a delta of the older version is folded in first (its tables are the old ones too)
        from command_center.delta import compact_locked

        compact_locked(warehouse)
        tmp = temp_path(warehouse, "upgrading")
        shutil.copyfile(warehouse, tmp)
        try:
            con = duckdb.connect(str(tmp))
            create_tables(con)
            from command_center.rollups import build_rollups

            build_rollups(con)  # a warehouse of an older version has none, or older ones
            con.execute("checkpoint")
            con.close()
            swap_in(tmp, warehouse)
        except BaseException:
            discard(tmp)
            raise
    return True


def archive_dir(warehouse: Path) -> Path:
    """Where imports into ``warehouse`` are archived: ``[paths] imports`` for the configured
    warehouse, else an ``imports`` folder beside it."""
    warehouse = Path(warehouse)
    if warehouse.resolve() == config.warehouse_path().resolve():
        return config.path("imports") if config.get("paths", "imports") else (
            warehouse.parent / "imports")
    return warehouse.parent / "imports"


def _remove_stale(warehouse: Path) -> int:
    """Remove the writers' temporary copies beside ``warehouse`` (caller holds the lock)."""
    removed = 0
    for stale in warehouse.parent.glob(f".{warehouse.name}.*-*"):
        with contextlib.suppress(OSError):
            if stale.is_file():
                stale.unlink()
            else:
                shutil.rmtree(stale, ignore_errors=True)
            removed += 1
    return removed


def clean_stale(warehouse: Path) -> int:
    """Remove temporary copies left by a writer that was killed, when no writer is running
    (checked with a non-blocking lock). Called at start-up; returns how many were removed."""
    warehouse = Path(warehouse)
    if not warehouse.parent.is_dir():
        return 0
    removed = 0
    with open(warehouse.with_name(warehouse.name + ".writer.lock"), "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # a writer is at work: its temp files are not stale
        try:
            removed = _remove_stale(warehouse)
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
    return removed


def now_local() -> dt.datetime:
    """Local wall-clock time (naive, like every timestamp in the warehouse)."""
    return dt.datetime.now(config.tz()).replace(tzinfo=None, microsecond=0)


def set_meta(con, **values) -> None:
    for key, value in values.items():
        con.execute("delete from meta where key = ?", [key])
        con.execute("insert into meta values (?, ?)", [key, None if value is None else str(value)])


def get_meta(con) -> dict[str, str]:
    return dict(con.execute("select key, value from meta").fetchall())


def new_build_id() -> str:
    return uuid.uuid4().hex[:12]


# ------------------------------------------------------------------ files
@contextlib.contextmanager
def writer_connection(path: Path, warehouse: Path):
    """A read-write DuckDB connection for a writer (build, import, upgrade) on ``path``, under
    ``[build] memory_limit``: past it, intermediate results spill to ``[build] temp_directory``
    (default: a temporary folder beside ``warehouse``, removed afterwards), so a writer's memory
    does not grow with the rows. Closed on exit."""
    import duckdb

    spill_setting = str(config.get("build", "temp_directory", "") or "")
    spill = Path(spill_setting) if spill_setting else temp_path(warehouse, "spill")
    threads = int(config.get("build", "threads", 0) or 0)
    settings = {
        "memory_limit": str(config.get("build", "memory_limit", "2GB") or "2GB"),
        "temp_directory": str(spill),
        # rows keep the file's order (row numbers in reports, the last duplicate wins)
        "preserve_insertion_order": True,
    }
    if threads > 0:
        settings["threads"] = threads
    con = duckdb.connect(str(path), config=settings)
    con.execute("set enable_progress_bar = false")
    try:
        yield con
    finally:
        con.close()
        if not spill_setting:
            shutil.rmtree(spill, ignore_errors=True)


def temp_path(warehouse: Path, purpose: str) -> Path:
    warehouse = Path(warehouse)
    return warehouse.with_name(f".{warehouse.name}.{purpose}-{os.getpid()}-{uuid.uuid4().hex[:6]}")


def discard(path: Path) -> None:
    for p in (Path(path), Path(str(path) + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            p.unlink()


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def swap_in(new_file: Path, warehouse: Path) -> None:
    """Atomically replace ``warehouse`` by ``new_file`` (closed, checkpointed, same directory)."""
    new_file, warehouse = Path(new_file), Path(warehouse)
    wal = Path(str(new_file) + ".wal")
    if wal.exists():  # a clean close leaves none; never ship a file that needs its WAL
        raise RuntimeError(f"{new_file} still has a WAL file")
    _fsync_file(new_file)
    os.replace(new_file, warehouse)
    with contextlib.suppress(FileNotFoundError):  # a WAL of the old file belongs to nobody now
        Path(str(warehouse) + ".wal").unlink()
    _fsync_dir(warehouse.parent)


@contextlib.contextmanager
def writer_lock(warehouse: Path):
    """Exclusive lock held while a writer builds or imports (readers never take it)."""
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(warehouse.with_name(warehouse.name + ".writer.lock"), "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        # temp files only exist while a writer holds this lock: any found now were left by a
        # writer that crashed
        _remove_stale(warehouse)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def warehouse_version(path: Path | None = None) -> str:
    """Cheap identity of the current warehouse (base and delta files): changes whenever an
    import or a build replaces either."""
    from command_center.delta import delta_path

    path = Path(path) if path is not None else config.warehouse_path()
    parts = []
    for p in (path, delta_path(path)):
        try:
            st = os.stat(p)
        except FileNotFoundError:
            if p == path:
                return "missing"
            continue
        parts.append(f"{st.st_mtime_ns}-{st.st_ino}-{st.st_size}")
    return "+".join(parts)


def dataset_freshness(con) -> list[dict]:
    """Per dataset: Chinese title, row count, and when its data last changed.

    ``updated_at`` is the last import of a file of that dataset (the build logs every file it
    reads), falling back to the build time. Rows come in ``BUILD_ORDER``.
    """
    meta = get_meta(con)
    built_at = meta.get("built_at")
    last = dict(
        con.execute(
            "select dataset, max(imported_at) from import_log group by dataset"
        ).fetchall()
    )
    out = []
    for name in BUILD_ORDER:
        rows = con.execute(f"select count(*) from {_ident(name)}").fetchone()[0]
        updated = last.get(name)
        if updated is None and built_at:
            updated = dt.datetime.fromisoformat(built_at)
        out.append(
            {"dataset": name, "title": DATASETS[name].title, "rows": rows, "updated_at": updated}
        )
    return out
