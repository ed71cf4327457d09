-- shared CTE, included by the disputes queries with `-- @include disputes/_selection`
selection as (
    -- disputes received in the period, in the chosen communities, matching the page filters
    -- (an empty list means all), each with its state at the period's end (staging: disputes_at)
    select *
    from disputes_at($end)
    where received_at >= $start
        -- @include disputes/_page_filters
),
