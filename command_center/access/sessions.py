"""Sign-in sessions and per-screen wall tokens.

The browser holds a random session id (cookie ``cc_session``, HttpOnly, SameSite=Lax); the
access file holds only its SHA-256, so a copy of the file signs nobody in. A session ends at
sign-out, when its user is disabled, or after ``[access] idle_minutes`` without a request.
A wall token (``python -m command_center token add``) signs a screen in as 大屏 without a
person; its sessions do not time out and end when the token is revoked. Both live in the
access file, so they survive a server restart.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets

from command_center import config
from command_center.access import accounts, audit, roles, store

COOKIE = "cc_session"
WALL_ROLE = "wall"
METHODS = {"password": "密码", "sso": "单点登录", "token": "大屏令牌"}


@dataclasses.dataclass(frozen=True)
class Viewer:
    """Who is looking: the user (or wall screen), their role and community scope."""
    username: str
    display_name: str
    role: roles.Role
    communities: tuple[str, ...]
    method: str
    must_change: bool = False  # a first or reset password, to be changed before anything else

    @property
    def scope(self) -> tuple[str, ...] | None:
        """The communities this viewer's rows are limited to; None = the whole county."""
        return self.communities if self.role.scoped else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(config.tz()).replace(tzinfo=None, microsecond=0)


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=float(config.get("access", "idle_minutes", 30)))


def start(username: str, method: str) -> str:
    """A new session for a signed-in user or wall token; returns the cookie value."""
    token = secrets.token_urlsafe(32)
    now = _now().isoformat()
    with store.connect() as con:
        con.execute("insert into sessions (sid_hash, username, method, created_at, last_seen)"
                    " values (?, ?, ?, ?, ?)", (_hash(token), username, method, now, now))
    return token


def lookup(token: str | None, *, touch: bool = True) -> Viewer | None:
    """The viewer of a live session, or None (unknown, ended, idle too long, user disabled)."""
    if not token:
        return None
    now = _now()
    expired = None
    with store.connect() as con:
        row = con.execute("select * from sessions where sid_hash = ? and ended_at is null",
                          (_hash(token),)).fetchone()
        if row is None:
            return None
        viewer = _viewer(con, row)
        idle = now - dt.datetime.fromisoformat(row["last_seen"])
        if viewer is None or (row["method"] != "token" and idle > idle_limit()):
            con.execute("update sessions set ended_at = ? where sid_hash = ?",
                        (now.isoformat(), row["sid_hash"]))
            expired = row["username"] if viewer is not None else None
            viewer = None
        elif touch and idle > dt.timedelta(seconds=15):
            con.execute("update sessions set last_seen = ? where sid_hash = ?",
                        (now.isoformat(), row["sid_hash"]))
    if expired:
        audit.record("session_expired", expired, detail={"空闲分钟": round(idle.total_seconds() / 60)})
    return viewer


def _viewer(con, row) -> Viewer | None:
    if row["method"] == "token":
        token = con.execute("select * from wall_tokens where token_id = ? and revoked_at is null",
                            (row["username"].removeprefix("大屏:"),)).fetchone()
        if token is None:
            return None
        return Viewer(row["username"], f"大屏（{token['label']}）", roles.get(WALL_ROLE), (),
                      "token")
    user = con.execute("select * from users where username = ?", (row["username"],)).fetchone()
    if user is None or user["disabled"]:
        return None
    u = accounts._user(user)
    return Viewer(u.username, u.display_name, roles.get(u.role), u.communities, row["method"],
                  u.must_change)


def end(token: str | None) -> Viewer | None:
    """Sign out: the session ends; returns who it was (None if it was not live)."""
    viewer = lookup(token, touch=False)
    if viewer is None:
        return None
    with store.connect() as con:
        con.execute("update sessions set ended_at = ? where sid_hash = ?",
                    (_now().isoformat(), _hash(token)))
    return viewer


def end_all(username: str) -> None:
    with store.connect() as con:
        con.execute("update sessions set ended_at = ? where username = ? and ended_at is null",
                    (_now().isoformat(), username))


# --- wall tokens --------------------------------------------------------------------------

def add_token(label: str, *, by: str = "命令行") -> tuple[str, str]:
    """A new wall token: (token id, token). The token is shown once and stored hashed."""
    token_id = secrets.token_hex(4)
    token = f"{token_id}.{secrets.token_urlsafe(32)}"
    with store.connect() as con:
        con.execute("insert into wall_tokens (token_id, token_hash, label, created_at)"
                    " values (?, ?, ?, ?)", (token_id, _hash(token), label, _now().isoformat()))
    audit.record("token_change", by, target=token_id, detail={"操作": "新建", "名称": label})
    return token_id, token


def revoke_token(token_id: str, *, by: str = "命令行") -> None:
    with store.connect() as con:
        cur = con.execute("update wall_tokens set revoked_at = ? where token_id = ?"
                          " and revoked_at is null", (_now().isoformat(), token_id))
        if cur.rowcount == 0:
            raise accounts.AccountError(f"没有有效的大屏令牌 {token_id}")
        con.execute("update sessions set ended_at = ? where username = ? and ended_at is null",
                    (_now().isoformat(), f"大屏:{token_id}"))
    audit.record("token_change", by, target=token_id, detail={"操作": "吊销"})


def list_tokens() -> list[dict]:
    with store.connect() as con:
        return [dict(r) for r in con.execute(
            "select token_id, label, created_at, revoked_at from wall_tokens order by created_at")]


def token_session(token: str) -> str | None:
    """A session for a valid wall token (the wall URL ``/wall?token=…``), or None."""
    with store.connect() as con:
        row = con.execute("select token_id from wall_tokens where token_hash = ?"
                          " and revoked_at is null", (_hash(token),)).fetchone()
    return start(f"大屏:{row['token_id']}", "token") if row else None
