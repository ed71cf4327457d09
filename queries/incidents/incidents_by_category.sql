-- incidents of the selection by category (大类)
with
-- @include incidents/_selection
final as (
    select category, count(*) as incident_count
    from selection
    group by category
)
select * from final order by incident_count desc, category
