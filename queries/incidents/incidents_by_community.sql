-- incidents of the selection per community, with the rate per 1,000 registered residents
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
counts as (
    select community_code, count(*) as incident_count
    from selection
    group by community_code
),
final as (
    select
        c.community_code,
        c.community_name,
        c.population,
        coalesce(n.incident_count, 0) as incident_count,
        case when c.population > 0
            then coalesce(n.incident_count, 0) * 1000.0 / c.population end as rate_per_1000
    from communities c
    left join counts n using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)
select * from final order by incident_count desc, community_code
