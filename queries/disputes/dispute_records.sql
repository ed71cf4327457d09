-- records of the disputes received in the period, newest first ($limit rows from $offset)
with selection as (
    -- disputes received in the period, in the chosen communities, matching the page filters
    -- (an empty list means all)
    select *
    from disputes
    where received_at >= $start and received_at < $end
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
        d.source,
        c.community_name,
        d.mediation_channel,
        o.org_name as mediator_org_name,
        d.status,
        d.deadline_on,
        d.closed_at,
        d.amount_yuan,
        d.parties_count,
        d.risk_level,
        d.party_names
    from selection d
    left join communities c using (community_code)
    left join social_orgs o on o.org_id = d.mediator_org_id
)
select * from final order by received_at desc, dispute_id limit $limit offset $offset
