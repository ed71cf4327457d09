-- one community's incidents in the period by category (side panel)
with filtered as (
    select coalesce(category, '其他') as category, status
    from incidents
    where reported_at >= $start
      and reported_at < $end
      and community_code = $community_code
),

final as (
    select
        category,
        count(*) as incident_count,
        count(*) filter (where status in ('待受理', '处置中')) as open_count
    from filtered
    group by category
)

select * from final
order by incident_count desc, category
