-- the filtered register, one row per organization (at most $limit)
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
