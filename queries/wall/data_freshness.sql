-- when the data last changed: newest import, build time, newest incident record
with imports as (
    select max(imported_at) as newest_import_at
    from import_log
),

built as (
    select max(try_cast(value as timestamp)) as built_at
    from meta
    where key = 'built_at'
),

records as (
    select max(reported_at) as newest_incident_at
    from incidents
),

final as (
    select
        imports.newest_import_at,
        built.built_at,
        records.newest_incident_at
    from imports, built, records
)

select * from final
