-- incidents of the selection binned into square grid cells of $cell_deg degrees (map layer)
with
-- @include incidents/_selection
binned as (
    select
        floor(lon / $cell_deg)::bigint as cell_x,
        floor(lat / $cell_deg)::bigint as cell_y
    from selection
    where lon is not null and lat is not null
),
final as (
    select
        cell_x,
        cell_y,
        cell_x * $cell_deg as west,
        cell_y * $cell_deg as south,
        (cell_x + 1) * $cell_deg as east,
        (cell_y + 1) * $cell_deg as north,
        count(*) as incident_count
    from binned
    group by cell_x, cell_y
)
select * from final order by incident_count desc
