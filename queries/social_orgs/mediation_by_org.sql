-- disputes received in [$start, $end) and mediated by each filtered organization
-- (disputes.mediator_org_id), as of $end (staging: disputes_at): cases, closed, concluded,
-- successes, success rate (调解成功 / concluded, the 调解成功率 of the registry), 品牌调解室 cases
with
-- @include social_orgs/_selection

cases as (
    select d.mediator_org_id as org_id, d.is_closed, d.is_concluded, d.is_success,
        d.mediation_channel
    from disputes_at($end) as d
    where d.received_at >= $start
        and d.mediator_org_id in (select org_id from orgs)
),

per_org as (
    select
        org_id,
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_concluded) as concluded_count,
        count(*) filter (where is_success) as success_count,
        count(*) filter (where mediation_channel = '品牌调解室') as brand_count
    from cases
    group by org_id
),

final as (
    select
        p.org_id,
        o.org_name,
        o.category,
        c.community_name,
        p.dispute_count,
        p.closed_count,
        p.concluded_count,
        p.success_count,
        case when p.concluded_count > 0
            then p.success_count * 1.0 / p.concluded_count end as success_rate,
        p.brand_count
    from per_org as p
    join orgs as o using (org_id)
    left join communities as c on c.community_code = o.community_code
)

select * from final
order by dispute_count desc, org_id
