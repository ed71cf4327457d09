-- shared CTE, included by the disputes queries with `-- @include disputes/_open_selection`
open_now as (
    -- disputes still open at $end (now, on the page), whenever received, matching the page
    -- filters (staging: disputes_at; is_overdue = past its 化解时限 on $end's day)
    select *
    from disputes_at($end)
    where is_open
        -- @include disputes/_page_filters
),
