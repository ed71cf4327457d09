-- shared CTEs, included by the quarantine queries with `-- @include data/_latest_quarantine`:
-- the rows of $dataset set aside by the latest import of each file (`latest_quarantine`, the
-- quarantine table's columns)
latest_per_file as (
    select dataset, file, max(imported_at) as imported_at
    from import_log
    where dataset = $dataset
    group by dataset, file
),

latest_quarantine as (
    select q.*
    from quarantine as q
    inner join latest_per_file as l
        on q.dataset = l.dataset and q.file = l.file and q.quarantined_at = l.imported_at
),
