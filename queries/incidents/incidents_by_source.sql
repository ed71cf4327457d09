-- incidents of the selection by source (110, 12345, 网格巡查, ...)
with
-- @include incidents/_selection
final as (
    select source, count(*) as incident_count
    from selection
    group by source
)
select * from final order by incident_count desc, source
