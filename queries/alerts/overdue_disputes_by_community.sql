-- open disputes past their 化解时限 at $now (the staging layer's is_overdue) by at least
-- $min_days_overdue days, of the risk levels $risk_levels (empty: all), per community with at
-- least $min_count of them
with overdue as (
    select
        community_code,
        date_diff('day', deadline_on, cast($now as date)) as days_overdue
    from disputes_at($now)
    where is_overdue
        and date_diff('day', deadline_on, cast($now as date)) >= $min_days_overdue
        and (len($risk_levels) = 0 or list_contains($risk_levels, risk_level))
        and (len($communities) = 0 or list_contains($communities, community_code))
),

final as (
    select
        o.community_code,
        coalesce(c.community_name, '社区不明') as community_name,
        count(*) as overdue_count,
        max(o.days_overdue) as max_days_overdue
    from overdue as o
    left join communities as c using (community_code)
    group by o.community_code, c.community_name
    having count(*) >= $min_count
)

select * from final
order by overdue_count desc, community_code
