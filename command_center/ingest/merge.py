"""The merge: the rows of temp view ``staged`` upserted into the dataset's table by key
(inserted / updated / unchanged), duplicate keys within a file, the ``import_log`` line, and
the cleanup of every temp object a file leaves behind."""

from __future__ import annotations

from command_center.delta import note_replaced_keys
from command_center.ingest import validate as R
from command_center.ingest import values as V
from command_center.ingest.lookups import drop_functions
from command_center.ingest.report import ImportReport, _Clock
from command_center.ingest.selects import _first
from command_center.ingest.values import ident
from command_center.schema import RAW_ENUM_COLUMNS, Dataset, raw_column
from command_center.warehouse import table_columns


def _mark_duplicates(con, ds: Dataset) -> None:
    """Keep the last occurrence of a key in the file; earlier ones get 文件内编号重复."""
    key = ident(ds.key)
    dups = con.execute(
        f"select count(*) - count(distinct {key}) from checked where _reason is null"
    ).fetchone()[0]
    if not dups:
        return
    con.execute(
        f"""
        update _checked set _reason = {V.q(R.DUPLICATE)}
        where rowid in (
            select _rid from (
                select _rid, row_number() over (partition by {key} order by _row desc) as n
                from checked where _reason is null
            ) where n > 1
        )
        """
    )


def _in_order(con, dataset: Dataset) -> bool:
    """Whether ``staged`` is already in (newest_record, key) order, NULL times last: one
    streaming pass over two columns, against a sort of every column."""
    if not dataset.newest_record:
        return False
    t = f"coalesce(cast({ident(dataset.newest_record)} as timestamp), 'infinity'::timestamp)"
    k = ident(dataset.key)
    return con.execute(
        f"select count(*) from (select t, k, lag(t) over () as pt, lag(k) over () as pk "
        f"from (select {t} as t, {k} as k from staged)) where t < pt or (t = pt and k < pk)"
    ).fetchone()[0] == 0


def stored_is_empty(con, dataset: Dataset) -> bool:
    """Whether the dataset has no stored row yet (base and delta, in an import)."""
    stored = ident("all_" + dataset.table)
    return con.execute(f"select count(*) from (select 1 from {stored} limit 1)").fetchone()[0] == 0


def merge_staged(con, dataset: Dataset, report: ImportReport) -> None:
    """Upsert the rows of temp view ``staged`` into the dataset table by key (or, for a
    first file, keep the pass's own table: :func:`_adopt_checked`); fills the three counts."""
    clock = _Clock(report.timings)
    table, key = ident(dataset.table), ident(dataset.key)
    stored = ident("all_" + dataset.table)  # what is stored now (base + delta in an import)
    cols = [c for c, _ in table_columns(dataset.name)]
    if stored_is_empty(con, dataset):
        report.inserted = report.loaded
        # written once, in time order: pages' time windows then skip whole row groups. An
        # export is usually in that order already: then it is written as it comes, unsorted
        in_order = _in_order(con, dataset)
        if not (in_order and _adopt_checked(con, dataset)):
            order = ", ".join(ident(c) for c in (dataset.newest_record, dataset.key) if c)
            sort = "" if in_order else f" order by {order}"
            con.execute(f"insert into {table} select * from staged{sort}")
        _drop_staged(con)
        clock("merge")
        return
    # an update changes only the columns the file has: a column it lacks keeps the stored
    # value (filled from the file's derived value only where none is stored)
    in_file = set(v for v in report.mapping.values() if v) | {dataset.key}
    lon, lat = _first(dataset, "lon"), _first(dataset, "lat")
    if lon and lon.name in in_file:
        in_file |= {lat.name, "location_is_approx"}
    in_file |= {raw_column(c) for c in RAW_ENUM_COLUMNS.get(dataset.name, ()) if c in in_file}
    merged = ", ".join(
        f"s.{ident(c)}" if c in in_file or c == dataset.key
        else f"case when t.{key} is null then s.{ident(c)} "
             f"else coalesce(t.{ident(c)}, s.{ident(c)}) end as {ident(c)}"
        for c in cols)
    if set(cols) - in_file:
        con.execute(
            f"create or replace temp table _merged as select {merged} "
            f"from staged s left join {stored} t on t.{key} = s.{key}")
        con.execute("create or replace temp view staged as select * from _merged")
    same = " and ".join(f"s.{ident(c)} is not distinct from t.{ident(c)}" for c in cols)
    con.execute(
        f"""
        create or replace temp table _cmp as
        select s.{key} as k,
               case when t.{key} is null then 'inserted'
                    when {same} then 'unchanged' else 'updated' end as st
        from staged s left join {stored} t on t.{key} = s.{key}
        """
    )
    counts = dict(con.execute("select st, count(*) from _cmp group by st").fetchall())
    report.inserted = counts.get("inserted", 0)
    report.updated = counts.get("updated", 0)
    report.unchanged = counts.get("unchanged", 0)
    if report.updated:
        con.execute(
            f"delete from {table} where {key} in (select k from _cmp where st = 'updated')"
        )
        note_replaced_keys(con, dataset.name, "select k from _cmp where st = 'updated'")
    if report.inserted or report.updated:
        con.execute(
            f"insert into {table} select s.* from staged s "
            f"join _cmp c on c.k = s.{key} where c.st <> 'unchanged'"
        )
    con.execute("drop table if exists _cmp")
    _drop_staged(con)
    clock("merge")


def _adopt_checked(con, dataset: Dataset) -> bool:
    """When the pass wrote ``_checked`` into the file being written (``load`` decides) and the
    dataset's table is empty: ``_checked`` becomes that table, so the file's rows are written
    once. The rows not loaded (quarantined, empty, earlier duplicates) are deleted, the pass's
    own columns dropped, and the table renamed. False (nothing changed) when ``_checked`` is a
    temp table or its columns are not the table's, in the table's order and types."""
    db = con.execute("select current_database()").fetchone()[0]
    have = con.execute(
        "select column_name, data_type from duckdb_columns() where database_name = ? and "
        "schema_name = 'main' and table_name = '_checked' order by column_index", [db]
    ).fetchall()
    want = [(c, str(t).upper()) for c, t in table_columns(dataset.name)]
    names = {c for c, _ in want}
    if not have or [(c, t.upper()) for c, t in have if c in names] != want:
        return False
    con.execute("drop view if exists staged")
    con.execute("drop view if exists checked")
    con.execute("delete from main._checked where _empty or _reason is not null")
    for column, _ in have:
        if column not in names:
            con.execute(f"alter table main._checked drop column {ident(column)}")
    con.execute(f"drop table {ident(dataset.table)}")
    con.execute(f"alter table main._checked rename to {ident(dataset.table)}")
    return True


def _drop_staged(con) -> None:
    con.execute("drop view if exists staged")
    con.execute("drop table if exists _merged")
    con.execute("drop view if exists checked")
    con.execute("drop table if exists _checked")


def log_import(con, report: ImportReport, now, archive: str | None = None) -> None:
    con.execute(
        "insert into import_log (imported_at, dataset, file, read, loaded, quarantined, "
        "inserted, updated, unchanged, archive) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [now, report.dataset, report.file, report.read, report.loaded, report.quarantined,
         report.inserted, report.updated, report.unchanged, archive],
    )


def cleanup(con) -> None:
    """Drop every temp object a file left behind (also after an error)."""
    _drop_staged(con)
    for v in ("parsed", "raw"):
        con.execute(f"drop view if exists {v}")
    for t in ("_cells", "_cmp", "_community_lookup", "_org_lookup", "_centroids"):
        con.execute(f"drop table if exists {t}")
    drop_functions(con)
