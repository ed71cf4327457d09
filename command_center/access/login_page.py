"""The Chinese login and change-password pages (plain HTML, no script, nothing fetched)."""

from __future__ import annotations

import html

from command_center import config

_STYLE = """
body{margin:0;font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#eef2f8;
color:#1d2733;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:10px;box-shadow:0 4px 24px rgba(20,40,80,.12);
padding:40px 48px;width:360px}
h1{font-size:24px;margin:0 0 4px;color:#1f5fbf}p.sub{margin:0 0 24px;color:#5b6b7d}
label{display:block;margin:14px 0 6px;font-size:15px}
input{width:100%;box-sizing:border-box;padding:10px 12px;font-size:16px;border:1px solid #c5cfdb;
border-radius:6px}
button,a.sso{display:block;width:100%;margin-top:22px;padding:11px;font-size:17px;border:0;
border-radius:6px;background:#1f5fbf;color:#fff;cursor:pointer;text-align:center;
text-decoration:none;box-sizing:border-box}
a.sso{background:#fff;color:#1f5fbf;border:1px solid #1f5fbf;margin-top:12px}
.err{background:#fdecea;color:#a61b1b;padding:10px 12px;border-radius:6px;margin-bottom:8px}
.note{color:#5b6b7d;font-size:13px;margin-top:18px}
"""


def _page(title: str, body: str) -> str:
    return (f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)} · 平安治理一张图</title><style>{_STYLE}</style></head>"
            f"<body><main>{body}</main></body></html>")


def _error(message: str | None) -> str:
    return f"<div class='err' role='alert'>{html.escape(message)}</div>" if message else ""


def login(csrf: str, next_path: str, message: str | None = None, *, sso: bool = False) -> str:
    county = html.escape(config.get("county", "name", "") or "")
    sso_link = (f"<a class='sso' href='/sso/login?next={html.escape(next_path, quote=True)}'>"
                "政务单点登录</a>") if sso else ""
    return _page("登录", f"""
<h1>平安治理一张图</h1><p class='sub'>{county}社会治理中心 · 请登录</p>
{_error(message)}
<form method='post' action='/login'>
<input type='hidden' name='csrf' value='{html.escape(csrf, quote=True)}'>
<input type='hidden' name='next' value='{html.escape(next_path, quote=True)}'>
<label for='username'>用户名</label>
<input id='username' name='username' autocomplete='username' required autofocus>
<label for='password'>密码</label>
<input id='password' name='password' type='password' autocomplete='current-password' required>
<button type='submit'>登录</button>
</form>{sso_link}
<p class='note'>登录、导出与查看个人信息均记入审计日志。长时间无操作将自动退出。</p>""")


def change_password(csrf: str, message: str | None = None) -> str:
    return _page("修改密码", f"""
<h1>修改密码</h1><p class='sub'>首次登录或密码被重设后，请先设置新密码</p>
{_error(message)}
<form method='post' action='/password'>
<input type='hidden' name='csrf' value='{html.escape(csrf, quote=True)}'>
<label for='old'>当前密码</label>
<input id='old' name='old' type='password' autocomplete='current-password' required>
<label for='new'>新密码（至少 10 位，含大写、小写、数字、符号中的三类）</label>
<input id='new' name='new' type='password' autocomplete='new-password' required>
<label for='again'>再次输入新密码</label>
<input id='again' name='again' type='password' autocomplete='new-password' required>
<button type='submit'>保存并进入</button>
</form>""")


def refused() -> str:
    return _page("请登录", "<h1>请先登录</h1><p class='sub'>未登录或登录已过期。</p>"
                 "<a class='sso' href='/login'>前往登录</a>")


def sso_refused(message: str) -> str:
    """Single sign-on did not let the user in (unknown or disabled account, expired page …)."""
    return _page("单点登录", f"<h1>单点登录未成功</h1><p class='sub'>平安治理一张图</p>"
                 f"{_error(message)}<a class='sso' href='/login'>返回登录页</a>")
