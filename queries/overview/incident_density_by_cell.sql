-- incident density for the map: counts in square cells of $cell_deg degrees (WGS-84), so the
-- payload depends on the county's area, never on the number of incidents. Points that were
-- placed on a community's centroid (not point_is_exact) are left out: they are not locations.
with points as (
    select lon, lat
    from incidents_at($end)
    where reported_at >= $start
      and point_is_exact
      and (len($communities) = 0 or list_contains($communities, community_code))
),

-- @include shared/_grid_cells

final as (
    select west, south, east, north, n as incident_count
    from grid_cells
)

select * from final
order by incident_count desc
limit 5000
