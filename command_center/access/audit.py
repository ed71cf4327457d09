"""The audit trail: one JSON line per audited act, appended to its own file beside the warehouse.

Append-only and hash-chained: each line carries the SHA-256 of the previous line, so a line
edited or removed later breaks :func:`verify`. Times are the machine's real local time (never
the dashboard's pinned clock). Retention (``[access] audit_retention_days``) is applied by
:func:`prune`, which keeps the chain by starting the kept part with a 审计清理 line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
from pathlib import Path

from command_center import config

ACTIONS = {
    "sign_in": "登录",
    "sign_in_failed": "登录失败",
    "locked": "账户锁定",
    "sign_out": "退出登录",
    "session_expired": "会话超时",
    "export": "导出",
    "download": "下载",
    "import": "导入数据",
    "unmask": "查看明文",
    "user_change": "用户变更",
    "token_change": "大屏令牌变更",
    "alert_ack": "确认预警",
    "sql_query": "SQL 查询",
    "query_save": "保存查询",
    "query_delete": "删除查询",
    "prune": "审计清理",
}
GENESIS = "0" * 64


def path() -> Path:
    """``[paths] audit`` or ``audit.jsonl`` beside the warehouse."""
    configured = config.get("paths", "audit", "") or ""
    return config.path("audit") if configured else config.warehouse_path().parent / "audit.jsonl"


def _now() -> str:
    return dt.datetime.now(config.tz()).replace(tzinfo=None).isoformat(timespec="seconds")


def _digest(line: str) -> str:
    return hashlib.sha256(line.encode("utf-8")).hexdigest()


def _last_hash(fh) -> str:
    fh.seek(0, 2)
    size = fh.tell()
    if size == 0:
        return GENESIS
    fh.seek(max(0, size - 65536))
    lines = fh.read().splitlines()
    return json.loads(lines[-1])["hash"] if lines else GENESIS


@contextlib.contextmanager
def _locked(p: Path, mode: str):
    p.parent.mkdir(parents=True, exist_ok=True)
    with open(p, mode, encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield fh
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _line(entry: dict, prev: str) -> str:
    body = dict(entry, prev=prev)
    body["hash"] = _digest(json.dumps(body, ensure_ascii=False, sort_keys=True))
    return json.dumps(body, ensure_ascii=False, sort_keys=True)


def record(action: str, user: str | None, *, role: str | None = None, target: str = "",
           detail: dict | None = None, rows: int | None = None, client: str = "") -> dict:
    """Append one audited act. ``detail`` holds what was done (filters, file, reason …)."""
    if action not in ACTIONS:
        raise ValueError(f"未知的审计动作：{action}")
    entry = {"time": _now(), "action": action, "user": user or "", "role": role or "",
             "target": target, "detail": detail or {}, "rows": rows, "client": client}
    with _locked(path(), "a+") as fh:
        line = _line(entry, _last_hash(fh))
        fh.seek(0, 2)
        fh.write(line + "\n")
        fh.flush()
    return json.loads(line)


def import_detail(report) -> dict:
    """What an import's audit line says (from its ImportReport)."""
    return {"数据集": report.dataset, "文件": report.file, "读取": report.read,
            "入库": report.loaded, "新增": report.inserted, "更新": report.updated,
            "隔离": report.quarantined}


def entries() -> list[dict]:
    p = path()
    if not p.exists():
        return []
    with open(p, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def verify() -> tuple[bool, int]:
    """(chain intact, number of lines)."""
    prev = None
    rows = entries()
    for row in rows:
        expected = dict(row)
        stored = expected.pop("hash")
        if prev is not None and row["prev"] != prev:
            return False, len(rows)
        if _digest(json.dumps(expected, ensure_ascii=False, sort_keys=True)) != stored:
            return False, len(rows)
        prev = stored
    return True, len(rows)


def prune(days: int | None = None) -> int:
    """Drop lines older than the retention; returns how many were dropped."""
    days = days if days is not None else int(config.get("access", "audit_retention_days", 1095))
    cutoff = (dt.datetime.now(config.tz()).replace(tzinfo=None) - dt.timedelta(days=days))
    cut = cutoff.isoformat(timespec="seconds")
    with _locked(path(), "a+") as fh:
        fh.seek(0)
        rows = [json.loads(line) for line in fh.read().splitlines() if line.strip()]
        keep = [r for r in rows if r["time"] >= cut]
        dropped = len(rows) - len(keep)
        if not dropped:
            return 0
        head = {"time": _now(), "action": "prune", "user": "", "role": "", "target": "",
                "detail": {"保留天数": days, "清理条数": dropped,
                           "此前最后一条校验值": rows[-1]["hash"]}, "rows": dropped, "client": ""}
        lines = [_line(head, GENESIS)]
        for r in keep:
            r = {k: v for k, v in r.items() if k not in ("prev", "hash")}
            lines.append(_line(r, json.loads(lines[-1])["hash"]))
        fh.seek(0)
        fh.truncate()
        fh.write("".join(line + "\n" for line in lines))
    return dropped
