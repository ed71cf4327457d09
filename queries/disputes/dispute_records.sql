-- records of the disputes received in the period, newest first ($limit rows from $offset)
with
-- @include disputes/_selection
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
