-- disputes received in each window and mediated by each filtered organization
-- (disputes.mediator_org_id), several windows at once ($period_starts / $period_ends: this
-- period, 环比, 同比 in one query), each as of its own end (staging: disputes_at): cases,
-- closed, concluded, successes, success rate (调解成功 / concluded, the 调解成功率 of the
-- registry), 品牌调解室 cases. A row per window (period_no) and organization with cases in it.
with
-- @include social_orgs/_selection
-- @include shared/_periods

cases as (
    select w.period_no, d.*
    from periods as w,
        lateral (
            select mediator_org_id as org_id, is_closed, is_concluded, is_success,
                mediation_channel
            from disputes_at(w.period_end)
            where received_at >= w.period_start
        ) as d
    where d.org_id in (select org_id from orgs)
),

per_org as (
    select
        period_no,
        org_id,
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_concluded) as concluded_count,
        count(*) filter (where is_success) as success_count,
        count(*) filter (where mediation_channel = '品牌调解室') as brand_count
    from cases
    group by period_no, org_id
),

final as (
    select
        p.period_no,
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
order by period_no, dispute_count desc, org_id
