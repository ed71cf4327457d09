"""Logins, roles, community scope and the audit trail (issue 14), below the browser.

Accounts, sessions and the audit file are the fixture folder's real files; every audited act
is checked to leave exactly one audit line.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from command_center import config
from command_center.access import accounts, audit, current, roles, sessions, store
from command_center.formatting import fmt_count
from command_center.periods import resolve
from command_center.ui import export
from queries import cursor, run_query_uncached
from tests.signing_in import sign_in

FIXTURE_NOW = dt.datetime(2026, 11, 20, 12, 30)  # tests/conftest.py (CC_CLOCK_NOW)
MINE = ("330383001030", "330383001031", "330383001032")
MONTH = resolve("month", FIXTURE_NOW)


def _new_lines(before: int) -> list[dict]:
    return audit.entries()[before:]


def _mark() -> int:
    return len(audit.entries())


# ------------------------------------------------------------------ accounts and lock-out

def test_password_is_stored_as_argon2_only():
    accounts.add("hash-check", "analyst", password="Secret-pass-42", by="测试", must_change=False)
    with store.connect() as con:
        row = con.execute("select pw_hash from users where username = 'hash-check'").fetchone()
    assert row["pw_hash"].startswith("$argon2id$")
    assert "Secret-pass-42" not in store.path().read_bytes().decode("latin-1")
    assert accounts.authenticate("hash-check", "Secret-pass-42").role == "analyst"


def test_weak_passwords_and_unknown_roles_are_refused_in_chinese():
    with pytest.raises(accounts.AccountError, match="至少 10 位"):
        accounts.add("weak-one", "leader", password="short")
    with pytest.raises(roles.RoleError, match="未知角色"):
        accounts.add("no-role", "boss", password="Secret-pass-42")
    with pytest.raises(accounts.AccountError, match="社区"):
        accounts.add("no-scope", "community", password="Secret-pass-42")


def test_repeated_failures_lock_the_account_and_each_is_audited(monkeypatch):
    monkeypatch.setitem(config.settings()["access"], "max_failed", 3)
    accounts.add("lock-me", "leader", password="Right-pass-123", by="测试", must_change=False)
    mark = _mark()
    for _ in range(3):
        with pytest.raises(accounts.AccountError, match="用户名或密码错误"):
            accounts.authenticate("lock-me", "wrong-pass", client="10.0.0.9")
    lines = _new_lines(mark)
    assert [x["action"] for x in lines] == ["sign_in_failed", "sign_in_failed", "locked",
                                            "sign_in_failed"]
    assert all(x["user"] == "lock-me" and x["client"] == "10.0.0.9" for x in lines)
    # locked: even the right password is refused, with a Chinese message and one more line
    mark = _mark()
    with pytest.raises(accounts.AccountError, match="已锁定"):
        accounts.authenticate("lock-me", "Right-pass-123")
    assert [x["action"] for x in _new_lines(mark)] == ["sign_in_failed"]
    # an administrator's reset unlocks it
    accounts.set_password("lock-me", "Right-pass-456", by="测试", must_change=False)
    assert accounts.authenticate("lock-me", "Right-pass-456").username == "lock-me"


def test_unknown_user_and_disabled_user_fail_the_same_way():
    mark = _mark()
    with pytest.raises(accounts.AccountError, match="^用户名或密码错误$"):
        accounts.authenticate("nobody-here", "whatever-123")
    accounts.add("gone-user", "leader", password="Right-pass-123", by="测试", must_change=False)
    token = sessions.start("gone-user", "password")
    accounts.set_disabled("gone-user", True, by="测试")
    with pytest.raises(accounts.AccountError, match="停用"):
        accounts.authenticate("gone-user", "Right-pass-123")
    assert sessions.lookup(token) is None  # disabling ends the user's sessions
    actions = [x["action"] for x in _new_lines(mark)]
    assert actions == ["sign_in_failed", "user_change", "user_change", "sign_in_failed"]


# ------------------------------------------------------------------ sessions and tokens

def test_session_times_out_after_idle_minutes_once_audited():
    token = sign_in("leader")
    assert sessions.lookup(token).role.code == "leader"
    stale = (dt.datetime.now(config.tz()).replace(tzinfo=None)
             - sessions.idle_limit() - dt.timedelta(minutes=1)).isoformat()
    with sqlite3.connect(store.path()) as con:
        con.execute("update sessions set last_seen = ? where sid_hash = ?",
                    (stale, sessions._hash(token)))
    mark = _mark()
    assert sessions.lookup(token) is None
    assert sessions.lookup(token) is None
    assert [x["action"] for x in _new_lines(mark)] == ["session_expired"]


def test_wall_token_signs_a_screen_in_until_revoked():
    mark = _mark()
    token_id, token = sessions.add_token("指挥大厅 1 号屏", by="测试")
    session = sessions.token_session(token)
    viewer = sessions.lookup(session)
    assert viewer.role.code == "wall" and viewer.role.may_open("wall")
    assert not viewer.role.may_open("incidents") and not viewer.role.unmask
    assert sessions.token_session("x" + token) is None
    sessions.revoke_token(token_id, by="测试")
    assert sessions.lookup(session) is None and sessions.token_session(token) is None
    assert [(x["action"], x["detail"]["操作"]) for x in _new_lines(mark)] == [
        ("token_change", "新建"), ("token_change", "吊销")]
    assert token not in store.path().read_bytes().decode("latin-1")


def test_roles_see_exactly_their_pages():
    all_roles = roles.all_roles()
    assert {c: r.name for c, r in all_roles.items()} == {
        "admin": "管理员", "leader": "领导", "analyst": "分析员", "community": "社区/网格",
        "wall": "大屏"}
    pages = ["overview", "incidents", "explore", "data", "users", "audit", "wall", "definitions"]
    opened = {c: [p for p in pages if r.may_open(p)] for c, r in all_roles.items()}
    assert opened["admin"] == pages
    assert opened["leader"] == opened["analyst"] == ["overview", "incidents", "explore", "wall",
                                                     "definitions"]
    assert opened["community"] == ["overview", "incidents", "explore", "definitions"]
    assert opened["wall"] == ["wall"]
    assert [c for c, r in all_roles.items() if r.export] == ["admin", "analyst", "community"]
    assert [c for c, r in all_roles.items() if r.unmask] == ["admin"]


# ------------------------------------------------------------------ audit file

def test_audit_chain_detects_an_edited_line(tmp_path, monkeypatch):
    monkeypatch.setenv("CC_PATHS_AUDIT", str(tmp_path / "audit.jsonl"))
    monkeypatch.setitem(config.settings()["paths"], "audit", str(tmp_path / "audit.jsonl"))
    for i in range(3):
        audit.record("export", f"u{i}", target="x.csv", rows=i)
    assert audit.verify() == (True, 3)
    lines = audit.path().read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[1])
    row["rows"] = 999
    lines[1] = json.dumps(row, ensure_ascii=False, sort_keys=True)
    audit.path().write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert audit.verify() == (False, 3)


def test_audit_prune_keeps_the_retention_and_a_valid_chain(tmp_path, monkeypatch):
    monkeypatch.setitem(config.settings()["paths"], "audit", str(tmp_path / "audit.jsonl"))
    audit.record("export", "old", target="a.csv")
    lines = audit.path().read_text(encoding="utf-8").splitlines()
    old = json.loads(lines[0])
    old["time"] = "2020-01-01T00:00:00"
    audit.path().write_text(json.dumps(old, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8")
    audit.record("export", "new", target="b.csv")
    assert audit.prune(365) == 1
    kept = audit.entries()
    assert [x["action"] for x in kept] == ["prune", "export"] and kept[1]["user"] == "new"
    assert audit.verify() == (True, 2)


# ------------------------------------------------------------------ community scope

def _independent(wh, codes, start, end) -> dict[str, int]:
    ph = ", ".join("?" * len(codes))
    one = lambda sql, *p: wh.execute(sql, [*p]).fetchone()[0]  # noqa: E731
    return {
        "本期警情": one(f"select count(*) from incidents where community_code in ({ph}) and "
                    "reported_at >= ? and reported_at < ?", *codes, start, end),
        "纠纷受理": one(f"select count(*) from disputes where community_code in ({ph}) and "
                    "received_at >= ? and received_at < ?", *codes, start, end),
        "在册社会组织": one(f"select count(*) from social_orgs where community_code in ({ph}) "
                      "and status = '正常' and (registered_on is null or "
                      "cast(registered_on as timestamp) < ?)", *codes, end),
    }


def test_scoped_connection_reads_only_the_scope_in_every_table(fixture_warehouse):
    cur = cursor(fixture_warehouse, scope=MINE)
    tables = [r[0] for r in cur.execute(
        "select table_name from duckdb_columns() where database_name = 'memory' and "
        "column_name = 'community_code' group by table_name").fetchall()]
    assert {"incidents", "disputes", "social_orgs", "communities", "patrols",
            "patrol_teams"} <= set(tables)
    for table in tables:
        codes = {r[0] for r in cur.execute(
            f'select distinct community_code from "{table}"').fetchall()}
        assert codes <= set(MINE), table
    for macro in ("incidents_at(now()::timestamp)", "disputes_at(now()::timestamp)",
                  "social_orgs_at(now()::timestamp)", "evacuations_staged()",
                  "patrols_at(now()::timestamp)"):
        codes = {r[0] for r in cur.execute(
            f"select distinct community_code from {macro}").fetchall()}
        assert codes and codes <= set(MINE), macro
    everything = cursor(fixture_warehouse, scope=None)
    assert everything.execute("select count(distinct community_code) from incidents"
                              ).fetchone()[0] > len(MINE)


def test_the_app_without_a_viewer_reads_nothing(fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=90)
    del at.session_state[current.TOKEN_KEY]
    at.run()
    assert not at.exception
    assert [w.value for w in at.warning] == ["登录已过期或已退出，请重新登录。"]
    assert not at.metric and not at.dataframe


@pytest.fixture(scope="module")
def community_app(fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=90)
    at.session_state[current.TOKEN_KEY] = sign_in("community", MINE, "grid-3")
    # a crafted link asking for another community: the page may only narrow, never widen
    at.query_params["communities"] = "330383001001"
    at.run()
    assert not at.exception, at.exception
    return at


def test_community_user_figures_equal_an_independent_count_of_their_communities(
        community_app, wh):
    want = _independent(wh, MINE, MONTH.start_at, MONTH.end_before)
    shown = {m.label: m.value for m in community_app.metric}
    assert want["本期警情"] > 0
    for label, n in want.items():
        assert shown[label] == fmt_count(n), label
    # the ranking beside the map lists their communities only
    names = set(wh.execute("select community_name from communities where community_code in "
                           "(?, ?, ?)", list(MINE)).df()["community_name"])
    for df in community_app.dataframe:
        if "社区" in df.value.columns:
            assert set(df.value["社区"]) <= names
    captions = " ".join(c.value for c in community_app.sidebar.caption)
    assert "数据范围：仅" in captions and "3 个社区" in captions


def _community_page(file: str) -> AppTest:
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state[current.TOKEN_KEY] = sign_in("community", MINE, "grid-3")
    at.run()
    at.switch_page(file)
    at.run()
    assert not at.exception, at.exception
    return at


def test_community_user_incidents_page_stays_in_scope(fixture_warehouse, wh):
    at = _community_page("views/incidents.py")
    want = _independent(wh, MINE, MONTH.start_at, MONTH.end_before)["本期警情"]
    assert {m.label: m.value for m in at.metric}["本期警情"] == fmt_count(want)


def test_exports_are_audited_once_with_their_rows(monkeypatch):
    class Viewer:
        username, role = "test-admin", roles.get("admin")
    monkeypatch.setattr(current, "viewer", lambda: Viewer)
    df = run_query_uncached("shared/communities", scope=MINE)
    assert len(df) == 3
    mark = _mark()
    data = export.audited("export", "社区.csv", {"社区": "3 个"},
                          lambda: export.csv_bytes(df, {"社区": "3 个"}), len(df))()
    assert data.decode("utf-8-sig").count("\n") >= 4
    lines = _new_lines(mark)
    assert [(x["action"], x["user"], x["target"], x["rows"]) for x in lines] == [
        ("export", "test-admin", "社区.csv", 3)]






def test_unmasking_asks_a_reason_is_audited_once_and_shows_phones(fixture_warehouse):
    phone = r"1[3-9]\d{9}"
    at = AppTest.from_file("../app.py", default_timeout=120)  # an administrator (conftest)
    at.run()
    at.switch_page("views/incidents.py")
    at.run()
    assert not at.exception, at.exception

    def shown_text() -> str:
        return " ".join(df.value.astype(str).to_csv() for df in at.dataframe)

    assert "联系电话" in shown_text() and "****" in shown_text()
    import re
    assert not re.search(phone, shown_text())
    go = at.sidebar.button(key="_cc_unmask_go")
    assert go.disabled  # no reason, no unmasking
    mark = _mark()
    at.sidebar.text_input(key="_cc_unmask_reason_input").input("核查 110 警情回访").run()
    at.sidebar.button(key="_cc_unmask_go").click().run()
    assert not at.exception, at.exception
    assert re.search(phone, shown_text())
    lines = _new_lines(mark)
    assert [(x["action"], x["user"], x["target"], x["detail"]) for x in lines] == [
        ("unmask", "test-admin", "incidents", {"事由": "核查 110 警情回访"})]
    # back to masked, and a 领导 never gets the box
    at.sidebar.button(key="_cc_unmask_stop").click().run()
    assert not re.search(phone, shown_text())
    leader = AppTest.from_file("../app.py", default_timeout=120)
    leader.session_state[current.TOKEN_KEY] = sign_in("leader")
    leader.run()
    assert not [b for b in leader.sidebar.button if b.key == "_cc_unmask_go"]


def test_a_wall_screen_gets_the_wall_alone(fixture_warehouse):
    """The 大屏 role's only page is its default page (Streamlit names it ""): it still runs as
    the wall, without the global filters, the sidebar or the account panel."""
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.session_state[current.TOKEN_KEY] = sign_in("wall")
    at.run()
    assert not at.exception, at.exception
    assert any('data-kpi="incidents_today"' in m.value for m in at.markdown)  # the wall ran
    assert len(at.sidebar) == 0, [type(e).__name__ for e in at.sidebar]
    assert "period" not in at.session_state and "communities" not in at.session_state


def test_command_line_manages_users_and_tokens_and_audits_each_change(capsys):
    from command_center.cli import main

    mark = _mark()
    assert main(["user", "add", "cli-analyst", "--role", "analyst", "--name", "分析甲"]) == 0
    out = capsys.readouterr().out
    password = out.split("一次性密码：")[1].split()[0]
    assert accounts.authenticate("cli-analyst", password).must_change is True
    assert main(["user", "add", "cli-grid", "--role", "community"]) == 2
    assert "须指定所负责的社区" in capsys.readouterr().out
    assert main(["user", "disable", "cli-analyst"]) == 0
    assert main(["user", "list"]) == 0
    listed = capsys.readouterr().out
    assert "cli-analyst\t分析甲\t分析员\t社区：全部\t已停用" in listed
    assert main(["token", "add", "二楼大屏"]) == 0
    url = capsys.readouterr().out.split("/wall?token=")[1].split()[0]
    assert sessions.lookup(sessions.token_session(url)).role.code == "wall"
    lines = _new_lines(mark)
    assert [x["action"] for x in lines] == ["user_change", "user_change", "token_change"]
    assert lines[0]["detail"]["角色"] == "分析员"  # the audit page shows it as written
    assert main(["audit", "verify"]) == 0 and "哈希链完整" in capsys.readouterr().out


def test_users_page_adds_an_account_and_audit_page_lists_it(fixture_warehouse):
    at = AppTest.from_file("../app.py", default_timeout=120)
    at.run()
    at.switch_page("views/users.py")
    at.run()
    assert not at.exception, at.exception
    mark = _mark()
    at.text_input[0].input("page-made")
    at.text_input[1].input("页面新建")
    at.selectbox[0].select("analyst")
    at.button[0].click().run()  # the form's 新建
    assert not at.exception, at.exception
    assert any("已新建 page-made" in s.value for s in at.success)
    assert accounts.get("page-made").role == "analyst"
    assert [(x["action"], x["user"], x["target"]) for x in _new_lines(mark)] == [
        ("user_change", "test-admin", "page-made")]
    at.switch_page("views/audit.py")
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == ["时间", "动作", "用户", "对象", "详情", "行数", "客户端"]
    assert "用户变更" in set(table["动作"]) and "page-made" in set(table["对象"])
    assert not table.astype(str).isin(["None", "nan", "NaT"]).any().any()


def test_community_user_briefing_counts_their_communities_only(fixture_warehouse, wh):
    at = _community_page("views/briefing.py")
    ph = ", ".join("?" * len(MINE))
    n = wh.execute(f"select count(*) from incidents where community_code in ({ph}) and "
                   "reported_at >= '2026-10-01' and reported_at < '2026-11-01'",
                   list(MINE)).fetchone()[0]
    county = wh.execute("select count(*) from incidents where reported_at >= '2026-10-01' "
                        "and reported_at < '2026-11-01'").fetchone()[0]
    assert 0 < n < county
    texts = [m.value for m in at.markdown]
    assert any(f"本月负责的 3 个社区共接报警情{n:,}起" in t for t in texts)
    assert not any(f"{county:,}起" in t for t in texts)


def test_four_color_scores_are_county_wide_for_a_scoped_viewer(fixture_warehouse):
    from command_center import risk

    model = risk.load_model()
    params = {**model.params(), "rollup_before": None, "period_starts": [MONTH.start_at],
              "period_ends": [MONTH.end_before], "communities": []}
    county = run_query_uncached(risk.QUERY, fixture_warehouse, scope=None, **params)
    mine = run_query_uncached(risk.QUERY, fixture_warehouse, scope=MINE, **params)
    assert sorted(mine["community_code"]) == sorted(MINE)
    assert len(county) > len(mine)
    expected = county[county["community_code"].isin(MINE)].sort_values("community_code")
    got = mine.sort_values("community_code")
    assert got["score"].round(6).tolist() == expected["score"].round(6).tolist()
    assert got["level"].tolist() == expected["level"].tolist()


def test_a_download_made_after_its_run_reads_as_the_viewer_who_drew_it(fixture_warehouse):
    """Streamlit makes a download's bytes when the button is clicked, outside the script run:
    the data callable carries that run's viewer (their scope) and audits as them."""
    viewer = sessions.lookup(sign_in("community", MINE, "grid-3"))
    token = current._carried.set((viewer, False))
    try:
        make = export.audited("export", "社区.csv", {},
                              lambda: export.csv_bytes(run_query_uncached("shared/communities"),
                                                       {}), rows=3)
    finally:
        current._carried.reset(token)
    mark = _mark()
    data = make().decode("utf-8-sig")  # called later, with no viewer around
    assert data.count("\n") == 4  # header + their 3 communities
    assert [(x["action"], x["user"]) for x in _new_lines(mark)] == [("export", "grid-3")]
