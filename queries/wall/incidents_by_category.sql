-- incidents between $start and $now per category, largest first
with final as (
    select coalesce(category, '其他') as category, count(*) as incident_count
    from incidents
    where reported_at >= $start::timestamp and reported_at < $now::timestamp
    group by 1
)

select * from final
order by incident_count desc, category
