-- Files of a dataset whose latest import set rows aside, newest first, with the row count.
with latest_per_file as (
    select dataset, file, max(imported_at) as imported_at
    from import_log
    where dataset = $dataset
    group by dataset, file
),

final as (
    select
        l.file as source_file,
        l.imported_at,
        count(*) as quarantined_count
    from latest_per_file as l
    inner join quarantine as q
        on q.dataset = l.dataset and q.file = l.file and q.quarantined_at = l.imported_at
    group by l.file, l.imported_at
)
select * from final
order by imported_at desc, source_file
