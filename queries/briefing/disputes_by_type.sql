-- disputes received by type in the period and the same dates a year earlier (同比), with the
-- mediation outcome of those received in the period as of its end (staging: disputes_at)
with filtered as (
    select received_at, coalesce(dispute_type, '其他') as dispute_type, is_success
    from disputes_at($end)
    where received_at >= least($start, $ya_start)
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        dispute_type,
        count(*) filter (where received_at >= $start and received_at < $end) as dispute_count,
        count(*) filter (where received_at >= $ya_start and received_at < $ya_end)
            as year_ago_count,
        count(*) filter (
            where received_at >= $start and is_success
        ) as success_count
    from filtered
    group by dispute_type
)

select * from final
where dispute_count > 0 or year_ago_count > 0
order by dispute_count desc, year_ago_count desc, dispute_type
