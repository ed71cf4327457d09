-- Quarantined rows of a dataset from the latest import of each file ($files empty = all files),
-- with the raw cells as JSON (keys = the file's own headers), by file and row number.
with
-- @include data/_latest_quarantine

final as (
    select
        file as source_file,
        row_number,
        reason,
        raw_json,
        quarantined_at
    from latest_quarantine
    where len($files) = 0 or list_contains($files, file)
)
select * from final
order by quarantined_at desc, source_file, row_number
limit $limit
