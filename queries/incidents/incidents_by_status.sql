-- incidents of the selection by handling status
with
-- @include incidents/_selection
final as (
    select status, count(*) as incident_count
    from selection
    group by status
)
select * from final order by incident_count desc, status
