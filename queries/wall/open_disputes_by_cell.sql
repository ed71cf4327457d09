-- disputes open at $now (staging: disputes_at) binned on a $cell_deg grid (cell centres), for the map
with points as (
    select lon, lat
    from disputes_at($now::timestamp)
    where is_open
),

-- @include wall/_cells

final as (
    select lon, lat, n as dispute_count
    from cells
)

select * from final
order by dispute_count desc, lon, lat
