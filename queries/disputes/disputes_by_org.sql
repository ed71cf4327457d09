-- mediator organizations (social_orgs) ranked by the disputes of the period they handled
with
-- @include disputes/_selection
counts as (
    select
        mediator_org_id,
        -- @include disputes/_group_measures
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
