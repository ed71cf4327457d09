-- datasets ($datasets, each with its longest expected gap $max_hours) whose last import
-- (import_log: build or import) is more than that many hours before $now, or that never had one
with limits as (
    select unnest($datasets) as dataset, unnest($max_hours) as max_hours
),

last_import as (
    select dataset, max(imported_at) as last_imported_at
    from import_log
    group by dataset
),

final as (
    select
        l.dataset,
        l.max_hours,
        a.last_imported_at,
        date_diff('minute', a.last_imported_at, cast($now as timestamp)) / 60.0 as hours_since
    from limits as l
    left join last_import as a using (dataset)
    where a.last_imported_at is null
        or a.last_imported_at < cast($now as timestamp) - to_minutes(cast(l.max_hours * 60 as bigint))
)

select * from final
order by dataset
