-- check-in points of the selection's started tasks binned into square cells of $cell_deg
-- degrees (map density layer); approximate points (community centroids) left out
with
-- @include patrols/_selection
binned as (
    select
        floor(lon / $cell_deg)::bigint as cell_x,
        floor(lat / $cell_deg)::bigint as cell_y
    from selection
    where started_at is not null and started_at < $end
        and lon is not null and lat is not null and not coalesce(location_is_approx, false)
),
final as (
    select
        cell_x,
        cell_y,
        cell_x * $cell_deg as west,
        cell_y * $cell_deg as south,
        (cell_x + 1) * $cell_deg as east,
        (cell_y + 1) * $cell_deg as north,
        count(*) as task_count
    from binned
    group by cell_x, cell_y
)
select * from final order by task_count desc
