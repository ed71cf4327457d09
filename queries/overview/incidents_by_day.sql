-- incidents per day over the period (zero days included), for the KPI sparkline
with days as (
    select cast(d as date) as day
    from generate_series(cast($start as timestamp), cast($end as timestamp) - interval 1 day,
                         interval 1 day) as t(d)
),

counts as (
    select cast(reported_at as date) as day, count(*) as incident_count
    from incidents
    where reported_at >= $start
      and reported_at < $end
      and (len($communities) = 0 or list_contains($communities, community_code))
    group by all
),

final as (
    select days.day, coalesce(counts.incident_count, 0) as incident_count
    from days
    left join counts using (day)
)

select * from final
order by day
