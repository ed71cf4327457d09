-- Per dataset (the schema's registry): rows in the warehouse, last import, newest record time, current quarantine.
-- "Current" quarantine = the rows set aside by the latest import of each (dataset, file).
with rows_and_times as (
    -- one select per dataset of command_center/schema.py DATASETS (generated in
    -- queries/__init__.py: row count and max(newest_record) of each table)
    -- @include data/_dataset_rows
),

imports as (
    select dataset, max(imported_at) as last_imported_at
    from import_log
    group by dataset
),

latest_per_file as (
    select dataset, file, max(imported_at) as imported_at
    from import_log
    group by dataset, file
),

current_quarantine as (
    select q.dataset, count(*) as quarantined_count
    from quarantine as q
    inner join latest_per_file as l
        on q.dataset = l.dataset and q.file = l.file and q.quarantined_at = l.imported_at
    group by q.dataset
),

final as (
    select
        r.dataset,
        r.row_count,
        i.last_imported_at,
        r.newest_record_at,
        coalesce(c.quarantined_count, 0) as quarantined_count
    from rows_and_times as r
    left join imports as i on r.dataset = i.dataset
    left join current_quarantine as c on r.dataset = c.dataset
)
select * from final
