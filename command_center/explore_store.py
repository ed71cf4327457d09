"""我的查询: 数据探索 questions saved by name, each with its owner and a shared flag.

A small SQLite file beside the access file (``[paths] saved_queries``, empty =
``saved_queries.sqlite`` beside ``access.sqlite``): not in the warehouse, which is rebuilt and
swapped whole. A question is stored as its URL query string (``command_center.ui.explore_url``),
the same short codes a link carries, so opening a saved question is opening its link; the
viewer's own scope and masking apply when it runs, whoever saved it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from command_center import config
from command_center.access import store
from command_center.sqlite_store import open_store

SCHEMA = """
create table if not exists saved_queries (
    id         integer primary key,
    owner      text not null,
    name       text not null,
    query      text not null,     -- the question's URL query string
    shared     integer not null default 0,
    created_at text not null,
    changed_at text not null,
    unique (owner, name)
);
"""
MAX_NAME = 60
MAX_QUERY = 8000


@dataclass(frozen=True)
class Saved:
    id: int
    owner: str
    name: str
    query: str
    shared: bool
    changed_at: str


def path() -> Path:
    configured = config.get("paths", "saved_queries", "") or ""
    return config.path("saved_queries") if configured else store.path().parent / "saved_queries.sqlite"


@contextlib.contextmanager
def _connect():
    """A connection in one transaction (committed on success, rolled back on error)."""
    with open_store(path(), SCHEMA, wal=False) as con, con:
        yield con


def save(owner: str, name: str, query: str, shared: bool) -> Saved:
    """Save (or replace) the owner's question of that name."""
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("请填写查询名称")
    if len(name) > MAX_NAME:
        raise ValueError(f"查询名称不能超过 {MAX_NAME} 个字")
    if len(query) > MAX_QUERY:
        raise ValueError("查询条件过长，无法保存")
    now = dt.datetime.now().isoformat(timespec="seconds")
    with _connect() as con:
        con.execute(
            "insert into saved_queries (owner, name, query, shared, created_at, changed_at) "
            "values (?, ?, ?, ?, ?, ?) on conflict (owner, name) do update set "
            "query = excluded.query, shared = excluded.shared, changed_at = excluded.changed_at",
            (owner, name, query, int(bool(shared)), now, now))
        row = con.execute("select * from saved_queries where owner = ? and name = ?",
                          (owner, name)).fetchone()
    return _saved(row)


def visible(username: str) -> list[Saved]:
    """The user's own questions, then the ones others shared."""
    with _connect() as con:
        rows = con.execute(
            "select * from saved_queries where owner = ? or shared = 1 "
            "order by owner <> ?, name, owner", (username, username)).fetchall()
    return [_saved(r) for r in rows]


def delete(query_id: int, username: str) -> bool:
    """Delete one of the user's own questions; False when it is not theirs (or gone)."""
    with _connect() as con:
        cur = con.execute("delete from saved_queries where id = ? and owner = ?",
                          (int(query_id), username))
    return cur.rowcount == 1


def _saved(row) -> Saved:
    return Saved(row["id"], row["owner"], row["name"], row["query"], bool(row["shared"]),
                 row["changed_at"])
