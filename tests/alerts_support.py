"""Helpers of the alert tests: a writable copy of the fixture warehouse to craft data in, one
rule written to its own file, a run of the alerts over them, and a guard that refuses every
connection to a host other than loopback (the channel tests talk to local servers only)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import shutil
import socket
from pathlib import Path

import duckdb
import pytest

from command_center import alerts
from command_center.alerts import channels, store

NOW = dt.datetime(2026, 11, 20, 12, 30)  # CC_CLOCK_NOW of tests/conftest.py
OFF = channels.ChannelSettings()  # no channel configured: nothing is sent


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch):
    """Any connection to a non-loopback address fails the test."""
    real = socket.socket.connect

    def connect(self, address):
        host = address[0] if isinstance(address, tuple) else None
        if host is not None:
            try:
                ok = ipaddress.ip_address(host).is_loopback
            except ValueError:
                ok = host == "localhost"
            if not ok:
                raise AssertionError(f"test tried to reach {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture()
def crafted(fixture_warehouse, tmp_path) -> Path:
    """A copy of the fixture warehouse the test may write to."""
    path = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fixture_warehouse, path)
    return path


def sql(warehouse: Path, statement: str, params=None) -> None:
    """Change the crafted warehouse the way an import does: on a copy swapped in (the query
    runner holds the current file open read-only)."""
    tmp = warehouse.with_name(warehouse.name + ".writing")
    shutil.copyfile(warehouse, tmp)
    con = duckdb.connect(str(tmp))
    try:
        con.execute(statement, params or [])
    finally:
        con.close()
    os.replace(tmp, warehouse)


def rule_file(tmp_path: Path, key: str, body: str) -> Path:
    """alerts.toml holding one rule ``key`` (its TOML body without the table headers)."""
    path = tmp_path / f"alerts_{key}.toml"
    path.write_text(f"[rules.{key}]\n{body}\n", encoding="utf-8")
    return path


def run(warehouse: Path, rules: Path, now: dt.datetime = NOW, settings=OFF):
    return alerts.run(warehouse=warehouse, store_file=warehouse.parent / "alerts.sqlite",
                      rules_file=rules, settings=settings, now=now, trigger="test",
                      sleep=lambda _s: None)


def active(warehouse: Path) -> list[dict]:
    return store.active_alerts(warehouse.parent / "alerts.sqlite")


def past(warehouse: Path) -> list[dict]:
    return store.past_alerts(warehouse.parent / "alerts.sqlite")


def keys(rows: list[dict]) -> set[str]:
    return {r["event_key"] for r in rows}


def lifecycle(warehouse: Path, rules: Path, key: str, stop, now=NOW, settings=OFF) -> dict:
    """Raise → keep → resolve ``key``: run, run again, ``stop()`` the condition, run again.

    Asserts the alert is raised once, kept (same id) while it holds, resolved after; returns the
    resolved alert."""
    first = run(warehouse, rules, now, settings)
    assert key in keys(active(warehouse)), (first.text(), active(warehouse))
    raised = next(a for a in active(warehouse) if a["event_key"] == key)
    second = run(warehouse, rules, now, settings)
    assert second.raised == 0 and second.kept == first.raised + first.kept
    again = next(a for a in active(warehouse) if a["event_key"] == key)
    assert again["alert_id"] == raised["alert_id"]
    stop()
    run(warehouse, rules, now, settings)
    assert key not in keys(active(warehouse))
    gone = next(a for a in past(warehouse) if a["event_key"] == key)
    assert gone["alert_id"] == raised["alert_id"] and gone["resolved_at"]
    return gone
