"""First start: build the sample warehouse when none exists, through the real import path."""

from __future__ import annotations

import fcntl
from pathlib import Path

from command_center import config


def ensure_warehouse(warehouse: Path | None = None, exports: Path | None = None) -> Path:
    """Return the warehouse path, generating sample exports and building it if it is missing.

    A file lock keeps two processes (two browser sessions starting at once, or ``make run``
    racing a test) from building it twice.
    """
    from command_center.warehouse import upgrade

    warehouse = Path(warehouse or config.warehouse_path())
    from command_center.warehouse import clean_stale

    # a writer killed mid-way leaves a hidden full copy of the warehouse (personal data)
    clean_stale(warehouse)
    if warehouse.exists():
        upgrade(warehouse)  # a warehouse of an older version gets the current staging layer
        return warehouse
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    with open(warehouse.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if warehouse.exists():
            return warehouse
        from command_center.ingest.build import build_warehouse
        from command_center.sample import generate

        exports = Path(exports or config.exports_dir())
        if not any(exports.glob("*/*.*")):
            generate(exports)
        build_warehouse(exports, warehouse)
    return warehouse
