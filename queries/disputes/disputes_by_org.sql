-- mediator organizations (social_orgs) ranked by the disputes of the period they handled
with
-- @include disputes/_selection
counts as (
    select
        mediator_org_id,
        count(*) as dispute_count,
        count(*) filter (where is_closed) as closed_count,
        count(*) filter (where is_success) as success_count,
        count(*) filter (where is_success) / nullif(count(*) filter (where is_concluded), 0)
            as success_rate,
        median(close_days) as median_close_days,
        sum(amount_yuan) as amount_total
    from selection
    where mediator_org_id is not null
    group by mediator_org_id
),
final as (
    select
        c.mediator_org_id as org_id,
        coalesce(o.org_name, c.mediator_org_id) as org_name,
        c.* exclude (mediator_org_id)
    from counts c
    left join social_orgs o on o.org_id = c.mediator_org_id
)
select * from final order by dispute_count desc, success_rate desc nulls last, org_id
