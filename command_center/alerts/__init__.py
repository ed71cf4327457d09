"""预警提醒: threshold alerts from ``alerts.toml``, evaluated in SQL over the warehouse.

    from command_center import alerts
    summary = alerts.run(trigger="timer")       # evaluate every rule now, apply, send
    alerts.after_import(warehouse)              # the import path's hook: a separate process
    alerts.acknowledge(alert_id, by, note)      # who acknowledged, when, with a note

Modules: ``rules`` (the file and its validation), ``evaluate`` (one function per rule kind,
over ``queries/alerts/*.sql``), ``store`` (the SQLite alert store beside the warehouse),
``channels`` (webhook robots and SMTP), ``ui`` (the wall banner and the sidebar count).

An alert is raised once per event key, stays active while its condition holds and is resolved
when it stops; a rule that fails to evaluate leaves its alerts as they were (the error is
recorded with the run). "Now" is the dashboard's clock, ``config.now()``.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from command_center import config
from command_center.alerts import channels, store
from command_center.alerts.evaluate import findings
from command_center.alerts.rules import AlertConfigError, load_rules

log = logging.getLogger(__name__)

__all__ = ["AlertConfigError", "RunSummary", "acknowledge", "after_import", "run"]


@dataclass
class RunSummary:
    rules: int = 0
    raised: int = 0
    kept: int = 0
    resolved: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def text(self) -> str:
        out = (f"预警规则 {self.rules} 条：新触发 {self.raised}，持续 {self.kept}，解除 {self.resolved}；"
               f"发送成功 {self.sent}，发送失败 {self.failed}")
        if self.errors:
            out += "\n未能评估：" + "；".join(self.errors)
        return out


def run(*, warehouse: Path | None = None, store_file: Path | None = None,
        rules_file: Path | None = None, settings: channels.ChannelSettings | None = None,
        now=None, trigger: str = "manual", sleep=None) -> RunSummary:
    """Evaluate every enabled rule at ``now`` (default ``config.now()``), update the store,
    then send what is due. Raises :class:`AlertConfigError` for a bad rules file only."""
    rule_set = load_rules(rules_file)
    now = now or config.now()
    warehouse = Path(warehouse) if warehouse is not None else config.warehouse_path()
    path = Path(store_file) if store_file is not None else store.store_path(warehouse)
    settings = settings or channels.ChannelSettings.from_config()
    summary = RunSummary()
    rules = {r.key: r for r in rule_set.rules if r.enabled}
    with store.run_lock(path):
        results = {}
        for rule in rules.values():
            try:
                results[rule.key] = findings(rule, now, warehouse)
            except Exception as exc:  # one rule's failure leaves the others working
                log.exception("预警规则 %s 评估失败", rule.key)
                summary.errors.append(f"{rule.name}（{type(exc).__name__}）")
        with store.connect(path) as con:
            for key, found in results.items():
                r, k, x = store.apply(con, rules[key], found, now)
                summary.raised += r
                summary.kept += k
                summary.resolved += x
            summary.resolved += store.resolve_rules_not_in(con, set(rules), now)
            summary.rules = len(rules)
            store.record_run(con, now, trigger, summary.raised, summary.kept, summary.resolved,
                             summary.errors)
        with store.connect(path) as con:
            sent = channels.deliver(con, rules, settings, now,
                                    **({"sleep": sleep} if sleep else {}))
        summary.sent, summary.failed = sent["sent"], sent["failed"]
    return summary


_children: list[subprocess.Popen] = []  # the runs started after imports (tests wait on them)


def log_path(warehouse: Path) -> Path:
    """Where the runs after imports write what they did: ``alerts.log`` beside the store."""
    return store.store_path(warehouse).with_name("alerts.log")


def after_import(warehouse: Path) -> subprocess.Popen | None:
    """The import path's hook: ``alerts run`` for ``warehouse`` in a separate process.

    The import has finished when this is called and never waits for the run, nor fails with
    it (any error is logged and swallowed); a separate process also keeps the importer's own
    DuckDB handles and memory untouched. Its output goes to ``alerts.log`` beside the store.
    ``[alerts] run_after_import = false`` turns it off. Returns the process, or None.
    """
    try:
        if not config.get("alerts", "run_after_import", True):
            return None
        warehouse = Path(warehouse).resolve()
        out = log_path(warehouse)
        out.parent.mkdir(parents=True, exist_ok=True)
        with open(out, "a", encoding="utf-8") as fh:
            proc = subprocess.Popen(
                [sys.executable, "-m", "command_center", "alerts", "run", "--warehouse",
                 str(warehouse), "--trigger", "import"],
                cwd=config.ROOT, stdin=subprocess.DEVNULL, stdout=fh, stderr=fh,
                start_new_session=True)
        _children.append(proc)
        # reaped in the background (a long-lived server must not collect zombies)
        threading.Thread(target=proc.wait, name="alerts-after-import", daemon=True).start()
        return proc
    except Exception:
        log.exception("无法启动导入后预警评估（导入本身不受影响）")
        return None


def acknowledge(alert_id: int, by: str, note: str = "", *, path: Path | None = None,
                now=None) -> None:
    """Record that ``by`` acknowledged alert ``alert_id`` (when: the dashboard's clock).

    For the login work: pass the signed-in user as ``by`` and write the audit entry there.
    """
    store.acknowledge(alert_id, by, note, path=path, now=now)
