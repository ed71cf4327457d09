-- check-in points of the selection's started tasks binned into square cells of $cell_deg
-- degrees (map density layer); approximate points (community centroids) left out
with
-- @include patrols/_selection
points as (
    select lon, lat
    from selection
    where started_at is not null and started_at < $end
        and not coalesce(location_is_approx, false)
),
-- @include shared/_grid_cells
final as (
    select cell_x, cell_y, west, south, east, north, n as task_count
    from grid_cells
)
select * from final order by task_count desc
