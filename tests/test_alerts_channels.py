"""Alerts sent out: a local webhook receiver (http.server on 127.0.0.1) in the 钉钉/浙政钉 and
企业微信 robot formats, a local SMTP server (aiosmtpd); once per channel per raised alert,
retried, failures stored; an import neither waits for nor fails with the alerting after it."""

from __future__ import annotations

import datetime as dt
import email
import json
import socket
import threading
from email.policy import default as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from command_center import alerts
from command_center.alerts import channels, store
from tests.alerts_support import (  # noqa: F401  (fixtures)
    NOW,
    active,
    crafted,
    loopback_only,
    rule_file,
    run,
    sql,
)

STALE = ('name = "数据长时间未更新"\nlevel = "紧急"\nkind = "data_stale"\n'
         'recipients = [{recipients}]\n[rules.stale.condition]\nmax_hours = {{ incidents = 6 }}')


class Receiver:
    """A webhook robot on 127.0.0.1: records each POST, answers from ``replies`` (status,
    body) in turn, then 200 {"errcode": 0}."""

    def __init__(self):
        self.posts: list[dict] = []
        self.replies: list[tuple[int, dict]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.posts.append({"path": self.path, "type": self.headers["Content-Type"],
                                    "json": json.loads(body)})
                status, reply = (outer.replies.pop(0) if outer.replies
                                 else (200, {"errcode": 0, "errmsg": "ok"}))
                data = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/robot/send?access_token=t"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email_policy)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"


@pytest.fixture()
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture()
def mailbox():
    box = Mailbox()
    with socket.socket() as probe:  # a free port (the controller cannot take port 0)
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


def _settings(receiver=None, mailbox=None, **kw) -> channels.ChannelSettings:
    values = dict(
        webhook_url=receiver.url if receiver else "",
        smtp_host="127.0.0.1" if mailbox else "",
        smtp_port=mailbox.port if mailbox else 25,
        smtp_from="alerts@cc.example.org" if mailbox else "",
        smtp_to=("duty@cc.example.org",),
        app_url="http://10.1.2.3:8501",
        retries=3, retry_seconds=0, timeout_seconds=5)
    return channels.ChannelSettings(**{**values, **kw})


def _stale(crafted: Path, tmp_path: Path, recipients: str) -> Path:
    sql(crafted, "delete from import_log where dataset = 'incidents'")
    return rule_file(tmp_path, "stale", STALE.format(recipients=recipients))


def test_channels_are_off_unless_configured():
    s = channels.ChannelSettings.from_config()
    assert not s.enabled("webhook") and not s.enabled("email")


def test_dingtalk_and_email_once_per_raised_alert(crafted, tmp_path, receiver, mailbox):
    rules = _stale(crafted, tmp_path, '"webhook", "email", "leader@cc.example.org"')
    s = _settings(receiver, mailbox)
    first = run(crafted, rules, settings=s)
    assert (first.raised, first.sent, first.failed) == (1, 2, 0)
    run(crafted, rules, settings=s)  # still active: nothing is sent again
    run(crafted, rules, NOW + dt.timedelta(minutes=5), settings=s)
    assert len(receiver.posts) == 1 and len(mailbox.messages) == 1
    post = receiver.posts[0]
    assert post["path"] == "/robot/send?access_token=t"
    assert post["type"].startswith("application/json")
    assert post["json"]["msgtype"] == "markdown"
    md = post["json"]["markdown"]
    assert md["title"] == "【紧急】数据长时间未更新：警情事件数据长时间未更新"
    assert "警情事件尚未导入过" in md["text"]
    assert "[查看详情](http://10.1.2.3:8501/data)" in md["text"]
    rcpt, msg = mailbox.messages[0]
    assert sorted(rcpt) == ["duty@cc.example.org", "leader@cc.example.org"]
    assert msg["Subject"] == "【紧急】数据长时间未更新：警情事件数据长时间未更新"
    assert "查看：http://10.1.2.3:8501/data" in msg.get_content()
    sent = store.deliveries(active(crafted)[0]["alert_id"], crafted.parent / "alerts.sqlite")
    assert [(d["channel"], d["status"], d["attempts"]) for d in sent] == [
        ("email", "sent", 1), ("webhook", "sent", 1)]


def test_wecom_format_and_dingtalk_signature(crafted, tmp_path, receiver):
    rules = _stale(crafted, tmp_path, '"webhook"')
    run(crafted, rules, settings=_settings(receiver, webhook_format="wecom"))
    body = receiver.posts[0]["json"]
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"content"}
    assert body["markdown"]["content"].startswith("### 【紧急】数据长时间未更新")
    # 钉钉 加签: timestamp and sign in the query string
    url = channels._signed_url(_settings(receiver, webhook_secret="SEC123"))
    assert "&timestamp=" in url and "&sign=" in url


def test_only_the_channels_a_rule_names(crafted, tmp_path, receiver, mailbox):
    rules = _stale(crafted, tmp_path, '"email"')
    run(crafted, rules, settings=_settings(receiver, mailbox))
    assert receiver.posts == [] and len(mailbox.messages) == 1


def test_retried_then_sent(crafted, tmp_path, receiver):
    rules = _stale(crafted, tmp_path, '"webhook"')
    receiver.replies = [(500, {}), (200, {"errcode": 310000, "errmsg": "keywords not in content"})]
    summary = run(crafted, rules, settings=_settings(receiver))
    assert (summary.sent, summary.failed) == (1, 0)
    assert len(receiver.posts) == 3
    d = store.deliveries(path=crafted.parent / "alerts.sqlite")[0]
    assert (d["status"], d["attempts"]) == ("sent", 3)


def test_failure_is_stored_and_retried_by_later_runs(crafted, tmp_path, receiver):
    rules = _stale(crafted, tmp_path, '"webhook"')
    receiver.replies = [(503, {})] * 4
    s = _settings(receiver, retries=2, max_attempts=5)
    summary = run(crafted, rules, settings=s)
    assert (summary.sent, summary.failed) == (0, 1)
    path = crafted.parent / "alerts.sqlite"
    d = store.deliveries(path=path)[0]
    assert d["status"] == "failed" and d["attempts"] == 2 and "503" in d["last_error"]
    events = [e["kind"] for e in store.alert_events(d["alert_id"], path)]
    assert events == ["raised", "failed"]
    run(crafted, rules, settings=s)  # 2 more attempts, still 503
    run(crafted, rules, settings=s)  # the 5th attempt gets the default 200
    d = store.deliveries(path=path)[0]
    assert (d["status"], d["attempts"]) == ("sent", 5)
    assert len(receiver.posts) == 5
    run(crafted, rules, settings=s)
    assert len(receiver.posts) == 5


def test_unreachable_relay_is_reported_not_raised(crafted, tmp_path):
    rules = _stale(crafted, tmp_path, '"email"')
    # a port nobody listens on (the receiver's, closed)
    dead = Receiver()
    port = dead.server.server_address[1]
    dead.close()
    s = channels.ChannelSettings(smtp_host="127.0.0.1", smtp_port=port, smtp_from="a@b.cn",
                                 smtp_to=("c@d.cn",), retries=2, retry_seconds=0)
    summary = run(crafted, rules, settings=s)
    assert (summary.raised, summary.failed) == (1, 1)
    d = store.deliveries(path=crafted.parent / "alerts.sqlite")[0]
    assert d["status"] == "failed" and "ConnectionRefusedError" in d["last_error"]


# ------------------------------------------------------------------ the import path's hook
def _import_typhoons(crafted: Path, fixture_exports: Path):
    from command_center.ingest.upsert import import_file

    file = fixture_exports / "typhoons" / "typhoons.xlsx"
    return import_file("typhoons", file, crs=None, warehouse=crafted, archive=False)


def _join_hooks():
    for proc in alerts._children:
        proc.wait(timeout=300)


def test_import_runs_the_alerts_after_it(crafted, fixture_exports):
    report = _import_typhoons(crafted, fixture_exports)
    _join_hooks()
    assert report.loaded > 0
    assert alerts._children[-1].returncode == 0
    assert "预警规则" in alerts.log_path(crafted).read_text(encoding="utf-8")
    path = crafted.parent / "alerts.sqlite"
    with store.connect(path) as con:
        runs = [dict(r) for r in con.execute("select * from runs")]
    assert [r["trigger"] for r in runs] == ["import"]
    assert runs[0]["errors"] is None
    assert len(store.active_alerts(path)) == runs[0]["raised"] > 0


def test_an_import_does_not_fail_with_the_alerting(crafted, fixture_exports, monkeypatch):
    # the rules file broken: the run after the import fails (and says so in its log) …
    bad = crafted.parent / "bad.toml"
    bad.write_text("[rules\n", encoding="utf-8")
    monkeypatch.setenv("CC_ALERTS_CONFIG", str(bad))
    report = _import_typhoons(crafted, fixture_exports)
    _join_hooks()
    assert report.loaded > 0
    assert alerts._children[-1].returncode == 2
    assert "预警规则有误" in alerts.log_path(crafted).read_text(encoding="utf-8")
    # … and a process that cannot even start leaves the import alone
    def refuse(*a, **kw):
        raise OSError("no processes left")

    monkeypatch.setattr(alerts.subprocess, "Popen", refuse)
    assert _import_typhoons(crafted, fixture_exports).unchanged > 0
