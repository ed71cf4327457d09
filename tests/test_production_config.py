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


def test_the_whole_county_is_named_with_the_configured_unit(monkeypatch):
    import re

    from command_center import config

    assert config.county_whole() == "全市"  # 龙港 is a 县级市: settings.toml [county] unit
    monkeypatch.setenv("CC_COUNTY_UNIT", "县")
    config.settings.cache_clear()
    try:
        assert config.county_whole() == "全县"
    finally:
        monkeypatch.delenv("CC_COUNTY_UNIT")
        config.settings.cache_clear()
    # no page or briefing spells the unit itself
    for path in [*ROOT.joinpath("views").glob("*.py"),
                 *ROOT.joinpath("command_center").glob("wall_*.py"),
                 ROOT / "command_center" / "ui" / "filters.py",
                 *ROOT.joinpath("command_center", "briefing").glob("*.py")]:
        assert not re.search(r'"全[县市区]', path.read_text(encoding="utf-8")), path


def test_pages_do_not_name_configuration_files_to_a_person():
    import re

    for path in ROOT.joinpath("views").glob("*.py"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.lstrip().startswith("#") or '"""' in line:
                continue
            # a Chinese string literal that names a .toml file
            for literal in re.findall(r'"([^"]*)"', line):
                if re.search(r"[\u4e00-\u9fff]", literal):
                    assert ".toml" not in literal, (path.name, literal)


def test_xsrf_on_table_downloads_off_and_the_server_behind_the_gate():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["enableXsrfProtection"] is True
    assert cfg["server"]["enableAgentApi"] is False
    assert 0 < cfg["server"]["maxUploadSize"] <= 1024
    # a table's own CSV download would skip the role check and the audit
    assert cfg["client"]["disableDataExport"] is True
    # the README's start command and the test servers run asgi.py (the gate), not app.py
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "streamlit run asgi.py" in makefile and "streamlit run app.py" not in makefile
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "streamlit run app.py" not in readme


def test_query_threads_come_from_settings(monkeypatch):
    import os

    from command_center import config

    try:
        assert config.warehouse_threads() == (os.cpu_count() or 1)  # threads = 0: per core
        monkeypatch.setenv("CC_WAREHOUSE_THREADS", "3")
        config.settings.cache_clear()
        assert config.warehouse_threads() == 3
    finally:
        monkeypatch.undo()
        config.settings.cache_clear()
