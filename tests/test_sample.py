"""command_center.sample: deterministic, realistic exports in the shape the ingest expects."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import shapely
from openpyxl import load_workbook
from shapely.geometry import shape

from command_center import config
from command_center.crs import to_wgs84
from command_center.schema import DATASETS, DISPUTE_CLOSED_STATUSES

END = dt.date(2026, 11, 20)
PER_YEAR = 4000
SEED = 20260101
WINDOW_DAYS = (END - dt.date(END.year - 2, 1, 1)).days + 1
TS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from command_center.sample import generate

    a = tmp_path_factory.mktemp("sample_a")
    b = tmp_path_factory.mktemp("sample_b")
    wa = generate(a, incidents_per_year=PER_YEAR, end=END, seed=SEED)
    wb = generate(b, incidents_per_year=PER_YEAR, end=END, seed=SEED)
    return a, b, wa, wb


@pytest.fixture(scope="module")
def out(runs) -> Path:
    return runs[0]


def _path(out: Path, name: str) -> Path:
    return out / name / DATASETS[name].sample_file


def _rows(out: Path, name: str) -> list[dict[str, str]]:
    """Rows keyed by canonical column name; CSV cells as text, XLSX cells as stored."""
    ds = DATASETS[name]
    path = _path(out, name)
    if path.suffix == ".xlsx":
        wb = load_workbook(path, read_only=True)
        values = list(wb.active.iter_rows(values_only=True))
        wb.close()
        header, body = list(values[0]), values[1:]
    else:
        text = path.read_bytes().decode(ds.sample_encoding)
        reader = csv.reader(io.StringIO(text))
        header = next(reader)
        body = list(reader)
    assert header == [c.header for c in ds.columns]
    return [dict(zip(ds.column_names, r, strict=True)) for r in body]


@pytest.fixture(scope="module")
def tables(out):
    return {name: _rows(out, name) for name in DATASETS}


def _ts(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


# ---------------------------------------------------------------- shape of the files
def test_returns_the_written_files(runs):
    out, _, written, _ = runs
    assert set(written) == set(DATASETS)
    for name, paths in written.items():
        assert paths == [_path(out, name)]
        assert paths[0].is_file()
        assert not list((out / name).glob("*.part")) and not list((out / name).glob(".*"))


def test_deterministic(runs):
    a, b, _, _ = runs
    for name, ds in DATASETS.items():
        pa_, pb = _path(a, name), _path(b, name)
        if ds.sample_file.endswith(".csv"):
            assert pa_.read_bytes() == pb.read_bytes(), name
        else:
            assert _rows(a, name) == _rows(b, name), name
            assert pa_.read_bytes() == pb.read_bytes(), name


def test_seed_and_end_change_the_data(tmp_path):
    from command_center.sample import generate

    small = {"incidents_per_year": 500, "end": dt.date(2022, 2, 28)}
    generate(tmp_path / "a", seed=SEED, **small)
    generate(tmp_path / "b", seed=SEED + 1, **small)
    a, b = _rows(tmp_path / "a", "incidents"), _rows(tmp_path / "b", "incidents")
    assert len(a) > 500 and a != b
    assert max(r["reported_at"] for r in a) < "2022-03-01"
    assert {r["typhoon_id"] for r in _rows(tmp_path / "a", "typhoons")} == {"1909", "2004", "2106"}


def test_headers_in_schema_order(out):
    for name, ds in DATASETS.items():
        path = _path(out, name)
        if path.suffix == ".xlsx":
            wb = load_workbook(path, read_only=True)
            header = next(wb.active.iter_rows(max_row=1, values_only=True))
            wb.close()
        else:
            first = path.read_bytes().decode(ds.sample_encoding).splitlines()[0]
            header = tuple(first.split(","))
        assert list(header) == [c.header for c in ds.columns], name


def test_encodings(out):
    for name, ds in DATASETS.items():
        data = _path(out, name).read_bytes()
        if ds.sample_file.endswith(".xlsx"):
            assert data[:2] == b"PK"
        elif ds.sample_encoding == "utf-8-sig":
            assert data[:3] == b"\xef\xbb\xbf", name
            data[3:].decode("utf-8")
        else:
            assert ds.sample_encoding == "gbk"
            assert not data.startswith(b"\xef\xbb\xbf")
            data.decode("gbk")
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


def test_source_toml_declares_crs(out):
    expected = {"incidents": "gcj02", "disputes": "bd09"}
    for name in DATASETS:
        with open(out / name / "_source.toml", "rb") as fh:
            assert tomllib.load(fh)["crs"] == expected.get(name, "wgs84")


def test_cell_formats(tables):
    for name, ds in DATASETS.items():
        if not ds.sample_file.endswith(".csv"):
            continue
        rows = tables[name]
        for col in ds.columns:
            values = [r[col.name] for r in rows if r[col.name] != ""]
            if col.type == "TIMESTAMP":
                assert all(TS.match(v) for v in values), (name, col.name)
            elif col.type == "DATE":
                assert all(DATE.match(v) for v in values), (name, col.name)
            elif col.kind in ("lon", "lat"):
                assert values and all(re.fullmatch(r"\d+\.\d{6}", v) for v in values)
    orgs = tables["social_orgs"]
    assert {r["is_party_alliance"] for r in orgs} == {"是", "否"}
    assert all(isinstance(r["registered_on"], str) and DATE.match(r["registered_on"])
               for r in orgs)


# ---------------------------------------------------------------- calibration
def test_row_counts(tables):
    expected_incidents = PER_YEAR * WINDOW_DAYS / 365.25
    assert abs(len(tables["incidents"]) / expected_incidents - 1) < 0.05
    assert abs(len(tables["disputes"]) / (6000 * WINDOW_DAYS / 365.25) - 1) < 0.05
    with open(config.geo_dir() / "communities.geojson", encoding="utf-8") as fh:
        n_communities = len(json.load(fh)["features"])
    assert len(tables["communities"]) == n_communities
    assert 500 <= len(tables["social_orgs"]) <= 600
    assert 100 <= len(tables["shelters"]) <= 140
    levels = Counter(r["level"] for r in tables["shelters"])
    assert 2 <= levels["县级"] <= 3 and 10 <= levels["乡镇级"] <= 20


def test_date_range(tables):
    reported = sorted(r["reported_at"] for r in tables["incidents"])
    assert reported[0].startswith("2024-01-01")
    assert reported[-1].startswith(END.isoformat())
    received = sorted(r["received_at"] for r in tables["disputes"])
    assert received[0] >= "2024-01-01" and received[-1] < (END + dt.timedelta(days=1)).isoformat()
    for r in tables["incidents"]:
        if r["closed_at"]:
            assert r["closed_at"] > r["reported_at"]


def test_incident_ids(tables):
    ids = [r["incident_id"] for r in tables["incidents"]]
    assert len(set(ids)) == len(ids)
    for r in tables["incidents"]:
        assert re.fullmatch(r"JJ\d{14}", r["incident_id"])
        assert r["incident_id"][2:10] == r["reported_at"][:10].replace("-", "")


def test_incident_category_mix(tables):
    rows = tables["incidents"]
    share = {k: v / len(rows) for k, v in Counter(r["category"] for r in rows).items()}
    for cat, target in {"刑事": .06, "治安": .14, "纠纷": .17, "交通": .22, "消防救援": .02,
                        "群众求助": .23}.items():
        assert abs(share[cat] - target) < 0.02, (cat, share[cat])
    sources = Counter(r["source"] for r in rows)
    assert sources["110"] / len(rows) > 0.5


def test_incident_rhythm_and_trend(tables):
    rows = tables["incidents"]
    hours = Counter(int(r["reported_at"][11:13]) for r in rows)
    evening = sum(hours[h] for h in range(19, 23))
    dawn = sum(hours[h] for h in range(3, 7))
    assert evening > 2.5 * dawn
    crime = Counter(r["reported_at"][:4] for r in rows
                    if r["category"] in ("刑事", "治安") and r["reported_at"][5:7] <= "10")
    assert crime["2026"] < 0.95 * crime["2024"]


def test_incident_status_ageing(tables):
    rows = tables["incidents"]
    cutoff = (END - dt.timedelta(days=7)).isoformat()
    old = Counter(r["status"] for r in rows if r["reported_at"] < cutoff)
    total = sum(old.values())
    assert old["已办结"] / total > 0.95
    assert old["已办结"] + old["已退回"] > 0.995 * total
    closed = [r for r in rows if r["status"] == "已办结"]
    assert all(r["closed_at"] for r in closed)
    assert all(not r["closed_at"] for r in rows if r["status"] in ("待受理", "处置中"))
    sat = Counter(r["satisfaction"] for r in closed if r["satisfaction"])
    assert sat.most_common(1)[0][0] == "满意"
    assert all(not r["satisfaction"] for r in rows if r["status"] != "已办结")
    phones = [r["reporter_phone"] for r in rows if r["reporter_phone"]]
    assert all(re.fullmatch(r"1\d{10}", p) for p in phones)


def test_dispute_outcomes(tables):
    rows = tables["disputes"]
    status = Counter(r["status"] for r in rows)
    closed = sum(status[s] for s in DISPUTE_CLOSED_STATUSES)
    assert 0.95 <= status["调解成功"] / closed <= 0.99
    today = END.isoformat()
    overdue = [r for r in rows if r["status"] in ("已受理", "调处中") and r["deadline_on"] < today]
    assert 5 <= len(overdue) < 200
    for r in rows:
        days = (dt.date.fromisoformat(r["deadline_on"]) - _ts(r["received_at"]).date()).days
        assert 15 <= days <= 30
        assert 2 <= int(r["parties_count"]) <= 5
        assert len(r["party_names"].split("、")) == int(r["parties_count"])
    ids = [r["dispute_id"] for r in rows]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"TJ\d{10}", i) for i in ids)
    share = Counter(r["dispute_type"] for r in rows)
    assert abs(share["损害赔偿"] / len(rows) - 0.25) < 0.02


def test_repeat_disputes(tables):
    by_parties = Counter((r["party_names"], r["community_code"], r["dispute_type"])
                         for r in tables["disputes"])
    repeats = sum(1 for n in by_parties.values() if n > 1)
    assert repeats > 100


def _uscc_ok(code: str) -> bool:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [pow(3, i, 31) for i in range(17)]
    total = sum(chars.index(c) * w for c, w in zip(code[:17], weights, strict=True))
    return chars[(31 - total % 31) % 31] == code[17]


def test_social_orgs(tables):
    orgs = tables["social_orgs"]
    ids = [r["org_id"] for r in orgs]
    assert len(set(ids)) == len(ids)
    digit = {"社会团体": "1", "社会服务机构": "2", "基金会": "3"}
    for r in orgs:
        assert re.fullmatch(r"5[123]330383[0-9A-Z]{10}", r["org_id"]), r["org_id"]
        assert r["org_id"][1] == digit[r["legal_form"]]
        assert _uscc_ok(r["org_id"]), r["org_id"]
        assert (r["credit_listed_on"] is None) == (r["credit_status"] == "正常")
    forms = Counter(r["legal_form"] for r in orgs)
    assert abs(forms["社会服务机构"] / len(orgs) - 0.63) < 0.03
    cats = Counter(r["category"] for r in orgs)
    assert 30 <= cats["调解"] <= 50 and cats["应急救援"] >= 5
    assert any("古鳌大妈" in r["org_name"] for r in orgs)
    names = [r["org_name"] for r in orgs]
    assert len(set(names)) == len(names)
    mediators = {r["org_id"] for r in orgs if r["category"] == "调解"}
    used = {r["mediator_org_id"] for r in tables["disputes"] if r["mediator_org_id"]}
    assert used and used <= mediators
    for r in tables["disputes"]:
        has_org = r["mediation_channel"] in ("人民调解", "行业专业调解", "品牌调解室")
        assert bool(r["mediator_org_id"]) == has_org


def test_typhoons(tables):
    ty = {r["typhoon_id"]: r for r in tables["typhoons"]}
    assert {"1909", "2106", "2212"} <= set(ty)
    assert ty["2106"]["name_cn"] == "烟花" and ty["1909"]["name_en"] == "Lekima"
    assert ty["1909"]["landfall_at"] == "2019-08-10 01:45:00"
    in_window = [t for t in ty.values() if t["warning_start_at"][:4] >= str(END.year - 2)]
    assert in_window
    for t in ty.values():
        assert t["warning_start_at"] < t["warning_end_at"]
        assert t["warning_start_at"] <= END.isoformat()


def test_evacuations(tables):
    rows = tables["evacuations"]
    shelters = {r["shelter_id"]: r for r in tables["shelters"]}
    persons = Counter()
    for r in rows:
        persons[r["typhoon_id"]] += int(r["person_count"])
        assert r["record_id"].startswith(r["typhoon_id"] + "-")
        if r["placement"] == "集中安置":
            assert r["planned_shelter_id"] in shelters
        else:
            assert r["planned_shelter_id"] == ""
        if r["transferred_at"]:
            assert r["notified_at"] <= r["transferred_at"]
        if r["returned_at"]:
            assert r["transferred_at"] < r["returned_at"]
    assert set(persons) == {r["typhoon_id"] for r in tables["typhoons"]}
    assert all(1000 <= p <= 20000 for p in persons.values()), persons
    status = Counter(r["status"] for r in rows)
    assert status["已返回"] / len(rows) > 0.9 and status["拒绝转移"] > 0
    central = sum(r["placement"] == "集中安置" for r in rows) / len(rows)
    assert 0.5 <= central <= 0.75


def test_patrol_teams(tables):
    """平安乐巡 teams: 鹿城's 131 community and 258 school-guard teams scaled by 0.465, and
    its 200,000 registered users scaled likewise (≈ 93,000 members)."""
    teams = tables["patrol_teams"]
    kinds = Counter(r["kind"] for r in teams)
    assert kinds["社区乐巡"] == 61 and kinds["家长护校"] == 120
    assert kinds["社会组织"] > 0 and kinds["企业"] > 0
    members = sum(int(r["member_count"]) for r in teams)
    assert 80_000 <= members <= 105_000, members
    ids = [r["team_id"] for r in teams]
    names = [r["team_name"] for r in teams]
    assert len(set(ids)) == len(ids) and len(set(names)) == len(names)
    assert all(re.fullmatch(r"PT\d{4}", i) for i in ids)
    founded = [r["founded_on"] for r in teams]
    assert all(isinstance(f, str) and DATE.match(f) and "2020-03-01" <= f <= END.isoformat()
               for f in founded)


def test_patrols(tables):
    """Tasks scale with the incidents (70,000 a year at 80,000): about 4 participants and
    22 points a person-task (鹿城: 40 million points for 1.8 million tasks); evening patrols,
    school guarding at 7 h and 16 h on school days; nothing after the end."""
    rows = tables["patrols"]
    teams = {r["team_id"]: r for r in tables["patrol_teams"]}
    expected = PER_YEAR * 0.875 * WINDOW_DAYS / 365.25
    assert abs(len(rows) / expected - 1) < 0.05
    ids = [r["task_id"] for r in rows]
    assert len(set(ids)) == len(ids)
    for r in rows:
        assert re.fullmatch(r"XL\d{13}", r["task_id"])
        assert r["task_id"][2:10] == r["planned_start_at"][:10].replace("-", "")
        assert r["team_id"] in teams
        assert r["planned_start_at"] >= teams[r["team_id"]]["founded_on"]
        assert r["planned_start_at"] < (END + dt.timedelta(days=1)).isoformat()
        assert r["planned_end_at"] > r["planned_start_at"]
        assert bool(r["started_at"]) == (r["status"] in ("进行中", "已完成"))
        assert bool(r["ended_at"]) == (r["status"] == "已完成")
        assert bool(r["lon"]) == bool(r["started_at"])
        if r["ended_at"]:
            assert r["ended_at"] > r["started_at"]
        if r["patrol_type"] == "护校":
            assert teams[r["team_id"]]["kind"] == "家长护校"
            day = _ts(r["planned_start_at"])
            assert day.weekday() < 5 and day.month not in (7, 8)
        assert (int(r["points_awarded"]) > 0) == (r["status"] == "已完成")
    done = [r for r in rows if r["status"] == "已完成"]
    people = sum(int(r["participant_count"]) for r in done)
    assert 3.5 <= people / len(done) <= 5
    assert 15 <= sum(int(r["points_awarded"]) for r in done) / people <= 30
    status = Counter(r["status"] for r in rows)
    assert 0.02 <= status["已取消"] / len(rows) <= 0.04
    types = Counter(r["patrol_type"] for r in rows)
    assert abs(types["巡逻"] / len(rows) - 0.62) < 0.03
    assert abs(types["护校"] / len(rows) - 0.24) < 0.03
    patrol_hours = Counter(_ts(r["planned_start_at"]).hour for r in rows
                           if r["patrol_type"] == "巡逻")
    evening = sum(patrol_hours[h] for h in (18, 19, 20, 21))
    assert evening / sum(patrol_hours.values()) > 0.45
    school_hours = Counter(_ts(r["planned_start_at"]).hour for r in rows
                           if r["patrol_type"] == "护校")
    assert (school_hours[7] + school_hours[16]) / sum(school_hours.values()) > 0.7


# ---------------------------------------------------------------- geography
def test_points_inside_their_communities(out, tables):
    with open(config.geo_dir() / "communities.geojson", encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    polygons = {f["properties"]["community_name"]: shape(f["geometry"]) for f in features}
    for g in polygons.values():
        shapely.prepare(g)
    community_col = {"communities": "community_name"}
    for name, ds in DATASETS.items():
        lon_col = next((c.name for c in ds.columns if c.kind == "lon"), None)
        lat_col = next((c.name for c in ds.columns if c.kind == "lat"), None)
        if lon_col is None:
            continue
        with open(out / name / "_source.toml", "rb") as fh:
            crs = tomllib.load(fh)["crs"]
        rows = [r for r in tables[name] if r[lon_col] not in (None, "")]  # no check-in: none
        lon = np.array([float(r[lon_col]) for r in rows])
        lat = np.array([float(r[lat_col]) for r in rows])
        lon, lat = to_wgs84(lon, lat, crs)
        comm = np.array([r[community_col.get(name, "community_code")] for r in rows])
        assert set(comm) <= set(polygons), name
        for cname in np.unique(comm):
            sel = comm == cname
            inside = shapely.contains_xy(polygons[cname], lon[sel], lat[sel])
            assert inside.all(), (name, cname, int((~inside).sum()))


def test_large_files_are_generated_a_month_at_a_time():
    """Incidents and patrols come as one table per month, so generating a 20M sample holds a
    month in memory, not the whole file; ids stay unique and times ordered across months."""
    from command_center.sample import incidents, patrols
    from command_center.sample.geo import Communities

    geo = Communities.load()
    teams = patrols.teams(geo, END, SEED)
    n_months = (END.year - (END.year - 2)) * 12 + END.month
    for name, parts in (
        ("incidents", incidents.generate(geo, END, SEED, PER_YEAR,
                                         incidents.hotness(geo, SEED))),
        ("patrols", patrols.patrols(geo, teams, END, SEED, PER_YEAR)),
    ):
        assert not isinstance(parts, (list, tuple)), name  # a generator, not a list
        time_col = "reported_at" if name == "incidents" else "planned_start_at"
        months, ids, last = [], [], None
        for table in parts:
            times = table[time_col].to_pylist()
            months.append({(t.year, t.month) for t in times})
            assert times == sorted(times) and (last is None or times[0] >= last), name
            last = times[-1]
            ids += table[DATASETS[name].key].to_pylist()
        assert len(months) == n_months and all(len(m) == 1 for m in months), name
        assert len(ids) == len(set(ids)), name
