"""The command line as scripts and cron jobs call it: exit codes, messages, JSON report."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "command_center", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_import_update_and_report(tmp_path, fixture_warehouse):
    wh = tmp_path / "w.duckdb"
    shutil.copy(fixture_warehouse, wh)
    f = tmp_path / "警情.csv"
    f.write_text(
        "事件编号,上报时间,事件类别,处置状态,所属社区\n"
        "CLI-1,2026-11-20 08:00:00,治安,处置中,330383001001\n"
        "CLI-2,2026/11/20 9:30,交通,已办结,330383001002\n"
        ",2026-11-20 10:00:00,刑事,处置中,330383001003\n",
        encoding="utf-8-sig",
    )
    report = tmp_path / "r.json"
    from command_center.access import audit

    mark = len(audit.entries())
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh),
            "--report", str(report))
    assert r.returncode == 0, r.stderr
    # one audit line for the import, with its counts
    lines = audit.entries()[mark:]
    assert [(x["action"], x["user"], x["target"], x["rows"]) for x in lines] == [
        ("import", "命令行", "警情.csv", 2)]
    assert (lines[0]["detail"]["读取"], lines[0]["detail"]["隔离"]) == (3, 1)
    assert "读取 3 行" in r.stdout and "隔离 1 行" in r.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data) == {"dataset", "file", "read", "loaded", "quarantined", "inserted",
                         "updated", "unchanged", "reasons"}
    assert (data["read"], data["loaded"], data["quarantined"], data["inserted"]) == (3, 2, 1, 2)
    assert data["reasons"].get("缺少编号") == 1

    # the same file again: nothing changes
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh),
            "--report", str(report))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert r.returncode == 0 and (data["inserted"], data["updated"], data["unchanged"]) == (0, 0, 2)

    # a status change replaces the old row
    f.write_text(f.read_text(encoding="utf-8-sig").replace("治安,处置中", "治安,已办结"),
                 encoding="utf-8-sig")
    cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh),
        "--report", str(report))
    data = json.loads(report.read_text(encoding="utf-8"))
    assert (data["updated"], data["unchanged"]) == (1, 1)


def test_import_with_the_file_s_timezone(tmp_path, fixture_warehouse):
    """--timezone UTC: the file's times are UTC and stored as local; a zone nobody knows is
    refused in Chinese before anything is written."""
    from fixtures_ingest.helpers import query

    wh = tmp_path / "w.duckdb"
    shutil.copy(fixture_warehouse, wh)
    f = tmp_path / "utc.csv"
    f.write_text("事件编号,上报时间,事件类别,处置状态,所属社区\n"
                 "CLI-UTC,2026-11-20 01:00:00,治安,处置中,330383001001\n", encoding="utf-8")
    before = digest(wh)
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh),
            "--timezone", "Mars/Olympus")
    assert r.returncode == 2 and "无法识别" in r.stderr and digest(wh) == before
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh),
            "--timezone", "UTC")
    assert r.returncode == 0, r.stderr
    assert query(wh, "select reported_at from incidents where incident_id = 'CLI-UTC'") == [
        (dt.datetime(2026, 11, 20, 9, 0),)]


def test_unusable_file_exits_2_and_changes_nothing(tmp_path, fixture_warehouse):
    wh = tmp_path / "w.duckdb"
    shutil.copy(fixture_warehouse, wh)
    before = digest(wh)
    f = tmp_path / "no_key.csv"
    f.write_text("上报时间,事件类别\n2026-11-20 08:00:00,治安\n", encoding="utf-8")
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh))
    assert r.returncode == 2
    assert "导入失败" in r.stderr and "事件编号" in r.stderr
    assert digest(wh) == before


def test_bad_arguments_are_refused(tmp_path):
    r = cli("import", "--dataset", "weather", str(tmp_path / "x.csv"))
    assert r.returncode == 2 and "无效的选项" in r.stderr
    r = cli("sample", "--end", "2026-13-01", "--out", str(tmp_path))
    assert r.returncode == 2 and "日期格式应为 YYYY-MM-DD" in r.stderr


def test_help_and_errors_are_chinese():
    import re

    for args in (("-h",), ("briefing", "-h"), ("import", "-h"), ("sample", "-h")):
        r = cli(*args)
        assert r.returncode == 0
        for english in ("usage", "options", "show this help", "positional arguments"):
            assert english not in r.stdout, (args, english, r.stdout)
        # section headings end with the full-width colon (选项：, 命令：), as Chinese text does
        headings = [ln for ln in r.stdout.splitlines() if ln and not ln[0].isspace()
                    and ln.rstrip().endswith((":", "："))]
        assert headings and all(h.endswith("：") for h in headings), (args, headings)
        # every option has a Chinese help text
        for line in r.stdout.splitlines():
            if line.strip().startswith("--") and not re.search(r"[\u4e00-\u9fff]", line):
                following = r.stdout.split(line, 1)[1].splitlines()[1:2]
                assert following and re.search(r"[\u4e00-\u9fff]", following[0]), line
    r = cli("briefing")
    assert r.returncode == 2 and "缺少必需的参数" in r.stderr and "usage" not in r.stderr


def test_commands_reading_the_warehouse_say_what_is_missing(tmp_path):
    missing = tmp_path / "none.duckdb"
    for args in (("briefing", "--period", "month", "--out", str(tmp_path)),
                 ("import", "--dataset", "incidents", str(tmp_path / "x.csv"))):
        r = cli(*args, "--warehouse", str(missing))
        assert r.returncode == 2, r.stderr
        assert "Traceback" not in r.stderr
        assert "找不到数据仓库" in r.stderr and "python -m command_center build" in r.stderr
        assert len(r.stderr.strip().splitlines()) <= 2


def test_crs_takes_an_epsg_code_and_refuses_an_unknown_one(tmp_path, fixture_warehouse):
    from pyproj import Transformer

    wh = tmp_path / "w.duckdb"
    shutil.copy(fixture_warehouse, wh)
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True).transform(120.55, 27.55)
    f = tmp_path / "gk.csv"
    f.write_text(f"事件编号,上报时间,X坐标,Y坐标\nGK-1,2026-11-20 08:00:00,{y:.2f},{x:.2f}\n",
                 encoding="utf-8")
    before = digest(wh)
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh), "--crs", "火星")
    assert r.returncode == 2 and "坐标系 火星 无法识别" in r.stderr and "EPSG:4549" in r.stderr
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh))
    assert r.returncode == 2 and "以米为单位" in r.stderr and "--crs EPSG:4549" in r.stderr
    assert digest(wh) == before
    r = cli("import", "--dataset", "incidents", str(f), "--warehouse", str(wh), "--crs",
            "EPSG:4549")
    assert r.returncode == 0, r.stderr
    assert "读取 1 行，入库 1 行" in r.stdout
