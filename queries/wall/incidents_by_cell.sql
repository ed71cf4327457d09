-- incidents between $start and $now binned on a $cell_deg grid (cell centres), for the map
with points as (
    select lon, lat
    from incidents_at($now::timestamp)
    where reported_at >= $start::timestamp
),

-- @include wall/_cells

final as (
    select lon, lat, n as incident_count
    from cells
)

select * from final
order by incident_count desc, lon, lat
