"""The small SQLite files beside the warehouse (access, 我的查询, alerts): how one is opened.

Each lives outside the warehouse, which is rebuilt and swapped whole. Opening one is the same
everywhere (the folder made, rows by column name, the schema created if missing, the busy
timeout of ``sqlite3.connect``); how its writes are grouped into transactions is the caller's,
since the three stores differ there on purpose.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def open_store(path: Path, schema: str, *, timeout: float = 10, wal: bool = True,
               isolation_level: str | None = "") -> Iterator[sqlite3.Connection]:
    """A connection to the SQLite file ``path`` (it and its folder made when missing) with
    ``schema`` in place, rows as ``sqlite3.Row``, waiting up to ``timeout`` seconds for another
    process's lock; the journal in WAL mode (readers never block the writer) when ``wal``.
    ``isolation_level`` as ``sqlite3.connect`` (None: the caller issues begin/commit itself).
    Closed on leaving, whatever happened; nothing is committed here."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=timeout, isolation_level=isolation_level)
    try:
        con.row_factory = sqlite3.Row
        if wal:
            con.execute("pragma journal_mode=wal")
        con.executescript(schema)
        yield con
    finally:
        con.close()
