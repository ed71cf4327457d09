-- disputes received in [$start, $end) and mediated by each filtered organization
-- (disputes.mediator_org_id): cases, closed, successes, success rate (调解成功 / closed, as on
-- the 矛盾纠纷 page), 品牌调解室 cases
with orgs as (
    select *
    from social_orgs
    where (len($statuses) = 0 or list_contains($statuses, status))
        and (len($communities) = 0 or list_contains($communities, community_code))
        and (len($legal_forms) = 0 or list_contains($legal_forms, legal_form))
        and (len($categories) = 0 or list_contains($categories, category))
        and (len($ratings) = 0 or list_contains($ratings, coalesce(rating, '未评估')))
        and (len($credit_statuses) = 0 or list_contains($credit_statuses, credit_status))
        and (len($party_flags) = 0 or list_contains($party_flags, coalesce(is_party_alliance, false)))
        and (registered_on is null or year(registered_on) between $min_year and $max_year)
),

cases as (
    select d.mediator_org_id as org_id, d.status, d.mediation_channel
    from disputes as d
    where d.received_at >= $start and d.received_at < $end
        and d.mediator_org_id in (select org_id from orgs)
),

per_org as (
    select
        org_id,
        count(*) as dispute_count,
        count(*) filter (where status in ('调解成功', '调解不成功', '已转诉讼', '已撤回')) as closed_count,
        count(*) filter (where status = '调解成功') as success_count,
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
        p.success_count,
        case when p.closed_count > 0
            then p.success_count * 1.0 / p.closed_count end as success_rate,
        p.brand_count
    from per_org as p
    join orgs as o using (org_id)
    left join communities as c on c.community_code = o.community_code
)

select * from final
order by dispute_count desc, org_id
