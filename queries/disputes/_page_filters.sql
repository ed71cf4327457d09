        -- the communities and the page filters of 矛盾纠纷 (empty list = all), as "and" lines
        -- of a where clause on disputes (included by disputes/_selection and _open_selection)
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($dispute_types) = 0 or list_contains($dispute_types, dispute_type))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($channels) = 0 or list_contains($channels, mediation_channel))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($risk_levels) = 0 or list_contains($risk_levels, risk_level))
        and (len($org_ids) = 0 or list_contains($org_ids, mediator_org_id))
