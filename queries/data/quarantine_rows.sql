-- Quarantined rows of a dataset from the latest import of each file ($files empty = all files),
-- with the raw cells as JSON (keys = the file's own headers), by file and row number.
with latest_per_file as (
    select dataset, file, max(imported_at) as imported_at
    from import_log
    where dataset = $dataset
    group by dataset, file
),

final as (
    select
        q.file as source_file,
        q.row_number,
        q.reason,
        q.raw_json,
        q.quarantined_at
    from quarantine as q
    inner join latest_per_file as l
        on q.dataset = l.dataset and q.file = l.file and q.quarantined_at = l.imported_at
    where len($files) = 0 or list_contains($files, q.file)
)
select * from final
order by quarantined_at desc, source_file, row_number
limit $limit
