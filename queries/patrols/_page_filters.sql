        -- the communities and task types of 平安乐巡 (empty list = all), as "and" lines of a
        -- where clause on patrols (included by patrols/_selection and patrols/totals)
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($patrol_types) = 0 or list_contains($patrol_types, patrol_type))
