        -- the page filters a roll-up row of incidents_daily can answer (command_center/rollups.py
        -- reads the roll-up only when the others are all open), as "and" lines
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($categories) = 0 or list_contains($categories, category))
        and (len($statuses) = 0 or list_contains($statuses, coalesce(status, '未知')))
