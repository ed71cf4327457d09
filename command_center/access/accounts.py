"""Local accounts: argon2id hashes (argon2-cffi), lock-out after repeated failed sign-ins.

Settings ``[access]``: ``max_failed`` failures in a row lock an account for ``lock_minutes``.
Every change is audited (``user_change``), every failure and lock-out too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from command_center import config
from command_center.access import audit, roles, store

_hasher = PasswordHasher()
_NAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,64}$")
MIN_PASSWORD = 10
# verified against when the user does not exist, so both answers take the same time
_DUMMY = _hasher.hash("not-a-password")


class AccountError(ValueError):
    """A request about an account that cannot be carried out (message in Chinese)."""


@dataclasses.dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    communities: tuple[str, ...]
    disabled: bool
    locked_until: str | None
    must_change: bool

    @property
    def role_info(self) -> roles.Role:
        return roles.get(self.role)


def _now() -> dt.datetime:
    return dt.datetime.now(config.tz()).replace(tzinfo=None, microsecond=0)


def _user(row) -> User:
    return User(row["username"], row["display_name"], row["role"],
                tuple(json.loads(row["communities"] or "[]")), bool(row["disabled"]),
                row["locked_until"], bool(row["must_change"]))


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少 {MIN_PASSWORD} 位")
    kinds = sum(bool(re.search(p, password)) for p in (r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"))
    if kinds < 3:
        raise AccountError("密码须包含大写字母、小写字母、数字、符号中的至少三类")


def new_password() -> str:
    """A one-time password that passes :func:`check_password`."""
    while True:
        pw = secrets.token_urlsafe(12) + "#7a"
        try:
            check_password(pw)
            return pw
        except AccountError:
            continue


def _check_role(role: str, communities) -> tuple[str, ...]:
    info = roles.get(role)
    codes = tuple(dict.fromkeys(c.strip() for c in communities or () if c.strip()))
    if info.scoped and not codes:
        raise AccountError(f"角色“{info.name}”须指定所负责的社区（--communities 社区编码,…）")
    return codes


def get(username: str) -> User | None:
    with store.connect() as con:
        row = con.execute("select * from users where username = ?", (username,)).fetchone()
    return _user(row) if row else None


def list_users() -> list[User]:
    with store.connect() as con:
        return [_user(r) for r in con.execute("select * from users order by username")]


def add(username: str, role: str, *, password: str | None = None, display_name: str = "",
        communities=(), by: str = "命令行", must_change: bool = True) -> str:
    """Create a local account; returns its password (generated when none is given)."""
    if not _NAME_RE.match(username):
        raise AccountError("用户名只能由 2–64 位字母、数字和 _ . @ - 组成")
    codes = _check_role(role, communities)
    password = password or new_password()
    check_password(password)
    now = _now().isoformat()
    with store.connect() as con:
        if con.execute("select 1 from users where username = ?", (username,)).fetchone():
            raise AccountError(f"用户 {username} 已存在")
        con.execute(
            "insert into users (username, display_name, role, communities, pw_hash, must_change,"
            " created_at, changed_at) values (?, ?, ?, ?, ?, ?, ?, ?)",
            (username, display_name or username, role, json.dumps(codes), _hasher.hash(password),
             int(must_change), now, now))
    audit.record("user_change", by, target=username,
                 detail={"操作": "新建用户", "角色": roles.get(role).name, "社区": list(codes)})
    return password


def _update(username: str, by: str, change: str, sql: str, args: tuple, detail=None) -> None:
    with store.connect() as con:
        cur = con.execute(f"update users set {sql}, changed_at = ? where username = ?",
                          (*args, _now().isoformat(), username))
        if cur.rowcount == 0:
            raise AccountError(f"没有用户 {username}")
    audit.record("user_change", by, target=username, detail={"操作": change, **(detail or {})})


def set_password(username: str, password: str | None = None, *, by: str = "命令行",
                 must_change: bool = True) -> str:
    password = password or new_password()
    check_password(password)
    _update(username, by, "重设密码",
            "pw_hash = ?, must_change = ?, failed = 0, locked_until = null",
            (_hasher.hash(password), int(must_change)))
    return password


def set_disabled(username: str, disabled: bool, *, by: str = "命令行") -> None:
    _update(username, by, "停用" if disabled else "启用", "disabled = ?", (int(disabled),))
    if disabled:
        from command_center.access import sessions
        sessions.end_all(username)


def set_role(username: str, role: str, communities=(), *, by: str = "命令行") -> None:
    codes = _check_role(role, communities)
    _update(username, by, "修改角色", "role = ?, communities = ?", (role, json.dumps(codes)),
            {"角色": roles.get(role).name, "社区": list(codes)})


def link_sso(username: str, subject: str) -> None:
    with store.connect() as con:
        con.execute("update users set sso_subject = ? where username = ?", (subject, username))


def by_sso_subject(subject: str) -> User | None:
    with store.connect() as con:
        row = con.execute("select * from users where sso_subject = ?", (subject,)).fetchone()
    return _user(row) if row else None


def authenticate(username: str, password: str, client: str = "") -> User:
    """The user, if the password is right and the account may sign in; else AccountError.

    Each failure is audited; ``max_failed`` failures in a row lock the account for
    ``lock_minutes`` (the lock-out is audited once). The message never says whether the user
    exists.
    """
    max_failed = int(config.get("access", "max_failed", 5))
    lock_minutes = int(config.get("access", "lock_minutes", 15))
    now = _now()
    error = None
    with store.connect() as con:  # the failure count is committed before the error is raised
        row = con.execute("select * from users where username = ?", (username,)).fetchone()
        role = row["role"] if row else None
        if row is None or row["pw_hash"] is None:
            try:
                _hasher.verify(_DUMMY, password)
            except VerificationError:
                pass
            error, reason = "用户名或密码错误", "用户名或密码错误"
        elif row["locked_until"] and row["locked_until"] > now.isoformat():
            error = (f"连续登录失败次数过多，账户已锁定，请于 {row['locked_until'][11:16]}"
                     " 后再试或联系管理员")
            reason = "账户已锁定"
        elif not _verify(row["pw_hash"], password):
            failed = row["failed"] + 1
            locked = failed >= max_failed
            until = (now + dt.timedelta(minutes=lock_minutes)).isoformat() if locked else None
            con.execute("update users set failed = ?, locked_until = ? where username = ?",
                        (0 if locked else failed, until, username))
            error, reason = "用户名或密码错误", f"用户名或密码错误（连续第 {failed} 次）"
            if locked:
                audit.record("locked", username, role=role,
                             detail={"锁定至": until, "连续失败": failed}, client=client)
        elif row["disabled"]:
            error, reason = "账户已停用，请联系管理员", "账户已停用"
        else:
            con.execute("update users set failed = 0, locked_until = null where username = ?",
                        (username,))
            if _hasher.check_needs_rehash(row["pw_hash"]):
                con.execute("update users set pw_hash = ? where username = ?",
                            (_hasher.hash(password), username))
    if error:
        audit.record("sign_in_failed", username, role=role, detail={"原因": reason},
                     client=client)
        raise AccountError(error)
    return _user(row)


def _verify(pw_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(pw_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def ensure_admin() -> str | None:
    """On the first start (no account at all) create ``admin``: its password is read from
    ``CC_ADMIN_PASSWORD`` or generated; returns the generated one-time password (to print)."""
    with store.connect() as con:
        if con.execute("select 1 from users limit 1").fetchone():
            return None
    import os
    given = os.environ.get("CC_ADMIN_PASSWORD") or None
    try:
        password = add("admin", "admin", password=given, display_name="系统管理员",
                       by="首次启动", must_change=given is None)
    except AccountError:
        if get("admin") is not None:  # another process created it first
            return None
        raise
    return None if given else password
