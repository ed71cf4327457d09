-- incidents between $start and $now per hour of the day (0–23, hours without any included)
with hours as (
    select unnest(range(0, 24)) as hour
),

counted as (
    select hour(reported_at) as hour, count(*) as incident_count
    from incidents_at($now::timestamp)
    where reported_at >= $start::timestamp
    group by 1
),

final as (
    select h.hour, coalesce(c.incident_count, 0) as incident_count
    from hours as h
    left join counted as c on c.hour = h.hour
)

select * from final
order by hour
