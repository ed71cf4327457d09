-- individual incidents of the selection for the map (the page asks only when they are few)
with
-- @include incidents/_selection
final as (
    select
        incident_id,
        reported_at,
        category,
        subcategory,
        status,
        address,
        lon,
        lat
    from selection
    where lon is not null and lat is not null
)
select * from final order by reported_at desc limit $limit
