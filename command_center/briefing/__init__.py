"""工作简报 (leader briefing): 周报 / 月报 / 季报 / 自定义, on the page and as Word, PDF, Excel.

    from command_center import briefing
    b = briefing.make("month", period)              # content.Briefing (page: cached queries)
    paths = briefing.write_briefing("month", dt.date(2026, 10, 31), Path("out"))  # cron

Modules: ``periods`` (which dates, compared with what), ``data`` (the queries), ``content``
(sentences and tables, pure), ``docx`` / ``pdf`` / ``xlsx`` (renderers).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from command_center import config
from command_center.briefing import periods as bp
from command_center.periods import Period

FORMATS = ("docx", "pdf", "xlsx")


def make(kind: str, period: Period, communities=(), *, warehouse: Path | str | None = None):
    """The briefing of ``period`` (a ``content.Briefing``)."""
    from command_center.briefing import content, data

    return content.build(data.fetch(kind, period, communities, warehouse=warehouse))


def file_stem(kind: str, period: Period) -> str:
    """龙港市平安治理工作月报_2026-10-01至2026-10-31: Chinese like the data exports' names
    (no spaces or slashes, so it stays one word for mail systems and cron)."""
    name = {"week": "周报", "month": "月报", "quarter": "季报"}.get(kind, "简报")
    county = config.get("county", "name", "") or ""
    return f"{county}平安治理工作{name}_{period.start}至{period.end}"


def render(b, fmt: str) -> bytes:
    if fmt == "docx":
        from command_center.briefing.docx import docx_bytes

        return docx_bytes(b)
    if fmt == "pdf":
        from command_center.briefing.pdf import pdf_bytes

        return pdf_bytes(b)
    if fmt == "xlsx":
        from command_center.briefing.xlsx import xlsx_bytes

        return xlsx_bytes(b)
    raise ValueError(f"未知的导出格式：{fmt}")


def write_briefing(period_kind: str, date: dt.date, out_dir: Path, *, communities=(),
                   warehouse: Path | str | None = None,
                   formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write the 周报/月报/季报 of the period containing ``date`` to ``out_dir`` as .docx,
    .pdf and .xlsx; returns the paths. Runs the queries uncached on the warehouse."""
    if period_kind not in ("week", "month", "quarter"):
        raise ValueError(f"简报类型应为 week / month / quarter：{period_kind}")
    period = bp.resolve(period_kind, date, config.now())
    b = make(period_kind, period, communities,
             warehouse=warehouse or config.warehouse_path())
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = out_dir / f"{file_stem(period_kind, period)}.{fmt}"
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(render(b, fmt))
        tmp.replace(path)
        paths.append(path)
    return paths
