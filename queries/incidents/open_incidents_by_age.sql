-- open incidents (待受理 / 处置中) of the selection by how long they have been open at $now
with
-- @include incidents/_selection
aged as (
    select date_diff('hour', reported_at, $now) as age_hours
    from selection
    where is_open
),
bucketed as (
    select
        case
            when age_hours < 24 then 1
            when age_hours < 72 then 2
            when age_hours < 168 then 3
            when age_hours < 720 then 4
            else 5
        end as age_bucket
    from aged
),
final as (
    select age_bucket, count(*) as incident_count
    from bucketed
    group by age_bucket
)
select * from final order by age_bucket
