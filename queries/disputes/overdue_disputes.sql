-- open disputes past their deadline (化解时限) at $end, oldest deadline first
with
-- @include disputes/_open_selection
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
        date_diff('day', d.deadline_on, cast($end as date)) as days_overdue,
        d.party_names,
        count(*) over () as overdue_total
    from open_now d
    left join communities c using (community_code)
    left join social_orgs o on o.org_id = d.mediator_org_id
    where d.is_overdue
)
select * from final order by deadline_on, received_at, dispute_id limit $limit
