"""The alert store: one SQLite file beside the warehouse (never inside it: the warehouse is
rebuilt and swapped whole, alerts and acknowledgements must outlive that).

``[alerts] store`` in settings.toml names it; empty: ``alerts.sqlite`` beside the warehouse.

Tables
- ``alerts``: one row per raised alert. ``event_key`` is active (``resolved_at`` null) at most
  once (a unique partial index), so an event is never raised twice while it holds.
- ``deliveries``: one row per (alert, channel): status sent / failed, attempts, last error.
- ``events``: the history of each alert (raised, reopened, resolved, acknowledged, sent,
  failed), with who and a note.
- ``runs``: each evaluation (when, why, counts, errors).

Times are the dashboard's clock (``config.now()``), ISO text to the second.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from command_center import config
from command_center.sqlite_store import open_store

SCHEMA = """
create table if not exists alerts (
    alert_id integer primary key,
    rule_key text not null,
    rule_name text not null,
    level text not null,
    level_rank integer not null,
    event_key text not null,
    title text not null,
    message text not null,
    link text not null,
    raised_at text not null,
    last_seen_at text not null,
    resolved_at text,
    acknowledged_at text,
    acknowledged_by text,
    ack_note text
);
create unique index if not exists alerts_one_active on alerts (event_key)
    where resolved_at is null;
create index if not exists alerts_by_key on alerts (event_key, resolved_at);
create table if not exists deliveries (
    alert_id integer not null references alerts (alert_id),
    channel text not null,
    status text not null,
    attempts integer not null default 0,
    last_error text,
    last_attempt_at text,
    sent_at text,
    primary key (alert_id, channel)
);
create table if not exists events (
    event_id integer primary key,
    alert_id integer not null references alerts (alert_id),
    at text not null,
    kind text not null,
    actor text,
    note text
);
create table if not exists runs (
    run_id integer primary key,
    started_at text not null,
    trigger text not null,
    raised integer,
    kept integer,
    resolved integer,
    errors text
);
"""
EVENT_NAMES = {
    "raised": "触发",
    "reopened": "再次触发（冷却期内，沿用原预警）",
    "resolved": "解除",
    "acknowledged": "确认",
    "sent": "已发送",
    "failed": "发送失败",
}


def store_path(warehouse: Path | None = None) -> Path:
    """``[alerts] store`` for the configured warehouse, else ``alerts.sqlite`` beside it."""
    configured = config.warehouse_path()
    warehouse = Path(warehouse) if warehouse is not None else configured
    text = str(config.get("alerts", "store", "") or "").strip()
    if text and warehouse.resolve() == configured.resolve():
        p = Path(text)
        return p if p.is_absolute() else config.ROOT / p
    return warehouse.parent / "alerts.sqlite"


def _stamp(t: dt.datetime) -> str:
    return t.replace(microsecond=0).isoformat(sep=" ")


@contextlib.contextmanager
def connect(path: Path):
    """A connection with the schema in place; committed on leaving, rolled back on error."""
    with open_store(path, SCHEMA, timeout=30) as con:
        try:
            yield con
            con.commit()
        except BaseException:
            con.rollback()
            raise


@contextlib.contextmanager
def run_lock(path: Path):
    """One evaluation at a time per store (after an import and the timer may meet)."""
    lock = Path(path).with_name(Path(path).name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _event(con, alert_id: int, at: str, kind: str, actor: str | None = None,
           note: str | None = None) -> None:
    con.execute("insert into events (alert_id, at, kind, actor, note) values (?, ?, ?, ?, ?)",
                (alert_id, at, kind, actor, note))


def apply(con, rule, found: Iterable, now: dt.datetime) -> tuple[int, int, int]:
    """Bring ``rule``'s alerts in line with what holds now (``found``: Findings).

    New event → raised (or, within the rule's cooldown after it was resolved, the same alert
    reopened: nothing is sent again); an active one seen again → kept (its text refreshed);
    an active one not seen → resolved. Returns (raised, kept, resolved).
    """
    at = _stamp(now)
    found = {f.event_key: f for f in found}
    active = {r["event_key"]: r for r in con.execute(
        "select * from alerts where rule_key = ? and resolved_at is null", (rule.key,))}
    raised = kept = 0
    for key, f in found.items():
        if key in active:
            con.execute("update alerts set last_seen_at = ?, title = ?, message = ?, link = ?, "
                        "level = ?, level_rank = ?, rule_name = ? where alert_id = ?",
                        (at, f.title, f.message, f.link, rule.level, rule.level_rank, rule.name,
                         active[key]["alert_id"]))
            kept += 1
            continue
        cutoff = _stamp(now - dt.timedelta(minutes=rule.cooldown_minutes))
        recent = con.execute(
            "select alert_id from alerts where event_key = ? and resolved_at >= ? "
            "order by resolved_at desc limit 1", (key, cutoff)).fetchone()
        if rule.cooldown_minutes and recent is not None:
            con.execute("update alerts set resolved_at = null, last_seen_at = ?, title = ?, "
                        "message = ?, link = ? where alert_id = ?",
                        (at, f.title, f.message, f.link, recent["alert_id"]))
            _event(con, recent["alert_id"], at, "reopened")
            kept += 1
            continue
        cur = con.execute(
            "insert into alerts (rule_key, rule_name, level, level_rank, event_key, title, "
            "message, link, raised_at, last_seen_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (rule.key, rule.name, rule.level, rule.level_rank, key, f.title, f.message, f.link,
             at, at))
        _event(con, cur.lastrowid, at, "raised")
        raised += 1
    resolved = 0
    for key, row in active.items():
        if key not in found:
            resolve(con, row["alert_id"], now)
            resolved += 1
    return raised, kept, resolved


def resolve(con, alert_id: int, now: dt.datetime, note: str | None = None) -> None:
    at = _stamp(now)
    con.execute("update alerts set resolved_at = ? where alert_id = ? and resolved_at is null",
                (at, alert_id))
    _event(con, alert_id, at, "resolved", note=note)


def resolve_rules_not_in(con, rule_keys: set[str], now: dt.datetime) -> int:
    """Resolve the active alerts of rules no longer in the file (or disabled)."""
    rows = con.execute("select alert_id, rule_key from alerts where resolved_at is null").fetchall()
    n = 0
    for r in rows:
        if r["rule_key"] not in rule_keys:
            resolve(con, r["alert_id"], now, note="规则已停用或删除")
            n += 1
    return n


def record_run(con, now: dt.datetime, trigger: str, raised: int, kept: int, resolved: int,
               errors: list[str]) -> None:
    con.execute("insert into runs (started_at, trigger, raised, kept, resolved, errors) "
                "values (?, ?, ?, ?, ?, ?)",
                (_stamp(now), trigger, raised, kept, resolved, "；".join(errors) or None))


# ------------------------------------------------------------------ deliveries
def pending_deliveries(con, channel: str, max_attempts: int) -> list[sqlite3.Row]:
    """Active alerts not yet sent on ``channel`` with attempts left (the caller picks which of
    them the channel is for)."""
    return con.execute(
        "select a.*, coalesce(d.attempts, 0) as attempts from alerts as a "
        "left join deliveries as d on d.alert_id = a.alert_id and d.channel = ? "
        "where a.resolved_at is null and coalesce(d.status, '') != 'sent' "
        "and coalesce(d.attempts, 0) < ? order by a.level_rank desc, a.alert_id",
        (channel, max_attempts)).fetchall()


def record_delivery(con, alert_id: int, channel: str, ok: bool, attempts: int,
                    error: str | None, now: dt.datetime) -> None:
    at = _stamp(now)
    con.execute(
        "insert into deliveries (alert_id, channel, status, attempts, last_error, "
        "last_attempt_at, sent_at) values (?, ?, ?, ?, ?, ?, ?) "
        "on conflict (alert_id, channel) do update set status = excluded.status, "
        "attempts = deliveries.attempts + excluded.attempts, last_error = excluded.last_error, "
        "last_attempt_at = excluded.last_attempt_at, sent_at = excluded.sent_at",
        (alert_id, channel, "sent" if ok else "failed", attempts, error, at,
         at if ok else None))
    _event(con, alert_id, at, "sent" if ok else "failed", actor=channel, note=error)


# ------------------------------------------------------------------ reading (pages, wall)
def _rows(path: Path, sql: str, params: tuple = ()) -> list[dict]:
    if not Path(path).is_file():
        return []
    with connect(path) as con:
        return [dict(r) for r in con.execute(sql, params)]


def active_alerts(path: Path | None = None) -> list[dict]:
    """Active alerts, highest level first, newest first within a level."""
    return _rows(path or store_path(),
                 "select * from alerts where resolved_at is null "
                 "order by level_rank desc, raised_at desc, alert_id desc")


def past_alerts(path: Path | None = None, limit: int = 500) -> list[dict]:
    return _rows(path or store_path(),
                 "select * from alerts where resolved_at is not null "
                 "order by resolved_at desc, alert_id desc limit ?", (limit,))


def alert_events(alert_id: int, path: Path | None = None) -> list[dict]:
    return _rows(path or store_path(),
                 "select * from events where alert_id = ? order by at, event_id", (alert_id,))


def deliveries(alert_id: int | None = None, path: Path | None = None) -> list[dict]:
    if alert_id is None:
        return _rows(path or store_path(), "select * from deliveries order by alert_id, channel")
    return _rows(path or store_path(),
                 "select * from deliveries where alert_id = ? order by channel", (alert_id,))


def active_counts(path: Path | None = None) -> dict[str, int]:
    """{level: number of active alerts} for the sidebar."""
    rows = _rows(path or store_path(),
                 "select level, count(*) as n from alerts where resolved_at is null group by level")
    return {r["level"]: r["n"] for r in rows}


def acknowledge(alert_id: int, by: str, note: str = "", *, path: Path | None = None,
                now: dt.datetime | None = None) -> None:
    """Record that ``by`` acknowledged alert ``alert_id`` (with an optional note).

    The login work passes the signed-in user as ``by`` and audits the call; the history keeps
    every acknowledgement (the alert row holds the latest).
    """
    by = (by or "").strip()
    if not by:
        raise ValueError("请填写确认人")
    at = _stamp(now or config.now())
    note = (note or "").strip() or None
    with connect(path or store_path()) as con:
        found = con.execute("update alerts set acknowledged_at = ?, acknowledged_by = ?, "
                            "ack_note = ? where alert_id = ?", (at, by, note, alert_id))
        if found.rowcount == 0:
            raise ValueError(f"预警不存在：{alert_id}")
        _event(con, alert_id, at, "acknowledged", actor=by, note=note)
