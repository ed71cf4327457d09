-- today's incidents so far, the average of the same weekday over the previous 8 weeks up to
-- the same time of day, and the incidents still open (待受理/处置中)
with weeks as (
    select unnest(range(1, 9)) as k
),

windows as (
    select
        $start::timestamp - to_days(7 * k) as window_start,
        $now::timestamp - to_days(7 * k) as window_end
    from weeks
),

today as (
    select count(*) as incident_count
    from incidents
    where reported_at >= $start::timestamp and reported_at < $now::timestamp
),

same_weekday as (
    select count(i.incident_id) / 8.0 as same_weekday_avg
    from windows as w
    inner join incidents as i
        on i.reported_at >= w.window_start and i.reported_at < w.window_end
),

open_now as (
    select count(*) as open_count
    from incidents
    where status in ('待受理', '处置中') and reported_at < $now::timestamp
),

final as (
    select
        today.incident_count,
        same_weekday.same_weekday_avg,
        open_now.open_count
    from today, same_weekday, open_now
)

select * from final
