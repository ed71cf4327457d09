-- Files of a dataset whose latest import set rows aside, newest first, with the row count.
with
-- @include data/_latest_quarantine

final as (
    select
        file as source_file,
        quarantined_at as imported_at,
        count(*) as quarantined_count
    from latest_quarantine
    group by file, quarantined_at
)
select * from final
order by imported_at desc, source_file
