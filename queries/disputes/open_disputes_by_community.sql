-- open disputes today per community, and how many of them are past their deadline
with open_now as (
    -- disputes open today (已受理 / 调处中), whenever received, matching the page filters
    select *
    from disputes
    where status in ('已受理', '调处中')
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($dispute_types) = 0 or list_contains($dispute_types, dispute_type))
        and (len($sources) = 0 or list_contains($sources, source))
        and (len($channels) = 0 or list_contains($channels, mediation_channel))
        and (len($statuses) = 0 or list_contains($statuses, status))
        and (len($risk_levels) = 0 or list_contains($risk_levels, risk_level))
        and (len($org_ids) = 0 or list_contains($org_ids, mediator_org_id))
),
counts as (
    select
        community_code,
        count(*) as open_count,
        count(*) filter (where deadline_on < $today) as overdue_count
    from open_now
    group by community_code
),
final as (
    select
        c.community_code,
        c.community_name,
        coalesce(n.open_count, 0) as open_count,
        coalesce(n.overdue_count, 0) as overdue_count
    from communities c
    left join counts n using (community_code)
    where len($communities) = 0 or list_contains($communities, c.community_code)
)
select * from final order by open_count desc, community_code
