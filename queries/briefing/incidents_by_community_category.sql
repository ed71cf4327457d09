-- incidents per community and category in the period, the comparison period (环比) and a year
-- earlier (同比): the briefing picks the largest increases from it (pairs with no incident in
-- any window are left out)
with
-- @include briefing/_incidents_in_windows
counts as (
    select
        community_code,
        category,
        -- @include briefing/_incident_window_counts
    from incidents_in_windows
    where community_code is not null
    group by community_code, category
),

final as (
    select
        n.community_code,
        c.community_name,
        n.category,
        n.incident_count,
        n.previous_count,
        n.year_ago_count
    from counts as n
    left join communities as c using (community_code)
    where n.incident_count + n.previous_count + n.year_ago_count > 0
)

select * from final
order by community_code, category
