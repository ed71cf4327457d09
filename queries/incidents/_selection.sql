-- shared CTE, included by the incidents queries with `-- @include incidents/_selection`
selection as (
    -- the page selection: period, communities and the page filters (empty list = all), each
    -- incident with its state at the period's end (staging: incidents_at)
    select *
    from incidents_at($end)
    where reported_at >= $start
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
