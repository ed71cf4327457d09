-- the organizations that appear as mediators in disputes (options of the page filter)
with used as (
    select mediator_org_id as org_id, count(*) as dispute_count
    from disputes
    where mediator_org_id is not null
    group by mediator_org_id
),
final as (
    select u.org_id, coalesce(o.org_name, u.org_id) as org_name, u.dispute_count
    from used u
    left join social_orgs o using (org_id)
)
select * from final order by org_name
