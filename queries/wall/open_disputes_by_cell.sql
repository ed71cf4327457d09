-- disputes open at $now (staging: disputes_at) binned on a $cell_deg grid (cell centres), for the map
with located as (
    select
        floor(lon / $cell_deg) as cx,
        floor(lat / $cell_deg) as cy
    from disputes_at($now::timestamp)
    where is_open
      and lon is not null and lat is not null
),

final as (
    select
        (cx + 0.5) * $cell_deg as lon,
        (cy + 0.5) * $cell_deg as lat,
        count(*) as dispute_count
    from located
    group by cx, cy
)

select * from final
order by dispute_count desc, lon, lat
