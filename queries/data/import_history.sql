-- Import history, newest first: one line per imported file (build and import both log).
with final as (
    select
        imported_at,
        dataset,
        file as source_file,
        "read",
        loaded,
        quarantined,
        inserted,
        updated,
        unchanged
    from import_log
)
select * from final
order by imported_at desc, dataset, source_file
limit $limit
