-- one community's incidents in the period by category (side panel)
with filtered as (
    select coalesce(category, '其他') as category, is_open
    from incidents_at($end)
    where reported_at >= $start
      and community_code = $community_code
),

final as (
    select
        category,
        count(*) as incident_count,
        count(*) filter (where is_open) as open_count
    from filtered
    group by category
)

select * from final
order by incident_count desc, category
