-- open disputes past their deadline (化解时限) on $today, oldest deadline first
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
        c.community_name,
        d.mediation_channel,
        o.org_name as mediator_org_name,
        d.status,
        d.risk_level,
        d.deadline_on,
        date_diff('day', d.deadline_on, $today) as days_overdue,
        d.party_names,
        count(*) over () as overdue_total
    from open_now d
    left join communities c using (community_code)
    left join social_orgs o on o.org_id = d.mediator_org_id
    where d.deadline_on < $today
)
select * from final order by deadline_on, received_at, dispute_id limit $limit
