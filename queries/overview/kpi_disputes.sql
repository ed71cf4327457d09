-- disputes received in the period, previous period (环比) and a year earlier (同比), and the
-- mediation success rate: 调解成功 / (调解成功 + 调解不成功 + 已转诉讼) among those received
-- (withdrawn and still open cases are left out of the rate)
with filtered as (
    select received_at, status
    from disputes
    where received_at >= least($start, $prev_start, $ya_start)
      and received_at < greatest($end, $prev_end, $ya_end)
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        count(*) filter (where received_at >= $start and received_at < $end) as dispute_count,
        count(*) filter (where received_at >= $prev_start and received_at < $prev_end)
            as previous_count,
        count(*) filter (where received_at >= $ya_start and received_at < $ya_end)
            as year_ago_count,
        count(*) filter (
            where received_at >= $start and received_at < $end and status = '调解成功'
        ) as success_count,
        count(*) filter (
            where received_at >= $start and received_at < $end
              and status in ('调解成功', '调解不成功', '已转诉讼')
        ) as concluded_count,
        count(*) filter (
            where received_at >= $ya_start and received_at < $ya_end and status = '调解成功'
        ) as year_ago_success_count,
        count(*) filter (
            where received_at >= $ya_start and received_at < $ya_end
              and status in ('调解成功', '调解不成功', '已转诉讼')
        ) as year_ago_concluded_count
    from filtered
)

select
    *,
    success_count / nullif(concluded_count, 0) as success_rate,
    year_ago_success_count / nullif(year_ago_concluded_count, 0) as year_ago_success_rate
from final
