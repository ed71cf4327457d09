-- incidents per day over the period (zero days included), for the KPI sparkline
with days as (
    select cast(d as date) as day
    -- every day of [$start, $end), today included when $end is now
    from generate_series(cast($start as date),
                         cast(cast($end as timestamp) - interval 1 microsecond as date),
                         interval 1 day) as t(d)
),

counts as (
    select cast(reported_at as date) as day, count(*) as incident_count
    from incidents_at($end)
    where reported_at >= $start
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
