"""The access file: users, sessions and wall tokens in one SQLite file beside the warehouse.

Not in the warehouse: that file is rebuilt and swapped whole, and is opened read-only by pages.
SQLite (standard library) gives the small, transactional, multi-process store this needs; WAL
mode lets the app's sessions read while the command line writes.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from command_center import config
from command_center.sqlite_store import open_store

SCHEMA = """
create table if not exists users (
    username     text primary key,
    display_name text not null,
    role         text not null,
    communities  text not null default '[]',   -- JSON list of community codes (scoped roles)
    pw_hash      text,                          -- argon2; null for single-sign-on-only users
    disabled     integer not null default 0,
    failed       integer not null default 0,    -- failed sign-ins since the last good one
    locked_until text,                          -- ISO time; sign-in refused before it
    must_change  integer not null default 0,
    sso_subject  text unique,                   -- the identity provider's sub, once linked
    created_at   text not null,
    changed_at   text not null
);
create table if not exists sessions (
    sid_hash   text primary key,                -- sha256 of the cookie value
    username   text not null,
    method     text not null,                   -- 密码 / 单点登录 / 大屏令牌
    created_at text not null,
    last_seen  text not null,
    ended_at   text
);
create table if not exists wall_tokens (
    token_id    text primary key,               -- short public id (command line, audit)
    token_hash  text not null unique,
    label       text not null,
    created_at  text not null,
    revoked_at  text
);
"""


def path() -> Path:
    """``[paths] access`` or ``access.sqlite`` beside the warehouse."""
    configured = config.get("paths", "access", "") or ""
    return config.path("access") if configured else config.warehouse_path().parent / "access.sqlite"


@contextlib.contextmanager
def connect():
    """A connection in one transaction (committed on success, rolled back on error), holding
    the write lock from the start (``begin immediate``)."""
    with open_store(path(), SCHEMA, isolation_level=None) as con:
        try:
            con.execute("begin immediate")
            yield con
            con.execute("commit")
        except BaseException:
            if con.in_transaction:
                con.execute("rollback")
            raise
