-- incidents by category (大类) in the period, the comparison period (环比) and the same dates a
-- year earlier (同比); a category appears when it has incidents in any of the three windows
with filtered as (
    select reported_at, coalesce(category, '其他') as category
    from incidents_at($end)
    where reported_at >= least($start, $prev_start, $ya_start)
      and reported_at < greatest($end, $prev_end, $ya_end)
      and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        category,
        count(*) filter (where reported_at >= $start and reported_at < $end) as incident_count,
        count(*) filter (where reported_at >= $prev_start and reported_at < $prev_end)
            as previous_count,
        count(*) filter (where reported_at >= $ya_start and reported_at < $ya_end)
            as year_ago_count
    from filtered
    group by category
)

select * from final
order by incident_count desc, year_ago_count desc, category
