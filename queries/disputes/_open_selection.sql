-- shared CTE, included by the disputes queries with `-- @include disputes/_open_selection`
open_now as (
    -- disputes still open at $end (now, on the page), whenever received, matching the page
    -- filters (staging: disputes_at; is_overdue = past its 化解时限 on $end's day)
    select *
    from disputes_at($end)
    where is_open
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($dispute_types) = 0 or list_contains($dispute_types, dispute_type))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($channels) = 0 or list_contains($channels, mediation_channel))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($risk_levels) = 0 or list_contains($risk_levels, risk_level))
        and (len($org_ids) = 0 or list_contains($org_ids, mediator_org_id))
),
