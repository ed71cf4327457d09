"""Command line: ``python -m command_center <command>``.

    sample    write the built-in sample exports (deterministic)
    build     rebuild the warehouse from an exports folder (atomic swap)
    import    upsert one export file into the warehouse (atomic), with a JSON report
    ensure    build the sample warehouse if there is none (first start of the dashboard)
    briefing  write the 周报/月报/季报 as .docx, .pdf and .xlsx (for a cron job)
    alerts    evaluate the alert rules (alerts.toml) and send what is due (cron / systemd timer)
    user / token / audit   accounts, wall tokens, the audit file (command_center.access.cli)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from pathlib import Path

from command_center import config
from command_center.access import cli as access_cli
from command_center.schema import DATASETS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


# argparse's own words (usage:, options:, -h's help, error lines) are English; this table
# turns them into Chinese (argparse looks every such string up through gettext).
_ARGPARSE_ZH = {
    "usage: ": "用法：",
    "options": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "expected one argument": "需要一个值",
    "invalid %(type)s value: %(value)r": "无效的 %(type)s 值：%(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可匹配 %(matches)s",
}


def _zh(text: str) -> str:
    return _ARGPARSE_ZH.get(text, text)


argparse._ = _zh  # argparse calls its module-level gettext alias ``_`` at run time


class _Parser(argparse.ArgumentParser):
    """argparse writes a section heading as ``title + ":"`` (ASCII colon, not looked up
    through gettext): 选项: → 选项：. Subcommand parsers are of the same class."""

    def format_help(self) -> str:
        return re.sub(r"^(\S[^\n]*):$", r"\1：", super().format_help(), flags=re.MULTILINE)


class WarehouseMissing(RuntimeError):
    """A command that reads the warehouse was run before one was built."""


def _require_warehouse(path: Path | None) -> Path:
    path = Path(path) if path is not None else config.warehouse_path()
    if not path.is_file():
        raise WarehouseMissing(
            f"找不到数据仓库：{path}。请先建立数据仓库：python -m command_center build"
            "（由 data/exports 中的导出文件建立），或 python -m command_center ensure"
            "（用样例数据建立）；也可以用 --warehouse 指定已有的数据仓库文件。")
    return path


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m command_center", description="平安治理一张图 数据工具")
    sub = p.add_subparsers(dest="command", required=True, title="命令", metavar="命令")

    s = sub.add_parser("sample", help="生成内置样例导出文件")
    s.add_argument("--out", type=Path, default=None, help="输出目录（默认 data/exports）")
    s.add_argument("--incidents-per-year", type=int, default=80_000,
                   help="每年警情条数（默认 80000）")
    s.add_argument("--end", type=_date, default=None, help="最后一天（默认今天）")
    s.add_argument("--seed", type=int, default=20260101, help="随机种子（同一种子生成相同数据）")

    b = sub.add_parser("build", help="由导出文件重建数据仓库")
    b.add_argument("--exports", type=Path, default=None, help="导出文件目录（默认 data/exports）")
    b.add_argument("--warehouse", type=Path, default=None, help="数据仓库文件")

    i = sub.add_parser("import", help="导入一个导出文件（按编号更新）")
    i.add_argument("--dataset", required=True, choices=sorted(DATASETS), help="数据集")
    i.add_argument("file", type=Path, help="要导入的导出文件（csv/xlsx/xls）")
    i.add_argument("--crs", default=None,
                   help="坐标系：wgs84、gcj02、bd09 或 EPSG 代码（如 EPSG:4549）；默认按数据集设置")
    i.add_argument("--timezone", default=None,
                   help="文件中时间所在的时区，如 UTC（世界时）；默认按数据集设置，否则为北京时间")
    i.add_argument("--warehouse", type=Path, default=None, help="数据仓库文件")
    i.add_argument("--report", type=Path, default=None, help="写出 JSON 报告")

    c = sub.add_parser("compact", help="把导入的增量并入数据仓库主文件（可每晚定时运行）")
    c.add_argument("--warehouse", type=Path, default=None, help="数据仓库文件")

    e = sub.add_parser("ensure", help="没有数据仓库时用样例数据建立")
    e.add_argument("--warehouse", type=Path, default=None, help="数据仓库文件")

    r = sub.add_parser("briefing", help="生成工作简报（Word、PDF、Excel）")
    r.add_argument("--period", required=True, choices=("week", "month", "quarter"),
                   help="week 周报 / month 月报 / quarter 季报")
    r.add_argument("--date", type=_date, default=None,
                   help="简报所在周/月/季度中的任一天（默认今天）")
    r.add_argument("--out", type=Path, required=True, help="输出目录")
    r.add_argument("--warehouse", type=Path, default=None, help="数据仓库文件")

    a = sub.add_parser("alerts", help="预警提醒：按 alerts.toml 评估规则并发送（供定时任务调用）")
    a_sub = a.add_subparsers(dest="alerts_command", required=True, title="子命令", metavar="子命令")
    ar = a_sub.add_parser("run", help="评估全部预警规则，更新预警库，发送到已配置的渠道")
    ar.add_argument("--warehouse", type=Path, default=None, help="数据仓库文件")
    ar.add_argument("--rules", type=Path, default=None,
                    help="预警规则文件（默认 alerts.toml 或 CC_ALERTS_CONFIG）")
    ar.add_argument("--trigger", choices=("timer", "import", "manual"), default="timer",
                    help="触发方式，记录在预警库中（默认 timer 定时任务）")
    access_cli.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except WarehouseMissing as exc:
        print(f"无法执行：{exc}", file=sys.stderr)
        return 2


def _first_administrator() -> None:
    from command_center.access import accounts

    password = accounts.ensure_admin()
    if password:
        print("已创建管理员账户 admin，一次性密码（只显示这一次，首次登录后须修改）：" + password)


def _run(args: argparse.Namespace) -> int:
    done = access_cli.run(args)
    if done is not None:
        return done
    if args.command == "sample":
        from command_center.sample import generate

        out = args.out or config.exports_dir()
        written = generate(out, incidents_per_year=args.incidents_per_year, end=args.end,
                           seed=args.seed)
        for dataset, paths in written.items():
            for path in paths:
                print(f"{DATASETS[dataset].title}：{path}")
        return 0
    if args.command == "build":
        from command_center.ingest import IngestError
        from command_center.ingest.build import build_warehouse

        try:
            build_warehouse(args.exports or config.exports_dir(),
                            args.warehouse or config.warehouse_path())
        except IngestError as exc:  # e.g. a vocab.toml written wrongly
            print(f"生成失败：{exc}（数据仓库未改动）", file=sys.stderr)
            return 2
        return 0
    if args.command == "compact":
        from command_center.delta import compact

        path = args.warehouse or config.warehouse_path()
        _require_warehouse(args.warehouse)
        print(f"已并入增量：{path}" if compact(path) else f"没有需要并入的增量：{path}")
        return 0
    if args.command == "import":
        from command_center.ingest import IngestError
        from command_center.ingest.upsert import import_file

        _require_warehouse(args.warehouse)
        try:
            report = import_file(args.dataset, args.file, crs=args.crs,
                                 warehouse=args.warehouse or config.warehouse_path(),
                                 timezone=args.timezone)
        except IngestError as exc:
            print(f"导入失败：{exc}", file=sys.stderr)
            return 2
        except MemoryError:
            print("导入失败：文件过大，内存不足（数据仓库未改动）；请分成几个文件导入",
                  file=sys.stderr)
            return 2
        except Exception as exc:  # never a traceback with server paths
            print(f"导入失败：文件无法处理（{type(exc).__name__}），数据仓库未改动",
                  file=sys.stderr)
            return 2
        from command_center.access import audit

        audit.record("import", "命令行", target=args.file.name, detail=audit.import_detail(report),
                     rows=report.loaded)
        print(report.summary())
        if args.report:
            args.report.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2),
                                   encoding="utf-8")
        return 0
    if args.command == "ensure":
        from command_center.bootstrap import ensure_warehouse

        ensure_warehouse(args.warehouse or config.warehouse_path())
        _first_administrator()
        return 0
    if args.command == "briefing":
        from command_center.briefing import write_briefing
        from command_center.briefing.pdf import BriefingFontError

        _require_warehouse(args.warehouse)
        try:
            paths = write_briefing(args.period, args.date or config.today(), args.out,
                                   warehouse=args.warehouse)
        except BriefingFontError as exc:
            print(f"生成失败：{exc}", file=sys.stderr)
            return 2
        for path in paths:
            print(path)
        return 0
    if args.command == "alerts":
        from command_center import alerts

        warehouse = _require_warehouse(args.warehouse)
        try:
            summary = alerts.run(warehouse=warehouse, rules_file=args.rules,
                                 trigger=args.trigger)
        except alerts.AlertConfigError as exc:
            print(f"预警规则有误：{exc}", file=sys.stderr)
            return 2
        print(f"{config.now():%Y-%m-%d %H:%M:%S} {summary.text()}", flush=True)
        return 0
    raise AssertionError(args.command)
