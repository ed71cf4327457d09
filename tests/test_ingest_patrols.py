"""平安乐巡 exports through ``import_file``: teams, then a patrols file with bad rows, each
quarantined with its Chinese reason (read = loaded + quarantined), the good ones loaded."""

from __future__ import annotations

from fixtures_ingest.helpers import GEO, communities, query, write_csv

from command_center.ingest.upsert import import_file

TEAM_HEAD = ["队伍编号", "队伍名称", "队伍类型", "所属社区", "队员人数", "成立日期"]
HEAD = ["任务编号", "队伍编号", "任务类型", "所属社区", "计划开始时间", "计划结束时间", "签到时间",
        "签退时间", "签到经度", "签到纬度", "参与人数", "发放积分", "任务状态"]


def run(path, wh, dataset):
    report = import_file(dataset, path, crs=None, warehouse=wh, geo_dir=GEO)
    assert report.read == report.loaded + report.quarantined
    assert report.loaded == report.inserted + report.updated + report.unchanged
    return report


def row(task_id, c, *, planned="2026-07-01 19:00", people="4", lon=None, lat=None,
        status="已完成"):
    return [task_id, "PT0001", "巡逻", c["community_name"], planned, "2026-07-01 21:00",
            "2026-07-01 19:02", "2026-07-01 20:58", c["inner_lon"] if lon is None else lon,
            c["inner_lat"] if lat is None else lat, people, "80", status]


def test_teams_then_patrols_with_bad_rows_quarantined(tmp_path, base_wh):
    c = communities()
    teams = write_csv(tmp_path / "teams.csv", [
        TEAM_HEAD,
        ["PT0001", "示例社区平安乐巡队", "社区乐巡", c[0]["community_name"], "320", "2021/3/5"],
        ["PT0002", "示例小学家长护校队", "家长护校", c[1]["community_code"], "1,200", "2021-09-01"],
        ["PT0003", "人数不合理的队", "企业", c[2]["community_name"], "0", "2022-01-01"],
    ])
    t = run(teams, base_wh, "patrol_teams")
    assert (t.read, t.loaded) == (3, 3)
    assert t.warnings  # 队员人数 0 is out of range: emptied with a warning, row kept
    got = dict(query(base_wh, "select team_id, member_count from patrol_teams"))
    assert got == {"PT0001": 320, "PT0002": 1200, "PT0003": None}

    rows = [
        row("XL1", c[0]),
        row("XL2", c[1], people="６"),  # full-width digit
        ["XL3", "PT0002", "护校", c[2]["community_name"], "2026年7月2日 07时00分",
         "2026-07-02 08:00", "", "", "", "", "3", "", "待开始"],
        row("", c[3]),  # no id
        row("XL5", c[4], planned=""),  # required time missing
        row("XL6", c[5], people="0"),  # out of range, strict
        row("XL7", c[6], people="2.5"),  # not whole
        row("XL8", c[7], lon="120.1", lat="30.3"),  # outside the county
        row("XL9", c[8], planned="2099-01-01 19:00"),  # far future
    ]
    f = write_csv(tmp_path / "patrols.csv", [HEAD, *rows])
    r = run(f, base_wh, "patrols")
    assert (r.read, r.loaded, r.quarantined) == (9, 3, 6)
    reasons = dict(r.reasons)
    assert reasons.pop("缺少编号") == 1
    assert reasons.pop("坐标不在县域范围内") == 1
    assert reasons == {"缺少必填字段：计划开始时间": 1, "参与人数超出合理范围（1～500）": 1,
                       "参与人数不是整数": 1,
                       "计划开始时间超出合理范围（2000-01-01～当前时间后365天）": 1}
    loaded = {x[0]: x[1:] for x in query(
        base_wh, "select task_id, participant_count, status, started_at, location_is_approx "
            "from patrols")}
    assert set(loaded) == {"XL1", "XL2", "XL3"}
    assert loaded["XL2"][0] == 6
    assert loaded["XL3"][1] == "待开始" and loaded["XL3"][2] is None
    assert loaded["XL3"][3] is True  # no check-in point: the community's centroid, flagged
    rows_q = [x[0] for x in query(base_wh, "select row_number from quarantine "
                                      "where dataset = 'patrols' order by 1")]
    assert rows_q == [5, 6, 7, 8, 9, 10]
