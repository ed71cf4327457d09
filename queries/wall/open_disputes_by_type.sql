-- disputes in progress (已受理/调处中) per type, with the overdue ones
with final as (
    select
        coalesce(dispute_type, '其他') as dispute_type,
        count(*) as open_count,
        count(*) filter (where deadline_on < $today::date) as overdue_count
    from disputes
    where status in ('已受理', '调处中') and received_at < $now::timestamp
    group by 1
)

select * from final
order by open_count desc, dispute_type
