-- shared CTE, included by the incidents queries with `-- @include incidents/_selection`
selection as (
    -- the page selection: period, communities and the page filters (empty list = all), each
    -- incident with its state at the period's end (staging: incidents_at)
    select *
    from incidents_at($end)
    where reported_at >= $start
        -- @include incidents/_page_filters
),
