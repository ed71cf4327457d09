-- the filtered register by legal form and category: organizations, 3A+, staff, volunteers
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
        coalesce(legal_form, '未填报') as legal_form,
        coalesce(category, '未填报') as category,
        count(*) as org_count,
        count(*) filter (where rating in ('5A', '4A', '3A')) as rated_3a_count,
        cast(coalesce(sum(staff_count), 0) as bigint) as staff_total,
        cast(coalesce(sum(volunteer_count), 0) as bigint) as volunteer_total
    from orgs
    group by all
)

select * from final
order by legal_form, org_count desc
