-- incident density for the map: counts in square cells of $cell_deg degrees (WGS-84), so the
-- payload depends on the county's area, never on the number of incidents. Points that were
-- placed on a community's centroid (not point_is_exact) are left out: they are not locations.
with filtered as (
    select lon, lat
    from incidents_at($end)
    where reported_at >= $start
      and point_is_exact
      and (len($communities) = 0 or list_contains($communities, community_code))
),

cells as (
    select
        cast(floor(lon / $cell_deg) as bigint) as cell_x,
        cast(floor(lat / $cell_deg) as bigint) as cell_y,
        count(*) as incident_count
    from filtered
    group by all
),

final as (
    select
        cell_x * $cell_deg as west,
        cell_y * $cell_deg as south,
        (cell_x + 1) * $cell_deg as east,
        (cell_y + 1) * $cell_deg as north,
        incident_count
    from cells
)

select * from final
order by incident_count desc
limit 5000
