"""Issue 16: other systems' vocabularies. A city's 12345 export keeps its own categories and
sources (``<column>_raw``), the shipped ``vocab.toml`` maps them, the values still unknown are
listed with counts and can be mapped afterwards; every breakdown adds up to its total."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest
from fixtures_ingest.helpers import GEO, base_warehouse, communities, query, write_csv

from command_center import config
from command_center.ingest import IngestError, vocab
from command_center.ingest.upsert import import_file
from command_center.warehouse import SCHEMA_VERSION
from queries import query_params, run_query_uncached

HEAD = ["工单编号", "上报时间", "来源", "类别", "办理状态", "所属社区"]
# (category, source, status) of the crafted 12345 export
ROWS = [
    ("市容环卫", "@鹿城", "已办结"),
    ("市容环卫", "12319", "已办结"),
    ("市政设施", "政府信箱", "处置中"),
    ("环保水务", "固话投诉", "处置中"),
    ("交通运输", "@龙港", "已办结"),
    ("治安", "12345", "待受理"),
    ("教育", "12345", "已办结"),           # mapped to 其他 on purpose
    ("河道保洁", "微博", "挂起"),            # unknown category, source and status
    ("河道保洁", "12345", "已办结"),
]
WHEN = dt.datetime(2026, 11, 20, 9, 0)


def crafted_12345(folder, prefix="W", when=WHEN):
    """A 12345-style GBK CSV with a title line (the header 工单编号 mapped in _source.toml)."""
    name = communities()[0]["community_name"]
    rows = [["12345政务服务热线工单导出"], HEAD]
    for i, (cat, src, status) in enumerate(ROWS):
        rows.append([f"{prefix}{i:03d}", f"{when + dt.timedelta(minutes=i):%Y/%m/%d %H:%M}",
                     src, cat, status, name])
    path = write_csv(folder / "12345工单.csv", rows, encoding="gbk")
    (folder / "_source.toml").write_text('[headers]\n"工单编号" = "incident_id"\n',
                                         encoding="utf-8")
    return path


@pytest.fixture()
def vocab_file(tmp_path, monkeypatch):
    """A copy of the shipped vocab.toml (the one the tests' settings point at)."""
    copy = tmp_path / "vocab.toml"
    shutil.copyfile(config.ROOT / "vocab.toml", copy)
    monkeypatch.setenv("CC_PATHS_VOCAB", str(copy))
    config.settings.cache_clear()
    yield copy
    monkeypatch.undo()
    config.settings.cache_clear()


@pytest.fixture()
def wh(tmp_path, vocab_file):
    return base_warehouse(tmp_path)


def run(path, wh):
    r = import_file("incidents", path, crs=None, warehouse=wh, geo_dir=GEO)
    assert r.read == r.loaded + r.quarantined
    assert r.loaded == r.inserted + r.updated + r.unchanged
    return r


def page_params(name, **extra) -> dict:
    """The 警情事件 page's parameters for the fixture day, no filter."""
    values = {"start": dt.datetime(2026, 11, 1), "end": dt.datetime(2026, 11, 21),
              "min_hour": 0, "max_hour": 23, "q": "", **extra}
    return {p: values.get(p, []) for p in query_params(name)}


def q(wh, name, **extra):
    return run_query_uncached(name, wh, scope=None, unmasked=True, **page_params(name, **extra))


def bars(wh, name, column, raw=False) -> dict:
    df = q(wh, name, raw=raw)
    return dict(zip(df[column], df["incident_count"], strict=True))


# ------------------------------------------------------------------ import
def test_12345_export_kept_raw_and_mapped_by_shipped_defaults(tmp_path, wh):
    r = run(crafted_12345(tmp_path / "in"), wh)
    assert (r.read, r.loaded, r.quarantined) == (len(ROWS), len(ROWS), 0)
    got = {i: (c, cr, s, sr) for i, c, cr, s, sr in query(
        wh, "select incident_id, category, category_raw, source, source_raw from incidents")}
    assert got["W000"] == ("社会联动", "市容环卫", "12345", "@鹿城")
    assert got["W001"][2:] == ("12345", "12319")
    assert got["W002"] == ("社会联动", "市政设施", "12345", "政府信箱")
    assert got["W003"] == ("社会联动", "环保水务", "12345", "固话投诉")
    assert got["W004"] == ("交通", "交通运输", "12345", "@龙港")
    assert got["W005"][:2] == ("治安", "治安")
    assert got["W006"][:2] == ("其他", "教育")
    assert got["W007"] == ("其他", "河道保洁", "其他", "微博")
    # the unknowns are reported (category, source: 其他; status: emptied)
    assert r.warnings["事件类别无法识别，记为其他"] == 2
    assert r.warnings["事件来源无法识别，记为其他"] == 1
    assert r.warnings["处置状态无法识别，已置空"] == 1
    # …and where to map them
    assert "事件来源、事件类别、处置状态中未能识别的取值已按原文保留：可在数据管理页“未对照的取值”" \
        "中对照到本系统的分类，已入库的记录随即更新" in r.notes
    # the breakdowns: more than one bar, and each adds up to the total
    cats = bars(wh, "incidents/incidents_by_category", "category")
    assert cats == {"社会联动": 4, "交通": 1, "治安": 1, "其他": 3}
    raw = bars(wh, "incidents/incidents_by_category", "category", raw=True)
    assert raw["市容环卫"] == 2 and raw["河道保洁"] == 2 and sum(raw.values()) == len(ROWS)
    src = bars(wh, "incidents/incidents_by_source", "source")
    assert src == {"12345": 8, "其他": 1}
    assert bars(wh, "incidents/incidents_by_source", "source", raw=True)["@鹿城"] == 1


def test_unmapped_status_is_unknown_and_totals_add_up(tmp_path, wh):
    run(crafted_12345(tmp_path / "in"), wh)
    status = bars(wh, "incidents/incidents_by_status", "status")
    assert status == {"已办结": 5, "处置中": 2, "待受理": 1, "未知": 1}
    (t,) = q(wh, "incidents/totals").to_dict("records")
    assert t["incident_count"] == sum(status.values()) == len(ROWS)
    assert t["unclosed_count"] + t["closed_count"] + t["returned_count"] == t["incident_count"]
    assert t["unclosed_count"] == 4  # 处置中 2, 待受理 1, 未知 1 (a status nobody knows is open)


def test_unmapped_values_listed_with_counts(tmp_path, wh):
    run(crafted_12345(tmp_path / "in"), wh)
    df = run_query_uncached("data/unmapped_values", wh, scope=None,
                            mapped=vocab.mapped_values())
    got = {(d, c, v): n for d, c, v, n in df.itertuples(index=False)}
    # 教育 is mapped to 其他 on purpose in vocab.toml: not "unmapped"; the status no vocabulary
    # knows was stored empty and is listed too (its value as imported was kept)
    assert got == {("incidents", "category", "河道保洁"): 2, ("incidents", "source", "微博"): 1,
                   ("incidents", "status", "挂起"): 1}
    assert query(wh, "select status, status_raw from incidents where incident_id = 'W007'") == [
        (None, "挂起")]


def test_every_vocabulary_column_is_kept_as_imported_and_listed():
    """Each enum column of every dataset has its <column>_raw, and the unmapped-values query
    has a branch for it (testing for 其他 where the vocabulary has it, else for empty)."""
    from command_center.schema import DATASETS, RAW_ENUM_COLUMNS
    from command_center.warehouse import table_columns

    sql = (config.ROOT / "queries" / "data" / "unmapped_values.sql").read_text(encoding="utf-8")
    for name, ds in DATASETS.items():
        for c in (c for c in ds.columns if c.kind == "enum"):
            assert c.name in RAW_ENUM_COLUMNS[name]
            assert (f"{c.name}_raw", "VARCHAR") in table_columns(name)
            unknown = f"{c.name} = '其他'" if "其他" in c.vocab else f"{c.name} is null"
            branch = f"from {name}\n    where {unknown} and {c.name}_raw is not null"
            assert branch in sql, (name, c.name)


def test_mapping_a_value_updates_file_warehouse_and_rebuild(tmp_path, wh, vocab_file):
    path = crafted_12345(tmp_path / "in")
    run(path, wh)
    before = vocab_file.read_text(encoding="utf-8")
    n = vocab.map_value("incidents", "category", "河道保洁", "社会联动", warehouse=wh)
    assert n == 2
    after = vocab_file.read_text(encoding="utf-8")
    assert after.startswith(before.split("[incidents.category]")[0])  # comments kept
    assert vocab.read(vocab_file)[("incidents", "category")]["河道保洁"] == "社会联动"
    assert bars(wh, "incidents/incidents_by_category", "category")["社会联动"] == 6
    assert query(wh, "select count(*) from incidents where category_raw = '河道保洁' "
                     "and category = '社会联动'")[0][0] == 2
    # changing a mapping rewrites its line, not a second one
    vocab.save("incidents", "category", "河道保洁", "其他")
    assert vocab_file.read_text(encoding="utf-8").count("河道保洁") == 1
    vocab.save("incidents", "category", "河道保洁", "社会联动")
    # a re-import and a rebuild (the archive replayed) apply it
    r = run(path, wh)
    assert r.unchanged == len(ROWS) and "事件类别无法识别，记为其他" not in r.warnings
    from command_center.ingest.build import build_warehouse

    exports = tmp_path / "exports"
    from fixtures_ingest.helpers import write_communities

    write_communities(exports / "communities")
    rep = build_warehouse(exports, wh, progress=None, geo_dir=GEO)
    inc = rep.datasets["incidents"]
    assert inc.read == inc.loaded + inc.quarantined == 2 * len(ROWS)  # both imports replayed
    assert bars(wh, "incidents/incidents_by_category", "category")["社会联动"] == 6


def test_mapping_that_cannot_reach_the_warehouse_leaves_the_file(tmp_path, vocab_file):
    before = vocab_file.read_bytes()
    with pytest.raises(FileNotFoundError):
        vocab.map_value("incidents", "category", "河道保洁", "社会联动",
                        warehouse=tmp_path / "missing.duckdb")
    assert vocab_file.read_bytes() == before
    with pytest.raises(IngestError, match="不保留原始值"):  # not a vocabulary column
        vocab.map_value("incidents", "address", "某路", "他路", warehouse=tmp_path / "w")


def test_bad_mapping_file_refused_in_chinese(tmp_path, wh, vocab_file):
    vocab_file.write_text('[incidents.category]\n"市容环卫" = "城管"\n', encoding="utf-8")
    with pytest.raises(IngestError, match="应为 刑事、治安"):
        run(crafted_12345(tmp_path / "in"), wh)
    assert query(wh, "select count(*) from incidents")[0][0] == 0  # nothing written
    with pytest.raises(IngestError):
        vocab.save("incidents", "category", "X", "不存在")
    # a rebuild refuses before writing (else every incidents file would be skipped)
    from command_center.ingest.build import build_warehouse

    before = wh.stat().st_mtime_ns
    with pytest.raises(IngestError, match="类别对照文件"):
        build_warehouse(tmp_path / "exports", wh, progress=None, geo_dir=GEO)
    assert wh.stat().st_mtime_ns == before


# ------------------------------------------------------------------ an older warehouse
def test_old_warehouse_without_raw_columns_is_upgraded(tmp_path, wh):
    from command_center.bootstrap import ensure_warehouse

    con = duckdb.connect(str(wh))
    for table, col in (("incidents", "category_raw"), ("incidents", "source_raw"),
                       ("disputes", "dispute_type_raw")):
        con.execute(f"alter table {table} drop column {col}")
    con.execute("update meta set value = '2-000000000000' where key = 'schema_version'")
    con.close()
    ensure_warehouse(wh)
    cols = {c for (c,) in query(wh, "select column_name from duckdb_columns() "
                                    "where table_name in ('incidents', 'disputes')")}
    assert {"category_raw", "source_raw", "dispute_type_raw"} <= cols
    assert query(wh, "select value from meta where key = 'schema_version'")[0][0] == \
        SCHEMA_VERSION
    r = run(crafted_12345(tmp_path / "in"), wh)  # and an import into it works
    assert r.loaded == len(ROWS)
    assert bars(wh, "incidents/incidents_by_category", "category", raw=True)["市容环卫"] == 2


# ------------------------------------------------------------------ the pages (AppTest)
@pytest.fixture()
def page_warehouse(fixture_warehouse, tmp_path, monkeypatch, vocab_file):
    """A copy of the fixture warehouse with the 12345 export imported (today, 09:00)."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(fixture_warehouse, copy)
    monkeypatch.setenv("CC_PATHS_WAREHOUSE", str(copy))
    config.settings.cache_clear()
    r = import_file("incidents", crafted_12345(tmp_path / "in", prefix="ZZ12345-"), crs=None,
                    warehouse=copy, archive=False)
    assert r.read == r.loaded + r.quarantined == len(ROWS)
    yield copy
    monkeypatch.undo()
    config.settings.cache_clear()


def open_page(page: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_data_page_lists_and_maps_an_unmapped_value(page_warehouse, vocab_file):
    from command_center.access import audit

    at = open_page("views/data.py")
    table = next(d.value for d in at.dataframe if "原始取值" in d.value.columns)
    assert list(table.columns) == ["数据集", "字段", "原始取值", "记录数"]
    listed = dict(zip(table["原始取值"], table["记录数"], strict=True))
    assert listed == {"河道保洁": 2, "微博": 1, "挂起": 1}
    assert dict(zip(table["原始取值"], table["字段"], strict=True)) == {
        "河道保洁": "事件类别", "微博": "事件来源", "挂起": "处置状态"}
    assert set(table["数据集"]) == {"警情事件"}
    row = list(table["原始取值"]).index("河道保洁")
    at.selectbox(key="data_vocab_value").set_value(row).run()
    at.selectbox(key="data_vocab_target_incidents_category").set_value("社会联动").run()
    mark = len(audit.entries())
    at.button(key="data_vocab_save").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    lines = audit.entries()[mark:]
    assert [(x["action"], x["user"], x["rows"]) for x in lines] == [("import", "test-admin", 2)]
    assert "河道保洁" in lines[0]["target"] and lines[0]["detail"]["规范取值"] == "社会联动"
    assert any("已对照" in s.value for s in at.success)
    # the file, the warehouse and the list after the change
    assert vocab.read(vocab_file)[("incidents", "category")]["河道保洁"] == "社会联动"
    assert query(page_warehouse, "select category, count(*) from incidents "
                                 "where category_raw = '河道保洁' group by 1") == [("社会联动", 2)]
    table = next(d.value for d in at.dataframe if "原始取值" in d.value.columns)
    assert list(table["原始取值"]) == ["微博", "挂起"]
    # the status stored empty (未知) gets its canonical value the same way
    at.selectbox(key="data_vocab_value").set_value(1).run()
    at.selectbox(key="data_vocab_target_incidents_status").set_value("处置中").run()
    at.button(key="data_vocab_save").click().run()
    assert not at.exception and not at.error
    assert query(page_warehouse, "select status from incidents where status_raw = '挂起'") == [
        ("处置中",)]
    assert vocab.read(vocab_file)[("incidents", "status")]["挂起"] == "处置中"
    table = next(d.value for d in at.dataframe if "原始取值" in d.value.columns)
    assert list(table["原始取值"]) == ["微博"]


def test_mapping_needs_a_role_that_may_import():
    from command_center.ui.vocab import apply_mapping

    with pytest.raises(PermissionError):  # no signed-in viewer
        apply_mapping("incidents", "category", "河道保洁", "社会联动")


def test_incidents_page_toggle_shows_raw_categories(page_warehouse):
    from test_incidents_page import arr, charts

    at = open_page("views/incidents.py")
    ys = arr(charts(at)["category"]["data"][0]["y"])
    assert "社会联动" in ys and "市容环卫" not in ys
    # the unknown status is a bar (未知), and every breakdown adds up to the same total
    specs = charts(at)
    status = dict(zip(arr(specs["status"]["data"][0]["y"]), arr(specs["status"]["data"][0]["x"]),
                      strict=True))
    assert status["未知"] == 1
    assert sum(status.values()) == sum(arr(specs["category"]["data"][0]["x"])) == sum(
        arr(specs["source"]["data"][0]["x"]))
    at.segmented_control(key="incidents_category_kind").set_value(True).run()
    assert not at.exception, [e.message for e in at.exception]
    spec = charts(at)["category_raw"]
    bar = spec["data"][0]
    got = dict(zip(arr(bar["y"]), arr(bar["x"]), strict=True))
    assert got["市容环卫"] == 2 and got["河道保洁"] == 2 and got["交通运输"] == 1
    assert spec["layout"]["title"]["text"] == "按原始类别"
    at.segmented_control(key="incidents_source_kind").set_value(True).run()
    src = dict(zip(*(arr(charts(at)["source_raw"]["data"][0][k]) for k in "yx"), strict=True))
    assert src["@鹿城"] == 1 and src["固话投诉"] == 1


def test_incidents_page_filters_the_unknown_status(page_warehouse):
    from test_incidents_page import arr, charts

    at = open_page("views/incidents.py")
    at.multiselect(key="inc_status").set_value(["未知"]).run()
    assert not at.exception, [e.message for e in at.exception]
    bar = charts(at)["status"]["data"][0]
    assert dict(zip(arr(bar["y"]), arr(bar["x"]), strict=True)) == {"未知": 1}
