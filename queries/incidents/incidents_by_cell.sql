-- incidents of the selection binned into square grid cells of $cell_deg degrees (map layer)
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
binned as (
    select
        floor(lon / $cell_deg)::bigint as cell_x,
        floor(lat / $cell_deg)::bigint as cell_y
    from selection
    where lon is not null and lat is not null
),
final as (
    select
        cell_x,
        cell_y,
        cell_x * $cell_deg as west,
        cell_y * $cell_deg as south,
        (cell_x + 1) * $cell_deg as east,
        (cell_y + 1) * $cell_deg as north,
        count(*) as incident_count
    from binned
    group by cell_x, cell_y
)
select * from final order by incident_count desc
