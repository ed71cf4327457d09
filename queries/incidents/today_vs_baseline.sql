-- 今日警情 and its one baseline (every surface): incidents from today 0:00 until $now, and the
-- mean over the previous four weeks of the same weekday from 0:00 until the same time of day
with weeks as (
    select unnest([0, 1, 2, 3, 4]) as weeks_back
),

windows as (
    select
        weeks_back,
        date_trunc('day', $now::timestamp) - to_days(7 * weeks_back) as window_start,
        $now::timestamp - to_days(7 * weeks_back) as window_end
    from weeks
),

counted as (
    select w.weeks_back, count(i.incident_id) as incident_count
    from windows as w
    left join incidents_at($now::timestamp) as i
        on i.reported_at >= w.window_start
       and i.reported_at < w.window_end
       and (len($communities) = 0 or list_contains($communities, i.community_code))
    group by w.weeks_back
),

final as (
    select
        sum(incident_count) filter (where weeks_back = 0) as today_count,
        avg(incident_count) filter (where weeks_back > 0) as baseline_mean
    from counted
)

select * from final
