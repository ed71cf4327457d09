-- incidents between $start and $now per category, largest first
with final as (
    select coalesce(category, '其他') as category, count(*) as incident_count
    from incidents_at($now::timestamp)
    where reported_at >= $start::timestamp
    group by 1
)

select * from final
order by incident_count desc, category
