-- 平安乐巡 today: tasks checked in per hour from $start (today 0:00) to $now, all 24 hours
with hours as (
    select range as hour from range(24)
),
checked_in as (
    select hour(started_at) as hour, count(*) as task_count,
        sum(participant_count) as participant_count
    from patrols_at($now)
    where planned_start_at >= $start and started_at < $now
    group by 1
),
final as (
    select h.hour, coalesce(c.task_count, 0) as task_count,
        coalesce(c.participant_count, 0) as participant_count
    from hours h
    left join checked_in c using (hour)
)
select * from final order by hour
