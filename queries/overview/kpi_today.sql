-- incidents today up to $now, against the average of the same weekday over the previous four
-- weeks up to the same time of day
with filtered as (
    select reported_at
    from incidents
    where reported_at >= cast($today as timestamp) - interval 28 day
      and reported_at < $now
      and (len($communities) = 0 or list_contains($communities, community_code))
),

weeks as (
    select unnest([1, 2, 3, 4]) as weeks_back
),

same_weekday as (
    select
        w.weeks_back,
        count(f.reported_at) as incident_count
    from weeks as w
    left join filtered as f
        on f.reported_at >= cast($today as timestamp) - to_days(7 * w.weeks_back)
       and f.reported_at < $now - to_days(7 * w.weeks_back)
    group by w.weeks_back
),

final as (
    select
        (select count(*) from filtered where reported_at >= cast($today as timestamp))
            as today_count,
        (select avg(incident_count) from same_weekday) as weekday_avg
)

select * from final
