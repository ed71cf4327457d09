-- incidents of the selection binned into square grid cells of $cell_deg degrees (map layer)
with
-- @include incidents/_selection
points as (
    select lon, lat from selection
),
-- @include shared/_grid_cells
final as (
    select cell_x, cell_y, west, south, east, north, n as incident_count
    from grid_cells
)
select * from final order by incident_count desc
