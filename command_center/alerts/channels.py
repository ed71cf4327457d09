"""Sending alerts out: a webhook robot (钉钉/浙政钉, 企业微信) and e-mail through an SMTP relay.

Every channel is off until it is configured in settings.toml ``[alerts]`` (no request leaves
the machine otherwise). Each raised alert is sent once per channel: a delivery is retried
``retries`` times in a run, a failure is stored (``deliveries``, with the error) and tried again
by the next runs while the alert is active, up to ``max_attempts`` in all. Nothing here raises:
a channel that fails never blocks an import.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import smtplib
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage

from command_center import config

log = logging.getLogger(__name__)
WEBHOOK_FORMATS = ("dingtalk", "wecom")  # 钉钉/浙政钉 robot, 企业微信 robot


@dataclass(frozen=True)
class ChannelSettings:
    webhook_url: str = ""
    webhook_format: str = "dingtalk"
    webhook_secret: str = ""  # 钉钉 加签 secret (optional)
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = field(default_factory=tuple)
    app_url: str = ""  # the dashboard's address, for links in messages
    retries: int = 3
    retry_seconds: float = 2.0
    timeout_seconds: float = 10.0
    max_attempts: int = 9

    @classmethod
    def from_config(cls) -> ChannelSettings:
        def g(key, default):
            v = config.get("alerts", key, default)
            return default if v is None else v

        to = g("smtp_to", "")
        return cls(
            webhook_url=str(g("webhook_url", "")).strip(),
            webhook_format=str(g("webhook_format", "dingtalk")).strip() or "dingtalk",
            webhook_secret=str(g("webhook_secret", "")),
            smtp_host=str(g("smtp_host", "")).strip(),
            smtp_port=int(g("smtp_port", 25)),
            smtp_starttls=bool(g("smtp_starttls", False)),
            smtp_user=str(g("smtp_user", "")),
            smtp_password=str(g("smtp_password", "")),
            smtp_from=str(g("smtp_from", "")).strip(),
            smtp_to=tuple(a.strip() for a in (to if isinstance(to, list) else str(to).split(","))
                          if a.strip()),
            app_url=str(g("app_url", "")).strip().rstrip("/"),
            retries=int(g("retries", 3)),
            retry_seconds=float(g("retry_seconds", 2.0)),
            timeout_seconds=float(g("timeout_seconds", 10.0)),
            max_attempts=int(g("max_attempts", 9)),
        )

    def enabled(self, channel: str) -> bool:
        if channel == "webhook":
            return bool(self.webhook_url)
        if channel == "email":
            return bool(self.smtp_host and self.smtp_from)
        return False


def _full_link(alert: dict, s: ChannelSettings) -> str:
    return (s.app_url + alert["link"]) if s.app_url else alert["link"]


def subject(alert: dict) -> str:
    return f"【{alert['level']}】{alert['rule_name']}：{alert['title']}"


def text(alert: dict, s: ChannelSettings) -> str:
    return (f"{subject(alert)}\n{alert['message']}\n触发时间：{alert['raised_at']}\n"
            f"查看：{_full_link(alert, s)}")


def webhook_payload(alert: dict, s: ChannelSettings) -> dict:
    """The robot message: markdown in 钉钉/浙政钉 or 企业微信 form."""
    md = (f"### {subject(alert)}\n\n{alert['message']}\n\n触发时间：{alert['raised_at']}\n\n"
          f"[查看详情]({_full_link(alert, s)})")
    if s.webhook_format == "wecom":
        return {"msgtype": "markdown", "markdown": {"content": md}}
    return {"msgtype": "markdown", "markdown": {"title": subject(alert), "text": md}}


def _signed_url(s: ChannelSettings) -> str:
    """钉钉 加签: &timestamp=…&sign=… (HMAC-SHA256 of "timestamp\\nsecret")."""
    if not s.webhook_secret or s.webhook_format != "dingtalk":
        return s.webhook_url
    ts = str(int(time.time() * 1000))
    digest = hmac.new(s.webhook_secret.encode(), f"{ts}\n{s.webhook_secret}".encode(),
                      hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    sep = "&" if "?" in s.webhook_url else "?"
    return f"{s.webhook_url}{sep}timestamp={ts}&sign={sign}"


def send_webhook(alert: dict, s: ChannelSettings) -> None:
    body = json.dumps(webhook_payload(alert, s), ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(_signed_url(s), data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(req, timeout=s.timeout_seconds) as resp:
        reply = resp.read(65536)
    try:
        data = json.loads(reply or b"{}")
    except ValueError:
        return
    # both robots answer 200 with {"errcode": 0, "errmsg": "ok"}; anything else is a refusal
    if isinstance(data, dict) and data.get("errcode", 0) != 0:
        raise RuntimeError(f"机器人拒绝：{data.get('errcode')} {data.get('errmsg', '')}")


def send_email(alert: dict, s: ChannelSettings, to: list[str]) -> None:
    if not to:
        raise RuntimeError("没有收件人（settings.toml [alerts] smtp_to 或规则 recipients）")
    msg = EmailMessage()
    msg["Subject"] = subject(alert)
    msg["From"] = s.smtp_from
    msg["To"] = ", ".join(to)
    msg.set_content(text(alert, s))
    with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.timeout_seconds) as smtp:
        if s.smtp_starttls:
            smtp.starttls()
        if s.smtp_user:
            smtp.login(s.smtp_user, s.smtp_password)
        smtp.send_message(msg)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}：{exc}"[:500]


def attempt(send, *, retries: int, retry_seconds: float, sleep=time.sleep) -> tuple[bool, int,
                                                                                     str | None]:
    """Call ``send()`` up to ``retries`` times (waiting 1×, 2×, … ``retry_seconds`` between);
    returns (ok, attempts, last error)."""
    error = None
    tries = max(1, retries)
    for n in range(1, tries + 1):
        try:
            send()
            return True, n, None
        except Exception as exc:  # every failure is reported, none escapes
            error = _error_text(exc)
            log.warning("预警发送失败（第 %d 次）：%s", n, error)
            if n < tries:
                sleep(retry_seconds * n)
    return False, tries, error


def deliver(con, rules: dict, s: ChannelSettings, now, *, sleep=time.sleep) -> dict[str, int]:
    """Send every active alert not yet sent on each configured channel its rule names.

    Returns {"sent": n, "failed": n}. ``rules``: {rule key: Rule} of the current file.
    """
    from command_center.alerts import store

    counts = {"sent": 0, "failed": 0}
    for channel in ("webhook", "email"):
        if not s.enabled(channel):
            continue
        for row in store.pending_deliveries(con, channel, s.max_attempts):
            rule = rules.get(row["rule_key"])
            if rule is None or channel not in rule.channels():
                continue
            alert = dict(row)
            if channel == "webhook":
                def send(alert=alert):
                    send_webhook(alert, s)
            else:
                to = list(dict.fromkeys(
                    ([*s.smtp_to] if "email" in rule.recipients else [])
                    + rule.email_addresses()))

                def send(alert=alert, to=to):
                    send_email(alert, s, to)
            left = s.max_attempts - row["attempts"]
            ok, tries, error = attempt(send, retries=min(s.retries, left),
                                       retry_seconds=s.retry_seconds, sleep=sleep)
            store.record_delivery(con, row["alert_id"], channel, ok, tries, error, now)
            con.commit()  # no write lock held while the next one is sent
            counts["sent" if ok else "failed"] += 1
    return counts
