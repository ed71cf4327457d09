-- disputes open at $now (staging: disputes_at) per type, with the overdue ones
with final as (
    select
        coalesce(dispute_type, '其他') as dispute_type,
        count(*) as open_count,
        count(*) filter (where is_overdue) as overdue_count
    from disputes_at($now::timestamp)
    where is_open
    group by 1
)

select * from final
order by open_count desc, dispute_type
