-- incidents per community and category in the period, the comparison period (环比) and a year
-- earlier (同比): the briefing picks the largest increases from it (pairs with no incident in
-- any window are left out)
with filtered as (
    select reported_at, community_code, coalesce(category, '其他') as category
    from incidents_at($end)
    where reported_at >= least($start, $prev_start, $ya_start)
      and reported_at < greatest($end, $prev_end, $ya_end)
      and community_code is not null
      and (len($communities) = 0 or list_contains($communities, community_code))
),

counts as (
    select
        community_code,
        category,
        count(*) filter (where reported_at >= $start and reported_at < $end) as incident_count,
        count(*) filter (where reported_at >= $prev_start and reported_at < $prev_end)
            as previous_count,
        count(*) filter (where reported_at >= $ya_start and reported_at < $ya_end)
            as year_ago_count
    from filtered
    group by community_code, category
),

final as (
    select
        n.community_code,
        c.community_name,
        n.category,
        n.incident_count,
        n.previous_count,
        n.year_ago_count
    from counts as n
    left join communities as c using (community_code)
    where n.incident_count + n.previous_count + n.year_ago_count > 0
)

select * from final
order by community_code, category
