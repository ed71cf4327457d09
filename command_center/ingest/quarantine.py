"""The quarantine store: a file's rows that failed a check, appended to table ``quarantine``
with their cells as JSON under the file's own headers, personal data masked."""

from __future__ import annotations

from command_center.ingest.plan import Plan
from command_center.ingest.raw import numbered_rows

QUARANTINE_CELL_CHARS = 2000  # a longer cell is cut in the quarantine copy (marked …)
_BATCH = 50_000


def _store_quarantine(con, plan: Plan, file_label: str, now) -> None:
    """Append the quarantined rows of ``checked`` to ``quarantine``.

    ``raw_json`` holds the row's cells under the file's own headers, masked by column kind and
    by content (``privacy``): the warehouse never keeps a quarantined row's personal data in
    the clear (the file itself is in the import archive). Cells are cut at
    ``QUARANTINE_CELL_CHARS`` characters.
    """
    import json

    import pyarrow as pa

    from command_center import privacy

    headers = plan.raw.headers
    kinds = [privacy.header_kind(plan.mapping[i]) if i in plan.mapping
             else privacy.header_kind(h) for i, h in enumerate(headers)]
    cells = ", ".join(f"r.c{i}" for i in range(len(headers)))
    last = con.execute("select max(_row) from checked where _reason is not null").fetchone()[0]
    result = con.execute(
        f"select k._row, k._reason, {cells} from checked k "
        f"join ({numbered_rows(plan.raw, last or 0)}) r on r._row = k._row "
        "where k._reason is not null order by k._row"
    )
    batches = []
    while rows := result.fetchmany(_BATCH):
        numbers, reasons, rows_json = [], [], []
        for row_number, reason, *values in rows:
            row = {}
            for i, (h, v) in enumerate(zip(headers, values, strict=True)):
                if v is not None:
                    if len(v) > QUARANTINE_CELL_CHARS:
                        v = v[:QUARANTINE_CELL_CHARS] + "…"
                    v = privacy.mask_value(v, kind=kinds[i])
                row[h] = v
            numbers.append(row_number)
            reasons.append(reason)
            rows_json.append(json.dumps(row, ensure_ascii=False))
        batches.append(pa.table({
            "row_number": pa.array(numbers, pa.int64()),
            "reason": pa.array(reasons, pa.string()),
            "raw_json": pa.array(rows_json, pa.string()),
        }))
    if not batches:
        return
    con.register("_q_rows", pa.concat_tables(batches))
    try:
        con.execute(
            "insert into quarantine select ?, ?, row_number, reason, raw_json, "
            "cast(? as timestamp) from _q_rows order by row_number",
            [plan.dataset.name, file_label, now],
        )
    finally:
        con.unregister("_q_rows")
