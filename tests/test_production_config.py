"""Production settings a person meets: no tracebacks, no English menu, no agent API."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_tracebacks_for_users_and_no_agent_api():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["client"]["showErrorDetails"] == "none"
    assert cfg.get("server", {}).get("enableAgentApi", False) is False


def test_app_logs_errors_with_a_reference_and_hides_the_english_menu():
    src = (ROOT / "app.py").read_text(encoding="utf-8")
    assert "log.exception(" in src and "错误编号" in src
    assert "stMainMenu" in src
