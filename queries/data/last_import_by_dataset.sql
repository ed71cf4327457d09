-- When each dataset last received a file (import or build): the small-print freshness line.
with final as (
    select
        dataset,
        max(imported_at) as last_imported_at
    from import_log
    group by dataset
)
select * from final
order by dataset
