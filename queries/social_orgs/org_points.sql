-- located organizations for the map (at most $limit; listed ones first so they always show)
with
-- @include social_orgs/_selection

final as (
    select org_id, org_name, legal_form, category, rating, credit_status, lon, lat
    from orgs
    where lon is not null and lat is not null
)

select * from final
order by credit_status = '正常', org_id
limit $limit
