-- shared CTE of risk/scores_by_community and risk/stored_scores, included with
-- `-- @include risk/_periods`: the windows asked for, [period_start, period_end), numbered
-- 1… in the order given
periods as (
    select
        unnest(range(1, len($period_starts) + 1)) as period_no,
        unnest($period_starts)::timestamp as period_start,
        unnest($period_ends)::timestamp as period_end
),
