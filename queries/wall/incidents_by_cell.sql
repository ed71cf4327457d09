-- incidents between $start and $now binned on a $cell_deg grid (cell centres), for the map
with located as (
    select
        floor(lon / $cell_deg) as cx,
        floor(lat / $cell_deg) as cy
    from incidents_at($now::timestamp)
    where reported_at >= $start::timestamp
      and lon is not null and lat is not null
),

final as (
    select
        (cx + 0.5) * $cell_deg as lon,
        (cy + 0.5) * $cell_deg as lat,
        count(*) as incident_count
    from located
    group by cx, cy
)

select * from final
order by incident_count desc, lon, lat
