-- open incidents (待受理 / 处置中) of the selection by how long they have been open at $now
with selection as (
    -- the page selection: period, communities and the page filters (empty list = all)
    select *
    from incidents
    where reported_at >= $start and reported_at < $end
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($categories) = 0 or list_contains($categories, category))
        and (len($subcategories) = 0 or list_contains($subcategories, subcategory))
        and (len($severities) = 0 or list_contains($severities, severity))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($weekdays) = 0 or list_contains($weekdays, isodow(reported_at)))
        and hour(reported_at) between $min_hour and $max_hour
        and (coalesce($q, '') = ''
             or address ilike $q escape '\' or summary ilike $q escape '\')
),
aged as (
    select date_diff('hour', reported_at, $now) as age_hours
    from selection
    where status in ('待受理', '处置中')
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
