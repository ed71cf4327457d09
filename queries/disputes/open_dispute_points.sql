-- open disputes today as map points (the page asks only when they are few); overdue first
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
final as (
    select
        d.dispute_id,
        d.received_at,
        d.dispute_type,
        d.status,
        d.risk_level,
        d.deadline_on,
        d.deadline_on < $today as is_overdue,
        c.community_name,
        d.lon,
        d.lat
    from open_now d
    left join communities c using (community_code)
    where d.lon is not null and d.lat is not null
)
select * from final order by is_overdue desc, deadline_on limit $limit
