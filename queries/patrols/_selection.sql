-- shared CTE, included by the patrols queries with `-- @include patrols/_selection`
selection as (
    -- the page selection: tasks planned in the period, of the communities and task types
    -- (empty list = all), each with its state at the period's end (staging: patrols_at)
    select *
    from patrols_at($end)
    where planned_start_at >= $start
        -- @include patrols/_page_filters
),
