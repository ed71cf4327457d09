-- incidents of the selection by handling status; a status no vocabulary knows (stored empty)
-- is 未知, so the bars add up to the selection's total
with
-- @include incidents/_selection
final as (
    select coalesce(status, '未知') as status, count(*) as incident_count
    from selection
    group by 1
)
select * from final order by incident_count desc, status
