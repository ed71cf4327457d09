"""Command-line management of accounts, wall tokens and the audit file.

    user add NAME --role ROLE [--communities C1,C2] [--name 显示名]   prints a one-time password
    user passwd NAME | user disable NAME | user enable NAME | user role NAME ROLE [--communities]
    user list
    token add LABEL      prints the wall URL's token once | token revoke ID | token list
    audit verify | audit prune [--days N]
Whoever can run these owns the server; each change is audited as 命令行.
"""

from __future__ import annotations

import argparse

from command_center.access import accounts, audit, roles, sessions


def _codes(text: str | None) -> list[str]:
    return [c for c in (text or "").replace("，", ",").split(",") if c.strip()]


def add_parsers(sub) -> None:
    role_help = "角色：" + "、".join(f"{c}（{r.name}）" for c, r in roles.all_roles().items())
    u = sub.add_parser("user", help="管理本地账户").add_subparsers(
        dest="action", required=True, title="操作", metavar="操作")
    a = u.add_parser("add", help="新建账户（打印一次性密码）")
    a.add_argument("username", help="用户名")
    a.add_argument("--role", required=True, help=role_help)
    a.add_argument("--communities", default="", help="负责的社区编码，逗号分隔（社区/网格角色必填）")
    a.add_argument("--name", default="", help="显示名称")
    for action, text in (("passwd", "重设密码（打印一次性密码）"), ("disable", "停用账户"),
                         ("enable", "启用账户")):
        u.add_parser(action, help=text).add_argument("username", help="用户名")
    r = u.add_parser("role", help="修改角色与负责的社区")
    r.add_argument("username", help="用户名")
    r.add_argument("role", help=role_help)
    r.add_argument("--communities", default="", help="负责的社区编码，逗号分隔")
    u.add_parser("list", help="列出账户")

    t = sub.add_parser("token", help="管理大屏令牌").add_subparsers(
        dest="action", required=True, title="操作", metavar="操作")
    t.add_parser("add", help="新建大屏令牌（打印一次）").add_argument("label", help="大屏名称，如 指挥大厅")
    t.add_parser("revoke", help="吊销大屏令牌").add_argument("token_id", help="令牌编号")
    t.add_parser("list", help="列出大屏令牌")

    d = sub.add_parser("audit", help="审计日志").add_subparsers(
        dest="action", required=True, title="操作", metavar="操作")
    d.add_parser("verify", help="校验审计日志的哈希链")
    d.add_parser("prune", help="按保留期清理旧记录").add_argument(
        "--days", type=int, default=None, help="保留天数（默认按 settings.toml）")


def run(args: argparse.Namespace) -> int | None:
    """Carry out a user/token/audit command; None if ``args`` is not one of them."""
    try:
        if args.command == "user":
            return _user(args)
        if args.command == "token":
            return _token(args)
        if args.command == "audit":
            return _audit(args)
    except (accounts.AccountError, roles.RoleError) as exc:
        print(f"无法执行：{exc}")
        return 2
    return None


def _user(args) -> int:
    if args.action == "add":
        pw = accounts.add(args.username, args.role, display_name=args.name,
                          communities=_codes(args.communities))
        print(f"已新建账户 {args.username}（{roles.get(args.role).name}）。一次性密码：{pw}")
        print("首次登录后须修改密码。")
    elif args.action == "passwd":
        print(f"{args.username} 的一次性密码：{accounts.set_password(args.username)}")
    elif args.action in ("disable", "enable"):
        accounts.set_disabled(args.username, args.action == "disable")
        print(f"已{'停用' if args.action == 'disable' else '启用'} {args.username}")
    elif args.action == "role":
        accounts.set_role(args.username, args.role, _codes(args.communities))
        print(f"{args.username} 的角色已改为 {roles.get(args.role).name}")
    else:
        for u in accounts.list_users():
            state = "已停用" if u.disabled else ("已锁定" if u.locked_until else "正常")
            scope = "、".join(u.communities) or "全部"
            print(f"{u.username}\t{u.display_name}\t{roles.get(u.role).name}\t社区：{scope}\t{state}")
    return 0


def _token(args) -> int:
    if args.action == "add":
        token_id, token = sessions.add_token(args.label)
        print(f"已新建大屏令牌 {token_id}（{args.label}）。大屏地址（只显示这一次，请妥善保存）：")
        print(f"  http://<服务器地址>/wall?token={token}")
    elif args.action == "revoke":
        sessions.revoke_token(args.token_id)
        print(f"已吊销大屏令牌 {args.token_id}")
    else:
        for t in sessions.list_tokens():
            state = f"已吊销（{t['revoked_at']}）" if t["revoked_at"] else "有效"
            print(f"{t['token_id']}\t{t['label']}\t创建于 {t['created_at']}\t{state}")
    return 0


def _audit(args) -> int:
    if args.action == "verify":
        ok, n = audit.verify()
        print(f"审计日志 {audit.path()}：{n} 条，哈希链{'完整' if ok else '已被改动'}")
        return 0 if ok else 1
    print(f"已清理 {audit.prune(args.days)} 条超过保留期的记录")
    return 0
