"""Command line: ``python -m command_center <command>``.

    sample    write the built-in sample exports (deterministic)
    build     rebuild the warehouse from an exports folder (atomic swap)
    import    upsert one export file into the warehouse (atomic), with a JSON report
    ensure    build the sample warehouse if there is none (first start of the dashboard)
    briefing  write the 周报/月报/季报 as .docx, .pdf and .xlsx (for a cron job)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from command_center import config
from command_center.schema import DATASETS


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m command_center", description="平安治理一张图 数据工具")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("sample", help="生成内置样例导出文件")
    s.add_argument("--out", type=Path, default=None, help="输出目录（默认 data/exports）")
    s.add_argument("--incidents-per-year", type=int, default=80_000)
    s.add_argument("--end", type=_date, default=None, help="最后一天（默认今天）")
    s.add_argument("--seed", type=int, default=20260101)

    b = sub.add_parser("build", help="由导出文件重建数据仓库")
    b.add_argument("--exports", type=Path, default=None, help="导出文件目录（默认 data/exports）")
    b.add_argument("--warehouse", type=Path, default=None, help="数据仓库文件")

    i = sub.add_parser("import", help="导入一个导出文件（按编号更新）")
    i.add_argument("--dataset", required=True, choices=sorted(DATASETS))
    i.add_argument("file", type=Path)
    i.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), default=None)
    i.add_argument("--warehouse", type=Path, default=None)
    i.add_argument("--report", type=Path, default=None, help="写出 JSON 报告")

    e = sub.add_parser("ensure", help="没有数据仓库时用样例数据建立")
    e.add_argument("--warehouse", type=Path, default=None)

    r = sub.add_parser("briefing", help="生成工作简报（Word、PDF、Excel）")
    r.add_argument("--period", required=True, choices=("week", "month", "quarter"),
                   help="week 周报 / month 月报 / quarter 季报")
    r.add_argument("--date", type=_date, default=None,
                   help="简报所在周/月/季度中的任一天（默认今天）")
    r.add_argument("--out", type=Path, required=True, help="输出目录")
    r.add_argument("--warehouse", type=Path, default=None)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
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
        from command_center.ingest.build import build_warehouse

        build_warehouse(args.exports or config.exports_dir(),
                        args.warehouse or config.warehouse_path())
        return 0
    if args.command == "import":
        from command_center.ingest import IngestError
        from command_center.ingest.upsert import import_file

        try:
            report = import_file(args.dataset, args.file, crs=args.crs,
                                 warehouse=args.warehouse or config.warehouse_path())
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
        print(report.summary())
        if args.report:
            args.report.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2),
                                   encoding="utf-8")
        return 0
    if args.command == "ensure":
        from command_center.bootstrap import ensure_warehouse

        ensure_warehouse(args.warehouse or config.warehouse_path())
        return 0
    if args.command == "briefing":
        from command_center.briefing import write_briefing
        from command_center.briefing.pdf import BriefingFontError

        try:
            paths = write_briefing(args.period, args.date or config.today(), args.out,
                                   warehouse=args.warehouse)
        except BriefingFontError as exc:
            print(f"生成失败：{exc}", file=sys.stderr)
            return 2
        for path in paths:
            print(path)
        return 0
    raise AssertionError(args.command)
