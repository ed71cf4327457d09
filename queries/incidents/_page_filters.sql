        -- the communities and the page filters of 警情事件 (empty list = all), as "and" lines
        -- of a where clause on incidents (included by incidents/_selection and the trend)
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($categories) = 0 or list_contains($categories, category))
        and (len($subcategories) = 0 or list_contains($subcategories, subcategory))
        and (len($severities) = 0 or list_contains($severities, severity))
        and (len($statuses) = 0 or list_contains($statuses, coalesce(status, '未知')))
        and (len($weekdays) = 0 or list_contains($weekdays, isodow(reported_at)))
        and hour(reported_at) between $min_hour and $max_hour
        and (coalesce($q, '') = ''
             or address ilike $q escape '\' or summary ilike $q escape '\')
