-- the filtered register, one row per organization (at most $limit)
with
-- @include social_orgs/_selection

final as (
    select
        o.org_id,
        o.org_name,
        o.legal_form,
        o.category,
        o.registered_on,
        o.rating,
        o.credit_status,
        o.credit_listed_on,
        o.staff_count,
        o.volunteer_count,
        o.is_party_alliance,
        o.status,
        c.community_name,
        o.address as org_address
    from orgs as o
    left join communities as c using (community_code)
)

select * from final
order by registered_on desc nulls last, org_id
limit $limit
