-- shared CTE, included by the disputes queries with `-- @include disputes/_selection`
selection as (
    -- disputes received in the period, in the chosen communities, matching the page filters
    -- (an empty list means all), each with its state at the period's end (staging: disputes_at)
    select *
    from disputes_at($end)
    where received_at >= $start
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($dispute_types) = 0 or list_contains($dispute_types, dispute_type))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($channels) = 0 or list_contains($channels, mediation_channel))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($risk_levels) = 0 or list_contains($risk_levels, risk_level))
        and (len($org_ids) = 0 or list_contains($org_ids, mediator_org_id))
),
