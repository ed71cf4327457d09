-- shared CTE, included by the briefing's incident queries with
-- `-- @include briefing/_incidents_in_windows`: the incidents of the selected communities
-- reported in any of the three windows (the period, 环比 and 同比), as of the period's end
-- (staging: incidents_at)
incidents_in_windows as (
    select reported_at, community_code, coalesce(category, '其他') as category
    from incidents_at($end)
    where reported_at >= least($start, $prev_start, $ya_start)
      and reported_at < greatest($end, $prev_end, $ya_end)
      and (len($communities) = 0 or list_contains($communities, community_code))
),
