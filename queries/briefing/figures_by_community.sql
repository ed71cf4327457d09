-- one row per community (of the selection) for the briefing's community table: incidents in
-- the period, the comparison period (环比) and a year earlier (同比), the rate per 1,000
-- residents, disputes received, and disputes open and past their deadline at the period's end
-- (staging: disputes_at($end) is_open / is_overdue, the registry's 期末在办 / 期末超期)
with
-- @include briefing/_incidents_in_windows
incident_counts as (
    select
        community_code,
        -- @include briefing/_incident_window_counts
    from incidents_in_windows
    group by community_code
),

dispute_counts as (
    select
        community_code,
        count(*) filter (where received_at >= $start and received_at < $end) as dispute_count,
        count(*) filter (where received_at >= $ya_start and received_at < $ya_end)
            as dispute_year_ago_count
    from disputes_at($end)
    where received_at >= least($start, $ya_start) and received_at < greatest($end, $ya_end)
    group by community_code
),

backlog as (
    select
        community_code,
        count(*) as open_dispute_count,
        count(*) filter (where is_overdue) as overdue_count
    from disputes_at($end)
    where is_open
    group by community_code
),

final as (
    select
        c.community_code,
        c.community_name,
        c.area_name,
        c.population,
        coalesce(i.incident_count, 0) as incident_count,
        coalesce(i.previous_count, 0) as previous_count,
        coalesce(i.year_ago_count, 0) as year_ago_count,
        per_1000(coalesce(i.incident_count, 0), c.population) as rate_per_1000,
        coalesce(d.dispute_count, 0) as dispute_count,
        coalesce(d.dispute_year_ago_count, 0) as dispute_year_ago_count,
        coalesce(b.open_dispute_count, 0) as open_dispute_count,
        coalesce(b.overdue_count, 0) as overdue_count
    from communities as c
    left join incident_counts as i using (community_code)
    left join dispute_counts as d using (community_code)
    left join backlog as b using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)

select * from final
order by area_name, community_code
