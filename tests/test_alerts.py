"""Alert rules over crafted data: each shipped kind raised once, kept while it holds, resolved
after; the surge rule ignores a quiet community's single incident; the file's validation."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from command_center import config, risk
from command_center.alerts import rules as alert_rules
from command_center.alerts import store
from command_center.periods import resolve
from tests.alerts_support import (  # noqa: F401  (fixtures)
    NOW,
    active,
    crafted,
    keys,
    lifecycle,
    loopback_only,
    past,
    rule_file,
    run,
    sql,
)

COMMUNITY = "330383001010"
OTHER = "330383001011"


# ------------------------------------------------------------------ the shipped file
def test_shipped_rules_cover_every_kind():
    rs = alert_rules.load_rules()
    assert {r.kind for r in rs.rules} == set(alert_rules.KINDS)
    assert {r.level for r in rs.rules} == set(alert_rules.LEVELS)
    for r in rs.rules:
        assert r.name and not r.name.isascii()


@pytest.mark.parametrize(("body", "message"), [
    ('name = "x"\nlevel = "严重"\nkind = "data_stale"',
     "rules.r.level 必须是 提示 / 关注 / 紧急 之一"),
    ('name = "x"\nlevel = "提示"\nkind = "nope"', "rules.r.kind 必须是"),
    ('name = "x"\nlevel = "提示"\nkind = "data_stale"\n[rules.r.condition]\n'
     'max_hours = { incident = 6 }', "rules.r.condition.max_hours.incident 不是已知数据集"),
    ('name = "x"\nlevel = "提示"\nkind = "incident_surge"\n[rules.r.condition]\n'
     'group_by = "community"\nk = -1', "rules.r.condition.k 必须是 0–20 之间的数字"),
    ('name = "x"\nlevel = "提示"\nkind = "incident_surge"\n[rules.r.condition]\n'
     'group_by = "street"', "rules.r.condition.group_by 必须是 community / category 之一"),
    ('name = "x"\nlevel = "提示"\nkind = "risk_level"\n[rules.r.condition]\nlevels = ["紫"]',
     "rules.r.condition.levels 中的 '紫' 不是四色预警等级"),
    ('name = "x"\nlevel = "提示"\nkind = "shelter_occupancy"\n[rules.r.condition]\n'
     'min_share = 0.9\nmax_share = 0.5', "rules.r.condition.max_share 必须大于 min_share"),
    ('name = "x"\nlevel = "提示"\nkind = "evacuation_pending"', "rules.r.condition.after_hours 缺失"),
    ('name = "x"\nlevel = "提示"\nkind = "data_stale"\nrecipients = ["短信"]\n'
     '[rules.r.condition]\nmax_hours = { incidents = 6 }', "rules.r.recipients 中的 '短信'"),
    ('name = "x"\nlevel = "提示"\nkind = "data_stale"\ncooldown_minutes = "1h"\n'
     '[rules.r.condition]\nmax_hours = { incidents = 6 }', "rules.r.cooldown_minutes 必须是"),
    ('name = "x"\nlevel = "提示"\nkind = "data_stale"\ncolour = 1\n'
     '[rules.r.condition]\nmax_hours = { incidents = 6 }', "rules.r.colour 不是已知的设置"),
])
def test_bad_rule_files_name_the_key(tmp_path, body, message):
    with pytest.raises(alert_rules.AlertConfigError) as err:
        alert_rules.load_rules(rule_file(tmp_path, "r", body))
    assert message in str(err.value)
    assert str(err.value).startswith("alerts_r.toml：")


def test_bad_toml_and_missing_file(tmp_path):
    bad = tmp_path / "alerts.toml"
    bad.write_text("[rules\n", encoding="utf-8")
    with pytest.raises(alert_rules.AlertConfigError, match="不是合法的 TOML 文件"):
        alert_rules.load_rules(bad)
    with pytest.raises(alert_rules.AlertConfigError, match="找不到预警规则文件"):
        alert_rules.load_rules(tmp_path / "none.toml")


# ------------------------------------------------------------------ four-color model
def test_risk_level_rule_follows_assess(crafted, tmp_path):
    rules = rule_file(tmp_path, "red", 'name = "社区转为红色预警"\nlevel = "紧急"\n'
                      'kind = "risk_level"\n[rules.red.condition]\nlevels = ["红"]\n'
                      'period = "month"')
    a = risk.assess(resolve("month", NOW), warehouse=crafted)
    red = a.scores[a.scores["level"] == "红"]
    assert len(red) > 0
    target = red.iloc[0]["community_code"]
    run(crafted, rules)
    assert keys(active(crafted)) == {f"red:{c}" for c in red["community_code"]}
    alert = next(x for x in active(crafted) if x["event_key"] == f"red:{target}")
    name = red.iloc[0]["community_name"]
    assert alert["link"] == "/risk?" + urlencode({"period": "month", "risk_community": name})
    assert alert["level"] == "紧急" and red.iloc[0]["community_name"] in alert["title"]

    def calm():  # the community's incidents and disputes gone: it is no longer red
        sql(crafted, "delete from incidents where community_code = ?", [target])
        sql(crafted, "delete from disputes where community_code = ?", [target])

    lifecycle(crafted, rules, f"red:{target}", calm)


# ------------------------------------------------------------------ typhoon
def _typhoon(warehouse, start: dt.datetime):
    sql(warehouse, "insert into typhoons (typhoon_id, name_cn, name_en, warning_start_at, "
        "response_level) values ('2699', '测试', 'Test', ?, 'Ⅱ')", [start])
    sql(warehouse, "insert into shelters (shelter_id, shelter_name, level, capacity, "
        "community_code) values ('S-T1', '测试小学安置点', '村级', 100, ?)", [COMMUNITY])


def _moved(warehouse, record_id: str, persons: int, at: dt.datetime, status="已转移"):
    sql(warehouse, "insert into evacuations (record_id, typhoon_id, category, person_count, "
        "community_code, planned_shelter_id, placement, status, notified_at, transferred_at) "
        "values (?, '2699', '危旧房', ?, ?, 'S-T1', '集中安置', ?, ?, ?)",
        [record_id, persons, COMMUNITY, status, at, at if status == "已转移" else None])


SHELTER_RULES = (
    '[rules.nearly]\nname = "安置点接近满员"\nlevel = "关注"\nkind = "shelter_occupancy"\n'
    '[rules.nearly.condition]\nmin_share = 0.9\nmax_share = 1.0\n'
    '[rules.full]\nname = "安置点已满员"\nlevel = "紧急"\nkind = "shelter_occupancy"\n'
    '[rules.full.condition]\nmin_share = 1.0\n')


def test_shelter_nearly_full_then_full_then_emptied(crafted, tmp_path):
    rules = tmp_path / "alerts.toml"
    rules.write_text(SHELTER_RULES, encoding="utf-8")
    _typhoon(crafted, NOW - dt.timedelta(hours=10))
    _moved(crafted, "E-1", 92, NOW - dt.timedelta(hours=3))
    run(crafted, rules)
    assert keys(active(crafted)) == {"nearly:2699:S-T1"}
    nearly = active(crafted)[0]
    assert nearly["link"] == "/typhoon?ty_id=2699+%E6%B5%8B%E8%AF%95"  # "2699 测试"
    assert "92 人" in nearly["message"] and "容量 100 人" in nearly["message"]
    _moved(crafted, "E-2", 8, NOW - dt.timedelta(hours=1))  # 100 of 100
    run(crafted, rules)
    assert keys(active(crafted)) == {"full:2699:S-T1"}
    assert active(crafted)[0]["title"] == "测试小学安置点已满员"
    assert keys(past(crafted)) == {"nearly:2699:S-T1"}

    def back_home():
        sql(crafted, "update evacuations set status = '已返回', returned_at = ? "
            "where typhoon_id = '2699'", [NOW - dt.timedelta(minutes=30)])

    lifecycle(crafted, rules, "full:2699:S-T1", back_home)


def test_pending_evacuations_a_set_time_after_the_warning(crafted, tmp_path):
    rules = rule_file(tmp_path, "pending", 'name = "应转未转"\nlevel = "紧急"\n'
                      'kind = "evacuation_pending"\n[rules.pending.condition]\nafter_hours = 6')
    _typhoon(crafted, NOW - dt.timedelta(hours=4))
    _moved(crafted, "E-1", 3, NOW - dt.timedelta(hours=3), status="待转移")
    _moved(crafted, "E-2", 5, NOW - dt.timedelta(hours=3))
    run(crafted, rules)
    assert active(crafted) == []  # only 4 hours into the warning
    later = NOW + dt.timedelta(hours=3)

    def moved():
        sql(crafted, "update evacuations set status = '已转移', transferred_at = ? "
            "where record_id = 'E-1'", [NOW])

    run(crafted, rules, later)
    alert = active(crafted)[0]
    assert alert["event_key"] == "pending:2699" and "3 人" in alert["title"]
    lifecycle(crafted, rules, "pending:2699", moved, now=later)


# ------------------------------------------------------------------ disputes
def test_red_dispute_past_its_deadline_at_once(crafted, tmp_path):
    # scoped to one community with no overdue red dispute of its own in the fixture
    sql(crafted, "delete from disputes where community_code = ?", [COMMUNITY])
    rules = rule_file(tmp_path, "red", f'name = "红色风险纠纷超期"\nlevel = "紧急"\n'
                      f'kind = "dispute_overdue"\nscope = ["{COMMUNITY}"]\n'
                      '[rules.red.condition]\nmin_days_overdue = 1\nrisk_levels = ["红"]')
    insert = ("insert into disputes (dispute_id, received_at, dispute_type, community_code, "
              "status, deadline_on, risk_level) values (?, ?, '邻里', ?, '调处中', ?, ?)")
    sql(crafted, insert, ["D-1", NOW - dt.timedelta(days=20), COMMUNITY, NOW.date(), "红"])
    sql(crafted, insert, ["D-2", NOW - dt.timedelta(days=20), COMMUNITY,
                          NOW.date() - dt.timedelta(days=5), "黄"])
    run(crafted, rules)
    assert active(crafted) == []  # the red one's deadline is today: not yet past
    sql(crafted, "update disputes set deadline_on = ? where dispute_id = 'D-1'",
        [NOW.date() - dt.timedelta(days=1)])

    def settled():
        sql(crafted, "update disputes set status = '调解成功', closed_at = ? "
            "where dispute_id = 'D-1'", [NOW - dt.timedelta(hours=1)])

    gone = lifecycle(crafted, rules, f"red:{COMMUNITY}", settled)
    assert "1 件红色风险纠纷超期" in gone["title"]
    assert gone["link"] == f"/disputes?communities={COMMUNITY}&dsp_risk=%E7%BA%A2%E8%89%B2"


# ------------------------------------------------------------------ incident surge
def _incidents(warehouse, community: str, at_list, category="治安"):
    for i, at in enumerate(at_list):
        sql(warehouse, "insert into incidents (incident_id, reported_at, source, category, "
            "status, community_code) values (?, ?, '110', ?, '处置中', ?)",
            [f"T-{community}-{at:%Y%m%d%H%M}-{i}", at, category, community])


SURGE = ('name = "社区警情异常增多"\nlevel = "关注"\nkind = "incident_surge"\n'
         '[rules.surge.condition]\ngroup_by = "community"\nwindow_minutes = 60\nweeks = 8\n'
         'k = 3.0\nmin_count = 5')


def test_surge_fires_above_the_usual_level_not_on_a_single_incident(crafted, tmp_path):
    rules = rule_file(tmp_path, "surge", SURGE)
    for c in (COMMUNITY, OTHER):
        sql(crafted, "delete from incidents where community_code = ? and reported_at >= ?",
            [c, NOW - dt.timedelta(weeks=9)])
    # a quiet community: one incident in the last hour, none in the same hour of past weeks
    _incidents(crafted, OTHER, [NOW - dt.timedelta(minutes=20)])
    run(crafted, rules)
    assert f"surge:{OTHER}" not in keys(active(crafted))
    # a busy hour every week (6 on each of the 8 past Fridays at 11:30–12:30): 6 now is usual
    past_weeks = [NOW - dt.timedelta(weeks=w, minutes=m) for w in range(1, 9)
                  for m in (5, 15, 25, 35, 45, 55)]
    _incidents(crafted, COMMUNITY, past_weeks)
    _incidents(crafted, COMMUNITY, [NOW - dt.timedelta(minutes=m) for m in (5, 15, 25, 35, 45, 55)])
    run(crafted, rules)
    assert f"surge:{COMMUNITY}" not in keys(active(crafted))
    # … 12 now is a surge
    _incidents(crafted, COMMUNITY, [NOW - dt.timedelta(minutes=m) for m in (1, 2, 3, 4, 6, 7)])
    run(crafted, rules)
    alert = next(a for a in active(crafted) if a["event_key"] == f"surge:{COMMUNITY}")
    assert "12 起" in alert["message"] and "平均 6.0 起" in alert["message"]
    assert alert["link"] == f"/incidents?period=today&communities={COMMUNITY}"
    later = NOW + dt.timedelta(hours=2)  # the surge is over two hours later
    run(crafted, rules, later)
    assert f"surge:{COMMUNITY}" not in keys(active(crafted))
    assert f"surge:{COMMUNITY}" in keys(past(crafted))


def test_category_surge_and_minimum_count(crafted, tmp_path):
    rules = rule_file(tmp_path, "surge", SURGE.replace('"community"', '"category"')
                      .replace("min_count = 5", "min_count = 4"))
    sql(crafted, "delete from incidents where category = '消防救援'")
    _incidents(crafted, COMMUNITY, [NOW - dt.timedelta(minutes=m) for m in (1, 2, 3)],
               category="消防救援")
    run(crafted, rules)
    assert "surge:消防救援" not in keys(active(crafted))  # 3 < min_count 4
    _incidents(crafted, OTHER, [NOW - dt.timedelta(minutes=9)], category="消防救援")

    def cleared():
        sql(crafted, "delete from incidents where category = '消防救援'")

    gone = lifecycle(crafted, rules, "surge:消防救援", cleared)
    assert gone["link"] == "/incidents?period=today&inc_category=%E6%B6%88%E9%98%B2%E6%95%91%E6%8F%B4"


def test_surge_from_an_import_into_the_delta(crafted, tmp_path, monkeypatch):
    """An import lands in the delta beside the warehouse (command_center.delta): the alert
    rules read it like every page does."""
    from fixtures_ingest.helpers import GEO, write_csv

    from command_center import delta
    from command_center.ingest.upsert import import_file

    monkeypatch.setenv("CC_ALERTS_RUN_AFTER_IMPORT", "false")  # this test runs the rules itself
    config.settings.cache_clear()
    try:
        _surge_through_the_delta(crafted, tmp_path, import_file, write_csv, GEO, delta)
    finally:
        monkeypatch.undo()
        config.settings.cache_clear()


def _surge_through_the_delta(crafted, tmp_path, import_file, write_csv, geo, delta):
    rules = rule_file(tmp_path, "surge", SURGE)
    sql(crafted, "delete from incidents where community_code = ? and reported_at >= ?",
        [OTHER, NOW - dt.timedelta(weeks=9)])
    run(crafted, rules)
    assert f"surge:{OTHER}" not in keys(active(crafted))
    rows = [[f"D{m}", f"{NOW - dt.timedelta(minutes=m):%Y-%m-%d %H:%M:%S}", "110", "治安",
             "处置中", OTHER] for m in range(1, 13)]
    f = write_csv(tmp_path / "110.csv", [["事件编号", "上报时间", "事件来源", "事件类别",
                                          "处置状态", "所属社区"], *rows])
    report = import_file("incidents", f, crs=None, warehouse=crafted, geo_dir=geo)
    assert report.inserted == 12 and delta.delta_path(crafted).is_file()
    run(crafted, rules)
    alert = next(a for a in active(crafted) if a["event_key"] == f"surge:{OTHER}")
    assert "12 起" in alert["message"]


# ------------------------------------------------------------------ data freshness
def test_dataset_not_updated(crafted, tmp_path):
    rules = rule_file(tmp_path, "stale", 'name = "数据长时间未更新"\nlevel = "提示"\n'
                      'kind = "data_stale"\n[rules.stale.condition]\n'
                      'max_hours = { incidents = 6, disputes = 48 }')
    sql(crafted, "delete from import_log where dataset in ('incidents', 'disputes')")
    log = ("insert into import_log (imported_at, dataset, file, read, loaded, quarantined) "
           "values (?, ?, 'x.csv', 1, 1, 0)")
    sql(crafted, log, [NOW - dt.timedelta(hours=10), "incidents"])
    sql(crafted, log, [NOW - dt.timedelta(hours=10), "disputes"])
    run(crafted, rules)
    assert keys(active(crafted)) == {"stale:incidents"}
    assert "已 10 小时未导入（应不超过 6 小时）" in active(crafted)[0]["message"]
    assert active(crafted)[0]["link"] == "/data"
    lifecycle(crafted, rules, "stale:incidents",
              lambda: sql(crafted, log, [NOW - dt.timedelta(hours=1), "incidents"]))


# ------------------------------------------------------------------ store behaviour
def test_cooldown_reopens_the_same_alert_and_disabled_rules_resolve(crafted, tmp_path):
    rules = rule_file(tmp_path, "stale", 'name = "数据长时间未更新"\nlevel = "提示"\n'
                      'kind = "data_stale"\ncooldown_minutes = 60\n[rules.stale.condition]\n'
                      'max_hours = { incidents = 6 }')
    log = ("insert into import_log (imported_at, dataset, file, read, loaded, quarantined) "
           "values (?, 'incidents', ?, 1, 1, 0)")
    sql(crafted, "delete from import_log where dataset = 'incidents'")
    run(crafted, rules)
    first = active(crafted)[0]
    sql(crafted, log, [NOW - dt.timedelta(hours=5), "a.csv"])
    run(crafted, rules)  # resolved at NOW
    assert active(crafted) == []
    # stale again 90 minutes later: past the 60-minute cooldown, so a new alert
    run(crafted, rules, NOW + dt.timedelta(minutes=90))
    second = active(crafted)[0]
    assert second["alert_id"] != first["alert_id"]
    sql(crafted, log, [NOW + dt.timedelta(minutes=100), "b.csv"])
    run(crafted, rules, NOW + dt.timedelta(minutes=100))  # resolved
    assert active(crafted) == []
    # b.csv withdrawn: stale again 20 minutes after the resolution, within the cooldown: the
    # same alert is reopened (not raised anew, so not sent again)
    sql(crafted, "delete from import_log where file = 'b.csv'")
    summary = run(crafted, rules, NOW + dt.timedelta(minutes=120))
    assert summary.raised == 0
    assert active(crafted)[0]["alert_id"] == second["alert_id"]
    events = [e["kind"] for e in store.alert_events(second["alert_id"],
                                                    crafted.parent / "alerts.sqlite")]
    assert events == ["raised", "resolved", "reopened"]
    # the rule switched off: its alerts are resolved
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "cooldown_minutes = 60", "cooldown_minutes = 60\nenabled = false"), encoding="utf-8")
    run(crafted, rules, NOW + dt.timedelta(hours=12))
    assert active(crafted) == []


def test_acknowledge_records_who_when_and_note(crafted, tmp_path):
    rules = rule_file(tmp_path, "stale", 'name = "数据长时间未更新"\nlevel = "提示"\n'
                      'kind = "data_stale"\n[rules.stale.condition]\nmax_hours = { incidents = 6 }')
    sql(crafted, "delete from import_log where dataset = 'incidents'")
    run(crafted, rules)
    path = crafted.parent / "alerts.sqlite"
    alert = active(crafted)[0]
    with pytest.raises(ValueError, match="请填写确认人"):
        store.acknowledge(alert["alert_id"], "  ", path=path)
    from command_center import alerts

    alerts.acknowledge(alert["alert_id"], "值班员王", "已电话通知数据科", path=path, now=NOW)
    row = active(crafted)[0]
    assert (row["acknowledged_by"], row["acknowledged_at"], row["ack_note"]) == (
        "值班员王", "2026-11-20 12:30:00", "已电话通知数据科")
    history = store.alert_events(alert["alert_id"], path)
    assert [(e["kind"], e["actor"]) for e in history] == [("raised", None),
                                                          ("acknowledged", "值班员王")]


# ------------------------------------------------------------------ the command
def test_alerts_run_command(crafted, tmp_path, capsys):
    from command_center.cli import main

    rules = rule_file(tmp_path, "stale", 'name = "数据长时间未更新"\nlevel = "提示"\n'
                      'kind = "data_stale"\n[rules.stale.condition]\nmax_hours = { incidents = 6 }')
    sql(crafted, "delete from import_log where dataset = 'incidents'")
    assert main(["alerts", "run", "--warehouse", str(crafted), "--rules", str(rules)]) == 0
    out = capsys.readouterr().out
    assert "预警规则 1 条：新触发 1，持续 0，解除 0" in out
    assert keys(active(crafted)) == {"stale:incidents"}
    rules.write_text(rules.read_text(encoding="utf-8").replace('"提示"', '"严重"'),
                     encoding="utf-8")
    assert main(["alerts", "run", "--warehouse", str(crafted), "--rules", str(rules)]) == 2
    err = capsys.readouterr().err
    assert "预警规则有误" in err and "rules.stale.level" in err
    assert main(["alerts", "run", "--warehouse", str(tmp_path / "none.duckdb")]) == 2
    assert "找不到数据仓库" in capsys.readouterr().err
