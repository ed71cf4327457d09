-- incidents between $start and $now per community (all communities, zero included)
with counted as (
    select community_code, count(*) as incident_count
    from incidents_at($now::timestamp)
    where reported_at >= $start::timestamp
    group by community_code
),

final as (
    select
        c.community_code,
        c.community_name,
        coalesce(n.incident_count, 0) as incident_count
    from communities as c
    left join counted as n on n.community_code = c.community_code
)

select * from final
order by incident_count desc, community_code
