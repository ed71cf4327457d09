-- shared CTE of the queries that figure several windows at once (this period, 环比, 同比 in one
-- query), included with `-- @include shared/_periods`: the windows asked for,
-- [period_start, period_end), numbered 1… in the order given ($period_starts, $period_ends)
periods as (
    select
        unnest(range(1, len($period_starts) + 1)) as period_no,
        unnest($period_starts)::timestamp as period_start,
        unnest($period_ends)::timestamp as period_end
),
