"""Reports returned by ``build`` and ``import`` (and shown by the CLI and the 数据管理 page).

Counts always satisfy ``read = loaded + quarantined`` and ``loaded = inserted + updated +
unchanged``. ``reasons`` counts quarantine reasons (the row was not loaded) and ``warnings``
counts fixes applied to loaded rows (a value set to NULL or 其他, a centroid used, ...);
``to_json()`` merges both into one ``reasons`` object, as the import command's REPORT.json
promises. Warnings are recognisable by their wording: they say what was done
("…，已置空", "…，记为其他", "…，已用社区中心点").
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from command_center.schema import DATASETS


@dataclass
class ImportReport:
    dataset: str
    file: str
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    reasons: Counter = field(default_factory=Counter)  # quarantine reasons
    warnings: Counter = field(default_factory=Counter)  # fixes on loaded rows
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    format: str | None = None
    header_row: int | None = None
    crs: str | None = None
    mapping: dict[str, str | None] = field(default_factory=dict)
    usable: bool = True  # False when the file was skipped (build only)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step
    # loaded rows by how they are placed: point (own coordinates), community (community only,
    # shown at its centroid), none (neither); empty for datasets without both
    placement: dict[str, int] = field(default_factory=dict)

    def check(self) -> None:
        assert self.read == self.loaded + self.quarantined, self
        assert self.loaded == self.inserted + self.updated + self.unchanged, self
        assert sum(self.reasons.values()) == self.quarantined, self

    def to_json(self) -> dict:
        reasons = Counter(self.reasons)
        reasons.update(self.warnings)
        return {
            "dataset": self.dataset,
            "file": self.file,
            "read": self.read,
            "loaded": self.loaded,
            "quarantined": self.quarantined,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "reasons": dict(reasons.most_common()),
        }

    def summary(self) -> str:
        title = DATASETS[self.dataset].title if self.dataset in DATASETS else self.dataset
        if not self.usable:
            return f"{title}：{self.file} 未导入：{'；'.join(self.notes)}"
        lines = [
            f"{title}：{self.file}：读取 {self.read} 行，入库 {self.loaded} 行"
            f"（新增 {self.inserted}，更新 {self.updated}，未变 {self.unchanged}），"
            f"隔离 {self.quarantined} 行"
        ]
        if self.placement:
            p = self.placement
            lines.append(f"  定位：按坐标 {p['point']} 行，仅按社区（无坐标）{p['community']} 行，"
                         f"无社区无坐标 {p['none']} 行")
        for reason, n in self.reasons.most_common():
            lines.append(f"  隔离原因 {reason}：{n} 行")
        for reason, n in self.warnings.most_common():
            lines.append(f"  提示 {reason}：{n} 行")
        for note in self.notes:
            lines.append(f"  说明：{note}")
        return "\n".join(lines)


@dataclass
class DatasetReport:
    dataset: str
    files: list[ImportReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def quarantined(self) -> int:
        return sum(f.quarantined for f in self.files)

    @property
    def unusable(self) -> list[ImportReport]:
        return [f for f in self.files if not f.usable]

    def reasons(self) -> Counter:
        c: Counter = Counter()
        for f in self.files:
            c.update(f.reasons)
        return c

    def warnings(self) -> Counter:
        c: Counter = Counter()
        for f in self.files:
            c.update(f.warnings)
        return c

    def summary(self) -> str:
        title = DATASETS[self.dataset].title
        s = f"{title}：读取 {self.read} 行 / 入库 {self.loaded} / 隔离 {self.quarantined}"
        if self.unusable:
            s += f"（{len(self.unusable)} 个文件无法使用）"
        return s


@dataclass
class BuildReport:
    warehouse: str
    build_id: str
    built_at: str
    datasets: dict[str, DatasetReport] = field(default_factory=dict)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def read(self) -> int:
        return sum(d.read for d in self.datasets.values())

    @property
    def loaded(self) -> int:
        return sum(d.loaded for d in self.datasets.values())

    @property
    def quarantined(self) -> int:
        return sum(d.quarantined for d in self.datasets.values())

    def to_json(self) -> dict:
        return {
            "warehouse": self.warehouse,
            "build_id": self.build_id,
            "built_at": self.built_at,
            "seconds": round(self.seconds, 2),
            "datasets": {
                name: {
                    "read": d.read,
                    "loaded": d.loaded,
                    "quarantined": d.quarantined,
                    "files": [f.to_json() | {"usable": f.usable, "notes": f.notes}
                              for f in d.files],
                    "notes": d.notes,
                }
                for name, d in self.datasets.items()
            },
            "notes": self.notes,
        }


class _Clock:
    """Wall seconds per step in ``report.timings`` (CPU seconds under ``<step>_cpu``)."""

    def __init__(self, sink: dict):
        self.sink = sink
        self.t = time.perf_counter()
        self.c = time.process_time()

    def __call__(self, step: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.sink[step] = round(self.sink.get(step, 0.0) + now - self.t, 3)
        self.sink[step + "_cpu"] = round(self.sink.get(step + "_cpu", 0.0) + cpu - self.c, 3)
        self.t, self.c = now, cpu
