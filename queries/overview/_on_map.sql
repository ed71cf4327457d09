        -- records that have a map point and lie in the chosen communities (empty list = all), as
        -- "and" lines of a where clause (included by the overview map's point queries)
        and lon is not null
        and lat is not null
        and (len($communities) = 0 or list_contains($communities, community_code))
