"""数据管理 page (AppTest): history and freshness against independent SQL; an import through
the page's own code path on a COPY of the fixture warehouse.

The session fixture warehouse is never written: import tests copy it to ``tmp_path`` and point
``CC_PATHS_WAREHOUSE`` at the copy (settings cache cleared before and after).
Independent checks open a short-lived connection and close it at once: DuckDB hands a second
connection to an already open file the same (old) database, which would hide an import.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fixtures_ingest.helpers import query as ingest_query
from streamlit.testing.v1 import AppTest

from command_center import config, headline
from command_center.formatting import fmt_count
from command_center.periods import Period
from command_center.schema import BUILD_ORDER, DATASETS
from command_center.ui.freshness import fmt_time, freshness_text

TODAY = dt.date(2026, 11, 20)  # tests/conftest.py pins the clock there
NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py FIXTURE_NOW (CC_CLOCK_NOW)
TODAY_WINDOW = Period(TODAY, TODAY, NOW)  # 今日 at the pinned clock: 0:00 until 12:30


def sql(path, query, params=None):
    """Run one independent query on ``path`` (base + the imports' delta)."""
    return ingest_query(path, query, params)


def open_page() -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at, label):
    found = [m for m in at.metric if m.label == label]
    assert len(found) == 1, (label, [m.label for m in at.metric])
    return found[0].value


def frame_with(at, *columns, index=0):
    """The index-th table having all these columns (AppTest doesn't expose table keys)."""
    frames = [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]
    assert len(frames) > index, (columns, [list(d.value.columns) for d in at.dataframe])
    return frames[index]


@pytest.fixture()
def warehouse_copy(fixture_warehouse, tmp_path, monkeypatch):
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fixture_warehouse, copy)
    monkeypatch.setenv("CC_PATHS_WAREHOUSE", str(copy))
    config.settings.cache_clear()
    assert config.warehouse_path() == copy
    yield copy
    monkeypatch.undo()
    config.settings.cache_clear()
    assert config.warehouse_path() == fixture_warehouse


# ------------------------------------------------------------------ read-only page
def test_history_and_freshness_match_sql(fixture_warehouse):
    at = open_page()
    assert at.title[0].value == "数据管理"
    # freshness cards: one per dataset, rows = count(*), times = max(imported_at) / record time
    record_time = {"social_orgs": "registered_on", "typhoons": "warning_start_at",
                   "incidents": "reported_at", "disputes": "received_at",
                   "evacuations": "notified_at"}
    captions = [c.value for c in at.caption]
    for name in BUILD_ORDER:
        (rows,) = sql(fixture_warehouse, f"select count(*) from {name}")[0]
        assert metric(at, DATASETS[name].title) == fmt_count(rows), name
        (last,) = sql(fixture_warehouse,
                      "select max(imported_at) from import_log where dataset = ?", [name])[0]
        expected = [f"数据更新于 {fmt_time(last, TODAY)}"]
        if name in record_time:
            (newest,) = sql(fixture_warehouse, f"select max({record_time[name]}) from {name}")[0]
            expected.append(f"最新记录 {fmt_time(newest, TODAY)}")
        assert any(all(e in c for e in expected) for c in captions), (name, expected, captions)
    # history: every import_log line (fewer than the 200 shown), newest first, Chinese headers
    history = frame_with(at, "导入时间", "读取")
    log = sql(fixture_warehouse, "select imported_at, file, read, loaded, quarantined "
                                 "from import_log order by imported_at desc, dataset, file")
    assert len(history) == len(log) > 0
    assert list(history.columns[:4]) == ["导入时间", "数据集", "文件", "读取"]
    assert set(history["数据集"]) <= {d.title for d in DATASETS.values()}
    assert history["导入时间"].is_monotonic_decreasing
    assert sorted(zip(history["文件"], history["读取"], strict=True)) == sorted(
        (f, r) for _, f, r, _, _ in log)
    # no quarantine in the tidy sample → the browser says so
    (quarantined,) = sql(fixture_warehouse, "select count(*) from quarantine")[0]
    if quarantined == 0:
        assert any("没有被隔离的数据" in i.value for i in at.info)


def test_freshness_text():
    t = pd.Timestamp("2026-11-20 09:05:31")
    all_same = dict.fromkeys(BUILD_ORDER, t)
    assert freshness_text(all_same, TODAY) == "数据更新于 11月20日 09:05（全部数据）"
    mixed = {**all_same, "incidents": pd.Timestamp("2026-11-21 10:00"),
             "typhoons": pd.Timestamp("2025-07-06 08:00")}
    text = freshness_text(mixed, TODAY)
    assert text.startswith("数据更新于 警情事件 11月21日 10:00 · ")
    assert text.endswith(" · 台风 2025年7月6日 08:00")
    assert ("社区、社会组织、避灾安置场所、矛盾纠纷、防台转移、平安乐巡队伍、平安乐巡、台风路径 "
            "11月20日 09:05" in text)
    assert freshness_text({}, TODAY).startswith("数据更新于 —")


# ------------------------------------------------------------------ import through the page
def crafted_incidents(copy) -> tuple[bytes, dict]:
    """GBK CSV with a title line and synonym headers: a new incident, an update of an existing
    open one (处置中 → 已办结), a point outside the county, a row without an id."""
    (iid, reported, community, lon, lat, name, phone) = sql(
        copy,
        "select i.incident_id, i.reported_at, c.community_name, i.lon, i.lat, "
        "i.reporter_name, i.reporter_phone from incidents i join communities c "
        "using (community_code) where i.status = '处置中' and i.lon is not null "
        "order by i.incident_id limit 1")[0]
    lines = [
        "龙港市110警情导出（2026年11月）",
        "警情编号,报警时间,报警方式,警情类别,警情细类,处置状态,结案时间,管辖社区,经度,纬度,"
        "案发地址,报警人,报警电话,备注",
        f"ZZTEST0001,2026年11月20日 10时03分,110,治安,打架斗殴,处置中,,{community},"
        f"{lon:.6f},{lat:.6f},测试路1号,张三丰,13812345678,新",
        f"{iid},{reported:%Y/%m/%d %H:%M:%S},110,治安,打架斗殴,已办结,2026-11-20 12:00:00,"
        f"{community},{lon:.6f},{lat:.6f},测试路2号,{name},{phone},改",
        f"ZZTEST0003,2026-11-20 11:00,12345,刑事,盗窃,已办结,,{community},121.9,29.0,"
        "测试路3号,李四光,13912345678,远",
        f",2026-11-20 12:00,110,刑事,盗窃,已办结,,{community},,,测试路4号,王五,13712345678,空",
    ]
    facts = {"update_id": iid, "lon": lon, "lat": lat}
    return ("\r\n".join(lines) + "\r\n").encode("gb18030"), facts


def test_import_through_page(warehouse_copy):
    from queries import run_query

    content, facts = crafted_incidents(warehouse_copy)
    (before,) = sql(warehouse_copy, "select count(*) from incidents")[0]
    # another page's query, through the cached runner, before the import
    other_before = run_query("data/last_import_by_dataset")
    # 本期警情 of 今日, fetched as every surface fetches it (command_center.headline)
    kpi_before = headline.incidents(run_query, TODAY_WINDOW)["incident_count"]
    at = open_page()
    assert metric(at, "警情事件") == fmt_count(before)

    at.file_uploader(key="data_upload").set_value(("110导出.csv", content, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    # detection: dataset, encoding, header row, mapping with Chinese labels, unmapped header
    ds_box = at.selectbox[0]
    assert ds_box.value == "incidents"
    facts_line = next(c.value for c in at.caption if c.value.startswith("格式"))
    assert "GBK" in facts_line and "表头在第 2 行" in facts_line
    mapping = at.dataframe[0].value
    as_dict = dict(zip(mapping["源表头"], mapping["对应字段"], strict=True))
    assert as_dict["警情编号"] == "事件编号" and as_dict["报警电话"] == "联系电话"
    assert as_dict["备注"].startswith("—")
    assert any("未使用的列：备注" in c.value for c in at.caption)
    preview = at.dataframe[1].value
    assert "事件编号" in preview.columns and "上报人" in preview.columns
    assert "张**" in preview["上报人"].tolist()  # masked
    assert not preview.astype(str).apply(lambda s: s.str.contains("13812345678")).any().any()
    # coordinate system: the file's points are BD-09
    crs = at.radio[0]
    assert crs.value == "wgs84"
    crs.set_value("bd09")
    at.run()
    from command_center.access import audit

    mark = len(audit.entries())
    button = next(b for b in at.button if b.label == "导入警情事件")
    button.click()
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    # one audit line: who imported which file, with its counts
    lines = audit.entries()[mark:]
    assert [(x["action"], x["user"], x["target"], x["rows"]) for x in lines] == [
        ("import", "test-admin", "110导出.csv", 2)]
    assert lines[0]["detail"]["读取"] == 4 and lines[0]["detail"]["隔离"] == 2

    # the report against independent SQL on the copy
    after = sql(warehouse_copy, "select count(*) from incidents")[0][0]
    q = sql(warehouse_copy, "select row_number, reason from quarantine where file = ? "
                            "order by row_number", ["110导出.csv"])
    log = sql(warehouse_copy, "select read, loaded, quarantined, inserted, updated, unchanged "
                              "from import_log where file = ?", ["110导出.csv"])
    assert log == [(4, 2, 2, 1, 1, 0)]
    assert after == before + 1
    assert [r for r, _ in q] == [5, 6]  # file rows (title line 1, header line 2)
    assert {reason for _, reason in q} == {"坐标不在县域范围内", "缺少编号"}
    for label, value in zip(["读取", "入库", "隔离", "新增", "更新", "未变"], log[0], strict=True):
        assert metric(at, label) == fmt_count(value), label
    reasons = frame_with(at, "原因", "处理")
    shown = dict(zip(reasons["原因"], reasons["行数"], strict=True))
    assert shown.items() >= {"坐标不在县域范围内": 1, "缺少编号": 1}.items()
    sample = frame_with(at, "行号", "报警电话")
    assert list(sample["行号"]) == [5, 6]
    assert "李**" in sample["报警人"].tolist()
    assert "139****5678" in sample["报警电话"].tolist()
    assert not sample.astype(str).apply(lambda s: s.str.contains("13912345678")).any().any()
    # the update landed, BD-09 converted (BD-09 → WGS-84 moves龙港 points ~0.01° west)
    status, lon = sql(warehouse_copy, "select status, lon from incidents where incident_id = ?",
                      [facts["update_id"]])[0]
    assert status == "已办结"
    assert 0.005 < facts["lon"] - lon < 0.02

    # the page's own figures after the import come from the new warehouse
    assert metric(at, "警情事件") == fmt_count(after)
    history = frame_with(at, "导入时间", "读取")
    assert history.iloc[0]["文件"] == "110导出.csv" and history.iloc[0]["隔离"] == 2
    assert any("隔离 2 行" in c.value for c in at.caption)
    # …and so does every other page's cached query
    other_after = run_query("data/last_import_by_dataset")
    inc = lambda df: df.set_index("dataset").loc["incidents", "last_imported_at"]  # noqa: E731
    assert inc(other_after) > inc(other_before)
    kpi = lambda: headline.incidents(run_query, TODAY_WINDOW)["incident_count"]  # noqa: E731
    (today_count,) = sql(warehouse_copy, "select count(*) from incidents where reported_at "
                                         ">= ? and reported_at < ?", [TODAY_WINDOW.start_at,
                                                                      TODAY_WINDOW.end_before])[0]
    assert kpi() == today_count == kpi_before + 1  # ZZTEST0001 was reported at 10:03 today


def test_a_file_written_in_utc_is_imported_in_local_time(warehouse_copy):
    """文件中的时间: an export whose times are UTC (as some national systems write them) is
    converted to 北京时间 when the person says so; the default reads them as local."""
    (community,) = sql(warehouse_copy, "select community_name from communities limit 1")[0]
    lines = ["事件编号,上报时间,事件来源,事件类别,处置状态,办结时间,所属社区",
             f"ZZUTC0001,2026-11-20 01:30:00,110,治安,已办结,2026-11-20 02:10:00,{community}"]
    content = ("\r\n".join(lines) + "\r\n").encode("utf-8")
    at = open_page()
    at.file_uploader(key="data_upload").set_value(("utc导出.csv", content, "text/csv"))
    at.run()
    tz = next(r for r in at.radio if r.label == "文件中的时间")
    assert tz.value is None  # 北京时间 unless said otherwise
    assert tz.options == ["北京时间（本地）", "UTC（世界时，比北京时间晚 8 小时）"]
    tz.set_value("UTC")
    at.run()
    next(b for b in at.button if b.label == "导入警情事件").click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert sql(warehouse_copy, "select reported_at, closed_at from incidents "
                               "where incident_id = 'ZZUTC0001'") == [
        (dt.datetime(2026, 11, 20, 9, 30), dt.datetime(2026, 11, 20, 10, 10))]
    assert any("文件中的时间按 UTC 时区读取" in c.value for c in at.caption)  # the report says so
    # the archive keeps the choice: a rebuild reads the file the same way
    archived = sql(warehouse_copy, "select archive from import_log where file = 'utc导出.csv'")
    kept = Path(archived[0][0])
    meta = json.loads(kept.with_name(kept.name + ".json").read_text(encoding="utf-8"))
    assert meta["timezone"] == "UTC"


def test_unusable_files_say_why(warehouse_copy):
    version_before = warehouse_copy.stat().st_mtime_ns
    at = open_page()
    no_key = "上报时间,事件来源,所属社区\n2026-11-20 10:00,110,育才社区\n".encode()
    at.file_uploader(key="data_upload").set_value([
        ("坏文件.xlsx", b"this is not a spreadsheet", "application/octet-stream"),
        ("无编号.csv", no_key, "text/csv"),
    ])
    at.run()
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    assert any("坏文件.xlsx" in e or "无法读取该文件" in e for e in errors), errors
    # too few headers to detect the dataset: the page says so and lets one choose
    assert any("无法判断数据类型" in e for e in errors), errors
    at.selectbox[0].set_value("incidents")
    at.run()
    assert not at.exception, at.exception
    assert any("缺少必需的列" in m.value and "事件编号" in m.value for m in at.markdown)
    button = next(b for b in at.button if b.label.startswith("导入"))
    assert button.disabled
    assert warehouse_copy.stat().st_mtime_ns == version_before


def test_quarantine_xlsx(warehouse_copy):
    from command_center.ingest.upsert import import_file
    from command_center.ui.export import xlsx_bytes
    from command_center.ui.upload import quarantine_frame

    content, _ = crafted_incidents(warehouse_copy)
    path = warehouse_copy.parent / "q.csv"
    path.write_bytes(content)
    import_file("incidents", path, crs="wgs84", warehouse=warehouse_copy)
    path.unlink()
    (n,) = sql(warehouse_copy, "select count(*) from quarantine where file = 'q.csv'")[0]
    df = quarantine_frame("incidents", ["q.csv"], 1000)
    book = pd.read_excel(io.BytesIO(xlsx_bytes(df, {"数据集": "警情事件"})), sheet_name=None,
                         engine="openpyxl")
    sheet = book["数据"]
    assert len(sheet) == n == 2
    assert list(sheet.columns[:3]) == ["文件", "行号", "原因"]
    assert "13912345678" not in sheet.astype(str).to_string()
    assert "139****5678" in sheet["报警电话"].tolist()


def test_no_header_row_shows_the_lines_to_add(warehouse_copy):
    at = open_page()
    content = "某系统导出\n警情编号,报警人姓名,时间点\nA1,张三,2026-07-25\n".encode()
    at.file_uploader(key="data_upload").set_value(("无表头.csv", content, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("无法读取该文件：未找到表头行") for e in at.error)
    shown = "\n".join(c.value for c in at.code)
    assert "第 2 行：「警情编号」「报警人姓名」「时间点」" in shown
    assert '[headers]\n"报警人姓名" = ""  # 请填写对应的字段名' in shown
    assert "reported_at（上报时间）" in shown
